"""The synthetic city at a tiny size on the test database: its counts, its people, its cases, and that
the same arguments give the same city."""
import datetime
import hashlib
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Post
from wangge.areas.codes import Level
from wangge.areas.models import Area, Household
from wangge.cases.models import Case, CaseEvent
from wangge.cases.states import ACTIVE
from wangge.demo.test_cases import Replay, case_digest
from wangge.people.models import Resident
from wangge.people.validators import validate_id_number
from wangge.scale import generator

UNTIL = datetime.date(2026, 3, 18)
NOW = timezone.make_aware(datetime.datetime.combine(UNTIL, datetime.time(10, 0)))


def generate(residents=2000, years=1, seed=1):
    return generator.generate(residents=residents, years=years, seed=seed, until=UNTIL)


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


class _Discard(Exception):
    pass


def _digest(seed: int) -> str:
    with pytest.raises(_Discard), transaction.atomic():
        generate(residents=600, seed=seed)
        people = Resident.objects.order_by("id").values_list(
            "name", "id_number", "birth_date", "phone", "area_code", "household__address", "relation")
        tags = Resident.tags.through.objects.order_by("resident__id_number", "tag__code").values_list(
            "resident__id_number", "tag__code")
        result = hashlib.sha256(repr([*people, *tags]).encode()).hexdigest() + case_digest()
        raise _Discard
    return result


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    first = _digest(7)
    assert first == _digest(7)
    assert first != _digest(8)


@pytest.mark.django_db
def test_a_second_run_into_the_same_database_is_refused():
    generate(residents=300, years=0)
    with pytest.raises(generator.CityExists):
        generate(residents=300, years=0)
