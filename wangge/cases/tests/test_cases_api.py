"""The case API: reporting, the loop from report to rating, dispatch, versions, merge, photos, notifications."""
import datetime

import pytest
from django.utils import timezone

from wangge.cases.models import Case, CaseEvent, CasePhoto, Notification
from wangge.testing import png


@pytest.fixture
def gw(city, api_client):
    return api_client().login("gw")


@pytest.fixture
def head(city, api_client):
    return api_client().login("head")


def report(client, **overrides):
    data = {"title": "3号楼楼顶漏水", "description": "下雨时501室顶棚漏水", "category": "roof_leak",
            "source": "visit", "area": "220184001001001"}
    data.update(overrides)
    return client.post("/api/v1/cases", data)


def act(client, number, action, **extra):
    version = Case.objects.get(number=number).version
    return client.post(f"/api/v1/cases/{number}/transitions", {"action": action, "version": version, **extra})


def errors(response):
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def test_categories_are_a_public_tree_of_codes_and_names(db, client):
    tree = client.get("/api/v1/categories").json()
    tops = {top["name"]: top for top in tree}
    assert list(tops) == ["民生服务", "基础设施/工程", "公共安全", "环境卫生", "矛盾纠纷", "物业管理", "其他"]
    assert {"code": "roof_leak", "name": "房屋漏水"} in tops["物业管理"]["children"]
    assert sum(len(top["children"]) for top in tree) >= 25


def test_a_grid_worker_reports_a_case_numbered_by_year(city, gw):
    response = report(gw, point={"lat": 43.5, "lng": 124.8}, urgency="urgent", building=city.household.building_id,
                      household=city.household.id)
    assert response.status_code == 201, response.content
    body = response.json()
    year = timezone.localdate().year
    assert body["number"] == f"SQ-{year}-000001"
    assert (body["status"], body["level"], body["version"], body["area"]) == ("reported", "grid", 1, "220184001001001")
    assert (body["category"], body["source"], body["urgency"], body["lat"]) == ("roof_leak", "visit", "urgent", 43.5)
    assert body["owner"] == {"kind": "office", "name": "京华社区第一网格", "username": None, "partner": "",
                             "office": "220184001001001", "office_name": "京华社区第一网格"}
    assert body["events"][0]["action"] == "report" and body["events"][0]["who"] == "gw（网格员）"
    assert datetime.datetime.fromisoformat(body["deadline"]) > timezone.now()
    assert report(gw).json()["number"] == f"SQ-{year}-000002"


def test_engineering_starts_at_the_community_with_13_working_days(city, gw):
    body = report(gw, category="road_damage", lat=43.5, lng=124.8).json()
    assert (body["level"], body["owner"]["office"], body["lat"]) == ("community", "220184001001", 43.5)
    case = Case.objects.get(number=body["number"])
    assert (case.deadline - case.reported_at).days >= 13


def test_a_report_names_every_bad_field(city, gw):
    bad = errors(report(gw, title="", category="nope", source="rumour", area="220184001001",
                        building=city.household_b.building_id, lat=91, lng=0))
    assert set(bad) == {"title", "category", "source", "area", "lat"}
    bad = errors(report(gw, building=city.household_b.building_id, household=city.other_household.id))
    assert set(bad) == {"building", "household"}
    assert not Case.objects.exists()


def test_the_whole_loop_from_report_to_rating(city, staff, gw, head, api_client):
    number = report(gw).json()["number"]
    assert act(gw, number, "accept").json()["status"] == "accepted"
    started = act(gw, number, "start", note="自行处置").json()
    assert started["status"] == "in_progress" and started["owner"]["username"] == "gw"
    handled = act(gw, number, "handle", note="已联系物业修补防水层").json()
    assert handled["status"] == "handled" and handled["handled_at"]
    assert act(head, number, "verify", note="现场核查无渗漏").json()["status"] == "verified"
    closed = act(head, number, "close").json()
    assert closed["status"] == "closed" and closed["closed_at"]
    rated = act(api_client().login("cs"), number, "rate", rating="satisfied", comment="回访满意").json()
    assert (rated["status"], rated["rating"], rated["version"]) == ("rated", "satisfied", 7)
    events = rated["events"]
    assert [e["action"] for e in events] == ["report", "accept", "start", "handle", "verify", "close", "rate"]
    assert [e["seq"] for e in events] == list(range(1, 8))
    assert events[3] | {"at": None} == {
        "seq": 4, "at": None, "who": "gw（网格员）", "action": "handle", "action_name": "处置反馈",
        "from_status": "in_progress", "to_status": "handled", "from_level": "grid", "to_level": "grid",
        "owner": "gw", "note": "已联系物业修补防水层", "photos": [],
    }


