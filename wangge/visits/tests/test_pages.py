"""The visit pages: they render, post without JavaScript, and keep to the scope."""
import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.accounts.scope import Scope
from wangge.areas.models import Building
from wangge.cases.models import Case
from wangge.visits import selectors, services
from wangge.visits.models import CarePolicy, Visit

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def gw_visit(city, tag_resident):
    tag_resident(city.resident, "living_alone", registered=datetime.date(2026, 1, 1))
    services.create_plan(actor=city.community_head, data={
        "name": "每周三、周五全员下沉网格", "community": city.community.code, "weekdays": [3, 5],
        "target_households": 20, "starts_on": "2026-01-01",
    })
    return services.record_visit(actor=city.grid_worker, data={
        "client_id": str(uuid.uuid4()), "household": city.household.pk, "kind": "home", "summary": "身体还好",
        "visited_at": "2026-06-01T10:00:00+08:00",
        "needs": [{"text": "楼道灯坏了", "raise_case": True, "category": "corridor_light"}],
    }).visit


def test_today_lists_the_grid_with_care_badges_and_the_entry_form(city, gw_visit):
    page = client_for("gw").get("/visits/today/", {"date": "2026-07-01"})
    html = page.content.decode()
    assert page.status_code == 200
    assert city.household.address in html and "刘伊蕊 · 独居老人" in html and "超期" in html
    assert "每周三、周五全员下沉网格 · 每人目标 20 户" in html
    assert 'data-entry' in html and "当场解决" in html and "转为诉求" in html
    assert f'data-version="{selectors.household_version(city.household.pk)}"' in html


def test_the_entry_page_records_without_javascript(city):
    gw = client_for("gw")
    form = gw.get("/visits/new/", {"household": city.household.pk})
    assert form.status_code == 200
    client_id = form.context["client_id"]
    post = {
        "client_id": client_id, "household": city.household.pk, "kind": "street_chat", "met": "刘阿姨",
        "summary": "唠家常", "household_version": form.context["version"],
        "needs-0-text": "补贴认证", "needs-0-outcome": "solved",
        "needs-1-text": "路面塌陷", "needs-1-outcome": "case", "needs-1-category": "road_damage",
        "needs-2-text": "",
    }
    response = gw.post("/visits/new/", post, follow=True)
    assert response.redirect_chain[-1][0] == "/visits/today/"
    assert "已转为诉求 SQ-" in response.content.decode()
    visit = Visit.objects.get()
    assert (visit.kind, visit.met, visit.needs.count()) == ("street_chat", "刘阿姨", 2)
    gw.post("/visits/new/", post)  # a double tap
    assert Visit.objects.count() == 1 and Case.objects.count() == 1


def test_a_photo_posted_without_javascript_goes_with_the_case(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = SimpleUploadedFile("leak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    client_for("gw").post("/visits/new/", {
        "client_id": str(uuid.uuid4()), "household": city.household.pk, "kind": "home",
        "needs-0-text": "屋顶漏水", "needs-0-outcome": "case", "needs-0-category": "roof_leak", "needs-0-photos": photo,
    })
    assert Case.objects.get().photos.count() == 1


def test_the_entry_page_shows_refusals_and_keeps_what_was_typed(city):
    gw = client_for("gw")
    response = gw.post("/visits/new/", {
        "client_id": str(uuid.uuid4()), "household": city.household.pk, "kind": "home",
        "summary": "记下的情况", "needs-0-text": "要转诉求", "needs-0-outcome": "case",
    })
    html = response.content.decode()
    assert response.status_code == 422
    assert "第 1 条诉求：转为诉求须选择分类" in html and "记下的情况" in html and "要转诉求" in html


def test_the_entry_page_shows_a_conflict_and_records_on_the_second_tap(city, gw_visit):
    gw = client_for("gw")
    stale = "0.1.0"
    data = {"client_id": str(uuid.uuid4()), "household": city.household.pk, "kind": "home", "household_version": stale}
    shown = gw.post("/visits/new/", data)
    assert "楼道灯坏了" in shown.content.decode() and Visit.objects.count() == 1
    confirmed = gw.post("/visits/new/", {**data, "household_version": shown.context["version"]})
    assert confirmed.status_code == 302 and Visit.objects.count() == 2


