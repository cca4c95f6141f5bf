"""The staff pages of the case loop: work lists, reporting, the case page with only
the actions the state table allows, the version check, photos, the bell, the admin;
and scope on every one of them (a case of another area is a 404 everywhere)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.cases import services
from wangge.cases.models import Case, CaseEvent, CasePhoto, Notification
from wangge.cases.views import TABS, VERBS
from wangge.testing import PNG, png


@pytest.fixture
def other_case(city, make_case):
    """A case in another street, with a photo, as its own grid worker recorded it."""
    case = make_case(status="in_progress", grid=city.other_grid, owner_user=city.other_grid_worker,
                     title="东洼小区井盖缺失", description="东洼小区2号楼前井盖缺失")
    services.add_photos(actor=city.other_grid_worker, number=case.number, photos=[png()])
    case.refresh_from_db()
    return case


def action_url(case, action):
    return f"/cases/{case.number}/{action}/"


def action_forms(html: str, case) -> set[str]:
    return {action for action in VERBS if f'action="{action_url(case, action)}"' in html}


def test_pages_need_a_login(city, client, make_case):
    case = make_case()
    for url in ["/cases/", "/cases/new/", f"/cases/{case.number}/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert client.post(action_url(case, "accept"), {"version": 1}).status_code == 302
    assert Case.objects.get(pk=case.pk).version == 1


# --- scope ----------------------------------------------------------------------------
def test_a_case_of_another_street_is_a_404_on_its_page_its_photo_and_every_action(city, login, other_case):
    gw = login("gw")
    photo = other_case.photos.get()
    assert gw.get(f"/cases/{other_case.number}/").status_code == 404
    assert gw.get(f"/cases/{other_case.number}/photos/{photo.pk}/").status_code == 404
    for action in VERBS:
        response = gw.post(action_url(other_case, action), {
            "version": other_case.version, "note": "越权", "reason": "越权", "rating": "satisfied",
            "to_level": "grid", "into": other_case.number, "photos": [png()],
        })
        assert response.status_code == 404, action
    assert Case.objects.get(pk=other_case.pk).version == other_case.version
    assert CaseEvent.objects.filter(case=other_case).count() == 1 and CasePhoto.objects.count() == 1
    # Its own grid worker sees both.
    gw2 = login("gw2")
    assert gw2.get(f"/cases/{other_case.number}/").status_code == 200
    response = gw2.get(f"/cases/{other_case.number}/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(PNG)


def test_a_photo_is_served_only_under_its_own_case(city, login, make_case, other_case):
    own = make_case()
    photo = other_case.photos.get()
    assert login("city").get(f"/cases/{own.number}/photos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("tab", list(TABS))
@pytest.mark.parametrize("params", [{}, {"area": "220184002"}, {"status": "in_progress"}, {"category": "other"}])
def test_no_work_list_shows_a_case_of_another_area(city, login, make_case, other_case, tab, params):
    own = make_case(status="in_progress", owner_user=city.grid_worker,
                    deadline=other_case.deadline)
    response = login("gw").get("/cases/", {"list": tab, **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert other_case.number not in html and other_case.title not in html
    if tab in ("mine", "queue", "all") and params.get("area") != "220184002":
        assert own.number in html


def test_the_area_filter_offers_only_areas_in_scope(city, login):
    html = login("gw").get("/cases/").content.decode()
    assert city.grid.name in html
    assert city.other_grid.name not in html and city.other_street.name not in html


# --- work lists --------------------------------------------------------------------------
def test_work_lists_and_filters(city, login, make_case):
    overdue = make_case(status="accepted", title="超期的诉求", deadline=timezone.now() - datetime.timedelta(hours=2))
    mine = make_case(status="in_progress", title="我在办的诉求", owner_user=city.grid_worker, category="roof_leak")
    waiting = make_case(status="handled", title="等待核查的诉求", level="community")
    gw, head = login("gw"), login("head")

    def titles(client, **params):
        response = client.get("/cases/", params)
        assert response.status_code == 200
        return {case.title for case in response.context["page_obj"]}

    assert titles(gw) == {mine.title}  # 我的 is the first tab
    assert titles(gw, list="queue") == {overdue.title, mine.title}
    assert titles(gw, list="overdue") == {overdue.title}
    assert titles(head, list="awaiting_verification") == {waiting.title}
    assert titles(gw, list="all", category="property") == {mine.title}
    assert titles(gw, list="all", status="handled") == {waiting.title}
    html = gw.get("/cases/", {"list": "overdue"}).content.decode()
    assert 'case-deadline overdue' in html and "已超期" in html
    assert gw.get("/cases/", {"list": "nonsense"}).status_code == 404
    bad = gw.get("/cases/", {"list": "all", "status": "nonsense"})
    assert bad.status_code == 200 and "不在可选值内：nonsense" in bad.content.decode()


# --- reporting -----------------------------------------------------------------------------
def test_a_grid_worker_reports_what_they_found_with_their_grid_chosen(city, login):
    gw = login("gw")
    form = gw.get("/cases/new/").context["form"]
    assert (form["area"].value(), form["source"].value()) == (city.grid.code, "visit")
    assert [code for code, _name in form.fields["area"].widget.choices if code] == [city.grid.code]
    response = gw.post("/cases/new/", {
        "category": "roof_leak", "title": "3号楼楼顶漏水", "description": "下雨时501室顶棚漏水",
        "area": city.grid.code, "source": "visit", "urgency": "normal", "photos": [png(), png()],
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert (case.reporter_user, case.level, case.photos.count()) == (city.grid_worker, "grid", 2)
    assert f"已上报，编号 {case.number}" in gw.get(response["Location"]).content.decode()


def test_reporting_from_a_household_page_fills_in_the_place(city, login):
    gw = login("gw")
    household = city.household
    assert "为此户登记诉求" in gw.get(f"/households/{household.pk}/").content.decode()
    response = gw.get("/cases/new/", {"household": household.pk})
    form = response.context["form"]
    assert (form["area"].value(), str(form["building"].value()), str(form["household"].value())) == (
        city.grid.code, str(household.building_id), str(household.pk))
    assert household.address in response.content.decode()
    gw.post("/cases/new/", {"category": "unit_door", "title": "单元门坏了", "description": "门禁失灵",
                            "area": city.grid.code, "building": household.building_id,
                            "household": household.pk, "source": "visit"})
    assert Case.objects.get().household == household
    # Another street's household is not offered.
    other = gw.get("/cases/new/", {"household": city.other_household.pk})
    assert other.context["household"] is None and city.other_household.address not in other.content.decode()


def test_a_report_with_mistakes_says_what_is_wrong_and_saves_nothing(city, login):
    response = login("gw").post("/cases/new/", {
        "category": "nope", "title": "", "description": "有问题", "area": city.other_grid.code, "source": "visit",
    })
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["必填"] and "未知分类：nope" in errors["category"]
    assert errors["area"] == ["网格不存在，或不在您的管辖范围内（须为15位网格代码）"]
    assert not Case.objects.exists()


# --- the case page: only the allowed actions ------------------------------------------------------
def test_a_grid_worker_sees_the_quick_path_on_a_new_grid_case(city, login, make_case):
    case = make_case()
    html = login("gw").get(f"/cases/{case.number}/").content.decode()
    assert action_forms(html, case) == {"accept_start", "accept", "reject", "merge", "escalate", "photo"}
    assert "受理并处置" in html and f'name="version" value="{case.version}"' in html


def test_the_community_head_does_not_do_the_grids_work(city, login, make_case):
    case = make_case()
    html = login("head").get(f"/cases/{case.number}/").content.decode()
    # May accept it, but starting a grid case is the grid's work (states.Who.WORKER).
    assert action_forms(html, case) == {"accept", "reject", "merge", "photo"}


@pytest.mark.parametrize(("username", "expected"), [
    ("gw", {"photo"}), ("head", {"photo"}), ("street", {"close", "photo"}), ("city", {"close", "photo"}),
])
def test_only_the_street_or_above_sees_close_on_a_street_case(city, login, make_case, username, expected):
    case = make_case(status="verified", level="street")
    html = login(username).get(f"/cases/{case.number}/").content.decode()
    assert action_forms(html, case) == expected


def test_a_refused_action_says_why_and_changes_nothing(city, login, make_case):
    case = make_case(status="verified", level="street")
    response = login("gw").post(action_url(case, "close"), {"version": case.version})
    assert response.status_code == 422
    assert "网格员不能结案街道级诉求" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "verified"


def test_a_stale_form_shows_the_conflict_and_the_fresh_case(city, login, make_case):
    case = make_case()
    gw, head = login("gw"), login("head")
    assert gw.get(f"/cases/{case.number}/").status_code == 200  # gw reads version 1
    assert head.post(action_url(case, "accept"), {"version": 1, "note": "书记受理"}).status_code == 302
    response = gw.post(action_url(case, "reject"), {"version": 1, "reason": "重复反映"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "该诉求已被他人更新，请刷新后重试" in html
    assert "已立案" in html and "书记受理" in html
    # The form keeps what was typed, now under the current version.
    form = response.context["more_actions"]
    assert not any(a["name"] == "reject" for a in form)  # an accepted case cannot be rejected any more
    dispatch = next(a for a in response.context["more_actions"] if a["name"] == "dispatch")
    assert dispatch["form"]["version"].value() == 2
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_a_conflict_keeps_the_note_being_typed(city, login, make_case):
    case = make_case(status="in_progress", owner_user=city.grid_worker)
    services.add_photos(actor=city.community_head, number=case.number, photos=[png()])  # bumps the version
    response = login("gw").post(action_url(case, "handle"), {"version": 1, "note": "已更换灯泡"})
    assert response.status_code == 409
    handle = next(a for a in response.context["main_actions"] if a["name"] == "handle")
    assert (handle["form"]["note"].value(), handle["form"]["version"].value()) == ("已更换灯泡", 2)


def test_a_grid_worker_accepts_starts_and_handles_with_a_photo(city, login, make_case):
    case = make_case()
    gw = login("gw")
    response = gw.post(action_url(case, "accept_start"), {"version": 1, "note": "现场可修"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.owner_user, case.version) == ("in_progress", city.grid_worker, 3)
    assert list(case.events.values_list("action", flat=True)) == ["accept", "start"]
    html = gw.get(f"/cases/{case.number}/").content.decode()
    assert action_forms(html, case) >= {"handle"} and "已完成：受理并处置" in html

    missing = gw.post(action_url(case, "handle"), {"version": 3, "note": ""})
    assert missing.status_code == 422
    handle = next(a for a in missing.context["main_actions"] if a["name"] == "handle")
    assert handle["form"].errors["note"] == ["请填写处置情况"]

    assert gw.post(action_url(case, "handle"), {"version": 3, "note": "已换灯泡", "photos": [png()]}).status_code == 302
    case.refresh_from_db()
    photo = case.photos.get()
    assert (case.status, photo.event.action) == ("handled", "handle")
    html = gw.get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/photos/{photo.pk}/" in html and "已换灯泡" in html


def test_the_whole_loop_through_the_pages(city, login, make_case):
    case = make_case()
    gw, head = login("gw"), login("head")

    def act(client, action, **data):
        current = Case.objects.get(pk=case.pk)
        response = client.post(action_url(case, action), {"version": current.version, **data})
        assert response.status_code == 302, response.content.decode()

    act(gw, "accept_start")
    act(gw, "handle", note="已修复")
    act(head, "verify", note="现场核查合格")
    act(head, "close")
    act(head, "rate", rating="satisfied", comment="回访满意")
    case.refresh_from_db()
    assert (case.status, case.rating) == ("rated", "satisfied")
    html = head.get(f"/cases/{case.number}/").content.decode()
    for step in ("上报", "受理", "开始处置", "处置反馈", "核查", "结案", "评价", "现场核查合格", "满意：回访满意"):
        assert step in html
    assert action_forms(html, case) == set()


def test_dispatch_offers_the_people_and_levels_below_and_sends_the_case(city, login, make_case):
    case = make_case(status="accepted", level="community")
    head = login("head")
    actions = head.get(f"/cases/{case.number}/").context["more_actions"]
    form = next(a for a in actions if a["name"] == "dispatch")["form"]
    people = {value for value, _label in form.fields["to_user"].widget.choices if value}
    assert people == {"head", "gw"}  # not the street, not another grid's worker
    assert [v for v, _label in form.fields["to_level"].widget.choices if v] == ["community", "grid"]
    sent = head.post(action_url(case, "dispatch"), {"version": 1, "to_user": "gw", "note": "请今天处理"})
    assert sent.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.level, case.owner_user) == ("dispatched", "grid", city.grid_worker)
    two = head.post(action_url(case, "dispatch"), {"version": case.version, "to_user": "gw", "to_partner": "京华物业"})
    assert two.status_code == 422 and "请指定一个派遣对象：人员、层级或联建单位" in two.content.decode()


def test_a_malformed_form_is_a_400(city, login, make_case):
    case = make_case()
    assert login("gw").post(action_url(case, "accept"), {"version": "x"}).status_code == 400
    assert login("gw").post(action_url(case, "fly"), {"version": 1}).status_code == 404
    assert Case.objects.get(pk=case.pk).version == 1


# --- notifications ------------------------------------------------------------------------
def test_the_bell_counts_unread_and_opening_the_case_reads_them(city, login, make_case):
    case = make_case()
    Notification.objects.create(user=city.grid_worker, case=case, text=f"诉求 {case.number}：派遣")
    Notification.objects.create(user=city.grid_worker, text="系统通知")
    gw = login("gw")
    html = gw.get("/cases/").content.decode()
    assert 'class="bell-count">2<' in html and "通知：2 条未读" in html
    page = gw.get("/notifications/").content.decode()
    assert f"诉求 {case.number}：派遣" in page and "系统通知" in page
    gw.get(f"/cases/{case.number}/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert gw.post("/notifications/read/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "bell-count" not in gw.get("/cases/").content.decode()


def test_the_bell_costs_one_query_per_page(city, login):
    Notification.objects.create(user=city.grid_worker, text="系统通知")
    gw = login("gw")
    with CaptureQueriesContext(connection) as queries:
        assert 'class="bell-count">1<' in gw.get("/").content.decode()
    assert sum("cases_notification" in q["sql"] for q in queries) == 1


# --- admin -------------------------------------------------------------------------------------
def test_city_admins_configure_and_look_at_cases_in_the_admin(city, login, make_case):
    case = make_case()
    admin = login("city")
    for url in ["/admin/cases/category/", "/admin/cases/routingrule/", "/admin/cases/holiday/add/",
                "/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/"]:
        assert admin.get(url).status_code == 200, url
    assert case.number in admin.get("/admin/cases/case/").content.decode()
    assert admin.get("/admin/cases/case/add/").status_code == 403
    assert admin.get("/admin/cases/notification/").status_code == 404
    assert admin.post(f"/admin/cases/case/{case.pk}/change/", {"title": "改掉"}).status_code == 403
    assert Case.objects.get(pk=case.pk).title == case.title
    assert login("gw").get("/admin/cases/case/").status_code == 302
