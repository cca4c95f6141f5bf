"""The residents' pages: report without an account, keep the tracking code, follow the
case (offices and steps only, never people, phones, notes or the description), rate it
once closed; and the same flood limit as the public API."""
import pytest
from django.test import Client

from wangge.cases import services
from wangge.cases.models import Case
from wangge.testing import png

SQUARE = {"type": "Polygon", "coordinates": [[[124.80, 43.50], [124.82, 43.50], [124.82, 43.52], [124.80, 43.52],
                                              [124.80, 43.50]]]}
DESCRIPTION = "老国税小区3号楼501室楼顶漏水，下雨天滴水"
PHONE = "13900001111"


@pytest.fixture
def resident(db):
    return Client()


def report(client, **overrides):
    data = {"category": "roof_leak", "description": DESCRIPTION, "street": "", "community": "",
            "area": "220184001001001", "phone": PHONE}
    data.update(overrides)
    return client.post("/report/", data)


def test_the_report_form_lists_the_citys_places_by_name(city, resident):
    response = resident.get("/report/")
    assert response.status_code == 200
    html = response.content.decode()
    for place in (city.street, city.community, city.grid, city.other_street, city.other_grid):
        assert place.name in html and f'value="{place.code}"' in html
    assert "刘伊蕊" not in html and "place.js" in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither


def test_report_track_and_rate_through_the_pages(city, resident):
    response = report(resident, photos=[png()])
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/report/{case.tracking}/"
    assert (case.source, case.reporter_phone, case.area_code, case.photos.count()) == (
        "resident", PHONE, city.grid.code, 1)

    done = resident.get(response["Location"]).content.decode()
    assert "请记下您的查询码" in done and case.tracking in done and f'href="/track/{case.tracking}/"' in done

    # The form at /track/ leads to the case, whatever the case of the letters typed.
    assert resident.get("/track/", {"code": f" {case.tracking.lower()} "})["Location"] == f"/track/{case.tracking}/"
    track = resident.get(f"/track/{case.tracking}/").content.decode()
    assert "已上报" in track and "京华社区第一网格" in track and "提交评价" not in track

    # Staff do their part.
    gw, head = city.grid_worker, city.community_head
    case = services.accept_and_start_case(actor=gw, number=case.number, version=1, note="已联系刘伊蕊")
    case = services.handle_case(actor=gw, number=case.number, version=case.version, note="已修补防水层",
                                photos=[png()])
    case = services.verify_case(actor=head, number=case.number, version=case.version, note="现场无渗漏")
    case = services.close_case(actor=head, number=case.number, version=case.version)

    track = resident.get(f"/track/{case.tracking}/").content.decode()
    assert "问题已办结，请您评价" in track and "基本满意" in track
    rated = resident.post(f"/track/{case.tracking}/", {"rating": "satisfied", "comment": "很及时"})
    assert rated.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.rating, case.rating_comment) == ("rated", "satisfied", "很及时")
    thanks = resident.get(rated["Location"]).content.decode()
    assert "感谢您的评价！" in thanks and "您的评价：满意" in thanks and "提交评价" not in thanks


def test_dissatisfied_reopens_the_case(city, resident, make_case):
    case = make_case(status="closed", owner_user=city.grid_worker)
    response = resident.post(f"/track/{case.tracking}/", {"rating": "dissatisfied", "comment": "还在漏"}, follow=True)
    case.refresh_from_db()
    assert (case.status, case.reopened_count) == ("in_progress", 1)
    html = response.content.decode()
    assert "我们已重新交办处理" in html and "处置中" in html


def test_rating_needs_a_choice_and_a_closed_case(city, resident, make_case):
    closed = make_case(status="closed")
    response = resident.post(f"/track/{closed.tracking}/", {"rating": ""})
    assert response.status_code == 422
    assert "请选择：满意、基本满意或不满意" in response.content.decode()
    handled = make_case(status="handled")
    early = resident.post(f"/track/{handled.tracking}/", {"rating": "satisfied"})
    assert early.status_code == 422 and "当前状态“已处置”不能执行“评价”" in early.content.decode()
    assert Case.objects.filter(status="rated").count() == 0


def test_a_report_with_mistakes_says_what_is_wrong(city, resident):
    response = report(resident, phone="123", description="", area="")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "电话号码格式不正确" in errors["phone"][0]
    assert errors["description"] == ["必填"]
    assert errors["area"] == ["请选择所在网格，或允许获取位置"]
    assert not Case.objects.exists()
    assert "请留下联系电话，以便回访" in report(resident, phone="").content.decode()


def test_the_place_may_come_from_the_phones_location(city, resident):
    city.grid_b.boundary = SQUARE
    city.grid_b.save()
    assert report(resident, area="", lat="43.51", lng="124.81").status_code == 302
    assert Case.objects.get().area_code == city.grid_b.code
    outside = report(resident, area="", lat="43.6", lng="124.81")
    assert outside.status_code == 400
    assert "无法根据位置确定所在网格，请选择所在社区和网格" in outside.content.decode()


def test_an_unknown_code_is_a_404_with_the_form_again(city, resident):
    response = resident.get("/track/NOTACODE99/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该诉求，请核对查询码" in html and 'name="code"' in html
    assert resident.get("/report/NOTACODE99/").status_code == 404


def test_the_public_pages_show_no_personal_data(city, resident):
    city.grid_worker.display_name = "张卫东"
    city.grid_worker.save()
    report(resident)
    case = Case.objects.get()
    services.accept_and_start_case(actor=city.grid_worker, number=case.number, version=1, note="已联系刘伊蕊")
    for url in (f"/track/{case.tracking}/", f"/report/{case.tracking}/"):
        html = resident.get(url).content.decode()
        for private in (PHONE, "1111", DESCRIPTION, "501室", case.title, "张卫东", "网格员", "刘伊蕊", "已联系"):
            assert private not in html, (url, private)


def test_public_posts_are_rate_limited_together_with_the_api(city, settings):
    settings.WANGGE_PUBLIC_POST_RATE = "3/m"
    flooder, neighbour = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [report(flooder).status_code for _ in range(2)] == [302, 302]
    api = flooder.post("/api/v1/public/reports", {"category": "roof_leak", "description": "漏水", "phone": PHONE,
                                                  "area": city.grid.code}, content_type="application/json")
    assert api.status_code == 201  # the third of the three
    refused = report(flooder)
    assert refused.status_code == 429
    assert "提交过于频繁，请稍后再试" in refused.content.decode()
    tracking = Case.objects.first().tracking
    assert flooder.post(f"/track/{tracking}/", {"rating": "satisfied"}).status_code == 429
    assert flooder.post("/api/v1/public/reports", {}, content_type="application/json").status_code == 429
    assert Case.objects.count() == 3
    assert report(neighbour).status_code == 302
    # Reading the form is not a submission.
    assert flooder.get("/report/").status_code == 200


def test_progress_lookups_are_rate_limited(city, resident, make_case, settings):
    settings.WANGGE_PUBLIC_GET_RATE = "2/m"
    case = make_case()
    assert [resident.get(f"/track/{case.tracking}/").status_code for _ in range(3)] == [200, 200, 429]
    assert resident.get(f"/api/v1/public/reports/{case.tracking}").status_code == 429
