"""The figures of care visits, activities, volunteers and projects, on a hand-made June 2026
with the answers worked out by hand.

京华社区 (city.community): 刘伊蕊 (grid 1) lives alone (weekly care visits), 王建国 (grid 2) is a
veteran party member (monthly, plus 七一 and the Spring Festival). 东洼社区 (another street):
刘伊然 lives alone. All were registered on 1 January; "now" is 15 July.
"""
import datetime
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from wangge.accounts.scope import OutOfScope, Scope
from wangge.activities.models import Activity
from wangge.people.models import Resident, Tag
from wangge.stats import figures
from wangge.visits import care
from wangge.visits.models import Visit
from wangge.volunteers.models import ServiceRecord, Volunteer

pytestmark = pytest.mark.django_db

D = datetime.date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


NOW = at(D(2026, 7, 15), 12)


@pytest.fixture
def june(city):
    def tag(resident, code):
        resident.tags.add(Tag.objects.get(code=code))
        Resident.objects.filter(pk=resident.pk).update(created_at=at(D(2026, 1, 1)))

    def visit(household, day, kind="home"):
        Visit.objects.create(client_id=uuid.uuid4(), household=household, building=household.building,
                             area_code=household.area_code, visited_at=at(day), kind=kind,
                             recorded_by=city.grid_worker)

    tag(city.resident, "living_alone")
    tag(city.resident_b, "old_party_member")
    tag(city.other_resident, "living_alone")
    for day in (D(2026, 5, 29), D(2026, 6, 5), D(2026, 6, 14), D(2026, 6, 21)):
        visit(city.household, day)
    for day in (D(2026, 5, 20), D(2026, 6, 18)):
        visit(city.household_b, day, kind="phone")
    visit(city.other_household, D(2026, 6, 3))
    # a patrol at 刘伊蕊's building reaches no household: it meets no care visit
    Visit.objects.create(client_id=uuid.uuid4(), building=city.household.building, area_code=city.grid.code,
                         visited_at=at(D(2026, 6, 10)), kind="patrol", recorded_by=city.grid_worker)

    def activity(area, day, participants, title="义诊"):
        Activity.objects.create(title=title, kind="health_check", date=day, area=area, participants=participants)

    activity(city.community, D(2026, 6, 10), 30)
    activity(city.grid, D(2026, 6, 20), 12, title="暖心磨刀")
    activity(city.community, D(2026, 5, 30), 100)  # May
    activity(city.other_community, D(2026, 6, 5), 50)

    v1 = Volunteer.objects.create(name="张红", area=city.community)
    v2 = Volunteer.objects.create(name="李明", area=city.community)
    Volunteer.objects.create(name="赵退", area=city.community, is_active=False)
    v3 = Volunteer.objects.create(name="周东", area=city.other_community)

    def record(volunteer, day, hours, confirmed=True):
        ServiceRecord.objects.create(
            volunteer=volunteer, activity="代办", date=day, hours=Decimal(hours),
            confirmed_by=city.community_head if confirmed else None, confirmed_at=NOW if confirmed else None,
        )

    record(v1, D(2026, 6, 3), "2.5")
    record(v1, D(2026, 6, 10), "1.0", confirmed=False)  # a claim, not yet service
    record(v2, D(2026, 6, 12), "3.0")
    record(v1, D(2026, 5, 28), "4.0")  # May
    record(v3, D(2026, 6, 6), "5.0")


@pytest.fixture
def jinghua(city, june):
    return figures.compute(Scope.for_user(city.community_head), city.community.code, *JUNE, now=NOW)


# --- care visits -------------------------------------------------------------------------------
def test_care_visits_due_and_done_on_time(jinghua):
    # 刘伊蕊, weekly: due 6-5 (visited that day: on time), 6-12 (missed: late; visited 6-14),
    # 6-21 (on time), 6-28 (missed) → 4 due, 2 on time.
    # 王建国, monthly: last visited 5-20, due 6-19, called 6-18 (on time); 七一 falls in July → 1 due, 1 on time.
    assert (jinghua["care_visits_due"], jinghua["care_visits_on_time"]) == (5, 3)
    assert jinghua["care_on_time_rate"] == 0.6


