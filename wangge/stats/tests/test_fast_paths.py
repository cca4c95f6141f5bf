"""The figures read at city scale give exactly what the plain reading of their definitions gives.

figures.compute reads a city's figures the fast way: the case counts only over the cases that
can count (a timestamp in the period, or overdue now), the care-visit figures from plain values
instead of model instances. Each test here computes the same figures the slow, obvious way (the
way figures.py read them before) and requires every number to be equal: on a generated city
with care visits added, for the city, a street, a community and a grid, over periods that end
before today, run up to today, cross today and lie in the future; and again after cases
changed.
"""
import datetime
import random
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.areas.selectors import households_for
from wangge.cases.models import Case, Rating
from wangge.cases.states import Status
from wangge.people.models import Resident, Tag
from wangge.people.selectors import residents_for, tag_reader
from wangge.scale import generator
from wangge.stats import figures, tallies
from wangge.stats.models import CareTally
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import PEOPLE_KINDS, CarePolicy, Visit

UNTIL = datetime.date(2026, 3, 18)
D = datetime.timedelta
NOW = timezone.make_aware(datetime.datetime.combine(UNTIL, datetime.time(15, 30)))
PERIODS = (
    (UNTIL - D(days=29), UNTIL),  # the default: 30 days up to today
    (UNTIL - D(days=364), UNTIL),  # a year
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),  # a past month
    (UNTIL - D(days=6), UNTIL + D(days=6)),  # crossing today
    (UNTIL, UNTIL),  # today alone
    (UNTIL + D(days=1), UNTIL + D(days=30)),  # the future
)


# --- the plain readings ------------------------------------------------------------------------
def plain_case_counts(scope, area, p):
    """The case counts over all the area's cases, without the restriction to those that can count."""
    return figures.area_cases(scope, area).aggregate(**{fn.__name__: fn(p) for fn in figures.CASE_COUNTS})


def fast_case_counts(scope, area, p):
    cases = figures.area_cases(scope, area).filter(figures.counted(p))
    return cases.aggregate(**{fn.__name__: fn(p) for fn in figures.CASE_COUNTS})


def plain_care(scope, area, p):
    """Care figures from model instances, tag_reader and the visits app's care list."""
    today = timezone.localdate(p.now)
    end = min(p.date_to, today - D(days=1))
    due = on_time = 0
    if end >= p.date_from:
        rules = visit_selectors.care_rules()
        residents = residents_for(scope).filter(area_code__startswith=area, household__isnull=False)
        residents = list(visit_selectors.key_residents(residents, end))
        begin, finish = visit_selectors.day_bounds(p.date_from - figures.CARE_LOOKBACK, end)
        visits = {}
        for household, moment in scope.filter(Visit).filter(
            area_code__startswith=area, household__isnull=False, kind__in=PEOPLE_KINDS,
            visited_at__gte=begin, visited_at__lt=finish,
        ).values_list("household_id", "visited_at"):
            visits.setdefault(household, []).append(visit_selectors.local_date(moment))
        tags_of = tag_reader(end)
        for resident in residents:
            applying = [rules[t.code] for t in tags_of(resident) if t.code in rules]
            for _day, done in figures.care_dues(applying, visits=sorted(visits.get(resident.household_id, [])),
                                                registered=visit_selectors.local_date(resident.created_at),
                                                start=p.date_from, end=end):
                due += 1
                on_time += done
    overdue = visit_selectors.care_due(scope, today=today, area=area, overdue_only=True)
    return {"care_visits_due": due, "care_visits_on_time": on_time,
            "care_on_time_rate": figures.ratio(on_time, due), "care_overdue_now": len(overdue)}


