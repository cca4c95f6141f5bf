"""SmallCity put on the map: boundaries, buildings with points, cases, visits and service points.

京华社区 (city.community): lat 43.50–43.52, lng 124.80–124.82, cut into
  第一网格 (city.grid, 43.50–43.51, centre 43.505/124.81) and
  第二网格 (city.grid_b, 43.51–43.52, mapped but without a centre).
东洼社区 and its grid (another street): lat 43.53–43.54, lng 124.83–124.84.
City and streets have no boundary.

Buildings (last visit, days before today):
  B1 city.household's, 43.505/124.805, 10 days (recent)   B2 city.household_b's, 43.515/124.815, 60 (aging)
  B3 grid, no point                                        B4 grid, 43.507/124.806, 120 (stale)
  B5 grid, 43.509/124.800, never                           BO 东洼's, 43.535/124.835, 200 (stale)
Clinic 京华卫生服务站 at 43.5065/124.805 (167 m north of B1): B2 (about 1.24 km away) is the one gap.
Open cases, coloured by top category: k1 own point (道路破损 → 基础设施), k2 household in B2
(overdue), k3 at the grid centre (handled), k8 in 第二网格 with no place at all (unlocated);
k4 closed, k5 merged, k6 in 东洼, k7 reported 60 days ago and closed.
"""
import datetime
import itertools
import secrets
import uuid
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wangge.areas.models import Area, Building
from wangge.cases.models import Case, Category, OwnerKind
from wangge.cases.states import office_code
from wangge.partners.models import ServicePoint
from wangge.testing import household
from wangge.visits.models import Visit

_numbers = itertools.count(900001)


def rect(south, west, north, east) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def build_map(city) -> SimpleNamespace:
    def mark(obj: Area, box, centre=None):
        Area.objects.filter(pk=obj.pk).update(boundary=rect(*box), lat=centre and centre[0], lng=centre and centre[1])

    mark(city.community, (43.50, 124.80, 43.52, 124.82), (43.51, 124.81))
    mark(city.grid, (43.50, 124.80, 43.51, 124.82), (43.505, 124.81))
    mark(city.grid_b, (43.51, 124.80, 43.52, 124.82))
    mark(city.other_community, (43.53, 124.83, 43.54, 124.84), (43.535, 124.835))
    mark(city.other_grid, (43.53, 124.83, 43.54, 124.84), (43.535, 124.835))
    for a in (city.community, city.grid, city.grid_b, city.other_community, city.other_grid):
        a.refresh_from_db()

    def place(building, lat, lng):
        Building.objects.filter(pk=building.pk).update(lat=lat, lng=lng)
        building.refresh_from_db()
        return building

    b1 = place(city.household.building, 43.505, 124.805)
    b2 = place(city.household_b.building, 43.515, 124.815)
    bo = place(city.other_household.building, 43.535, 124.835)
    b3 = household(city.grid, "101", building_name="3号楼").building
    b4 = place(household(city.grid, "102", building_name="4号楼").building, 43.507, 124.806)
    b5 = place(household(city.grid, "103", building_name="5号楼").building, 43.509, 124.800)

    def visit(building, days):
        hh = building.households.first()
        Visit.objects.create(client_id=uuid.uuid4(), area_code=building.area_code, kind="home",
                             visited_at=days_ago(days), household=hh, building=building,
                             recorded_by=city.grid_worker)

    visit(b1, 10)
    visit(b1, 40)  # an older visit does not count: the latest does
    visit(b2, 60)
    visit(b4, 120)
    visit(bo, 200)

    clinic = ServicePoint.objects.create(name="京华卫生服务站", kind="clinic", area=city.grid, lat=43.5065, lng=124.805,
                                         address="京华路1号", opening_hours="8:00-17:00")
    canteen = ServicePoint.objects.create(name="东洼助餐点", kind="canteen", area=city.other_grid, lat=43.536,
                                          lng=124.836)
    ServicePoint.objects.create(name="停用的药店", kind="pharmacy", area=city.grid, lat=43.505, lng=124.81,
                                is_active=False)

    def case(key, grid, status, *, category="other", days=1, overdue=False, **extra):
        return Case.objects.create(
            number=f"SQ-2026-{next(_numbers)}", tracking=secrets.token_hex(5).upper(), title=f"诉求{key}",
            description="d", category=Category.objects.get(code=category), source="resident", grid=grid,
            level="grid", owner_area=Area.objects.get(code=office_code(grid.code, "grid")),
            owner_kind=OwnerKind.OFFICE, status=status, reported_at=days_ago(days),
            deadline=days_ago(1) if overdue else days_ago(-5), **extra,
        )

    cases = {
        "k1": case("k1", city.grid, "in_progress", category="road_damage", lat=43.506, lng=124.806),
        "k2": case("k2", city.grid_b, "reported", household=city.household_b, overdue=True),
        "k3": case("k3", city.grid, "handled", category="elevator", days=3),
        "k4": case("k4", city.grid, "closed", lat=43.504, lng=124.804, days=5),
        "k5": case("k5", city.grid, "merged", lat=43.503, lng=124.803),
        "k6": case("k6", city.other_grid, "accepted", lat=43.536, lng=124.836),
        "k7": case("k7", city.grid, "closed", lat=43.502, lng=124.802, days=60),
        "k8": case("k8", city.grid_b, "accepted"),
    }
    return SimpleNamespace(b1=b1, b2=b2, b3=b3, b4=b4, b5=b5, bo=bo, clinic=clinic, canteen=canteen, **cases)


@pytest.fixture
def mapped(city):
    return build_map(city)
