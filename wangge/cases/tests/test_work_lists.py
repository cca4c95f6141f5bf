"""Work lists: mine, my level's queue, overdue, due soon, awaiting verification and rating; and the filters."""
import datetime

import pytest
from django.utils import timezone

from wangge.cases.models import CaseEvent


def numbers(api_client, username, **params):
    response = api_client().login(username).get("/api/v1/cases", **params)
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


@pytest.fixture
def cases(city, staff, make_case):
    now = timezone.now()
    cases = {
        "mine": make_case(status="in_progress", owner_user=city.grid_worker),
        "grid_queue": make_case(status="reported"),
        "community_queue": make_case(status="dispatched", level="community", category="road_damage"),
        "overdue": make_case(status="accepted", deadline=now - datetime.timedelta(hours=2)),
        "due_soon": make_case(status="accepted", level="community", deadline=now + datetime.timedelta(hours=3)),
        "handled": make_case(status="handled", owner_user=city.grid_worker),
        "handled_by_cs": make_case(status="handled", level="community", owner_user=staff),
        "street_handled": make_case(status="handled", level="street"),
        "closed": make_case(status="closed", source="patrol"),
    }
    CaseEvent.objects.create(case=cases["handled_by_cs"], seq=1, actor=staff, actor_label="cs", action="handle",
                             from_status="in_progress", to_status="handled", from_level="community",
                             to_level="community", owner_label="cs")
    return {name: case.number for name, case in cases.items()}


def test_mine_is_what_is_assigned_to_me_and_unfinished(api_client, cases):
    assert numbers(api_client, "gw", list="mine") == {cases["mine"], cases["handled"]}


def test_the_queue_is_my_level_in_my_area(api_client, cases):
    assert numbers(api_client, "gw", list="queue") == {cases["mine"], cases["grid_queue"], cases["overdue"]}
    assert numbers(api_client, "head", list="queue") == {cases["community_queue"], cases["due_soon"]}


def test_overdue_and_due_soon(api_client, cases):
    assert numbers(api_client, "head", list="overdue") == {cases["overdue"]}
    assert numbers(api_client, "head", list="due_soon") == {cases["due_soon"]}


def test_awaiting_verification_is_what_i_may_verify(api_client, cases):
    assert numbers(api_client, "gw", list="awaiting_verification") == set()
    assert numbers(api_client, "head", list="awaiting_verification") == {cases["handled"], cases["handled_by_cs"]}
    assert numbers(api_client, "cs", list="awaiting_verification") == {cases["handled"]}
    assert numbers(api_client, "street", list="awaiting_verification") == {
        cases["handled"], cases["handled_by_cs"], cases["street_handled"]}


def test_awaiting_rating(api_client, cases):
    assert numbers(api_client, "head", list="awaiting_rating") == {cases["closed"]}


def test_filters(api_client, cases):
    assert numbers(api_client, "head", source="patrol") == {cases["closed"]}
    assert numbers(api_client, "head", category="infrastructure") == {cases["community_queue"]}
    assert numbers(api_client, "head", category="road_damage") == {cases["community_queue"]}
    assert numbers(api_client, "head", status="handled") == {cases["handled"], cases["handled_by_cs"], cases["street_handled"]}
    today = timezone.localdate().isoformat()
    assert len(numbers(api_client, "head", date_from=today, date_to=today)) == len(cases)
    assert numbers(api_client, "head", date_to="2000-01-01") == set()
    assert numbers(api_client, "head", area="220184001001002") == set()


def test_unknown_lists_and_values_are_refused(city, api_client):
    response = api_client().login("head").get("/api/v1/cases", list="favourites", status="lost")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"list"}
    response = api_client().login("head").get("/api/v1/cases", status="lost")
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "status"
