"""The synthetic city at a tiny size on the test database: its counts, its people, its cases, its visits,
and that the same arguments give the same city whatever the number of planner processes."""
import datetime
import hashlib
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Post
from wangge.accounts.roles import Role
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases.models import Case, CaseCounter, CaseEvent, Notification, Source
from wangge.cases.states import ACTIVE
from wangge.demo.test_cases import Replay, case_digest
from wangge.people.models import Resident
from wangge.people.validators import validate_id_number
from wangge.scale import generator
from wangge.scale import visits as city_visits
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import Kind, Need, Visit

UNTIL = datetime.date(2026, 3, 18)
NOW = timezone.make_aware(datetime.datetime.combine(UNTIL, datetime.time(10, 0)))


def generate(residents=2000, years=1, seed=1, jobs=None):
    return generator.generate(residents=residents, years=years, seed=seed, until=UNTIL, jobs=jobs)


@pytest.fixture(scope="class")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generate()
        yield counts
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestATinyCity:
    def test_counts_follow_the_demo_proportions(self, city):
        counts = generator.city_counts()
        assert 1800 <= counts["residents"] <= 2200
        assert counts == {k: city[k] for k in counts}
        grids = Area.objects.filter(code__startswith=generator.CITY_CODE, level=Level.GRID)
        per_grid = Counter(Household.objects.filter(area_code__startswith=generator.CITY_CODE)
                           .values_list("area_code", flat=True))
        assert set(per_grid) == set(grids.values_list("code", flat=True))
        assert 200 <= sum(per_grid.values()) / len(per_grid) <= 400
        assert 2.2 <= counts["residents"] / counts["households"] <= 2.7
        # A year of cases: about one for every three residents.
        assert 0.25 <= counts["cases"] / counts["residents"] <= 0.45
        assert counts["events"] >= 4 * counts["cases"]

    def test_every_grid_community_and_street_is_staffed(self, city):
        for area in Area.objects.filter(code__startswith=generator.CITY_CODE).exclude(level=Level.CITY):
            assert Post.objects.filter(area=area).exists(), area.code
        for post in Post.objects.filter(area_code__startswith=generator.CITY_CODE).select_related("area"):
            assert post.area_code == post.area.code
        assert not Post.objects.filter(area__code__startswith=generator.CITY_CODE).exclude(
            area_code__startswith=generator.CITY_CODE).exists()

    def test_residents_have_valid_unique_ids_and_tags(self, city):
        residents = Resident.objects.filter(area_code__startswith=generator.CITY_CODE)
        numbers = list(residents.values_list("id_number", flat=True))
        assert len(numbers) == len(set(numbers))
        for number in numbers:
            validate_id_number(number)
        tagged = residents.filter(tags__isnull=False).distinct().count()
        assert 0.05 * len(numbers) < tagged < 0.6 * len(numbers)
        assert not residents.filter(name_pinyin="").exists()

    def test_every_case_replays_through_the_state_table(self, city):
        replay = Replay(NOW)
        events: dict[int, list] = {}
        for event in CaseEvent.objects.filter(case__area_code__startswith=generator.CITY_CODE).order_by("case_id", "seq"):
            events.setdefault(event.case_id, []).append(event)
        cases = list(Case.objects.filter(area_code__startswith=generator.CITY_CODE)
                     .select_related("category", "owner_area"))
        for case in cases:
            replay.check(case, events[case.pk])
        assert all(e.created_at <= NOW for evs in events.values() for e in evs)
        statuses = Counter(c.status for c in cases)
        assert statuses["rated"] + statuses["closed"] > len(cases) / 2
        assert any(c.status in ACTIVE for c in cases), "the work lists have something in them"
        assert any(c.escalated_count for c in cases)


