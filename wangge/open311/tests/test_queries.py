"""GET requests follows the spec's query rules: service_request_id (comma list)
overrides the rest; service_code and status filter; the window is at most 90
days and the most recent 90 by default; at most 1,000 requests, paged with the
page/page_size extension. And every key has its own rate limit."""
import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from wangge.cases import services as case_services
from wangge.open311 import services
from wangge.open311.models import Open311Client, Open311Request

from .conftest import INSIDE, ROOF_LEAK, errors_of


@pytest.fixture
def reported(mapped_city, poster):
    """Three requests: a roof leak, then rubbish, then noise (newest); the rubbish was rejected."""
    numbers = [
        poster(**ROOF_LEAK, **INSIDE).json()[0]["service_request_id"],
        poster(service_code="garbage", **INSIDE).json()[0]["service_request_id"],
        poster(service_code="noise", **INSIDE, **{"attribute[periods][]": ["night"]}).json()[0]["service_request_id"],
    ]
    case_services.reject_case(actor=mapped_city.grid_worker, number=numbers[1], version=1, reason="已由物业处理")
    return numbers


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_newest_first_filtered_by_service_and_status(reported):
    leak, rubbish, noise = reported
    get = Client().get
    assert ids(get("/open311/v2/requests.json")) == [noise, rubbish, leak]
    assert ids(get("/open311/v2/requests.json", {"service_code": "roof_leak,garbage"})) == [rubbish, leak]
    assert ids(get("/open311/v2/requests.json?service_code=roof_leak&service_code=noise")) == [noise, leak]
    assert ids(get("/open311/v2/requests.json", {"status": "closed"})) == [rubbish]
    assert ids(get("/open311/v2/requests.json", {"status": "open"})) == [noise, leak]
    assert ids(get("/open311/v2/requests.json", {"status": "open,closed"})) == [noise, rubbish, leak]
    bad = get("/open311/v2/requests.json", {"status": "pending"})
    assert errors_of(bad) == [(400, "status: 未知状态：pending（可选：open、closed）")]


def test_service_request_id_overrides_the_other_arguments(reported):
    leak, _rubbish, noise = reported
    response = Client().get("/open311/v2/requests.json", {
        "service_request_id": f"{leak}, {noise},SQ-1999-000001", "status": "closed", "service_code": "garbage",
    })
    assert ids(response) == [noise, leak]


def test_the_window_is_the_last_90_days_unless_given_and_never_longer(reported):
    leak, rubbish, noise = reported
    Open311Request.objects.filter(case__number=leak).update(created_at=timezone.now() - datetime.timedelta(days=100))
    get = Client().get
    assert ids(get("/open311/v2/requests.json")) == [noise, rubbish]
    start = (timezone.localdate() - datetime.timedelta(days=120)).isoformat()
    assert ids(get("/open311/v2/requests.json", {"start_date": f"{start}T00:00:00+08:00"})) == [leak]
    assert ids(get("/open311/v2/requests.json", {"end_date": "2099-01-01T00:00:00Z"})) == []
    too_long = get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
    assert errors_of(too_long) == [(400, "end_date: start_date 与 end_date 相隔不能超过 90 天")]
    garbled = get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert errors_of(garbled) == [(400, "start_date: 日期时间格式应为 W3C 格式，如 2026-11-29T09:30:00+08:00")]


def test_pages_of_at_most_1000(reported):
    leak, rubbish, noise = reported
    get = Client().get
    assert ids(get("/open311/v2/requests.json", {"page_size": 2})) == [noise, rubbish]
    assert ids(get("/open311/v2/requests.json", {"page_size": 2, "page": 2})) == [leak]
    assert ids(get("/open311/v2/requests.json", {"page_size": 2, "page": 3})) == []
    assert errors_of(get("/open311/v2/requests.json", {"page_size": 1001})) == [
        (400, "page_size: 应为 1 到 1000 之间的整数")]
    assert errors_of(get("/open311/v2/requests.json", {"page": 0})) == [(400, "page: 应为正整数")]


def test_each_key_has_its_own_rate_and_reads_without_one_count_per_address(mapped_city, poster, settings):
    Open311Client.objects.filter(name="城市App").update(rate="2/m")
    other = services.issue_key(name="12345热线")[1]
    assert [poster(**ROOF_LEAK, **INSIDE).status_code for _i in range(3)] == [200, 200, 429]
    throttled = poster(**ROOF_LEAK, **INSIDE)
    assert errors_of(throttled) == [(429, "请求过于频繁，请稍后再试")] and int(throttled["Retry-After"]) >= 1
    assert poster(api_key=other, **ROOF_LEAK, **INSIDE).status_code == 200
    assert Open311Request.objects.filter(client__name="城市App").count() == 2

    settings.WANGGE_OPEN311_ANONYMOUS_RATE = "2/m"
    reader = Client()
    assert [reader.get("/open311/v2/services.xml").status_code for _i in range(3)] == [200, 200, 429]
    # Refused keys spend the address's budget too.
    assert reader.get("/open311/v2/services.xml", {"api_key": "guess"}).status_code == 429
    assert reader.get("/open311/v2/services.xml", {"api_key": other}).status_code == 200


def test_the_command_prints_a_key_once_and_stores_only_its_digest(db, capsys):
    call_command("open311_key", "12345热线", "--rate", "120/m")
    out, err = capsys.readouterr()
    key = out.strip()
    client = Open311Client.objects.get(name="12345热线")
    assert len(key) >= 40 and client.key_digest == services.digest(key) and client.rate == "120/m"
    assert key not in str(list(Open311Client.objects.values_list()))
    assert "shown only this once" in err
    assert services.client_for_key(key) == client

    call_command("open311_key", "12345热线")
    new_key = capsys.readouterr().out.strip()
    assert services.client_for_key(key) is None and services.client_for_key(new_key) == client
    assert Open311Client.objects.get().rate == "120/m"

    call_command("open311_key", "12345热线", "--revoke")
    assert services.client_for_key(new_key) is None
    with pytest.raises(CommandError, match="没有这个应用"):
        call_command("open311_key", "无名应用", "--revoke")
    with pytest.raises(CommandError, match="频率格式"):
        call_command("open311_key", "另一个应用", "--rate", "lots")
