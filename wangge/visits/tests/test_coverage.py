"""Coverage figures and blind spots, on a small area made by hand.

京华社区 has two grids. 第一网格: 501 (visited at home, two needs: one solved,
one raised), 102 (a phone call), 103 (visited only before the period), 104
(never), and the building of 501 patrolled. 第二网格: 201 (a street chat, one
need solved). The period is June 2026, in the city's time zone.
"""
import datetime
import uuid

import pytest
from django.http import Http404

from wangge.accounts.scope import Scope
from wangge.testing import household
from wangge.visits import selectors, services

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))


def record(actor, **data):
    return services.record_visit(actor=actor, data={"client_id": str(uuid.uuid4()), **data}).visit


@pytest.fixture
def june(city, make_visit):
    gw, head = city.grid_worker, city.community_head
    h102, h103, h104 = (household(city.grid, room) for room in ("102", "103", "104"))
    lonely = household(city.grid, "901", building_name="9号楼")
    record(gw, household=city.household.pk, kind="home", visited_at=at(D(2026, 6, 10)).isoformat(), needs=[
        {"text": "补贴认证", "solved_on_spot": True},
        {"text": "屋顶漏水", "raise_case": True, "category": "roof_leak"},
    ])
    make_visit(h102, by=gw, kind="phone", when=at(D(2026, 6, 30), hour=23))
    make_visit(h103, by=gw, when=at(D(2026, 5, 20)))
    make_visit(h104, by=gw, when=at(D(2026, 7, 1), hour=0))  # after the period, and after "today"
    make_visit(None, building=city.household.building, by=gw, kind="patrol", when=at(D(2026, 6, 11)))
    record(head, household=city.household_b.pk, kind="street_chat", visited_at=at(D(2026, 6, 12)).isoformat(),
           needs=[{"text": "问社保", "solved_on_spot": True}])
    return {"h103": h103, "h104": h104, "lonely": lonely}


def test_coverage_of_the_community(city, june):
    total, = selectors.coverage(Scope.of(city.community.code), city.community.code, *JUNE)
    assert (total.households, total.households_visited, total.rate) == (6, 3, 0.5)
    assert total.visits == 4
    assert total.by_kind == {"home": 1, "phone": 1, "street_chat": 1, "patrol": 1}
    assert (total.needs, total.solved_on_spot, total.cases_raised) == (3, 2, 1)
    assert total.solved_share == pytest.approx(2 / 3)


def test_coverage_of_each_grid(city, june):
    first, second = selectors.coverage(Scope.of(city.community.code), city.community.code, *JUNE, by_children=True)
    assert (first.area, first.households, first.households_visited, first.visits) == (city.grid, 5, 2, 3)
    assert (first.needs, first.solved_on_spot, first.cases_raised) == (2, 1, 1)
    assert (second.area, second.households, second.households_visited, second.visits) == (city.grid_b, 1, 1, 1)
    assert (second.needs, second.solved_on_spot, second.cases_raised) == (1, 1, 0)


def test_coverage_is_limited_to_the_scope(city, june):
    # A grid worker asking about the community sees no more than their grid.
    with pytest.raises(Http404):
        selectors.coverage(Scope.of(city.grid.code), city.community.code, *JUNE)
    only, = selectors.coverage(Scope.of(city.grid.code), city.grid.code, *JUNE)
    assert (only.households, only.visits) == (5, 3)


def test_empty_area_has_no_rate(city):
    total, = selectors.coverage(Scope.of(city.other_grid.code), city.other_grid.code, *JUNE)
    assert (total.households, total.rate, total.solved_share) == (1, 0.0, None)


def test_blind_spots_are_households_not_visited_for_n_days_never_first(city, june):
    stale = selectors.stale_households(Scope.of(city.community.code), area=city.community.code, days=30, today=JUNE[1])
    # 104's visit lies after "today", so on 30 June it has never been visited.
    assert [h.address for h in stale] == [june["h104"].address, june["lonely"].address, june["h103"].address]
    assert stale[0].last_visit is None and stale[2].last_visit == at(D(2026, 5, 20))


def test_buildings_never_visited(city, june):
    assert list(selectors.unvisited_buildings(Scope.of(city.community.code), area=city.community.code)) == [
        june["lonely"].building
    ]


def test_the_building_layer_colours_the_age_of_the_last_visit(city, june):
    layer = {row.building: row for row in selectors.building_layer(
        Scope.of(city.community.code), area=city.community.code, today=D(2026, 9, 1))}
    patrolled = layer[city.household.building]  # last visited 11 June, by the patrol
    assert (patrolled.age_days, patrolled.band) == (82, "aging")
    assert (layer[june["lonely"].building].age_days, layer[june["lonely"].building].band) == (None, "never")
    assert layer[june["h103"].building].age_days == 62  # 104's visit on 1 July
