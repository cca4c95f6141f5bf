"""Volunteers, teams and service records through the API: registration in a community,
masked phones, scope on every endpoint, and hours that count only once confirmed."""
import datetime

import pytest
from django.utils import timezone

from wangge.volunteers.models import ServiceRecord, Volunteer

COMMUNITY = "220184001001"


@pytest.fixture
def head(city, api_client):
    return api_client().login("head")


def register(client, **data):
    body = {"name": "李红", "area": COMMUNITY, "phone": "13812345678", "skills": ["medical", "cpr"],
            "availability": "周末上午", **data}
    return client.post("/api/v1/volunteers", body)


def test_a_volunteer_is_registered_in_a_community_with_a_masked_phone(city, head):
    response = register(head, resident=city.resident.pk, name="", is_governance_partner=True)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["phone"], body["area"], body["resident"]) == (
        "刘伊蕊", "138****5678", COMMUNITY, city.resident.pk)
    assert body["is_governance_partner"] is True and float(body["total_hours"]) == 0


def test_registration_is_checked(city, head):
    bad = register(head, area="220184001001001", skills=["flying"])
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"area", "skills"}
    assert register(head, resident=city.other_resident.pk).status_code == 422


def test_volunteers_outside_scope_are_invisible_and_unchangeable(city, api_client, head):
    pk = register(head).json()["id"]
    gw2 = api_client().login("gw2")
    assert gw2.get("/api/v1/volunteers").json() == {"items": [], "count": 0}
    assert gw2.get(f"/api/v1/volunteers/{pk}").status_code == 404
    assert gw2.patch(f"/api/v1/volunteers/{pk}", {"name": "改"}).status_code == 404
    assert gw2.post(f"/api/v1/volunteers/{pk}/records",
                    {"activity": "x", "date": "2026-01-05", "hours": 1}).status_code == 404
    assert register(gw2).status_code == 404
    assert api_client().login("partner").get("/api/v1/volunteers").json()["count"] == 0
    assert api_client().login("street").get("/api/v1/volunteers").json()["count"] == 1
    assert Volunteer.objects.get().name == "李红" and not ServiceRecord.objects.exists()


def test_filters(city, head):
    register(head, name="王医生", is_governance_partner=True)
    register(head, name="赵师傅", skills=["repair"])

    def seen(**params):
        return {v["name"] for v in head.get("/api/v1/volunteers", **params).json()["items"]}

    assert seen(skill="repair") == {"赵师傅"}
    assert seen(governance_partner=True) == {"王医生"}
    assert seen(q="赵") == {"赵师傅"}


def test_teams_have_leaders_and_members_and_are_scoped(city, api_client, head):
    leader = register(head, name="队长老张").json()["id"]
    member = register(head, name="小王").json()["id"]
    response = head.post("/api/v1/teams", {"name": "红卫士", "area": COMMUNITY, "leader": leader, "members": [member]})
    assert response.status_code == 201, response.content
    team = response.json()
    assert (team["leader_name"], sorted(team["members"]), team["member_count"]) == ("队长老张", sorted([leader, member]), 2)
    assert head.get("/api/v1/volunteers", team=team["id"]).json()["count"] == 2
    gw2 = api_client().login("gw2")
    assert gw2.get("/api/v1/teams").json()["count"] == 0
    assert gw2.get(f"/api/v1/teams/{team['id']}").status_code == 404
    assert gw2.patch(f"/api/v1/teams/{team['id']}", {"name": "改"}).status_code == 404
    assert gw2.post("/api/v1/teams", {"name": "越权队", "area": COMMUNITY}).status_code == 404
    assert head.patch(f"/api/v1/teams/{team['id']}", {"members": []}).json()["members"] == [leader]
    assert head.post("/api/v1/teams", {"name": "红卫士", "area": COMMUNITY}).status_code == 422


def test_hours_count_once_the_organiser_confirms(city, api_client, head):
    volunteer = register(head).json()["id"]
    team = head.post("/api/v1/teams", {"name": "红色代办", "area": COMMUNITY, "members": [volunteer]}).json()["id"]
    day = timezone.localdate() - datetime.timedelta(days=3)
    claimed = head.post(f"/api/v1/volunteers/{volunteer}/records",
                        {"activity": "为高龄老人代买药品", "date": str(day), "hours": "2.5", "team": team})
    assert claimed.status_code == 201 and claimed.json()["confirmed"] is False
    totals = head.get("/api/v1/volunteer-hours").json()
    assert (float(totals["hours"]), totals["records"], totals["unconfirmed_records"]) == (0, 0, 1)

    record = claimed.json()["id"]
    assert api_client().login("gw2").post(f"/api/v1/service-records/{record}/confirm", {}).status_code == 404
    confirmed = head.post(f"/api/v1/service-records/{record}/confirm", {}).json()
    assert confirmed["confirmed"] is True and confirmed["confirmed_by"] == "head"
    head.post(f"/api/v1/volunteers/{volunteer}/records",
              {"activity": "义诊志愿服务", "date": str(day), "hours": 1, "confirm": True})

    totals = head.get("/api/v1/volunteer-hours", area=COMMUNITY).json()
    assert (float(totals["hours"]), totals["records"], totals["volunteers"], totals["unconfirmed_records"]) == (
        3.5, 2, 1, 0)
    assert [(t["name"], float(t["hours"])) for t in totals["teams"]] == [("红色代办", 2.5)]
    assert float(head.get(f"/api/v1/volunteers/{volunteer}").json()["total_hours"]) == 3.5
    assert head.get("/api/v1/service-records", confirmed=True).json()["count"] == 2
    assert api_client().login("gw2").get("/api/v1/volunteer-hours").json()["records"] == 0
    outside = head.get("/api/v1/volunteer-hours", date_to=str(day - datetime.timedelta(days=1))).json()
    assert outside["records"] == 0


@pytest.mark.parametrize(("hours", "days_ahead", "field"), [("0", 0, "hours"), ("24.5", 0, "hours"),
                                                            ("2", 1, "date")])
def test_a_service_record_has_real_hours_on_a_past_day(city, head, hours, days_ahead, field):
    volunteer = register(head).json()["id"]
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    response = head.post(f"/api/v1/volunteers/{volunteer}/records",
                         {"activity": "清理楼道", "date": str(day), "hours": hours})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
