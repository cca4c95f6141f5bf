"""A real Open311 client, the `georeport` package from PyPI, reads every document in
both formats from a running server, and each document has exactly the fields the
GeoReport v2 specification lists, in its order. The client has no call for the
discovery and token resources, so those are read with the libraries it reads with
(requests and xmltodict)."""
import re

import pytest
import requests
import xmltodict
from georeport import GeoReport

from wangge.cases import services as case_services
from wangge.cases.models import Case

from .conftest import INSIDE, ROOF_LEAK

# The specification's field lists (wiki.open311.org/GeoReport_v2, Service_Discovery).
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION = ["service_code", "attributes"]
ATTRIBUTE = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"]
VALUE = ["key", "name"]
REQUEST = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]
TOKEN = ["service_request_id", "token"]
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")

pytestmark = pytest.mark.django_db(transaction=True)


def as_list(value) -> list:
    """xmltodict reads one child element as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


def boolean(value, fmt) -> bool:
    return value if fmt == "json" else {"true": True, "false": False}[value]


@pytest.fixture
def world(open311_seeded, mapped_city, poster, live_server):
    """A request in each state that matters: a roof leak (open, with a point and
    attributes), a closed corridor light, and an address waiting for a person."""
    city = mapped_city
    leak = poster(**ROOF_LEAK, **INSIDE, media_url="https://img.example.org/leak.jpg").json()[0]["service_request_id"]
    light = poster(service_code="corridor_light", description="2单元楼道灯不亮", address_id=str(city.household.pk))
    light = light.json()[0]["service_request_id"]
    for verb, user, extra in (
        (case_services.accept_case, city.grid_worker, {}),
        (case_services.start_case, city.grid_worker, {}),
        (case_services.handle_case, city.grid_worker, {"note": "换了灯泡"}),
        (case_services.verify_case, city.community_head, {}),
        (case_services.close_case, city.community_head, {}),
    ):
        verb(actor=user, number=light, version=Case.objects.get(number=light).version, **extra)
    token = poster(service_code="garbage", address_string="没有这个地址").json()[0]["token"]
    return {"leak": leak, "light": light, "token": token, "root": f"{live_server.url}/open311/v2"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_services_and_their_definitions(world, fmt):
    client = GeoReport(world["root"], output_format=fmt)
    services = client.get_service_list()
    assert all(list(service) == SERVICE for service in services)
    by_code = {s["service_code"]: s for s in services}
    assert "property" not in by_code and "other" in by_code  # groups are not services; a lone top class is
    leak = by_code["roof_leak"]
    assert (leak["service_name"], leak["group"], leak["type"], boolean(leak["metadata"], fmt)) == (
        "房屋漏水", "物业管理", "realtime", True)
    assert leak["description"] == "物业管理/房屋漏水：由网格受理，5个工作日内办结"
    assert leak["keywords"] == "房屋漏水, Leaking roof or walls, 物业管理, Property management"
    assert boolean(by_code["garbage"]["metadata"], fmt) is False
    assert by_code["fire_hazard"]["description"] == "公共安全/消防隐患：由网格受理，8小时内办结"

    definition = client.get_service_definition("roof_leak")
    assert list(definition) == DEFINITION and definition["service_code"] == "roof_leak"
    attributes = definition["attributes"] if fmt == "json" else as_list(definition["attributes"]["attribute"])
    for attribute in attributes:
        listed = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
        assert list(attribute) == ATTRIBUTE + (["values"] if listed else [])
        assert attribute["datatype"] in DATATYPES
    assert [(a["code"], a["datatype"], boolean(a["required"], fmt), str(a["order"])) for a in attributes] == [
        ("floor", "number", True, "1"), ("anyone_in_danger", "singlevaluelist", True, "2"),
        ("leaking_since", "datetime", False, "3"),
    ]
    values = attributes[1]["values"] if fmt == "json" else as_list(attributes[1]["values"]["value"])
    assert [list(v) for v in values] == [VALUE, VALUE]
    assert [(v["key"], v["name"]) for v in values] == [("yes", "是"), ("no", "否")]
    notice = as_list(
        client.get_service_definition("elevator")["attributes"] if fmt == "json"
        else client.get_service_definition("elevator")["attributes"]["attribute"]
    )[0]
    assert (notice["code"], boolean(notice["variable"], fmt)) == ("trapped_notice", False)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_requests_one_by_one_and_as_a_list(world, mapped_city, fmt):
    client = GeoReport(world["root"], output_format=fmt)
    listed = as_list(client.get_service_requests())
    assert [r["service_request_id"] for r in listed] == [world["light"], world["leak"]]
    assert all(list(r) == REQUEST for r in listed)
    assert [r["service_request_id"] for r in as_list(client.get_service_requests(status="open"))] == [world["leak"]]

    leak = client.get_service_request(world["leak"])
    assert list(leak) == REQUEST
    assert (leak["status"], leak["status_notes"], leak["service_code"], leak["service_name"]) == (
        "open", "已上报", "roof_leak", "房屋漏水")
    assert (leak["agency_responsible"], leak["service_notice"]) == ("京华社区第一网格", "由网格受理，5个工作日内办结")
    assert leak["description"] == "3号楼顶层漏水，下雨天顶棚滴水"
    assert (str(leak["lat"]), str(leak["long"]), leak["media_url"]) == ("43.51", "124.81", "https://img.example.org/leak.jpg")
    assert (leak["address"], leak["address_id"], leak["zipcode"]) == (None, None, None)
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(leak[name]), leak[name]

    light = client.get_service_request(world["light"])
    assert (light["status"], light["status_notes"], light["address"], light["address_id"]) == (
        "closed", "已结案", "老国税小区1号楼", str(mapped_city.household.pk))
    assert light["updated_datetime"] >= light["requested_datetime"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_and_tokens(world, fmt):
    def get(path):
        response = requests.get(f"{world['root']}/{path}.{fmt}")
        response.raise_for_status()
        return response.json() if fmt == "json" else xmltodict.parse(response.content)

    discovery = get("discovery") if fmt == "json" else get("discovery")["discovery"]
    assert list(discovery) == DISCOVERY and W3C.match(discovery["changeset"])
    endpoints = discovery["endpoints"] if fmt == "json" else as_list(discovery["endpoints"]["endpoint"])
    [endpoint] = endpoints
    assert list(endpoint) == ENDPOINT
    formats = endpoint["formats"] if fmt == "json" else as_list(endpoint["formats"]["format"])
    assert (endpoint["specification"], endpoint["url"], endpoint["type"], formats) == (
        "http://wiki.open311.org/GeoReport_v2", world["root"] + "/", "production", ["text/xml", "application/json"])

    token = get(f"tokens/{world['token']}")
    [waiting] = token if fmt == "json" else as_list(token["service_requests"]["request"])
    assert list(waiting) == TOKEN and (waiting["service_request_id"], waiting["token"]) == (None, world["token"])