@pytest.mark.django_db
class TestItsVisits:
    """Sweeps, care visits and the visits cases came from, as the demo's (wangge.visits.demo)."""

    def test_about_one_visit_a_resident_a_year_in_the_demo_kinds(self, city):
        visits = Visit.objects.filter(area_code__startswith=generator.CITY_CODE)
        assert visits.count() == city["visits"]
        # A year of history: the recent months' care visits weigh more than over three years.
        assert 0.8 <= city["visits"] / city["residents"] <= 2.0
        kinds = Counter(visits.values_list("kind", flat=True))
        assert kinds[Kind.HOME] > kinds[Kind.STREET_CHAT] > 0
        assert kinds[Kind.PHONE] > 0
        # Patrols are the visits patrol-found cases outside a home came from, and only those.
        patrol_cases = Case.objects.filter(area_code__startswith=generator.CITY_CODE, source=Source.PATROL,
                                           household__isnull=True)
        assert kinds[Kind.PATROL] == patrol_cases.count() > 0
        needs = Need.objects.filter(visit__area_code__startswith=generator.CITY_CODE)
        solved = needs.filter(solved_on_spot=True).count()
        assert 0.03 * city["visits"] < solved < 0.15 * city["visits"]

    def test_every_visit_is_in_its_own_grid_by_its_worker_or_the_community_staff(self, city):
        posts = defaultdict(set)
        for user, role, code in Post.objects.values_list("user_id", "role", "area_code"):
            posts[user].add((role, code))
        visits = Visit.objects.filter(area_code__startswith=generator.CITY_CODE).select_related(
            "household", "building").prefetch_related("visitors")
        for visit in visits:
            grid = visit.area_code
            assert len(grid) == 15
            if visit.household_id:
                assert visit.household.area_code == grid
                assert visit.building_id == visit.household.building_id
            if visit.building_id:
                assert visit.building.area_code == grid
                assert visit.estate_id == visit.building.estate_id
            else:
                assert visit.place_name
            people = list(visit.visitors.all())
            assert visit.recorded_by in people
            for person in people:
                assert posts[person.pk] & {(Role.GRID_WORKER, grid), (Role.COMMUNITY_HEAD, grid[:12]),
                                           (Role.COMMUNITY_STAFF, grid[:12])}, (visit.pk, person.username)

    def test_care_visits_only_to_the_households_of_residents_with_a_care_policy(self, city):
        """A household gets at most two sweeps in the recent months: more visits there (not to find a case)
        are care visits, and every such household has a resident whose tag has a care policy."""
        since = NOW - datetime.timedelta(days=city_visits.CARE_DAYS)
        recent = Visit.objects.filter(area_code__startswith=generator.CITY_CODE, visited_at__gte=since,
                                      household__isnull=False, needs__case__isnull=True)
        per_household = Counter(recent.values_list("household_id", flat=True))
        cared = {h for h, n in per_household.items() if n >= 3}
        assert len(cared) > 20
        residents = Resident.objects.filter(household_id__in=cared)
        key = set(visit_selectors.key_residents(residents, UNTIL).values_list("household_id", flat=True))
        assert cared <= key

    def test_every_case_found_on_a_visit_or_a_patrol_has_the_visit_it_came_from(self, city):
        cases = Case.objects.filter(area_code__startswith=generator.CITY_CODE)
        found = cases.filter(source__in=(Source.VISIT, Source.PATROL))
        assert found.count() > 50
        assert not found.filter(need__isnull=True).exists()
        assert not cases.exclude(source__in=(Source.VISIT, Source.PATROL)).filter(need__isnull=False).exists()
        for need in Need.objects.filter(case__in=found).select_related("case", "visit"):
            case, visit = need.case, need.visit
            assert visit.visited_at < case.reported_at
            assert case.reported_at - visit.visited_at <= datetime.timedelta(minutes=40)
            assert visit.recorded_by_id == case.reporter_user_id
            assert visit.household_id == case.household_id
            assert need.text == case.description and not need.solved_on_spot
        assert not Visit.objects.filter(area_code__startswith=generator.CITY_CODE, visited_at__gte=NOW).exists()

    def test_the_visits_apps_own_reads_work_on_them(self, city):
        scope = Scope.of(generator.CITY_CODE)
        due = visit_selectors.care_due(scope, today=UNTIL, area=generator.CITY_CODE)
        key = visit_selectors.key_residents(
            Resident.objects.filter(area_code__startswith=generator.CITY_CODE, household__isnull=False), UNTIL).count()
        # A realistic few are due today, some of them overdue.
        assert 0 < len(due) < key / 3
        assert any(row.due.overdue for row in due)
        last_month = visit_selectors.coverage(scope, generator.CITY_CODE, UNTIL - datetime.timedelta(days=29), UNTIL)
        assert 0.2 < last_month[0].rate < 0.9
        year = visit_selectors.coverage(scope, generator.CITY_CODE, UNTIL - datetime.timedelta(days=364), UNTIL)[0]
        assert 0.8 < year.rate < 1
        everything = visit_selectors.coverage(scope, generator.CITY_CODE, UNTIL - datetime.timedelta(days=400), UNTIL)
        assert everything[0].cases_raised == Case.objects.filter(
            area_code__startswith=generator.CITY_CODE, source__in=(Source.VISIT, Source.PATROL)).count()
        never = visit_selectors.stale_households(scope, area=generator.CITY_CODE, days=10_000, today=UNTIL)
        assert 0 < never.count() < 0.15 * city["households"]
        grid = Area.objects.filter(code__startswith=generator.CITY_CODE, level=Level.GRID).order_by("code").first()
        worker = Post.objects.get(area_code=grid.code, role=Role.GRID_WORKER).user
        work = visit_selectors.worklist(worker, UNTIL)
        assert len(work.items) == Household.objects.filter(area_code=grid.code).count()
        assert work.items[0].care or work.items[0].last_visit is None


