"""Builders for the visit tests: visits placed at a given time, and tagged residents."""
import datetime
import uuid

import pytest
from django.utils import timezone

from wangge.people.models import Resident, Tag
from wangge.visits.models import Visit


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on a day in the city's time zone."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def make_visit():
    """A visit written directly (the service is what test_record checks)."""

    def build(household=None, *, by, when: datetime.datetime | None = None, kind="home", building=None, **extra):
        building = building or (household.building if household else None)
        visit = Visit.objects.create(
            client_id=uuid.uuid4(), household=household, building=building,
            estate=building.estate if building else None,
            area_code=(household or building).area_code, visited_at=when or timezone.now(),
            kind=kind, recorded_by=by, **extra,
        )
        visit.visitors.add(by)
        return visit

    return build


@pytest.fixture
def tag_resident():
    """Give a resident a stored tag and set the day they were registered."""

    def tag(resident: Resident, *codes: str, registered: datetime.date | None = None) -> Resident:
        resident.tags.add(*Tag.objects.filter(code__in=codes))
        if registered:
            Resident.objects.filter(pk=resident.pk).update(created_at=at(registered))
            resident.refresh_from_db()
        return resident

    return tag


