"""Scope: no case of another area is visible or changeable through any endpoint or list."""
import pytest

from wangge.cases.models import Case, CaseEvent, CasePhoto
from wangge.cases.selectors import WORK_LISTS
from wangge.cases.states import TRANSITIONS
from wangge.testing import png


@pytest.fixture
def cases(city, make_case):
    """Our grid's case, its neighbour grid's, and one in another street; all overdue, handled or open."""
    return {
        "own": make_case(status="handled", grid=city.grid),
        "neighbour": make_case(status="handled", grid=city.grid_b, level="community"),
        "other": make_case(status="handled", grid=city.other_grid, level="community"),
    }


@pytest.mark.parametrize(("username", "hidden"), [("gw", {"neighbour", "other"}), ("gw2", {"own", "neighbour"}),
                                                  ("head", {"other"}), ("partner", {"own", "neighbour", "other"})])
def test_a_case_out_of_scope_answers_404_on_every_endpoint(city, api_client, cases, username, hidden):
    client = api_client().login(username)
    for name in hidden:
        number = cases[name].number
        assert client.get(f"/api/v1/cases/{number}").status_code == 404
        for action in TRANSITIONS:
            response = client.post(f"/api/v1/cases/{number}/transitions", {
                "action": action, "version": 1, "reason": "试图越权", "note": "试图越权", "rating": "satisfied",
                "to": {"kind": "level", "level": "grid"}, "into": cases["own"].number,
            })
            assert response.status_code == 404, (action, response.content)
        photos = client.client.post(f"/api/v1/cases/{number}/photos", {"files": [png()]}, headers=client._headers())
        assert photos.status_code == 404
    assert Case.objects.filter(version__gt=1).count() == 0
    assert not CaseEvent.objects.exists() and not CasePhoto.objects.exists()


@pytest.mark.parametrize("work_list", ["", *WORK_LISTS])
@pytest.mark.parametrize("params", [{}, {"area": "220184"}, {"area": "220184002"}, {"status": "handled"},
                                    {"category": "other"}, {"date_from": "2000-01-01"}])
def test_a_case_out_of_scope_is_in_no_list(city, api_client, cases, work_list, params):
    seen = {item["number"] for item in api_client().login("gw").get("/api/v1/cases", list=work_list, **params).json()["items"]}
    assert cases["other"].number not in seen and cases["neighbour"].number not in seen


def test_each_user_sees_their_areas_cases(city, api_client, cases):
    def numbers(username, **params):
        response = api_client().login(username).get("/api/v1/cases", **params)
        assert response.status_code == 200, response.content
        return {item["number"] for item in response.json()["items"]}

    assert numbers("gw") == {cases["own"].number}
    assert numbers("head") == numbers("street") == {cases["own"].number, cases["neighbour"].number}
    assert numbers("city") == {c.number for c in cases.values()}
    assert numbers("gw2") == {cases["other"].number}
    assert numbers("partner") == set()


def test_a_photo_of_another_area_is_not_served(city, api_client, cases):
    gw = api_client().login("gw")
    Case.objects.filter(pk=cases["own"].pk).update(status="in_progress")
    body = gw.client.post(f"/api/v1/cases/{cases['own'].number}/photos", {"files": [png()]}, headers=gw._headers()).json()
    url = body["photos"][0]["url"]
    assert api_client().login("gw2").get(url).status_code == 404
    assert gw.get(url.replace(cases["own"].number, cases["other"].number)).status_code == 404


def test_reporting_into_another_area_is_refused(city, api_client):
    response = api_client().login("gw").post("/api/v1/cases", {
        "title": "越界上报", "description": "测试", "category": "other", "source": "visit", "area": "220184002001001",
    })
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "area"
    assert not Case.objects.exists()


def test_an_anonymous_caller_gets_401_on_staff_endpoints(city, client, cases):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{cases['own'].number}").status_code == 401