def test_the_other_pages_render(city, gw_visit):
    head = client_for("head")
    for url in ("/visits/", f"/visits/{gw_visit.pk}/", "/visits/care/", "/visits/coverage/",
                "/visits/blind-spots/", "/visits/plans/", "/visits/plans/new/", "/visits/today/"):
        assert head.get(url).status_code == 200, url
    assert "楼道灯坏了" in head.get(f"/visits/{gw_visit.pk}/").content.decode()
    Building.objects.filter(pk=city.household.building_id).update(lat=43.5, lng=124.8)
    coverage = head.get("/visits/coverage/", {"from": "2026-06-01", "to": "2026-06-30"}).content.decode()
    assert "京华社区第一网格" in coverage and '<circle class="band-' in coverage


def test_the_visit_list_filters_by_any_area_in_scope_however_deep(city, gw_visit):
    """A dashboard's drill-down links to /visits/?area=<grid>; the city sees that grid's visits only."""
    services.record_visit(actor=city.community_head, data={
        "client_id": str(uuid.uuid4()), "household": city.household_b.pk, "kind": "home", "summary": "一切正常",
        "visited_at": "2026-06-02T10:00:00+08:00",
    })
    page = client_for("city").get("/visits/", {"area": city.grid.code}).content.decode()
    assert city.household.address in page and city.household_b.address not in page
    assert client_for("gw2").get("/visits/", {"area": city.grid.code}).status_code == 404


def test_community_head_plans_a_sweep_on_the_page(city):
    head = client_for("head")
    response = head.post("/visits/plans/new/", {
        "name": "周三走访", "community": city.community.code, "weekdays": ["3"], "all_staff": "on",
        "target_households": "15", "starts_on": "2026-07-01",
    })
    assert response.status_code == 302
    plan, = selectors.plans_for(Scope.for_user(city.community_head))
    assert (plan.weekdays, plan.target_households, plan.all_staff) == ([3], 15, True)
    head.post(f"/visits/plans/{plan.pk}/active/", {"active": "0"})
    plan.refresh_from_db()
    assert not plan.is_active


def test_grid_workers_get_no_plan_form(city):
    assert client_for("gw").get("/visits/plans/new/").status_code == 404


def test_gw2_gets_404_or_nothing_for_gws_data(city, gw_visit):
    gw2 = client_for("gw2")
    assert gw2.get(f"/visits/{gw_visit.pk}/").status_code == 404
    assert gw2.get("/visits/new/", {"household": city.household.pk}).status_code == 404
    assert gw2.post("/visits/new/", {"client_id": str(uuid.uuid4()), "household": city.household.pk,
                                     "kind": "home"}).status_code == 404
    assert gw2.get("/visits/care/", {"area": city.community.code}).status_code == 404
    assert gw2.get("/visits/coverage/", {"area": city.community.code}).status_code == 404
    assert gw2.get("/visits/blind-spots/", {"area": city.grid.code}).status_code == 404
    assert city.household.address not in gw2.get("/visits/").content.decode()
    assert city.household.address not in gw2.get("/visits/today/", {"area": city.grid.code}).content.decode()
    assert "每周三" not in gw2.get("/visits/plans/").content.decode()
    assert gw2.post(f"/visits/plans/{selectors.plans_for(Scope.for_user(city.grid_worker)).get().pk}/active/",
                    {"active": "0"}).status_code == 404
    assert Visit.objects.count() == 1


def test_pages_need_a_login(city):
    assert Client().get("/visits/today/").status_code == 302


def test_the_city_administrator_edits_care_policies_in_the_admin(city):
    admin = client_for("city")
    policy = CarePolicy.objects.get(tag__code="living_alone")
    url = f"/admin/visits/carepolicy/{policy.pk}/change/"
    assert admin.get(url).status_code == 200
    refused = admin.post(url, {"tag": policy.tag_id, "interval_days": "", "fixed_dates": '["7-1"]', "lead_days": 14,
                               "is_active": "on"})
    assert refused.status_code == 200 and "无法识别" in refused.content.decode()
    saved = admin.post(url, {"tag": policy.tag_id, "interval_days": 3, "fixed_dates": '["spring_festival"]',
                             "lead_days": 10, "is_active": "on"})
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert (policy.interval_days, policy.fixed_dates, policy.lead_days) == (3, ["spring_festival"], 10)
    assert client_for("head").get(url).status_code == 302  # not an administrator: sent to log in
