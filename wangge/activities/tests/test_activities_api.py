"""Service activities: scoped CRUD, links only to what the organiser sees,
recurring series, and people served (服务人次)."""
import pytest

from wangge.activities.models import Activity
from wangge.partners.models import Partner
from wangge.volunteers.models import Volunteer

COMMUNITY = "220184001001"


@pytest.fixture
def hospital(city):
    return Partner.objects.create(name="公主岭市中医院", kind="hospital", area=city.street)


def create(client, **data):
    body = {"title": "中医院义诊进社区", "kind": "health_check", "date": "2026-03-15", "area": COMMUNITY,
            "place": "京华社区党群服务中心", "participants": 150, **data}
    return client.post("/api/v1/activities", body)


def test_an_activity_with_a_partner_volunteers_and_people_served(city, api_client, hospital):
    head = api_client().login("head")
    volunteer = Volunteer.objects.create(name="李红", area=city.community)
    response = create(head, partners=[hospital.pk], volunteers=[volunteer.pk], residents=[city.resident.pk])
    assert response.status_code == 201, response.content
    [body] = response.json()
    assert (body["area"], body["kind_name"], body["partners"], body["volunteers"], body["residents"]) == (
        COMMUNITY, "义诊", [hospital.pk], [volunteer.pk], [city.resident.pk])
    create(head, title="消防演练", kind="fire_drill", participants=60)
    totals = head.get("/api/v1/activity-totals").json()
    assert (totals["activities"], totals["participants"]) == (2, 210)
    assert {k["kind"]: k["participants"] for k in totals["kinds"]} == {"health_check": 150, "fire_drill": 60}
    assert head.get("/api/v1/activities", partner=hospital.pk).json()["count"] == 1


def test_links_must_be_visible_to_the_organiser(city, api_client):
    head = api_client().login("head")
    lawyers = Partner.objects.create(name="铁北律师事务所", kind="law_firm", area=city.other_community)
    stranger = Volunteer.objects.create(name="外人", area=city.other_community)
    response = create(head, partners=[lawyers.pk], volunteers=[stranger.pk], residents=[city.other_resident.pk])
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"partners", "volunteers", "residents"}
    assert not Activity.objects.exists()


def test_activities_outside_scope_are_invisible_and_unchangeable(city, api_client):
    [body] = create(api_client().login("head")).json()
    gw2 = api_client().login("gw2")
    assert gw2.get("/api/v1/activities").json() == {"items": [], "count": 0}
    assert gw2.get(f"/api/v1/activities/{body['id']}").status_code == 404
    assert gw2.patch(f"/api/v1/activities/{body['id']}", {"participants": 1}).status_code == 404
    assert gw2.client.delete(f"/api/v1/activities/{body['id']}", headers=gw2._headers()).status_code == 404
    assert create(gw2).status_code == 404
    assert gw2.get("/api/v1/activity-totals").json()["participants"] == 0
    assert api_client().login("partner").get("/api/v1/activities").json()["count"] == 0
    assert Activity.objects.get().participants == 150


def test_a_quarterly_series_is_created_at_once(city, api_client, hospital):
    head = api_client().login("head")
    response = create(head, title="季度义诊", date="2026-01-31", repeat_every_months=3, repeat_count=4,
                      partners=[hospital.pk])
    assert response.status_code == 201, response.content
    rows = response.json()
    assert [r["date"] for r in rows] == ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31"]
    assert [r["participants"] for r in rows] == [150, 0, 0, 0]
    assert {r["series"] for r in rows} == {"季度义诊"} and all(r["partners"] == [hospital.pk] for r in rows)
    assert head.get("/api/v1/activities", series="季度义诊").json()["count"] == 4
    later = rows[1]["id"]
    assert head.patch(f"/api/v1/activities/{later}", {"participants": 160}).json()["participants"] == 160
    assert create(head, repeat_every_months=0, repeat_count=3).status_code == 422
