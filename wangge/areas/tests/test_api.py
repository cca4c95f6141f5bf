"""The areas, buildings and households API, each scoped to the caller's areas."""
import pytest

from wangge.areas.models import Area, Building, Household


@pytest.fixture
def grid_worker(city, api_client):
    return api_client().login("gw")


def codes_of(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_a_grid_worker_sees_only_their_grid(grid_worker):
    assert codes_of(grid_worker.get("/api/v1/areas")) == ["220184001001001"]


def test_a_street_sees_its_communities_and_grids(city, api_client):
    client = api_client().login("street")
    assert codes_of(client.get("/api/v1/areas", parent="220184001001")) == ["220184001001001", "220184001001002"]
    detail = client.get("/api/v1/areas/220184001001").json()
    assert detail["area"] == "220184001001" and detail["level"] == "community" and detail["parent"] == "220184001"
    assert {"lat", "lng", "boundary"} <= set(detail)


def test_areas_outside_the_scope_answer_404(grid_worker):
    for code in ("220184002001001", "220184001001002", "220184001001", "220184"):
        assert grid_worker.get(f"/api/v1/areas/{code}").status_code == 404
        assert grid_worker.patch(f"/api/v1/areas/{code}", {"name": "x"}).status_code == 404
    assert not Area.objects.filter(name="x").exists()


def test_a_community_head_creates_a_grid_with_a_boundary(city, api_client):
    client = api_client().login("head")
    ring = [[124.80, 43.49], [124.81, 43.49], [124.81, 43.50], [124.80, 43.49]]
    response = client.post("/api/v1/areas", {
        "code": "220184001001003", "name": "京华社区第三网格", "lat": 43.495, "lng": 124.805,
        "boundary": {"type": "Polygon", "coordinates": [ring]},
    })
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "grid" and response.json()["parent"] == "220184001001"


@pytest.mark.parametrize("payload,field", [
    ({"code": "2201840010010031", "name": "x"}, "code"),
    ({"code": "220184001001003", "name": "x", "lat": 123.0}, "lat"),
    ({"code": "220184001001003", "name": "x", "boundary": {"type": "Point"}}, "boundary"),
    ({"code": "220184001001001", "name": "x"}, "code"),
])
def test_bad_areas_are_refused_naming_the_field(city, api_client, payload, field):
    response = api_client().login("head").post("/api/v1/areas", payload)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["detail"]}


def test_no_area_can_be_created_under_another_area(city, grid_worker, api_client):
    assert grid_worker.post("/api/v1/areas", {"code": "220184002001009", "name": "x"}).status_code == 404
    assert api_client().login("head").post("/api/v1/areas", {"code": "220184002009", "name": "x"}).status_code == 404
    assert not Area.objects.filter(name="x").exists()


def test_buildings_and_households_are_listed_within_scope(city, grid_worker):
    buildings = grid_worker.get("/api/v1/buildings").json()
    assert buildings["count"] == 1 and buildings["items"][0]["area"] == "220184001001001"
    assert buildings["items"][0]["estate"]["name"] == "老国税小区"
    households = grid_worker.get("/api/v1/households").json()
    assert [h["id"] for h in households["items"]] == [city.household.id]
    assert grid_worker.get("/api/v1/households", q="东洼").json()["count"] == 0


def test_other_buildings_and_households_answer_404_and_cannot_be_changed(city, grid_worker):
    other_building = city.other_household.building
    assert grid_worker.get(f"/api/v1/buildings/{other_building.id}").status_code == 404
    assert grid_worker.patch(f"/api/v1/buildings/{other_building.id}", {"name": "x"}).status_code == 404
    assert grid_worker.get(f"/api/v1/households/{city.other_household.id}").status_code == 404
    assert grid_worker.patch(f"/api/v1/households/{city.other_household.id}", {"room": "x"}).status_code == 404
    assert not Building.objects.filter(name="x").exists() and not Household.objects.filter(room="x").exists()


def test_a_grid_worker_adds_a_building_and_a_household_in_their_grid(city, grid_worker):
    estate_id = city.household.building.estate_id
    building = grid_worker.post("/api/v1/buildings", {"area": "220184001001001", "name": "9号楼", "estate": estate_id})
    assert building.status_code == 201, building.content
    household = grid_worker.post("/api/v1/households", {"building": building.json()["id"], "unit": "2", "room": "301", "floor": 3})
    assert household.status_code == 201, household.content
    assert household.json()["address"] == "老国税小区9号楼2单元301"
    assert household.json()["area"] == "220184001001001"


def test_a_grid_worker_cannot_add_buildings_or_households_elsewhere(city, grid_worker):
    assert grid_worker.post("/api/v1/buildings", {"area": "220184002001001", "name": "9号楼"}).status_code == 422
    assert grid_worker.post("/api/v1/households", {"building": city.other_household.building_id, "room": "999"}).status_code == 422
    assert not Building.objects.filter(name="9号楼").exists() and not Household.objects.filter(room="999").exists()


def test_a_grid_worker_sees_the_estates_of_their_buildings_and_no_others(city, grid_worker):
    names = {e["name"] for e in grid_worker.get("/api/v1/estates").json()["items"]}
    assert names == {"老国税小区"}


def test_a_building_cannot_join_an_estate_of_another_community(city, api_client):
    other_estate = city.other_household.building.estate_id
    response = api_client().login("street").post(
        "/api/v1/buildings", {"area": "220184001001001", "name": "8号楼", "estate": other_estate}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "estate"
