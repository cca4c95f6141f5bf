"""The demo visits: consistent with the demo's cases, and showing what the figures are for."""
import datetime
import random

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.areas.models import Area
from wangge.cases.models import Case
from wangge.demo.cases import COURSE_END, HISTORY_START
from wangge.visits import selectors
from wangge.visits.demo import load_demo_visits
from wangge.visits.models import Need, Visit, VisitPlan

pytestmark = pytest.mark.django_db

CITY = "220184"


@pytest.fixture(scope="module")
def today():
    return timezone.localdate()


@pytest.fixture
def demo(db, today):
    call_command("demo", scale=0.05, stdout=open("/dev/null", "w"))
    # Once the demo command loads the visits itself, they are not loaded twice.
    if not Visit.objects.exists():
        load_demo_visits(random.Random(20250701), today)


def test_every_case_found_on_a_visit_has_the_visit_it_came_from(demo):
    found = Case.objects.filter(source__in=("visit", "patrol"), reporter_user__isnull=False)
    needs = Need.objects.filter(case__in=found).select_related("visit", "case")
    assert needs.count() == found.count() > 0
    for need in needs:
        assert need.visit.visited_at < need.case.reported_at and need.visit.area_code == need.case.area_code
        assert need.visit.recorded_by == need.case.reporter_user and need.text == need.case.description


def test_visits_are_well_formed(demo, today):
    assert not Visit.objects.filter(visited_at__gt=timezone.now()).exists()
    assert not Visit.objects.exclude(household__isnull=True).exclude(area_code=F("household__area_code")).exists()
    assert not Visit.objects.exclude(visitors=F("recorded_by")).exists()
    assert VisitPlan.objects.count() == Area.objects.filter(level="community").count()
    assert VisitPlan.objects.get(community__name="东洼社区").weekdays == [3, 5]


def test_most_households_are_visited_several_times_and_a_few_are_blind_spots(demo, today):
    everything = Scope.of(CITY)
    year, = selectors.coverage(everything, CITY, HISTORY_START, today)
    assert year.rate > 0.8 and year.visits > 2 * year.households
    assert selectors.stale_households(everything, area=CITY, days=90, today=today).exists()


def test_more_needs_are_found_on_visits_after_the_course(demo):
    everything = Scope.of(CITY)
    month = datetime.timedelta(days=30)
    before, = selectors.coverage(everything, CITY, COURSE_END - month, COURSE_END - datetime.timedelta(days=1))
    after, = selectors.coverage(everything, CITY, COURSE_END, COURSE_END + month - datetime.timedelta(days=1))
    assert after.visits > before.visits and after.needs > before.needs


def test_some_care_visits_are_overdue_and_most_are_not(demo, today):
    rows = selectors.care_due(Scope.of(CITY), today=today)
    overdue = [row for row in rows if row.due.overdue]
    key = selectors.care_due(Scope.of(CITY), today=today, within=366)
    assert overdue and len(overdue) < len(key) / 2
