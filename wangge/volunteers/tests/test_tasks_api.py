"""The task endpoints: lists and objects with their area, scope on every endpoint
(another area answers 404), a volunteer's login seeing the tasks on offer in their
community but whom they help only once they took one."""
import datetime

import pytest

from wangge.volunteers.models import ServiceRecord, Volunteer

from .conftest import SATURDAY

COMMUNITY = "220184001001"
GRID = "220184001001001"


@pytest.fixture
def head(city, api_client):
    return api_client().login("head")


@pytest.fixture
def gw2(city, api_client):
    return api_client().login("gw2")


def offer(client, **data):
    body = {"title": "代买药品", "area": GRID, "needed_on": str(SATURDAY), "skill": "errands",
            "time_from": "09:00", "time_to": "11:00", "estimated_hours": "1.5", **data}
    return client.post("/api/v1/tasks", body)


def test_staff_offer_list_and_change_a_task(city, head):
    response = offer(head, resident=city.resident.pk)
    assert response.status_code == 201, response.content
    task = response.json()
    assert (task["area"], task["status"], task["resident_name"], task["address"], task["skill_name"]) == (
        GRID, "open", "刘伊蕊", city.household.address, "代办跑腿")
    listed = head.get("/api/v1/tasks", status="open", area=COMMUNITY).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == task["id"]
    assert head.get("/api/v1/tasks", status="done").json() == {"items": [], "count": 0}
    changed = head.patch(f"/api/v1/tasks/{task['id']}", {"title": "代买降压药", "time_to": "12:00"}).json()
    assert (changed["title"], changed["time_to"]) == ("代买降压药", "12:00:00")


def test_bad_input_answers_422_with_the_fields(city, head):
    response = offer(head, area="", skill="flying")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"area", "skill"}


def test_every_task_endpoint_keeps_to_the_scope(city, head, gw2, vol):
    pk = offer(head).json()["id"]
    base = f"/api/v1/tasks/{pk}"
    assert gw2.get("/api/v1/tasks").json() == {"items": [], "count": 0}
    assert gw2.get(base).status_code == 404
    assert gw2.patch(base, {"title": "改"}).status_code == 404
    assert gw2.get(f"{base}/candidates").status_code == 404
    assert gw2.post(f"{base}/accept", {"volunteer": vol.pk}).status_code == 404
    assert gw2.post(f"{base}/complete", {"hours": 1}).status_code == 404
    assert gw2.post(f"{base}/cancel", {"reason": "x"}).status_code == 404
    assert offer(gw2).status_code == 404
    assert head.get(base).json()["status"] == "open" and head.get(base).json()["title"] == "代买药品"


def test_candidates_are_ranked_with_reasons(city, head, api_client, vol):
    near = Volunteer.objects.create(name="赵", area=city.community, skills=["errands"], availability="周六上午",
                                    resident=city.resident)
    Volunteer.objects.create(name="钱", area=city.community, skills=["cooking"], availability="周末")
    pk = offer(head).json()["id"]
    body = head.get(f"/api/v1/tasks/{pk}/candidates").json()
    assert body["count"] == 3
    assert [c["name"] for c in body["items"]] == ["赵", "李红", "钱"]
    first = body["items"][0]
    assert (first["volunteer"], first["has_skill"], first["same_grid"], first["availability_fit"]) == (
        near.pk, True, True, "yes")
    assert first["reasons"][1] == "住在同一网格" and body["items"][1]["phone"] == "139****1111"
    # The grid worker may offer tasks but sees no community volunteers to rank (volunteers belong to the community).
    assert api_client().login("gw").get(f"/api/v1/tasks/{pk}/candidates").json()["count"] == 0


def test_a_volunteer_takes_a_task_and_reports_it_done(city, head, api_client, vol):
    pk = offer(head, resident=city.resident.pk).json()["id"]
    me = api_client().login("vol")
    on_offer = me.get("/api/v1/tasks").json()
    assert on_offer["count"] == 1
    before = on_offer["items"][0]
    # Whom the task helps, and where, is shown only to the one who takes it.
    assert (before["resident"], before["resident_name"], before["address"]) == (None, "", "")
    assert me.get(f"/api/v1/tasks/{pk}/candidates").status_code == 404
    assert me.patch(f"/api/v1/tasks/{pk}", {"title": "改"}).status_code == 404
    assert me.post(f"/api/v1/tasks/{pk}/cancel", {}).status_code == 404

    taken = me.post(f"/api/v1/tasks/{pk}/accept", {})
    assert taken.status_code == 200, taken.content
    assert (taken.json()["status"], taken.json()["volunteer_name"], taken.json()["resident_name"]) == (
        "accepted", "李红", "刘伊蕊")
    assert me.post(f"/api/v1/tasks/{pk}/accept", {}).status_code == 422

    done = me.post(f"/api/v1/tasks/{pk}/complete", {"hours": "2", "date": str(datetime.date(2026, 6, 6))}).json()
    assert (done["status"], float(done["hours"]), done["record_confirmed"]) == ("done", 2.0, False)
    assert float(head.get(f"/api/v1/volunteers/{vol.pk}").json()["total_hours"]) == 0
    head.post(f"/api/v1/service-records/{done['record']}/confirm", {})
    assert float(head.get(f"/api/v1/volunteers/{vol.pk}").json()["total_hours"]) == 2
    # Once done, the task stays visible to the volunteer who did it.
    assert me.get(f"/api/v1/tasks/{pk}").json()["status"] == "done"


def test_staff_assign_complete_and_cancel(city, head, vol):
    pk = offer(head).json()["id"]
    assert head.post(f"/api/v1/tasks/{pk}/accept", {}).status_code == 422  # head is no volunteer: name one
    assert head.post(f"/api/v1/tasks/{pk}/accept", {"volunteer": 999999}).status_code == 422
    assigned = head.post(f"/api/v1/tasks/{pk}/accept", {"volunteer": vol.pk}).json()
    assert (assigned["status"], assigned["volunteer"]) == ("accepted", vol.pk)
    assert head.patch(f"/api/v1/tasks/{pk}", {"title": "改"}).status_code == 422
    assert head.post(f"/api/v1/tasks/{pk}/complete", {"hours": 30}).status_code == 422
    done = head.post(f"/api/v1/tasks/{pk}/complete", {"hours": "1.5"}).json()
    assert (done["status"], done["record_confirmed"]) == ("done", True)
    assert ServiceRecord.objects.get().confirmed_by == city.community_head
    assert head.post(f"/api/v1/tasks/{pk}/cancel", {}).status_code == 422

    other = offer(head, title="代取快递").json()["id"]
    cancelled = head.post(f"/api/v1/tasks/{other}/cancel", {"reason": "已由家属代办"}).json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "已由家属代办")
