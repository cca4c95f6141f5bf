"""Care visits: when each key population is due, per the seeded policies."""
import datetime

import pytest

from wangge.accounts.scope import Scope
from wangge.testing import household, resident
from wangge.visits import care, selectors
from wangge.visits.models import CarePolicy

from .conftest import at

D = datetime.date
WEEKLY = care.Rule(tag="living_alone", interval_days=7)
MONTHLY = care.Rule(tag="disabled", interval_days=30)
PARTY = care.Rule(tag="old_party_member", interval_days=30, fixed_dates=("07-01", "spring_festival"), lead_days=14)
LONG_AGO = D(2020, 1, 1)


def due(rule, *, last, today, registered=LONG_AGO):
    return care.next_due([rule], last=last, registered=registered, today=today)


# --- arithmetic --------------------------------------------------------------------------
def test_weekly_is_due_seven_days_after_the_last_visit_and_overdue_the_day_after():
    assert due(WEEKLY, last=D(2026, 6, 1), today=D(2026, 6, 7)).date == D(2026, 6, 8)
    on_the_day = due(WEEKLY, last=D(2026, 6, 1), today=D(2026, 6, 8))
    assert (on_the_day.date, on_the_day.overdue) == (D(2026, 6, 8), False)
    assert due(WEEKLY, last=D(2026, 6, 1), today=D(2026, 6, 9)).overdue


def test_monthly_is_due_thirty_days_after_the_last_visit():
    result = due(MONTHLY, last=D(2026, 5, 1), today=D(2026, 5, 20))
    assert (result.date, result.reason, result.overdue) == (D(2026, 5, 31), care.INTERVAL, False)


def test_never_visited_is_due_from_the_day_of_registration():
    result = due(WEEKLY, last=None, today=D(2026, 6, 1), registered=D(2026, 5, 1))
    assert (result.date, result.overdue) == (D(2026, 5, 1), True)
    assert not due(WEEKLY, last=None, today=D(2026, 6, 1), registered=D(2026, 6, 1)).overdue


def test_qiyi_falls_due_once_its_window_opens_unless_visited_since():
    # The window of 七一 opens 14 days before (17 June); a visit on 10 June does not count for it.
    result = due(PARTY, last=D(2026, 6, 10), today=D(2026, 6, 20))
    assert (result.date, result.reason, result.reason_label, result.overdue) == (D(2026, 7, 1), "07-01", "七一", False)
    # Before the window opens only the monthly interval counts.
    assert due(PARTY, last=D(2026, 6, 5), today=D(2026, 6, 10)).date == D(2026, 7, 5)


def test_a_visit_inside_the_window_meets_qiyi():
    result = due(PARTY, last=D(2026, 6, 20), today=D(2026, 7, 3))
    assert (result.date, result.reason) == (D(2026, 7, 20), care.INTERVAL)


def test_missed_qiyi_is_overdue_from_2_july():
    result = due(PARTY, last=D(2026, 6, 10), today=D(2026, 7, 2))
    assert (result.date, result.reason, result.overdue) == (D(2026, 7, 1), "07-01", True)


def test_spring_festival_follows_the_lunar_table():
    assert care.occasion_on("spring_festival", 2027) == D(2027, 2, 6)
    # 2027's Spring Festival is 6 February; its window opens 23 January.
    result = due(PARTY, last=D(2027, 1, 10), today=D(2027, 1, 25))
    assert (result.date, result.reason, result.reason_label) == (D(2027, 2, 6), "spring_festival", "春节")
    assert due(PARTY, last=D(2027, 1, 24), today=D(2027, 1, 25)).reason == care.INTERVAL


def test_a_year_outside_the_table_has_no_spring_festival():
    assert care.occasion_on("spring_festival", 2031) is None
    assert care.occasion_on("02-29", 2027) is None and care.occasion_on("02-29", 2028) == D(2028, 2, 29)


def test_occasions_before_registration_are_not_owed():
    fixed_only = care.Rule(tag="old_party_member", interval_days=None, fixed_dates=("07-01",))
    assert due(fixed_only, last=None, today=D(2026, 3, 1), registered=D(2026, 2, 1)) is None
    assert due(fixed_only, last=None, today=D(2026, 3, 1), registered=D(2025, 2, 1)).date == D(2025, 7, 1)


def test_several_tags_take_the_earliest_date():
    result = care.next_due([PARTY, WEEKLY], last=D(2026, 5, 1), registered=LONG_AGO, today=D(2026, 5, 3))
    assert (result.date, result.tag) == (D(2026, 5, 8), "living_alone")


def test_occasion_specs_are_checked():
    assert care.is_valid_occasion("07-01") and care.is_valid_occasion("spring_festival")
    assert not care.is_valid_occasion("7-1") and not care.is_valid_occasion("13-01")


# --- the seeded policies -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_seeded_policies_follow_published_practice():
    policies = {p.tag.code: (p.interval_days, p.fixed_dates) for p in CarePolicy.objects.select_related("tag")}
    assert policies == {
        "living_alone": (7, []), "elderly_80": (7, []), "empty_nest": (30, []), "disabled": (30, []),
        "low_income": (30, []), "severe_mental_illness": (30, []), "left_behind_child": (30, []),
        "old_party_member": (30, ["07-01", "spring_festival"]),
    }


@pytest.mark.django_db
def test_care_due_lists_residents_by_due_date_with_their_governing_tag(city, make_visit, tag_resident):
    today = D(2026, 6, 20)
    alone = tag_resident(city.resident, "living_alone", registered=D(2026, 1, 1))
    make_visit(city.household, by=city.grid_worker, when=at(D(2026, 6, 10)))
    party = tag_resident(
        resident("赵德明", household(city.grid, "302"), birth=D(1950, 3, 1), gender="M"), "old_party_member",
        registered=D(2026, 1, 1),
    )
    make_visit(party.household, by=city.grid_worker, when=at(D(2026, 6, 12)))
    # 80 and over is derived from the birth date: weekly, with no tag stored; never visited.
    tag_resident(resident("钱老太", household(city.grid, "401"), birth=D(1940, 1, 1)), registered=D(2026, 6, 15))
    # Veterans have no policy and are not listed.
    tag_resident(resident("孙军", household(city.grid, "402"), gender="M"), "veteran", registered=D(2026, 1, 1))

    rows = selectors.care_due(Scope.of(city.grid.code), today=today, within=30)
    assert [(r.resident.name, r.due.tag, r.due.date, r.due.overdue) for r in rows] == [
        ("钱老太", "elderly_80", D(2026, 6, 15), True),
        ("刘伊蕊", "living_alone", D(2026, 6, 17), True),
        ("赵德明", "old_party_member", D(2026, 7, 1), False),
    ]
    assert rows[1].resident.pk == alone.pk and rows[2].resident.pk == party.pk
    assert [r.resident.name for r in selectors.care_due(Scope.of(city.grid.code), today=today)] == ["钱老太", "刘伊蕊"]
    assert [r.resident.name for r in selectors.care_due(Scope.of(city.grid.code), today=D(2026, 6, 16),
                                                        overdue_only=True)] == ["钱老太"]


@pytest.mark.django_db
def test_care_due_is_limited_to_the_scope(city, tag_resident):
    tag_resident(city.other_resident, "living_alone", registered=D(2026, 1, 1))
    assert selectors.care_due(Scope.of(city.grid.code), today=D(2026, 6, 1)) == []
    assert len(selectors.care_due(Scope.of(city.other_grid.code), today=D(2026, 6, 1))) == 1
