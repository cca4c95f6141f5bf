"""Builders for the Open311 tests: a client application with its key, a city whose
first grid has a boundary and whose second has only a centre, and form posts."""
import importlib
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from wangge.open311 import services

# 京华社区第一网格 is this square; 京华社区第二网格 has only a centre, 2.2 km north of it.
SQUARE = {"type": "Polygon", "coordinates": [[[124.80, 43.50], [124.82, 43.50], [124.82, 43.52], [124.80, 43.52], [124.80, 43.50]]]}
INSIDE = {"lat": "43.51", "long": "124.81"}
NEAR_GRID_B = {"lat": "43.537", "long": "124.81"}
OUTSIDE = {"lat": "39.9042", "long": "116.4074"}  # Beijing

ROOF_LEAK = {
    "service_code": "roof_leak",
    "description": "3号楼顶层漏水，下雨天顶棚滴水",
    "attribute[floor]": "5",
    "attribute[anyone_in_danger]": "no",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mapped_city(city):
    city.grid.boundary = SQUARE
    city.grid.save()
    city.grid_b.lat, city.grid_b.lng = 43.54, 124.81
    city.grid_b.save()
    return city


@pytest.fixture
def key(db):
    """The api_key of 城市App, a client application."""
    return services.issue_key(name="城市App")[1]


@pytest.fixture
def poster(key):
    """Form-encoded POSTs to /open311/v2/requests.<fmt> with the key, as the spec sends them."""
    client = Client()

    def post(fmt="json", api_key=key, **fields):
        data = {**({"api_key": api_key} if api_key else {}), **fields}
        return client.post(f"/open311/v2/requests.{fmt}", data)

    return post


@pytest.fixture
def open311_seeded(seeded_transactional_db):
    """The service attributes the migration seeds, back after a transactional test's flush."""
    importlib.import_module("wangge.open311.migrations.0002_seed_attributes").seed(apps, None)


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def errors_of(response) -> list[tuple[int, str]]:
    """(code, description) of each error in a JSON or XML error document."""
    if response["Content-Type"].startswith("application/json"):
        return [(e["code"], e["description"]) for e in response.json()]
    root = xml_of(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
