"""Deadlines: working days skip weekends and holidays and count 调休 Saturdays;
hours are clock hours; all in the city's time zone. Routing picks the most specific rule."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from wangge.cases import routing
from wangge.cases.deadlines import add_working_days, due, is_working_day
from wangge.cases.models import Category, Holiday, RoutingRule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def national_day_2026(db):
    """国庆 2026: 10-01…10-07 off; Saturday 10-10 worked in exchange (调休)."""
    for day in range(1, 8):
        Holiday.objects.create(date=datetime.date(2026, 10, day), name="国庆节")
    Holiday.objects.create(date=datetime.date(2026, 10, 10), name="国庆调休", is_workday=True)


def test_three_working_days_from_a_friday_end_on_wednesday_night(db):
    assert due(at(2026, 11, 27, 15, 0), working_days=3) == at(2026, 12, 2, 23, 59, 59)


def test_the_starting_day_does_not_count_and_zero_days_is_the_same_day(db):
    assert due(at(2026, 11, 23, 9, 0), working_days=1) == at(2026, 11, 24, 23, 59, 59)
    assert due(at(2026, 11, 28, 9, 0), working_days=0) == at(2026, 11, 28, 23, 59, 59)


def test_a_weekend_report_counts_from_monday(db):
    assert due(at(2026, 11, 28, 10, 0), working_days=1) == at(2026, 11, 30, 23, 59, 59)


def test_holidays_are_skipped_and_the_exchange_saturday_counts(national_day_2026):
    # Reported the day before the holiday: Thu 10-08, Fri 10-09, Sat 10-10 (调休).
    assert due(at(2026, 9, 30, 9, 0), working_days=3) == at(2026, 10, 10, 23, 59, 59)
    assert not is_working_day(datetime.date(2026, 10, 5))
    assert is_working_day(datetime.date(2026, 10, 10))
    assert not is_working_day(datetime.date(2026, 10, 11))


def test_without_the_exchange_day_the_deadline_moves_to_monday(national_day_2026):
    Holiday.objects.filter(is_workday=True).delete()
    assert add_working_days(datetime.date(2026, 9, 30), 3) == datetime.date(2026, 10, 12)


def test_thirteen_working_days_across_national_day(national_day_2026):
    # 9-28…9-30 (3), 10-08, 10-09, 10-10 (6), 10-12…10-16 (11), 10-19, 10-20 (13)
    assert add_working_days(datetime.date(2026, 9, 25), 13) == datetime.date(2026, 10, 20)


def test_hours_are_clock_hours_even_over_a_holiday(national_day_2026):
    assert due(at(2026, 10, 1, 20, 0), hours=8) == at(2026, 10, 2, 4, 0)


def test_the_local_date_decides_not_utc(db):
    # 20:00 UTC on Friday is 04:00 on Saturday in Shanghai: one working day ends Monday.
    start = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.timezone.utc)
    assert due(start, working_days=1) == at(2026, 11, 30, 23, 59, 59)


# --- routing -----------------------------------------------------------------------
@pytest.mark.parametrize(("category", "start_level", "working_days", "hours"), [
    ("fire_hazard", "grid", None, 8),  # 公共安全: the same day
    ("public_safety", "grid", None, 8),
    ("unit_door", "grid", 3, None),  # small repairs
    ("corridor_light", "grid", 3, None),
    ("road_damage", "community", 13, None),  # engineering starts at the community
    ("infrastructure", "community", 13, None),
    ("neighbour_dispute", "grid", 5, None),
    ("other", "grid", 5, None),  # the fallback
])
def test_seeded_routing_defaults(db, category, start_level, working_days, hours):
    route = routing.route(Category.objects.get(code=category), "grid")
    assert (route.start_level, route.working_days, route.hours) == (start_level, working_days, hours)


def test_the_most_specific_rule_wins(db):
    infrastructure = Category.objects.get(code="infrastructure")
    heating = Category.objects.get(code="heating")
    RoutingRule.objects.create(category=infrastructure, level="street", working_days=20)
    RoutingRule.objects.create(category=heating, working_days=1)
    assert routing.route(Category.objects.get(code="road_damage"), "street").working_days == 20
    assert routing.route(Category.objects.get(code="road_damage"), "community").working_days == 13
    # The sub-class's own rule beats its top class at any level; the start level is inherited.
    assert routing.route(heating, "street") == routing.Route("community", 1, None, "专业维修单位")


def test_a_rule_for_all_categories_replaces_the_fallback(db):
    RoutingRule.objects.create(category=None, level="", working_days=7)
    assert routing.route(Category.objects.get(code="other"), "grid").working_days == 7
    assert routing.route(Category.objects.get(code="unit_door"), "grid").working_days == 3


def test_only_the_city_administrator_changes_rules_and_holidays(city):
    from django.core.exceptions import PermissionDenied, ValidationError

    from wangge.cases.services import set_holiday, set_routing_rule

    with pytest.raises(PermissionDenied):
        set_routing_rule(actor=city.street_staff, category="other", working_days=2)
    rule = set_routing_rule(actor=city.city_admin, category="other", working_days=2)
    assert routing.route(rule.category, "grid").working_days == 2
    with pytest.raises(ValidationError):
        set_routing_rule(actor=city.city_admin, category="other", working_days=2, hours=4)
    set_routing_rule(actor=city.city_admin, working_days=7)  # all categories, any level
    set_routing_rule(actor=city.city_admin, working_days=6)  # replaces it
    assert routing.route(Category.objects.get(code="livelihood"), "grid").working_days == 6
    assert RoutingRule.objects.filter(category=None).count() == 1
    with pytest.raises(PermissionDenied):
        set_holiday(actor=city.community_head, date=datetime.date(2026, 10, 1))
    set_holiday(actor=city.city_admin, date=datetime.date(2026, 10, 10), name="国庆调休", is_workday=True)
    assert is_working_day(datetime.date(2026, 10, 10))
