"""A small hand-made month (March 2026) of cases and visits with known figures.

京华社区 (city.community, two grids) holds c1–c8, 东洼社区 (city.other_community) c9.
The expected figures are worked out by hand in test_figures.py.
"""
import datetime
import itertools
import secrets
import uuid

import pytest
from django.utils import timezone

from wangge.areas.models import Area
from wangge.cases.models import Case, CaseEvent, Category, OwnerKind
from wangge.cases.states import office_code
from wangge.visits.models import Need, Visit

_numbers = itertools.count(700001)

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


@pytest.fixture
def now():
    return at(4, 15, 12)


@pytest.fixture
def march(city):
    """Build the month; returns a namespace of the rows."""
    top = Category.objects.get(code="environment")
    sub = Category.objects.create(code="env-garbage", name="垃圾清运", parent=top)
    other = Category.objects.get(code="other")

    def case(grid, *, reported, source, status, deadline, category=other, level="grid", **extra):
        return Case.objects.create(
            number=f"SQ-2026-{next(_numbers)}", tracking=secrets.token_hex(5).upper(), title="t", description="d",
            category=category, source=source, grid=grid, level=level,
            owner_area=Area.objects.get(code=office_code(grid.code, level)), owner_kind=OwnerKind.OFFICE,
            status=status, deadline=deadline, reported_at=reported, **extra,
        )

    g, gb, og = city.grid, city.grid_b, city.other_grid
    rows = {
        # on time, rated 满意
        "c1": case(g, reported=at(3, 2), source="visit", status="rated", category=sub, accepted_at=at(3, 2),
                   deadline=at(3, 5), closed_at=at(3, 4), rating="satisfied", rated_at=at(3, 6)),
        # closed late, after one rework
        "c2": case(g, reported=at(3, 3), source="resident", status="closed", category=top, accepted_at=at(3, 3),
                   deadline=at(3, 10), closed_at=at(3, 12), reopened_count=1),
        # still in progress at the community, overdue; escalated on 3-15
        "c3": case(g, reported=at(3, 5), source="patrol", status="in_progress", level="community",
                   accepted_at=at(3, 5), deadline=at(3, 20), escalated_count=1),
        # rejected: answered, never due
        "c4": case(g, reported=at(3, 7), source="hotline", status="rejected", deadline=at(3, 9)),
        # waiting, due after the period
        "c5": case(g, reported=at(3, 8), source="resident", status="reported", deadline=at(4, 30)),
        # reported in February, closed on time on 3-1, rated 基本满意
        "c6": case(g, reported=at(2, 20), source="resident", status="rated", accepted_at=at(2, 20),
                   deadline=at(3, 1, 18), closed_at=at(3, 1, 9), rating="basically_satisfied", rated_at=at(3, 2)),
        # a duplicate merged into c1: not a case of its own
        "c7": case(g, reported=at(3, 9), source="resident", status="merged", deadline=at(3, 12)),
        # grid B: rated 不满意 → reopened, back in progress with a fresh deadline, overdue
        "c8": case(gb, reported=at(3, 10), source="visit", status="in_progress", accepted_at=at(3, 10),
                   deadline=at(3, 25), rating="dissatisfied", rated_at=at(3, 16), reopened_count=1),
        # 东洼社区: another street, closed on time
        "c9": case(og, reported=at(3, 10), source="resident", status="closed", accepted_at=at(3, 10),
                   deadline=at(3, 12), closed_at=at(3, 11)),
    }
    CaseEvent.objects.create(
        case=rows["c3"], seq=1, actor_label="系统", action="escalate", from_status="in_progress",
        to_status="dispatched", from_level="grid", to_level="community", owner_label="京华社区", created_at=at(3, 15),
    )

    def visit(area_code, kind, when, household=None, building=None):
        return Visit.objects.create(
            client_id=uuid.uuid4(), area_code=area_code, kind=kind, visited_at=when, household=household,
            building=household.building if household else building, recorded_by=city.grid_worker,
        )

    v1 = visit(g.code, "home", at(3, 2), city.household)
    visit(g.code, "home", at(3, 20), city.household)
    visit(gb.code, "phone", at(3, 4), city.household_b)
    visit(g.code, "patrol", at(3, 5), building=city.household.building)
    visit(og.code, "home", at(2, 27), city.other_household)  # February: not in March
    Need.objects.create(visit=v1, text="楼道灯坏", solved_on_spot=True)
    Need.objects.create(visit=v1, text="垃圾未清运", case=rows["c1"])
    return rows
