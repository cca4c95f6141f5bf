"""What one report costs, and the configuration each process keeps to make it cheap.

A report over ``POST /api/v1/cases`` runs a fixed, short list of statements
(pinned below). Categories, routing rules and holidays are kept per process
(wangge.cases.config) and must never go stale: a change made behind the
process's back — a bulk update, a raw SQL statement, another process — is seen
by the very next report, and a change that was rolled back leaves nothing behind.
"""
import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.accounts.models import ApiToken
from wangge.cases import api, config, deadlines, services
from wangge.cases.models import Case, Category, Holiday, RoutingRule
from wangge.cases.tests.test_cases_api import errors, report


@pytest.fixture
def gw(city, api_client):
    return api_client().login("gw")


@pytest.fixture
def head(city, api_client):
    return api_client().login("head")


def statements(queries) -> list[str]:
    """The SQL statements run, without the savepoints that wrap a transaction inside the test's own."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


# One report, in order: the token with its user; the configuration's fingerprint; the
# user's posts (scope and actor alike); the grid in scope; the partners the user acts for;
# the year's counter (PostgreSQL: one UPDATE … RETURNING; elsewhere UPDATE then SELECT);
# the tracking code's check; the case; its event; the office's staff; their notifications.
# A case that starts above the grid also reads its office.
REPORT_STATEMENTS = 11 if connection.vendor == "postgresql" else 12


def test_one_report_runs_a_pinned_short_list_of_statements(city, gw, head):
    report(head)  # the process reads the configuration once
    with CaptureQueriesContext(connection) as queries:  # the community head reports in gw's grid: gw is told
        response = report(head, category="garbage")
    assert response.status_code == 201, response.content
    assert len(statements(queries)) == REPORT_STATEMENTS, "\n".join(statements(queries))
    with CaptureQueriesContext(connection) as queries:  # gw reports an engineering case: the head is told
        assert report(gw, category="road_damage").json()["owner"]["office"] == "220184001001"
    assert len(statements(queries)) == REPORT_STATEMENTS + 1, "\n".join(statements(queries))  # + the office


def test_the_answer_to_a_report_is_what_reading_the_case_gives(city, gw):
    """The answer is built from the case and event just written, not read back: it must be the same."""
    answer = report(gw, point={"lat": 43.5, "lng": 124.8}, urgency="urgent", reporter_phone="13812345678",
                    household=city.household.id).json()
    read = gw.get(f"/api/v1/cases/{answer['number']}").json()
    # The same instant; the answer writes the deadline in the city's offset (+08:00), as it always has.
    assert datetime.datetime.fromisoformat(answer.pop("deadline")) == datetime.datetime.fromisoformat(
        read.pop("deadline"))
    assert answer == read


def test_photos_of_a_report_are_in_its_answer_as_written(city):
    from wangge.testing import png

    case = services.report_case(actor=city.grid_worker, photos=[png(), png("b.png")], data={
        "title": "井盖缺失", "description": "路口井盖丢了", "category": "manhole_cover", "source": "patrol",
        "area": city.grid.code,
    })
    fresh = Case.objects.get(pk=case.pk)
    assert len(case.history) == 1 and len(case.history[0][1]) == 2
    assert api.case_detail_json(case, city.grid_worker, case.history) == api.case_detail_json(fresh, city.grid_worker)


def test_a_category_retired_behind_the_process_back_is_refused_at_once(city, gw):
    assert report(gw, category="garbage").status_code == 201
    with connection.cursor() as cursor:  # as another process would: no signal, no Python hook
        cursor.execute("UPDATE cases_category SET is_active = %s WHERE code = %s", [False, "garbage"])
    assert "category" in errors(report(gw, category="garbage"))


def test_a_renamed_category_is_named_so_in_the_next_answer(city, gw):
    report(gw, category="garbage")
    Category.objects.filter(code="garbage").update(name="垃圾清运")
    assert report(gw, category="garbage").json()["category_name"] == "环境卫生/垃圾清运"


def test_a_changed_routing_rule_sets_the_next_reports_level_and_deadline(city, gw):
    assert report(gw, category="garbage").json()["level"] == "grid"
    environment = Category.objects.get(code="environment")
    RoutingRule.objects.bulk_create([RoutingRule(category=environment, start_level="street", hours=2)])
    body = report(gw, category="garbage").json()
    assert (body["level"], body["owner"]["office"]) == ("street", "220184001")
    deadline = datetime.datetime.fromisoformat(body["deadline"])
    reported = datetime.datetime.fromisoformat(body["reported_at"])
    assert datetime.timedelta(hours=2) - datetime.timedelta(seconds=1) <= deadline - reported <= datetime.timedelta(
        hours=2)


def test_a_holiday_entered_in_bulk_moves_the_next_deadline(city, gw):
    """The 5 working days of 'other' skip a holiday that appears between two reports."""
    first = report(gw, category="other").json()
    due = datetime.date.fromisoformat(first["deadline"][:10])
    Holiday.objects.bulk_create([Holiday(date=due, name="临时假日")])
    second = report(gw, category="other").json()
    assert datetime.date.fromisoformat(second["deadline"][:10]) > due
    today = timezone.localdate()
    assert datetime.date.fromisoformat(second["deadline"][:10]) == deadlines.add_working_days(today, 5)


def test_a_change_rolled_back_leaves_nothing_stale(city, gw):
    with transaction.atomic():
        Category.objects.filter(code="garbage").update(is_active=False)
        assert config.current().category("garbage") is None  # the process read the uncommitted change
        transaction.set_rollback(True)
    assert config.current().category("garbage") is not None
    assert report(gw, category="garbage").status_code == 201


def test_the_reading_is_kept_while_the_tables_are_unchanged(city):
    reading = config.current()
    assert config.current() is reading
    Holiday.objects.create(date=datetime.date(2031, 10, 1), name="国庆节")
    changed = config.current()
    assert changed is not reading and changed.holidays[datetime.date(2031, 10, 1)] is False


def test_deadlines_from_the_kept_holidays_match_those_read_from_the_table(city):
    Holiday.objects.bulk_create([Holiday(date=datetime.date(2030, 10, d), name="国庆节") for d in range(1, 8)]
                                + [Holiday(date=datetime.date(2030, 9, 29), name="调休", is_workday=True)])
    holidays = config.current().holidays
    start = datetime.datetime(2030, 9, 27, 15, tzinfo=timezone.get_default_timezone())
    for n in (0, 1, 3, 5, 13):
        assert deadlines.due(start, working_days=n, holidays=holidays) == deadlines.due(start, working_days=n)


def test_an_expired_token_or_an_inactive_user_reports_nothing(city, gw):
    token = ApiToken.objects.get(user=city.grid_worker)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert report(gw).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert report(gw).status_code == 201
    city.grid_worker.is_active = False
    city.grid_worker.save()
    assert report(gw).status_code == 401
    assert Case.objects.count() == 1
