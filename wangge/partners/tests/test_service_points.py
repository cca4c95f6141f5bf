"""Service points (scoped CRUD) and the 15-minute circle on a hand-made map."""
import math

import pytest

from wangge.areas.models import Building
from wangge.partners.circle import EARTH_RADIUS_M, haversine_m, radius_m
from wangge.partners.models import ServicePoint
from wangge.testing import household

# A meridian through 京华社区: along it, metres convert to degrees of latitude exactly.
LAT0, LNG = 43.5, 124.8


def north(metres: float) -> float:
    return LAT0 + math.degrees(metres / EARTH_RADIUS_M)


def point(city_area, kind, metres, name=None):
    return ServicePoint.objects.create(name=name or f"{kind}{metres}", kind=kind, area=city_area,
                                       lat=north(metres), lng=LNG)


def test_walking_fifteen_minutes_at_4_5_kmh_is_1125_metres():
    assert radius_m() == pytest.approx(1125)
    assert haversine_m(north(0), LNG, north(1000), LNG) == pytest.approx(1000, abs=0.01)


@pytest.fixture
def mapped(city):
    """京华社区 on one meridian (distances north of LAT0):
    B1 at 0 m (2 households, grid 1), B2 at 1,000 m (1 household, grid 2),
    B3 at 2,000 m (1 household, grid 1), B4 without coordinates (1 household).
    Clinic at 500 m; canteen at 3,100 m in the neighbouring community (of another street);
    store at −1,130 m (5 m too far); no pharmacy."""
    b1 = city.household.building
    household(city.grid, "502", estate_name="老国税小区")  # a second household in B1
    b2 = city.household_b.building
    b3 = household(city.grid, "301", building_name="3号楼").building
    household(city.grid, "401", building_name="4号楼")
    for building, metres in ((b1, 0), (b2, 1000), (b3, 2000)):
        Building.objects.filter(pk=building.pk).update(lat=north(metres), lng=LNG)
    point(city.community, "clinic", 500)
    point(city.other_community, "canteen", 3100)
    point(city.grid, "store", -1130)
    return {"b3": b3}


def test_the_circle_counts_households_within_reach_of_each_kind(city, api_client, mapped):
    body = api_client().login("head").get("/api/v1/service-circle", area="220184001001").json()
    assert (body["households"], body["located_households"], body["unlocated_households"]) == (5, 4, 1)
    assert (body["walk_speed_kmh"], body["minutes"], body["radius_m"]) == (4.5, 15, 1125.0)
    kinds = {k["kind"]: (k["points"], k["households"], k["share"]) for k in body["kinds"]}
    assert kinds["clinic"] == (1, 3, 0.75)
    assert kinds["canteen"] == (1, 1, 0.25)  # a point across the boundary still serves
    assert kinds["store"] == (1, 0, 0.0)
    assert kinds["pharmacy"] == (0, 0, 0.0)
    assert body["gap_kind"] == "clinic" and body["gap_count"] == 1
    assert [g["building"] for g in body["gaps"]] == [mapped["b3"].pk]


def test_the_gap_kind_can_be_chosen_and_a_grid_is_its_own_area(city, api_client, mapped):
    gw = api_client().login("gw")
    body = gw.get("/api/v1/service-circle", area="220184001001001", gap_kind="canteen").json()
    assert (body["households"], body["located_households"]) == (4, 3)
    assert body["gap_count"] == 2  # B1's two households; B3 reaches the canteen
    assert gw.get("/api/v1/service-circle", area="220184001001001", gap_kind="bank").status_code == 422


def test_the_circle_of_an_area_out_of_scope_is_404(city, api_client, mapped):
    assert api_client().login("gw2").get("/api/v1/service-circle", area="220184001001").status_code == 404
    assert api_client().login("gw").get("/api/v1/service-circle", area="220184001001").status_code == 404
    assert api_client().login("partner").get("/api/v1/service-circle", area="220184001001").status_code == 404


def test_service_points_are_scoped_crud(city, api_client):
    head = api_client().login("head")
    response = head.post("/api/v1/service-points", {"name": "京华社区卫生服务站", "kind": "clinic",
                                                    "area": "220184001001001", "lat": 43.5, "lng": 124.8,
                                                    "opening_hours": "8:00-17:00"})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["area"] == "220184001001001"
    gw, gw2 = api_client().login("gw"), api_client().login("gw2")
    assert gw.get("/api/v1/service-points").json()["count"] == 1
    assert gw2.get("/api/v1/service-points").json() == {"items": [], "count": 0}
    assert gw2.get(f"/api/v1/service-points/{pk}").status_code == 404
    assert gw2.patch(f"/api/v1/service-points/{pk}", {"name": "改名"}).status_code == 404
    assert gw2.client.delete(f"/api/v1/service-points/{pk}", headers=gw2._headers()).status_code == 404
    assert gw2.post("/api/v1/service-points", {"name": "越权", "kind": "clinic", "area": "220184001001001",
                                               "lat": 43.5, "lng": 124.8}).status_code == 404
    assert gw.patch(f"/api/v1/service-points/{pk}", {"kind": "pharmacy"}).json()["kind"] == "pharmacy"
    bad = gw.post("/api/v1/service-points", {"name": "x", "kind": "bank", "area": "220184001001001",
                                             "lat": 95, "lng": 124.8})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["detail"]} == {"kind", "lat"}
    assert gw.get("/api/v1/service-points", kind="clinic").json()["count"] == 0
    assert gw.client.delete(f"/api/v1/service-points/{pk}", headers=gw._headers()).status_code == 204
    assert not ServicePoint.objects.exists()