def test_care_overdue_now_is_the_care_lists_overdue_count(jinghua):
    # on 7-15: 刘伊蕊 was due 6-28 (overdue); 王建国 was called 6-18, inside 七一's window (from 6-17),
    # so next due 7-18.
    assert jinghua["care_overdue_now"] == 1


def test_care_dues_visiting_more_often_than_required_makes_no_more_due_dates():
    weekly = [care.Rule(tag="living_alone", interval_days=7)]
    daily = [D(2026, 5, 31) + datetime.timedelta(days=n) for n in range(31)]
    dues = figures.care_dues(weekly, visits=daily, registered=D(2026, 1, 1), start=JUNE[0], end=JUNE[1])
    assert dues == [(D(2026, 6, 7), True), (D(2026, 6, 14), True), (D(2026, 6, 21), True), (D(2026, 6, 28), True)]


def test_care_dues_an_overdue_visit_from_before_the_period_is_not_due_in_it():
    weekly = [care.Rule(tag="living_alone", interval_days=7)]
    # last visited 5-1: overdue since 5-8; the visit of 6-10 settles it; next due 6-17, missed
    dues = figures.care_dues(weekly, visits=[D(2026, 5, 1), D(2026, 6, 10)], registered=D(2026, 1, 1),
                             start=JUNE[0], end=JUNE[1])
    assert dues == [(D(2026, 6, 17), False)]  # one missed date stays open until a visit comes


def test_care_dues_an_occasion_is_done_on_time_by_a_visit_in_its_window():
    qiyi = [care.Rule(tag="old_party_member", interval_days=None, fixed_dates=("07-01",))]
    july = (D(2026, 7, 1), D(2026, 7, 31))
    in_window = figures.care_dues(qiyi, visits=[D(2026, 6, 20)], registered=D(2026, 1, 1), start=july[0], end=july[1])
    assert in_window == [(D(2026, 7, 1), True)]
    too_early = figures.care_dues(qiyi, visits=[D(2026, 6, 10)], registered=D(2026, 1, 1), start=july[0], end=july[1])
    assert too_early == [(D(2026, 7, 1), False)]
    not_yet_registered = figures.care_dues(qiyi, visits=[], registered=D(2026, 7, 2), start=july[0], end=july[1])
    assert not_yet_registered == []


def test_care_visits_count_only_days_that_have_passed(city, june):
    # "now" is 6-21: only 6-5, 6-12 (刘伊蕊) and 6-19 (王建国) have come; today's due date is not late yet
    scope = Scope.for_user(city.community_head)
    f = figures.compute(scope, city.community.code, *JUNE, now=at(D(2026, 6, 21), 9))
    assert (f["care_visits_due"], f["care_visits_on_time"]) == (3, 2)


# --- services ----------------------------------------------------------------------------------
def test_people_served_by_activities(jinghua):
    # 6-10 义诊 (30) in the community and 6-20 磨刀 (12) in a grid of it; the May one and 东洼's are not
    assert (jinghua["activities"], jinghua["people_served"]) == (2, 42)


def test_volunteers_and_confirmed_hours(jinghua):
    assert jinghua["volunteers"] == 2  # 张红, 李明; 赵退 is no longer active
    assert jinghua["volunteers_serving"] == 2
    assert jinghua["volunteer_hours"] == 5.5  # 2.5 + 3.0; the unconfirmed hour and May's 4 do not count


@pytest.mark.skipif(apps.is_installed(figures.PROJECTS_APP), reason="the projects app is installed")
def test_projects_completed_is_not_measured_without_the_projects_app(jinghua):
    assert jinghua["projects_completed"] is None


