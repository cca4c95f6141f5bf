"""Residents report without an account, follow the case by its tracking code (seeing
no personal data), and rate it once it is closed; the endpoints are rate-limited."""
import pytest
from django.test import Client

from wangge.cases.models import Case, Notification
from wangge.testing import png

SQUARE = {"type": "Polygon", "coordinates": [[[124.80, 43.50], [124.82, 43.50], [124.82, 43.52], [124.80, 43.52], [124.80, 43.50]]]}


@pytest.fixture
def resident(db):
    return Client()


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def report(client, **overrides):
    data = {"category": "roof_leak", "description": "3号楼501室楼顶漏水，下雨天滴水", "area": "220184001001001",
            "phone": "13900001111"}
    data.update(overrides)
    return post(client, "/api/v1/public/reports", data)


def test_a_resident_reports_and_gets_a_tracking_code(city, resident):
    response = report(resident)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(tracking=body["tracking"])
    assert len(body["tracking"]) == 10 and body == {"tracking": case.tracking, "number": case.number, "status": "reported"}
    assert (case.source, case.reporter_phone, case.reporter_user, case.title) == (
        "resident", "13900001111", None, "3号楼501室楼顶漏水，下雨天滴水")
    assert case.events.get().actor_label == "居民"
    # The grid's worker is told.
    assert Notification.objects.get().user == city.grid_worker


def test_the_place_may_be_a_point_inside_a_mapped_grid(city, resident):
    city.grid_b.boundary = SQUARE
    city.grid_b.save()
    inside = report(resident, area="", lat=43.51, lng=124.81)
    assert Case.objects.get(tracking=inside.json()["tracking"]).area_code == city.grid_b.code
    nested = report(resident, area="", point={"lat": 43.51, "lng": 124.81})
    assert nested.status_code == 201
    outside = report(resident, area="", lat=43.6, lng=124.81)
    assert outside.status_code == 422
    assert outside.json()["detail"] == [{"field": "area", "message": "无法根据位置确定所在网格，请选择所在社区和网格"}]


def test_a_report_needs_a_description_a_known_category_a_phone_and_a_grid(city, resident):
    response = report(resident, category="nope", description="", phone="123", area="220184001")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"category", "description", "phone", "area"}
    assert not Case.objects.exists()


def test_the_public_progress_shows_offices_never_people_or_notes(city, resident, api_client):
    tracking = report(resident).json()["tracking"]
    number = Case.objects.get(tracking=tracking).number
    gw = api_client().login("gw")
    gw.post(f"/api/v1/cases/{number}/transitions", {"action": "accept", "version": 1, "note": "联系了刘伊蕊"})
    response = resident.get(f"/api/v1/public/reports/{tracking.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_name"], body["office"], body["can_rate"]) == ("accepted", "已立案", "京华社区第一网格", False)
    assert [(e["action"], e["status"], e["office"]) for e in body["timeline"]] == [
        ("report", "reported", "京华社区第一网格"), ("accept", "accepted", "京华社区第一网格"),
    ]
    text = response.content.decode()
    for private in ("gw", "刘伊蕊", "13900001111", "501室", "网格员"):
        assert private not in text
    assert resident.get("/api/v1/public/reports/NOTACODE99").status_code == 404


def test_rating_waits_for_closure_and_dissatisfied_reopens(city, resident, make_case):
    case = make_case(status="handled", owner_user=city.grid_worker, reporter_phone="13900001111")
    early = post(resident, f"/api/v1/public/reports/{case.tracking}/rating", {"rating": "satisfied"})
    assert early.status_code == 422
    assert early.json()["detail"][0]["message"] == "当前状态“已处置”不能执行“评价”"

    Case.objects.filter(pk=case.pk).update(status="closed")
    assert resident.get(f"/api/v1/public/reports/{case.tracking}").json()["can_rate"] is True
    bad = post(resident, f"/api/v1/public/reports/{case.tracking}/rating", {"rating": "great"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "rating"

    response = post(resident, f"/api/v1/public/reports/{case.tracking}/rating",
                    {"rating": "dissatisfied", "comment": "还在漏"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rating"]) == ("in_progress", "dissatisfied")
    case.refresh_from_db()
    assert (case.status, case.reopened_count, case.owner_user, case.rating_comment) == (
        "in_progress", 1, city.grid_worker, "还在漏")
    assert case.closed_at is None and not case.is_overdue
    event = case.events.get()
    assert (event.action, event.actor, event.actor_label, event.note) == ("rate", None, "居民", "不满意：还在漏")
    assert Notification.objects.get().user == city.grid_worker


def test_satisfied_finishes_the_case(city, resident, make_case):
    case = make_case(status="closed")
    response = post(resident, f"/api/v1/public/reports/{case.tracking}/rating", {"rating": "basically_satisfied"})
    assert response.json()["status"] == "rated"
    again = post(resident, f"/api/v1/public/reports/{case.tracking}/rating", {"rating": "satisfied"})
    assert again.status_code == 422


def test_a_resident_adds_a_few_photos_to_their_report(city, resident, settings):
    settings.WANGGE_PUBLIC_MAX_PHOTOS = 2
    tracking = report(resident).json()["tracking"]
    path = f"/api/v1/public/reports/{tracking}/photos"
    assert resident.post(path, {"files": [png(), png()]}).status_code == 200
    refused = resident.post(path, {"files": [png()]})
    assert refused.status_code == 422
    assert refused.json()["detail"] == [{"field": "photos", "message": "每件诉求最多 2 张照片"}]
    assert Case.objects.get(tracking=tracking).photos.count() == 2


def test_public_posts_are_rate_limited_per_address(city, settings):
    settings.WANGGE_PUBLIC_POST_RATE = "2/m"
    settings.WANGGE_PUBLIC_GET_RATE = "3/m"
    flooder, neighbour = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [report(flooder).status_code for _ in range(3)] == [201, 201, 429]
    assert report(flooder).json() == {"detail": "提交过于频繁，请稍后再试"}
    assert report(neighbour).status_code == 201
    assert Case.objects.count() == 3
    tracking = Case.objects.first().tracking
    assert [flooder.get(f"/api/v1/public/reports/{tracking}").status_code for _ in range(4)] == [200, 200, 200, 429]
    settings.WANGGE_PUBLIC_POST_RATE = "100/m"
    assert report(flooder).status_code == 201