# --- a generated city with care visits ---------------------------------------------------------
def add_care_visits(seed: int) -> int:
    """Home visits, calls, chats and patrols at a third of the households over the last 14 months,
    some of them today (before and after NOW)."""
    rng = random.Random(seed)
    worker = User.objects.filter(username__startswith=generator.ACCOUNT_PREFIX).first()
    households = list(households_for(Scope.of(generator.CITY_CODE), area=generator.CITY_CODE)
                      .order_by("pk").select_related("building"))
    visits = []
    for household in rng.sample(households, len(households) // 3):
        for _i in range(rng.randint(1, 12)):
            moment = NOW - D(days=rng.randint(0, 420), hours=rng.randint(-8, 8))
            visits.append(Visit(client_id=uuid.UUID(int=rng.getrandbits(128)), household=household,
                                building=household.building, area_code=household.area_code, visited_at=moment,
                                kind=rng.choice([*PEOPLE_KINDS, "patrol"]), recorded_by=worker))
    Visit.objects.bulk_create(visits)
    return len(visits)


def register_in_the_past():
    """The generator registers everyone when it runs; spread the registrations over the 500 days
    before today, so that never-visited residents owe visits in the periods."""
    residents = list(Resident.objects.filter(area_code__startswith=generator.CITY_CODE).order_by("pk"))
    for resident in residents:
        resident.created_at = NOW - D(days=resident.pk % 500, hours=resident.pk % 24)
    Resident.objects.bulk_update(residents, ["created_at"], batch_size=500)


def add_boundaries():
    """Residents on the edges of the care rules: a weekly visit due yesterday (overdue by a day),
    one due today (not overdue yet), and a resident turning 80 today (高龄老人 from today, not
    yesterday: no care visit due in a period ending yesterday, overdue now)."""
    worker = User.objects.filter(username__startswith=generator.ACCOUNT_PREFIX).first()
    alone = Tag.objects.get(code="living_alone")
    residents = Resident.objects.filter(area_code__startswith=generator.CITY_CODE, household__isnull=False,
                                        birth_date__gt=datetime.date(1960, 1, 1)).order_by("pk")
    people = [r for r in residents[:200] if r.household.residents.count() == 1][:3]
    for resident, days_ago in zip(people[:2], (8, 7)):
        resident.tags.add(alone)
        Visit.objects.filter(household=resident.household).delete()
        Visit.objects.create(client_id=uuid.uuid4(), household=resident.household,
                             building=resident.household.building, area_code=resident.area_code,
                             visited_at=NOW - D(days=days_ago), kind="home", recorded_by=worker)
    eighty = people[2]
    eighty.tags.clear()
    Resident.objects.filter(pk=eighty.pk).update(birth_date=UNTIL.replace(year=UNTIL.year - 80))


@pytest.fixture(scope="module")
def tiny_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(residents=1200, years=1, seed=5, until=UNTIL)
        assert add_care_visits(5) > 100
        register_in_the_past()
        add_boundaries()
        yield
        transaction.set_rollback(True)


def areas():
    """The city, its first street, that street's first community and that community's first grid."""
    city = generator.CITY_CODE
    found = [city]
    for level in (Level.STREET, Level.COMMUNITY, Level.GRID):
        found.append(Area.objects.filter(level=level, code__startswith=found[-1]).order_by("code").first().code)
    return found


def assert_same_case_counts(scope, now):
    for area in areas():
        for start, end in PERIODS:
            p = figures.Period.of(start, end, now)
            assert fast_case_counts(scope, area, p) == plain_case_counts(scope, area, p), (area, start, end)


@pytest.mark.django_db
class TestAGeneratedCity:
    def test_the_case_counts_equal_the_plain_reading(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        assert Case.objects.filter(area_code__startswith=generator.CITY_CODE).count() > 300
        assert_same_case_counts(scope, NOW)

    def test_they_stay_equal_after_cases_change(self, tiny_city):
        """Cases closed, reopened, rated, escalated (new deadlines) and made overdue now: the
        restriction follows, because it reads the cases as they are."""
        scope = Scope.of(generator.CITY_CODE)
        rng = random.Random(9)
        cases = list(Case.objects.filter(area_code__startswith=generator.CITY_CODE).order_by("pk"))
        with transaction.atomic():
            for case in rng.sample(cases, 120):
                moment = NOW - D(hours=rng.randint(0, 24 * 60))
                change = rng.choice(["close", "reopen", "rate", "deadline", "overdue"])
                if change == "close":
                    case.status, case.closed_at = Status.CLOSED, max(moment, case.reported_at)
                elif change == "reopen":
                    case.status, case.closed_at, case.reopened_count = Status.IN_PROGRESS, None, 1
                elif change == "rate":
                    case.status, case.rating, case.rated_at = Status.RATED, rng.choice(Rating.values), moment
                    case.closed_at = case.closed_at or case.reported_at
                elif change == "deadline":
                    case.deadline = moment + D(days=rng.randint(-3, 3))
                else:
                    case.status, case.deadline = Status.DISPATCHED, NOW - D(minutes=rng.randint(1, 600))
                case.save()
            assert_same_case_counts(scope, NOW)
            transaction.set_rollback(True)

    def test_the_care_figures_equal_the_plain_reading(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        for area in areas():
            for start, end in PERIODS:
                p = figures.Period.of(start, end, NOW)
                assert figures.care_visit_figures(scope, area, p) == plain_care(scope, area, p), (area, start, end)

    def test_and_not_trivially(self, tiny_city):
        """The city has care visits due, done and missed, and key residents overdue now."""
        p = figures.Period.of(*PERIODS[1], NOW)
        found = figures.care_visit_figures(Scope.of(generator.CITY_CODE), generator.CITY_CODE, p)
        assert found["care_visits_due"] > found["care_visits_on_time"] > 0
        assert found["care_overdue_now"] > 0

    def test_compute_reads_the_same_figures(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        for area in areas()[::3]:
            p = figures.Period.of(*PERIODS[0], NOW)
            result = figures.compute(scope, area, *PERIODS[0], now=NOW)
            plain = plain_case_counts(scope, area, p)
            assert {k: result[k] for k in plain if k != "avg_handling_hours"} == {
                k: v for k, v in plain.items() if k != "avg_handling_hours"}
            assert result["avg_handling_hours"] == figures._hours(plain["avg_handling_hours"])
            assert {k: result[k] for k in plain_care(scope, area, p)} == plain_care(scope, area, p)


@pytest.mark.django_db
def test_on_the_hand_made_month_too(city, march, now):
    """The March cases of conftest (rejected, merged, reopened, rated, overdue) give the same counts."""
    scope = Scope.of(city.city.code)
    for area in (city.city.code, city.community.code, city.grid.code, city.other_community.code):
        for start, end in ((datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
                           (datetime.date(2026, 2, 1), datetime.date(2026, 4, 15))):
            p = figures.Period.of(start, end, now)
            assert fast_case_counts(scope, area, p) == plain_case_counts(scope, area, p)


# --- the care tallies (wangge/stats/tallies.py) --------------------------------------------------
def assert_care_equal(scope, periods):
    for area in areas():
        for start, end in periods:
            p = figures.Period.of(start, end, NOW)
            assert figures.care_visit_figures(scope, area, p) == plain_care(scope, area, p), (area, start, end)


def tallied_periods():
    return tallies.periods(UNTIL)


def a_visit(rng, household, moment, kind="home"):
    worker = User.objects.filter(username__startswith=generator.ACCOUNT_PREFIX).first()
    return Visit(client_id=uuid.UUID(int=rng.getrandbits(128)), household=household, building=household.building,
                 area_code=household.area_code, visited_at=moment, kind=kind, recorded_by=worker)


def key_households(rng, n, area=generator.CITY_CODE):
    residents = visit_selectors.key_residents(
        Resident.objects.filter(area_code__startswith=area, household__isnull=False), UNTIL)
    households = sorted({r.household for r in residents.select_related("household__building")}, key=lambda h: h.pk)
    return rng.sample(households, n)


def held(scope):
    """The places whose tallies of the default period hold for the city."""
    found = tallies.holding(scope, generator.CITY_CODE, figures.Period.of(*tallied_periods()[0], NOW))
    return set(found[0]) if found else set()


@pytest.mark.django_db
class TestTheCareTallies:
    """The nightly tallies, summed with the places read live, give exactly the live figures: right
    after the job, and after every kind of change made since, through the models (signals) or in
    bulk (no signals)."""

    def test_the_job_tallies_every_place(self, tiny_city):
        with transaction.atomic():
            written = tallies.refresh(NOW)
            assert written == CareTally.objects.filter(as_of=UNTIL).count() > 0
            assert CareTally.objects.filter(as_of=UNTIL, due__gt=0).exists()
            assert CareTally.objects.filter(as_of=UNTIL, overdue__gt=0).exists()
            transaction.set_rollback(True)

    def test_right_after_the_job(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        with transaction.atomic():
            tallies.refresh(NOW)
            p = figures.Period.of(*tallied_periods()[0], NOW)
            valid, others, today_visits, _last = tallies.holding(scope, generator.CITY_CODE, p)
            assert len(valid) > 3 and not others and not today_visits  # every place from its tally
            assert_care_equal(scope, tallied_periods() + list(PERIODS))
            transaction.set_rollback(True)

    def test_after_visits_of_today_in_bulk(self, tiny_city):
        """Visits of today recorded since the job change who is overdue now, nothing else: the
        tallies hold and care_overdue_now is corrected for those households."""
        scope = Scope.of(generator.CITY_CODE)
        rng = random.Random(21)
        with transaction.atomic():
            tallies.refresh(NOW)
            before = figures.care_visit_figures(scope, generator.CITY_CODE, figures.Period.of(*tallied_periods()[0], NOW))
            Visit.objects.bulk_create([a_visit(rng, h, NOW - D(hours=rng.randint(0, 8))) for h in key_households(rng, 40)])
            after = figures.care_visit_figures(scope, generator.CITY_CODE, figures.Period.of(*tallied_periods()[0], NOW))
            assert after["care_overdue_now"] < before["care_overdue_now"]
            found = tallies.holding(scope, generator.CITY_CODE, figures.Period.of(*tallied_periods()[0], NOW))
            assert found[0] and not found[1] and found[2]  # all tallies hold; overdue corrected for 40 households
            assert_care_equal(scope, tallied_periods())
            transaction.set_rollback(True)

    def test_after_late_visits_edits_and_deletions(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        rng = random.Random(22)
        with transaction.atomic():
            tallies.refresh(NOW)
            everywhere = held(scope)
            households = key_households(rng, 60, area=areas()[3])  # in one grid: the others' tallies hold
            # late entries, in bulk (no signals) and one by one
            Visit.objects.bulk_create([a_visit(rng, h, NOW - D(days=rng.randint(1, 60))) for h in households[:20]])
            for h in households[20:30]:
                a_visit(rng, h, NOW - D(days=rng.randint(1, 60))).save()
            assert_care_equal(scope, tallied_periods())
            assert set() < held(scope) < everywhere
            # edited: moved back in time, to another household, made a patrol; and deleted
            old = list(Visit.objects.filter(household__in=households[30:], kind__in=PEOPLE_KINDS).order_by("pk")[:30])
            for visit in old[:10]:
                visit.visited_at -= D(days=rng.randint(1, 40))
                visit.save()
            for visit, h in zip(old[10:15], households[:5]):
                visit.household, visit.building, visit.area_code = h, h.building, h.area_code
                visit.save()
            for visit in old[15:20]:
                visit.kind = "patrol"
                visit.household = None
                visit.save()
            Visit.objects.filter(pk__in=[v.pk for v in old[20:]]).delete()
            assert_care_equal(scope, tallied_periods())
            assert set() < held(scope) < everywhere
            transaction.set_rollback(True)

    def test_after_tags_residents_and_policies_change(self, tiny_city):
        scope = Scope.of(generator.CITY_CODE)
        rng = random.Random(23)
        with transaction.atomic():
            tallies.refresh(NOW)
            alone, nest = Tag.objects.get(code="living_alone"), Tag.objects.get(code="empty_nest")
            people = list(Resident.objects.filter(area_code__startswith=generator.CITY_CODE, household__isnull=False)
                          .order_by("pk"))
            for resident in rng.sample(people, 15):
                resident.tags.add(alone)
            for resident in rng.sample(people, 15):
                resident.tags.remove(*resident.tags.all())
            ResidentTag = Resident.tags.through
            ResidentTag.objects.bulk_create([ResidentTag(resident_id=r.pk, tag_id=nest.pk)
                                             for r in rng.sample(people, 15) if not r.tags.filter(pk=nest.pk).exists()])
            assert_care_equal(scope, tallied_periods())
            households = key_households(rng, 10)
            for resident, household in zip(rng.sample(people, 10), households):
                resident.household, resident.area_code = household, household.area_code
                resident.save()
            assert_care_equal(scope, tallied_periods())
            policy = CarePolicy.objects.get(tag=nest)
            policy.interval_days = 14
            policy.save()
            assert_care_equal(scope, tallied_periods())
            transaction.set_rollback(True)