@pytest.mark.skipif(not apps.is_installed(figures.PROJECTS_APP), reason="the projects app is not installed")
def test_projects_completed_in_the_period(city, june):
    from wangge.projects.models import Project, ProjectStatus

    def project(area, status, closed):
        Project.objects.create(title="屋顶维修", area=area, month="2026-06", status=status, created_at=at(D(2026, 6, 1)),
                               updated_at=at(D(2026, 6, 1)), closed_at=closed)

    project(city.community, ProjectStatus.COMPLETED, at(D(2026, 6, 25)))
    project(city.community, ProjectStatus.COMPLETED, at(D(2026, 7, 2)))  # July
    project(city.community, ProjectStatus.CANCELLED, at(D(2026, 6, 26)))
    project(city.community, ProjectStatus.IN_PROGRESS, None)
    project(city.other_community, ProjectStatus.COMPLETED, at(D(2026, 6, 20)))
    head = figures.compute(Scope.for_user(city.community_head), city.community.code, *JUNE, now=NOW)
    whole = figures.compute(Scope.for_user(city.city_admin), city.city.code, *JUNE, now=NOW)
    assert (head["projects_completed"], whole["projects_completed"]) == (1, 2)


# --- areas and scope ---------------------------------------------------------------------------
def test_the_city_adds_the_other_community(city, june, jinghua):
    whole = figures.compute(Scope.for_user(city.city_admin), city.city.code, *JUNE, now=NOW)
    # 刘伊然: due since January (never visited), settled by the visit of 6-3; next due 6-10, missed
    assert (whole["care_visits_due"], whole["care_visits_on_time"]) == (6, 3)
    assert whole["care_overdue_now"] == 2
    assert (whole["activities"], whole["people_served"]) == (3, 92)
    assert (whole["volunteers"], whole["volunteers_serving"], whole["volunteer_hours"]) == (3, 3, 10.5)


def test_an_area_includes_its_descendants(city, june):
    scope = Scope.for_user(city.city_admin)
    grid = figures.compute(scope, city.grid.code, *JUNE, now=NOW)
    grid_b = figures.compute(scope, city.grid_b.code, *JUNE, now=NOW)
    assert (grid["care_visits_due"], grid_b["care_visits_due"]) == (4, 1)
    assert (grid["activities"], grid["people_served"]) == (1, 12)  # the community's own activity is not the grid's
    assert grid["volunteers"] == 0  # volunteers register with a community


def test_a_community_head_never_counts_another_community(city, june, jinghua):
    head = Scope.for_user(city.community_head)
    with pytest.raises(OutOfScope):
        figures.compute(head, city.other_community.code, *JUNE, now=NOW)
    with pytest.raises(OutOfScope):
        figures.compute(head, city.city.code, *JUNE, now=NOW)
    # and the head's own numbers are those worked out above, without 东洼's
    assert (jinghua["care_visits_due"], jinghua["people_served"], jinghua["volunteer_hours"]) == (5, 42, 5.5)
    other = figures.compute(Scope.for_user(city.other_grid_worker), city.other_grid.code, *JUNE, now=NOW)
    assert (other["care_visits_due"], other["people_served"], other["volunteer_hours"]) == (1, 0, 0.0)


def test_the_new_keys_are_in_the_stats_endpoint(city, june, api_client):
    body = api_client().login("head").get("/api/v1/stats", area=city.community.code,
                                          **{"from": "2026-06-01", "to": "2026-06-30"}).json()
    for key in ("care_visits_due", "care_visits_on_time", "care_on_time_rate", "care_overdue_now", "activities",
                "people_served", "volunteers", "volunteers_serving", "volunteer_hours", "projects_completed",
                "visits_by_kind", "needs_surfaced", "solved_on_spot"):
        assert key in body, key
    assert body["people_served"] == 42 and body["volunteer_hours"] == 5.5
    assert body["visits_by_kind"] == {"home": 3, "phone": 1, "street_chat": 0, "patrol": 1}
