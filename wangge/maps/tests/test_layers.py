"""What each GeoJSON endpoint serves for 京华社区 on the hand-made map (see conftest.py)."""
import pytest

from wangge.maps.selectors import BAND_COLOURS, PALETTE, category_colours
from wangge.testing import signed_in

COMMUNITY = "220184001001"
GRID = "220184001001001"


def layer(username: str, code: str, name: str, **params) -> dict:
    response = signed_in(username).get(f"/maps/{code}/{name}.geojson", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return body


def by(body: dict, key: str) -> dict:
    return {f["properties"][key]: f for f in body["features"]}


def test_boundaries_are_the_area_and_the_mapped_areas_below_it(city, mapped):
    body = layer("head", COMMUNITY, "boundaries")
    areas = by(body, "code")
    assert list(areas) == [COMMUNITY, GRID, "220184001001002"]
    community = areas[COMMUNITY]
    assert community["geometry"]["type"] == "Polygon"
    assert community["geometry"]["coordinates"][0][0] == [124.80, 43.50]  # GeoJSON is [lng, lat]
    assert community["properties"] == {
        "code": COMMUNITY, "name": "京华社区", "level": "community", "level_name": "社区", "self": True,
        "url": f"/maps/{COMMUNITY}/",
    }
    assert areas[GRID]["properties"]["self"] is False and areas[GRID]["properties"]["level"] == "grid"
    assert body["unlocated"] == 0
    # The city map counts the city and streets, which have no boundary, as unlocated.
    city_body = layer("city", "220184", "boundaries")
    assert len(city_body["features"]) == 5 and city_body["unlocated"] == 3


def test_open_cases_are_points_coloured_by_top_category_placed_by_their_best_known_location(city, mapped):
    body = layer("head", COMMUNITY, "cases")
    cases = by(body, "number")
    assert set(cases) == {mapped.k1.number, mapped.k2.number, mapped.k3.number}  # k8 has no place at all
    assert body["count"] == 3 and body["unlocated"] == 1
    colours = category_colours()
    k1 = cases[mapped.k1.number]
    assert k1["geometry"] == {"type": "Point", "coordinates": [124.806, 43.506]}
    assert k1["properties"] == {
        "number": mapped.k1.number, "title": "诉求k1", "category": "infrastructure",
        "category_name": "基础设施/工程/道路破损", "colour": colours["infrastructure"]["colour"],
        "status": "in_progress", "status_name": "处置中", "overdue": False, "located": "case",
        "url": f"/cases/{mapped.k1.number}/",
    }
    k2 = cases[mapped.k2.number]["properties"]
    assert cases[mapped.k2.number]["geometry"]["coordinates"] == [124.815, 43.515]  # its household's building
    assert (k2["located"], k2["overdue"], k2["category"]) == ("building", True, "other")
    k3 = cases[mapped.k3.number]
    assert k3["geometry"]["coordinates"] == [124.81, 43.505]  # the grid's centre
    assert (k3["properties"]["located"], k3["properties"]["status"], k3["properties"]["category"]) == (
        "grid", "handled", "property")
    assert colours["infrastructure"]["colour"] != colours["property"]["colour"]
    assert {c["colour"] for c in colours.values()} <= set(PALETTE)


def test_the_heat_layer_holds_every_case_reported_in_the_period_but_merged_ones(city, mapped):
    body = layer("head", COMMUNITY, "heat")  # the last 30 days
    assert body["count"] == 4 and body["unlocated"] == 1  # k1 k2 k3 k4; k8 unplaced; k5 merged; k7 too old
    assert sorted(f["geometry"]["coordinates"] for f in body["features"]) == sorted(
        [[124.806, 43.506], [124.815, 43.515], [124.81, 43.505], [124.804, 43.504]]
    )
    assert all(set(f["properties"]) == {"located"} for f in body["features"])  # nothing personal
    wider = layer("head", COMMUNITY, "heat", **{"from": "2000-01-01"})
    assert wider["count"] == 5 and wider["date_from"] == "2000-01-01"  # k7 now in


def test_buildings_carry_the_age_band_of_their_last_visit(city, mapped):
    body = layer("head", COMMUNITY, "buildings")
    rows = {f["properties"]["building"]: f["properties"] for f in body["features"]}
    bands = {pk: (row["band"], row["age_days"]) for pk, row in rows.items()}
    assert bands == {mapped.b1.pk: ("recent", 10), mapped.b2.pk: ("aging", 60), mapped.b4.pk: ("stale", 120),
                     mapped.b5.pk: ("never", None)}
    assert body["unlocated"] == 1  # B3
    assert body["bands"] == {"recent": 1, "aging": 1, "stale": 1, "never": 1}
    assert rows[mapped.b1.pk]["colour"] == BAND_COLOURS["recent"] and rows[mapped.b1.pk]["band_name"] == "30天内"
    assert rows[mapped.b5.pk]["last_visit"] is None and rows[mapped.b2.pk]["last_visit"]
    assert rows[mapped.b1.pk]["name"] == str(mapped.b1)


def test_service_points_are_the_active_points_recorded_in_the_area(city, mapped):
    body = layer("head", COMMUNITY, "service-points")
    assert [f["properties"]["name"] for f in body["features"]] == ["京华卫生服务站"]  # not the closed pharmacy
    props = body["features"][0]["properties"]
    assert (props["kind"], props["kind_name"], props["address"], props["opening_hours"]) == (
        "clinic", "卫生服务站/诊所", "京华路1号", "8:00-17:00")
    assert body["features"][0]["geometry"]["coordinates"] == [124.805, 43.5065]


def test_the_gap_layer_shows_buildings_without_a_clinic_within_15_minutes_and_the_clinics_reach(city, mapped):
    body = layer("head", COMMUNITY, "gaps")
    gaps = [f["properties"] for f in body["features"] if f["properties"]["role"] == "gap"]
    reach = [f["properties"] for f in body["features"] if f["properties"]["role"] == "reach"]
    assert gaps == [{"role": "gap", "building": mapped.b2.pk, "name": str(mapped.b2), "area": "220184001001002",
                     "households": 1}]
    assert reach == [{"role": "reach", "name": "京华卫生服务站", "radius_m": 1125.0}]
    assert (body["count"], body["kind"], body["radius_m"], body["minutes"]) == (1, "clinic", 1125.0, 15)
    assert (body["located_households"], body["unlocated"], body["truncated"]) == (4, 1, False)
    # Another kind: no canteen anywhere near 京华, so every located household is a gap.
    canteen = layer("head", COMMUNITY, "gaps", kind="canteen")
    assert canteen["count"] == 4 and canteen["kind_name"] == "老年食堂/助餐点"
    assert layer("head", COMMUNITY, "gaps", kind="bank")["kind"] == "clinic"  # unknown kinds fall back


@pytest.mark.parametrize("name", ["boundaries", "cases", "heat", "buildings", "service-points", "gaps"])
def test_a_grid_worker_gets_the_layers_of_their_grid_only(city, mapped, name):
    body = layer("gw", GRID, name)
    text = str(body)
    assert "220184001001002" not in text and mapped.k2.number not in text and str(mapped.b2) not in text
