"""Scope on every map page and endpoint: an area outside the user's scope is a 404,
and a user's own map holds nothing of another area."""
import pytest
from django.test import Client

from wangge.testing import signed_in

from .test_layers import layer

COMMUNITY = "220184001001"
OTHER_GRID = "220184002001001"
ENDPOINTS = ["boundaries", "cases", "heat", "buildings", "service-points", "gaps"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_another_areas_user_gets_404_from_each_endpoint(city, mapped, name):
    path = f"/maps/{COMMUNITY}/{name}.geojson"
    assert signed_in("head").get(path).status_code == 200
    assert signed_in("gw2").get(path).status_code == 404  # another street's grid worker
    assert signed_in("gw").get(path).status_code == 404  # a grid worker of the community: not the community
    assert signed_in("partner").get(path).status_code == 404  # partner staff hold no area scope
    assert signed_in("gw2").get(f"/maps/220184/{name}.geojson").status_code == 404
    assert Client().get(path).status_code == 302  # no login, no data


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_users_own_map_holds_none_of_another_areas_features(city, mapped, name):
    text = str(layer("gw2", OTHER_GRID, name, **{"from": "2000-01-01"}))
    for foreign in (COMMUNITY, "京华", mapped.k1.number, mapped.k2.number, mapped.k3.number, mapped.k4.number,
                    "124.806", "124.815", "124.805"):
        assert foreign not in text, (name, foreign)


def test_each_endpoint_of_the_other_grid_has_its_own_features(city, mapped):
    """The test above would pass on empty layers; the other grid's layers are not empty."""
    assert len(layer("gw2", OTHER_GRID, "boundaries")["features"]) == 1
    assert [f["properties"]["number"] for f in layer("gw2", OTHER_GRID, "cases")["features"]] == [mapped.k6.number]
    assert layer("gw2", OTHER_GRID, "heat")["count"] == 1
    assert [f["properties"]["band"] for f in layer("gw2", OTHER_GRID, "buildings")["features"]] == ["stale"]
    assert [f["properties"]["name"] for f in layer("gw2", OTHER_GRID, "service-points")["features"]] == ["东洼助餐点"]
    assert layer("gw2", OTHER_GRID, "gaps")["count"] == 1  # no clinic near 东洼


def test_the_map_page_is_scoped_too(city, mapped):
    assert signed_in("head").get(f"/maps/{COMMUNITY}/").status_code == 200
    assert signed_in("gw2").get(f"/maps/{COMMUNITY}/").status_code == 404
    assert signed_in("partner").get("/maps/").status_code == 404  # no area of their own
    assert signed_in("gw2").get("/maps/")["Location"] == f"/maps/{OTHER_GRID}/"
    assert Client().get(f"/maps/{COMMUNITY}/").status_code == 302