class _Discard(Exception):
    pass


def _rows(model, *fields):
    return sorted(model.objects.values_list(*fields), key=repr)


def _digest(seed: int, jobs: int | None = None, residents: int = 600) -> str:
    """Every row of the city by what it says, with its links by natural keys: ids aside."""
    with pytest.raises(_Discard), transaction.atomic():
        generate(residents=residents, seed=seed, jobs=jobs)
        rows = [
            _rows(Estate, "name", "area_code", "is_old", "lat", "lng"),
            _rows(Building, "name", "estate__name", "area_code", "floors", "lat", "lng"),
            _rows(Household, "address", "area_code", "building__name", "unit", "floor", "room"),
            _rows(Resident, "name", "id_number", "birth_date", "phone", "area_code", "household__address", "relation",
                  "created_at"),
            _rows(Resident.tags.through, "resident__id_number", "tag__code"),
            _rows(Case, "number", "tracking", "household__address", "building__name", "merged_into__number",
                  "reporter_resident__id_number", "updated_at"),
            _rows(Notification, "case__number", "user__username", "text", "created_at", "read_at"),
            _rows(Visit, "client_id", "household__address", "building__name", "estate__name", "place_name",
                  "area_code", "visited_at", "kind", "recorded_by__username", "created_at"),
            _rows(Visit.visitors.through, "visit__client_id", "user__username"),
            _rows(Need, "visit__client_id", "case__number", "text", "category__code", "solved_on_spot"),
            _rows(CaseCounter, "year", "last"),
        ]
        result = hashlib.sha256(repr(rows).encode()).hexdigest() + case_digest()
        raise _Discard
    return result


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    first = _digest(7)
    assert first == _digest(7)
    assert first != _digest(8)


@pytest.mark.django_db
def test_the_city_does_not_depend_on_the_number_of_planner_processes():
    """Planned in this process or by two planners (two communities at once), written in the same order."""
    assert _digest(3, jobs=1, residents=6000) == _digest(3, jobs=2, residents=6000)


@pytest.mark.django_db
def test_case_numbers_and_id_numbers_stay_unique_over_the_communities():
    generate(residents=6000, seed=4)
    cases = Case.objects.filter(area_code__startswith=generator.CITY_CODE)
    numbers = list(cases.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    per_year = Counter(n[3:7] for n in numbers)
    assert dict(CaseCounter.objects.values_list("year", "last")) == {int(y): n for y, n in per_year.items()}
    # The merge notes name the cases by their final numbers.
    merged = cases.filter(merged_into__isnull=False).select_related("merged_into")
    assert merged.exists()
    for case in merged:
        assert CaseEvent.objects.filter(case=case, note__contains=case.merged_into.number).exists()
    ids = list(Resident.objects.values_list("id_number", flat=True))
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_a_second_run_into_the_same_database_is_refused():
    generate(residents=300, years=0)
    with pytest.raises(generator.CityExists):
        generate(residents=300, years=0)
