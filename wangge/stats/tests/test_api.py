"""GET /api/v1/stats and /api/v1/stats/children: the figures module's numbers, scoped."""
import pytest

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_stats_returns_every_documented_key(city, march, api_client):
    client = api_client().login("head")
    response = client.get("/api/v1/stats", area=city.community.code, **MARCH)
    assert response.status_code == 200, response.content
    body = response.json()
    for key in ("cases_reported", "cases_closed", "on_time_closure_rate", "proactive_share", "satisfaction_rate",
                "visit_coverage", "households_visited"):
        assert key in body
    assert (body["area"], body["from"], body["to"]) == (city.community.code, "2026-03-01", "2026-03-31")
    assert body["cases_reported"] == 6 and body["proactive_share"] == 0.5
    assert body["households_visited"] == 2 and body["visit_coverage"] == 1.0
    assert body["satisfaction_rate"] == round(1.9 / 3, 4)


def test_without_an_area_a_user_with_one_area_gets_theirs(city, march, api_client):
    body = api_client().login("head").get("/api/v1/stats", **MARCH).json()
    assert body["area"] == city.community.code


def test_an_area_outside_the_scope_is_404(city, march, api_client):
    client = api_client().login("head")
    assert client.get("/api/v1/stats", area=city.other_community.code, **MARCH).status_code == 404
    assert client.get("/api/v1/stats", area=city.city.code, **MARCH).status_code == 404
    assert client.get("/api/v1/stats/children", area=city.other_street.code, **MARCH).status_code == 404
    assert client.get("/api/v1/stats", area="999999", **MARCH).status_code == 404


def test_anonymous_callers_are_refused(city):
    from django.test import Client

    assert Client().get("/api/v1/stats", {"area": city.city.code}).status_code == 401


def test_children_per_child_area(city, march, api_client):
    body = api_client().login("city").get("/api/v1/stats/children", area=city.city.code, **MARCH).json()
    rows = {row["area"]: row for row in body["children"]}
    assert set(rows) == {city.street.code, city.other_street.code}
    assert rows[city.street.code]["cases_reported"] == 6
    assert rows[city.other_street.code]["cases_reported"] == 1
    assert rows[city.other_street.code]["on_time_closure_rate"] == 1.0


def test_a_reversed_period_is_a_field_error(city, api_client):
    response = api_client().login("head").get("/api/v1/stats", **{"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 422
