"""Every refusal answers in the spec's error format — a list of code and
description, <errors><error>… in XML — with the spec's HTTP status: 403 for the
key, 404 for what does not exist, 400 for any other bad input; nothing is
recorded when a request is refused."""
import pytest
from django.test import Client

from wangge.cases.models import Case
from wangge.open311 import services
from wangge.open311.models import Open311Request

from .conftest import INSIDE, OUTSIDE, ROOF_LEAK, errors_of


@pytest.fixture(autouse=True)
def nothing_is_recorded_on_refusal(db):
    yield
    assert not Case.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_wrong_or_revoked_key_is_a_403(mapped_city, poster, key, fmt):
    missing = poster(fmt, api_key="", **ROOF_LEAK, **INSIDE)
    assert (missing.status_code, errors_of(missing)) == (403, [(403, "缺少 api_key：提交请求需要市级管理员签发的密钥")])
    wrong = poster(fmt, api_key=key + "x", **ROOF_LEAK, **INSIDE)
    assert (wrong.status_code, errors_of(wrong)) == (403, [(403, "api_key 无效或已被吊销")])
    services.revoke_key(name="城市App")
    revoked = poster(fmt, **ROOF_LEAK, **INSIDE)
    assert (revoked.status_code, errors_of(revoked)) == (403, [(403, "api_key 无效或已被吊销")])
    # A read needs no key, but a wrong one is still refused.
    assert Client().get(f"/open311/v2/services.{fmt}", {"api_key": "nope"}).status_code == 403


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_request_needs_a_location(mapped_city, poster, fmt):
    response = poster(fmt, **ROOF_LEAK)
    assert (response.status_code, errors_of(response)) == (
        400, [(400, "location: 请提供位置：lat 和 long、address_string 或 address_id 之一")])
    half = poster(fmt, **ROOF_LEAK, lat="43.51")
    assert errors_of(half) == [(400, "long: lat 和 long 须同时提供")]
    bad = poster(fmt, **ROOF_LEAK, lat="north", long="200")
    assert errors_of(bad) == [(400, "lat: 应为 -90 到 90 之间的数（WGS84）"), (400, "long: 应为 -180 到 180 之间的数（WGS84）")]


def test_a_location_outside_the_city_is_refused_plainly(mapped_city, poster):
    response = poster(**ROOF_LEAK, **OUTSIDE)
    assert (response.status_code, errors_of(response)) == (400, [(
        400, "lat/long: 位置（纬度 39.9042，经度 116.4074）不在本市任何网格内，本平台只受理本市的诉求")])
    unknown = poster(**ROOF_LEAK, address_id="999999")
    assert errors_of(unknown) == [(400, "address_id: 未知的地址编号：999999")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_service_code_is_a_400_and_an_unknown_one_a_404(mapped_city, poster, fmt):
    missing = poster(fmt, **INSIDE)
    assert (missing.status_code, errors_of(missing)) == (400, [(400, "service_code: 必填")])
    unknown = poster(fmt, service_code="potholes", **INSIDE)
    assert (unknown.status_code, errors_of(unknown)) == (404, [(404, "未知的服务代码：potholes")])
    # A top class with sub-classes is a group, not a service.
    assert poster(fmt, service_code="property", **INSIDE).status_code == 404
    definition = Client().get(f"/open311/v2/services/potholes.{fmt}")
    assert (definition.status_code, errors_of(definition)) == (404, [(404, "未知的服务代码：potholes")])


def test_a_description_may_have_4000_characters_and_no_more(mapped_city, poster):
    response = poster(**{**ROOF_LEAK, "description": "漏" * 4001}, **INSIDE)
    assert (response.status_code, errors_of(response)) == (400, [(400, "description: 不能超过 4000 个字（现有 4001 个）")])


def test_required_attributes_must_be_answered(mapped_city, poster):
    response = poster(service_code="roof_leak", **INSIDE)
    assert (response.status_code, errors_of(response)) == (400, [
        (400, "attribute[floor]: 必填：漏水房间所在楼层"),
        (400, "attribute[anyone_in_danger]: 必填：是否危及人身安全（如顶棚脱落、漏水漏电）"),
    ])


def test_attributes_must_have_their_datatype(mapped_city, poster):
    response = poster(
        **INSIDE, service_code="roof_leak", **{
            "attribute[floor]": "五楼", "attribute[anyone_in_danger]": "maybe", "attribute[leaking_since]": "上周",
            "attribute[colour]": "brown",
        },
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        (400, "attribute[colour]: 该服务没有这个属性"),
        (400, "attribute[floor]: 应为数字：五楼"),
        (400, "attribute[anyone_in_danger]: 不在可选值内：maybe（可选：yes, no）"),
        (400, "attribute[leaking_since]: 应为 ISO 8601 日期时间，如 2026-11-29T09:30:00+08:00：上周"),
    ]
    lists = poster(**INSIDE, service_code="noise", **{"attribute[periods][]": ["night", "noon"]})
    assert errors_of(lists) == [(400, "attribute[periods]: 不在可选值内：noon（可选：morning, daytime, evening, night）")]
    single = poster(**INSIDE, service_code="elevator", **{
        "attribute[people_trapped]": ["yes", "no"], "attribute[lift]": "3号楼\n东侧", "attribute[trapped_notice]": "x",
    })
    assert errors_of(single) == [
        (400, "attribute[trapped_notice]: 该服务没有这个属性"),  # a notice is not a question
        (400, "attribute[people_trapped]: 只能填一个值"),
        (400, "attribute[lift]: 单行文字不能换行"),
    ]


def test_contact_details_and_media_are_checked(mapped_city, poster):
    response = poster(**ROOF_LEAK, **INSIDE, email="not-an-address", phone="12345", media_url="ftp://x.org/a.jpg")
    assert errors_of(response) == [
        (400, "media_url: 应为 http 或 https 链接"),
        (400, "email: 电子邮箱格式不正确"),
        (400, "phone: 电话号码格式不正确：应为11位手机号（1开头）或带区号的固定电话"),
    ]


def test_a_wrong_method_or_resource_answers_in_the_error_format():
    client = Client()
    wrong_method = client.delete("/open311/v2/requests.json")
    assert (wrong_method.status_code, wrong_method["Allow"], errors_of(wrong_method)) == (
        405, "GET, POST", [(405, "不支持 DELETE 请求")])
    unknown = client.get("/open311/v2/complaints.json")
    assert (unknown.status_code, errors_of(unknown)) == (404, [(404, "没有这个 Open311 资源：complaints.json")])
    assert client.get("/open311/v2/requests/SQ-2026-999999.xml").status_code == 404
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404