def test_a_stale_version_is_refused_and_nothing_is_written(city, gw, head):
    number = report(gw).json()["number"]
    first = gw.post(f"/api/v1/cases/{number}/transitions", {"action": "accept", "version": 1})
    second = head.post(f"/api/v1/cases/{number}/transitions", {"action": "reject", "version": 1, "reason": "重复上报"})
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": "该诉求已被他人更新，请刷新后重试", "version": 2}
    case = Case.objects.get(number=number)
    assert (case.status, case.version) == ("accepted", 2)
    assert list(case.events.values_list("action", flat=True)) == ["report", "accept"]


def test_reasons_and_notes_are_required_where_the_loop_needs_them(city, gw, head):
    number = report(gw).json()["number"]
    assert set(errors(act(head, number, "reject"))) == {"reason"}
    act(gw, number, "accept")
    act(gw, number, "start")
    assert set(errors(act(gw, number, "handle"))) == {"note"}
    assert set(errors(act(gw, number, "escalate", reason=" "))) == {"reason"}
    assert set(errors(gw.post(f"/api/v1/cases/{number}/transitions", {"action": "fly", "version": 4}))) == {"action"}


@pytest.fixture
def accepted_community_case(city, make_case):
    return make_case(status="accepted", level="community")


def test_dispatch_down_to_a_grid_office(city, head, accepted_community_case):
    body = act(head, accepted_community_case.number, "dispatch", to={"kind": "level", "level": "grid"}).json()
    assert (body["status"], body["level"], body["owner"]["kind"], body["owner"]["office"]) == (
        "dispatched", "grid", "office", "220184001001001")
    assert Notification.objects.filter(user=city.grid_worker, case__number=body["number"]).exists()


def test_dispatch_to_a_person_takes_their_level(city, head, accepted_community_case):
    body = act(head, accepted_community_case.number, "dispatch", to={"kind": "user", "username": "gw"}, note="请尽快处理").json()
    assert (body["level"], body["owner"]["kind"], body["owner"]["username"]) == ("grid", "user", "gw")
    notification = Notification.objects.get(user=city.grid_worker)
    assert notification.text == f"诉求 {body['number']}「楼道灯不亮」：派遣（请尽快处理）"


def test_dispatch_to_a_partner_keeps_the_level(city, head, accepted_community_case):
    body = act(head, accepted_community_case.number, "dispatch", to={"kind": "partner", "name": "京华物业"}).json()
    assert (body["level"], body["owner"]["kind"], body["owner"]["partner"], body["owner"]["name"]) == (
        "community", "partner", "京华物业", "京华物业（联建单位）")
    # The community records the partner's work.
    assert act(head, body["number"], "start").json()["owner"]["kind"] == "partner"


@pytest.mark.parametrize(("to", "message"), [
    ({"kind": "level", "level": "street"}, "只能派往本级或下级；需要上级处置请使用“升级”"),
    ({"kind": "user", "username": "street"}, "只能派往本级或下级；需要上级处置请使用“升级”"),
    ({"kind": "user", "username": "gw2"}, "未找到该人员，或其岗位不覆盖该诉求所在网格"),
    ({"kind": "user", "username": "nobody"}, "未找到该人员，或其岗位不覆盖该诉求所在网格"),
    ({"kind": "level", "level": "planet"}, "未知层级：planet"),
    ({"kind": "robot"}, "派遣对象类型应为 user、level 或 partner"),
    (None, "请指定一个派遣对象：人员、层级或联建单位"),
])
def test_dispatch_never_goes_up_or_out_of_the_area(city, head, accepted_community_case, to, message):
    response = act(head, accepted_community_case.number, "dispatch", to=to)
    assert errors(response) == {"to": message}
    accepted_community_case.refresh_from_db()
    assert (accepted_community_case.status, accepted_community_case.version) == ("accepted", 1)


def test_escalate_moves_up_one_level_with_a_new_deadline(city, gw, make_case):
    case = make_case(status="in_progress", owner_user=city.grid_worker, category="road_damage",
                     deadline=timezone.now() + datetime.timedelta(days=1))
    body = act(gw, case.number, "escalate", reason="需要社区协调施工队").json()
    assert (body["status"], body["level"], body["owner"]["kind"], body["owner"]["office"], body["escalated_count"]) == (
        "dispatched", "community", "office", "220184001001", 1)
    case.refresh_from_db()
    assert case.deadline > timezone.now() + datetime.timedelta(days=10)  # 13 working days at the community
    assert Notification.objects.filter(user=city.community_head).count() == 1
    assert not Notification.objects.filter(user=city.grid_worker).exists()


def test_reopen_after_a_failed_check_goes_back_to_the_handler(city, gw, head, make_case):
    case = make_case(status="handled", owner_user=city.grid_worker)
    body = act(head, case.number, "reopen", reason="楼顶仍在渗水").json()
    assert (body["status"], body["reopened_count"], body["owner"]["username"]) == ("in_progress", 1, "gw")
    assert Notification.objects.get(user=city.grid_worker).text.endswith("返工（楼顶仍在渗水）")


