"""A client application reports through POST requests (form-encoded, with its key):
the request becomes a resident report in its grid, on the grid worker's work list,
and its Open311 status follows the case until it is closed."""
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from wangge.cases import selectors as case_selectors
from wangge.cases import services as case_services
from wangge.cases.models import Case, Notification
from wangge.open311.models import Open311Request
from wangge.open311.services import place_request

from .conftest import INSIDE, NEAR_GRID_B, ROOF_LEAK, xml_of


def test_a_request_becomes_a_resident_report_on_the_grid_workers_queue(mapped_city, poster):
    city = mapped_city
    response = poster(
        "xml", **ROOF_LEAK, **INSIDE, phone="13900001111", first_name="三", last_name="张",
        email="zhang@example.org", media_url="https://img.example.org/leak.jpg",
    )
    assert response.status_code == 200, response.content
    root = xml_of(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_notice") == "由网格受理，5个工作日内办结"
    assert request.find("account_id").text is None  # <account_id/>, as in the spec's example

    case = Case.objects.get(number=request.findtext("service_request_id"))
    assert (case.source, case.area_code, case.level, case.status) == ("resident", city.grid.code, "grid", "reported")
    assert (case.reporter_phone, case.reporter_user, case.lat, case.lng) == ("13900001111", None, 43.51, 124.81)
    assert case.title == "3号楼顶层漏水，下雨天顶棚滴水"
    assert case.description.splitlines() == [
        "3号楼顶层漏水，下雨天顶棚滴水",
        "漏水房间所在楼层：5",
        "是否危及人身安全（如顶棚脱落、漏水漏电）：否",
        "图片/媒体：https://img.example.org/leak.jpg",
        "经「城市App」（Open311）上报",
    ]
    record = case.open311
    assert (record.client.name, record.attributes) == ("城市App", {"floor": 5, "anyone_in_danger": "no"})
    assert record.contact == {"first_name": "三", "last_name": "张", "email": "zhang@example.org", "phone": "13900001111"}

    # On gw's queue, with the report as its first event; gw is told.
    assert list(case_selectors.search_cases(city.grid_worker, work_list="queue")) == [case]
    [event] = case.events.all()
    assert (event.action, event.actor_label, event.to_status, event.owner_label) == (
        "report", "居民", "reported", "京华社区第一网格")
    assert Notification.objects.get(case=case).user == city.grid_worker


def test_the_json_answer_is_a_list_of_one_request(mapped_city, poster):
    response = poster(**ROOF_LEAK, **INSIDE)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [body] = response.json()
    assert list(body) == ["service_request_id", "service_notice", "account_id"]
    assert body["account_id"] is None and body["service_request_id"].startswith("SQ-")


def test_a_request_without_a_description_is_titled_by_its_service(mapped_city, poster):
    response = poster(service_code="garbage", **INSIDE)
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert (case.title, case.description) == ("生活垃圾清运", "经「城市App」（Open311）上报")


def test_its_status_follows_the_case_to_closed(mapped_city, poster):
    city = mapped_city
    number = poster(**ROOF_LEAK, **INSIDE).json()[0]["service_request_id"]
    reader = Client()

    def published():
        [request] = reader.get(f"/open311/v2/requests/{number}.json").json()
        return request

    assert (published()["status"], published()["status_notes"]) == ("open", "已上报")
    steps = [
        (case_services.accept_case, city.grid_worker, {}, "已立案"),
        (case_services.start_case, city.grid_worker, {}, "处置中"),
        (case_services.handle_case, city.grid_worker, {"note": "已修补楼顶防水层"}, "已处置"),
        (case_services.verify_case, city.community_head, {"note": "现场核查无渗漏"}, "已核查"),
    ]
    for verb, user, extra, notes in steps:
        case = Case.objects.get(number=number)
        verb(actor=user, number=number, version=case.version, **extra)
        assert (published()["status"], published()["status_notes"]) == ("open", notes)
    case = case_services.close_case(
        actor=city.community_head, number=number, version=Case.objects.get(number=number).version
    )
    request = published()
    assert (request["status"], request["status_notes"], request["agency_responsible"]) == (
        "closed", "已结案", "京华社区第一网格")
    assert request["updated_datetime"] == timezone.localtime(case.closed_at).isoformat(timespec="seconds")
    assert [e.action for e in case.events.order_by("seq")] == ["report", "accept", "start", "handle", "verify", "close"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_what_is_published_carries_no_personal_data(mapped_city, poster, fmt):
    number = poster(
        **{**ROOF_LEAK, "description": "楼顶漏水，请打13812345678找我，身份证220184198005170023"}, **INSIDE,
        phone="13900001111", first_name="三", last_name="张", email="zhang@example.org",
        device_id="device-77", account_id="account-88",
    ).json()[0]["service_request_id"]
    case_services.accept_case(actor=mapped_city.grid_worker, number=number, version=1, note="已联系张三")
    for path in (f"/open311/v2/requests/{number}.{fmt}", f"/open311/v2/requests.{fmt}"):
        text = Client().get(path).content.decode()
        assert "138****5678" in text and "220184********0023" in text
        for private in ("张", "zhang@", "13900001111", "13812345678", "198005170023", "device-77", "account-88",
                        "gw", "网格员"):
            assert private not in text, (path, private)


def test_a_point_between_boundaries_goes_to_the_nearest_grid_centre(mapped_city, poster):
    number = poster(**ROOF_LEAK, **NEAR_GRID_B).json()[0]["service_request_id"]
    assert Case.objects.get(number=number).area_code == mapped_city.grid_b.code


def test_an_address_id_is_a_household_and_places_the_case_there(mapped_city, poster):
    household = mapped_city.other_household
    number = poster(**ROOF_LEAK, address_id=str(household.pk)).json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.area_code, case.household, case.building) == (household.area_code, household, household.building)
    # What is published names the building, never the dwelling.
    [request] = Client().get(f"/open311/v2/requests/{number}.json").json()
    assert (request["address"], request["address_id"]) == ("东洼小区1号楼", str(household.pk))


def test_an_address_string_that_holds_a_household_address_is_placed_there(mapped_city, poster):
    household = mapped_city.household_b
    response = poster(**ROOF_LEAK, address_string=f"吉林省公主岭市河北街道 {household.address}")
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert (case.area_code, case.household) == (mapped_city.grid_b.code, household)


def test_an_address_nobody_knows_waits_with_a_token_for_a_person_to_place_it(mapped_city, poster):
    city = mapped_city
    response = poster("xml", **ROOF_LEAK, address_string="公主岭市新区某街某号")
    [request] = xml_of(response).findall("request")
    assert [child.tag for child in request] == ["token", "service_notice", "account_id"]
    token = request.findtext("token")
    record = Open311Request.objects.get(token=token)
    assert record.case is None and not Case.objects.exists()

    reader = Client()
    assert reader.get(f"/open311/v2/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]
    assert reader.get("/open311/v2/requests.json").json() == []

    with pytest.raises(PermissionDenied, match="只有市级管理员"):
        place_request(actor=city.community_head, token=token, grid=city.grid.code)
    place_request(actor=city.city_admin, token=token, grid=city.grid.code)

    record.refresh_from_db()
    assert (record.case.area_code, record.placed_by) == (city.grid.code, city.city_admin)
    assert "地址：公主岭市新区某街某号" in record.case.description
    assert reader.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": record.case.number, "token": token}]
    assert record.case in case_selectors.search_cases(city.grid_worker, work_list="queue")


def test_a_city_administrator_places_a_waiting_request_in_the_admin(mapped_city, poster):
    city = mapped_city
    token = poster(**ROOF_LEAK, address_string="无人知晓的地址").json()[0]["token"]
    record = Open311Request.objects.get(token=token)
    admin = Client()
    admin.force_login(city.city_admin)
    url = f"/admin/open311/open311request/{record.pk}/change/"
    assert admin.get(url).status_code == 200
    refused = admin.post(url, {"grid": city.other_grid.code[:-1]})
    assert refused.status_code == 200 and "网格不存在" in refused.content.decode()
    assert admin.post(url, {"grid": city.other_grid.code}).status_code == 302
    record.refresh_from_db()
    assert record.case.area_code == city.other_grid.code


def test_views_take_posts_without_a_csrf_token(mapped_city, key):
    response = Client(enforce_csrf_checks=True).post(
        "/open311/v2/requests.json", {"api_key": key, **ROOF_LEAK, **INSIDE}
    )
    assert response.status_code == 200, response.content


def test_rejected_and_merged_requests_are_closed_for_their_clients(mapped_city, poster):
    gw, reader = mapped_city.grid_worker, Client()
    first, second, third = (poster(**ROOF_LEAK, **INSIDE).json()[0]["service_request_id"] for _i in range(3))
    case_services.reject_case(actor=gw, number=second, version=1, reason="不属于本辖区")
    case_services.merge_case(actor=gw, number=third, version=1, into=first)
    published = {r["service_request_id"]: (r["status"], r["status_notes"]) for r in reader.get("/open311/v2/requests.json").json()}
    assert published == {first: ("open", "已上报"), second: ("closed", "不予立案"), third: ("closed", "已合并")}


def test_control_characters_are_refused_and_never_break_the_xml(mapped_city, poster):
    refused = poster(**{**ROOF_LEAK, "description": "漏水\x00严重", "attribute[floor]": "5\x0b"}, **INSIDE)
    assert refused.status_code == 400 and not Case.objects.exists()
    assert [e["description"] for e in refused.json()] == ["attribute[floor]: 不能包含控制字符", "description: 不能包含控制字符"]
    mapped_city.grid.name = "京华社区\x0b第一网格"  # as a spreadsheet import might have left it
    mapped_city.grid.save()
    number = poster(**ROOF_LEAK, **INSIDE).json()[0]["service_request_id"]
    request = xml_of(Client().get(f"/open311/v2/requests/{number}.xml")).find("request")
    assert request.findtext("agency_responsible") == "京华社区第一网格"