def test_merge_a_duplicate_into_its_original(city, gw, make_case):
    original = make_case(status="in_progress")
    duplicate = make_case(status="reported")
    body = act(gw, duplicate.number, "merge", into=original.number).json()
    assert (body["status"], body["merged_into"]) == ("merged", original.number)
    assert body["events"][-1]["note"] == f"合并至 {original.number}"
    original.refresh_from_db()
    assert original.version == 2 and original.status == "in_progress"
    event = original.events.get()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "merge", "in_progress", "in_progress", f"合并重复诉求 {duplicate.number}")


def test_merge_refuses_itself_a_merged_case_and_a_case_out_of_scope(city, gw, make_case):
    duplicate = make_case(status="reported")
    merged = make_case(status="merged")
    other = make_case(status="accepted", grid=city.other_grid)
    assert errors(act(gw, duplicate.number, "merge", into=duplicate.number)) == {"into": "不能合并到自身"}
    assert errors(act(gw, duplicate.number, "merge", into=merged.number)) == {"into": "不能合并到已合并或不予立案的诉求"}
    assert errors(act(gw, duplicate.number, "merge", into=other.number)) == {"into": "原诉求不存在，或不在您的管辖范围内"}
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.version) == ("reported", 1)


def upload(client, path, files, **fields):
    return client.client.post(path, {"files": files, **fields}, headers=client._headers())


def test_photos_come_with_an_event_and_are_served_in_scope_only(city, gw, api_client, make_case):
    case = make_case(status="in_progress", owner_user=city.grid_worker)
    response = upload(gw, f"/api/v1/cases/{case.number}/photos", [png(), png("b.png")], note="处置后")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["events"][-1]["action"] == "photo"
    assert len(body["photos"]) == 2 and body["events"][-1]["photos"] == [p["id"] for p in body["photos"]]
    photo = CasePhoto.objects.first()
    assert photo.file.name.startswith("cases/220184/") and photo.file.name.endswith(".png")
    served = gw.get(body["photos"][0]["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert api_client().login("gw2").get(body["photos"][0]["url"]).status_code == 404


def test_photos_are_checked_by_content_and_size(city, gw, settings, make_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case(status="in_progress")
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    assert errors(upload(gw, f"/api/v1/cases/{case.number}/photos", [fake])) == {
        "photos": "“photo.jpg”不是 JPEG、PNG 或 WebP 照片"}
    settings.WANGGE_CASE_PHOTO_MAX_BYTES = 100
    assert "超过" in errors(upload(gw, f"/api/v1/cases/{case.number}/photos", [png(size=100)]))["photos"]
    assert not CasePhoto.objects.exists() and Case.objects.get(pk=case.pk).version == 1


def test_notifications_bell_and_marking_read(city, gw, head, accepted_community_case):
    act(head, accepted_community_case.number, "dispatch", to={"kind": "user", "username": "gw"})
    assert gw.get("/api/v1/notifications/unread").json() == {"count": 1}
    items = gw.get("/api/v1/notifications").json()["items"]
    assert items[0]["case"] == accepted_community_case.number and not items[0]["read"]
    assert gw.post("/api/v1/notifications/read", {}).json() == {"count": 1}
    assert gw.get("/api/v1/notifications/unread").json() == {"count": 0}
    assert head.get("/api/v1/notifications").json()["count"] == 0


def test_events_are_append_only(city, gw):
    number = report(gw).json()["number"]
    event = CaseEvent.objects.get(case__number=number)
    event.note = "改写历史"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).update(note="改写历史")
    with pytest.raises(TypeError):
        CaseEvent.objects.all().delete()


def test_a_list_page_costs_the_same_few_queries_however_many_cases(city, gw, make_case, django_assert_max_num_queries):
    for _ in range(20):
        make_case(status="in_progress", owner_user=city.grid_worker)
    with django_assert_max_num_queries(6):
        assert gw.get("/api/v1/cases", list="mine").json()["count"] == 20


def test_the_api_schema_describes_the_case_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cases", "/api/v1/cases/{number}/transitions", "/api/v1/public/reports/{tracking}/rating"} <= set(paths)


def test_pages_hand_photos_to_the_report_and_handle_services(city):
    """Pages post forms with files and call the services directly; the photos join that step's event."""
    from wangge.cases import services

    case = services.report_case(actor=city.grid_worker, photos=[png()], data={
        "title": "楼道堆物", "description": "2单元楼道堆放杂物", "category": "fire_hazard", "source": "patrol",
        "area": "220184001001001"})
    assert case.photos.get().event.action == "report"
    services.accept_case(actor=city.grid_worker, number=case.number, version=1)
    services.start_case(actor=city.grid_worker, number=case.number, version=2)
    services.handle_case(actor=city.grid_worker, number=case.number, version=3, note="已清理", photos=[png(), png()])
    assert list(case.photos.values_list("event__action", flat=True)) == ["report", "handle", "handle"]
    resident_case = services.report_public(photos=[png()], data={
        "category": "garbage", "description": "垃圾箱满了", "phone": "0434-6212345", "area": "220184001001002"})
    assert resident_case.photos.get().event.actor_label == "居民"
