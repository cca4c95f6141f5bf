"""The map page: what it hands its script (no inline script), its legend, and the tile setting."""
import json
import re

from wangge.settings import _tile_origin
from wangge.testing import signed_in

COMMUNITY = "220184001001"


def page_config(response) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode(), re.DOTALL)
    return json.loads(match.group(1))


def test_the_page_passes_its_layers_as_json_and_has_no_inline_script(city, mapped):
    response = signed_in("head").get(f"/maps/{COMMUNITY}/", {"from": "2026-03-01", "to": "2026-03-31"})
    body = response.content.decode()
    config = page_config(response)
    assert [(layer["key"], layer["on"]) for layer in config["layers"]] == [
        ("boundaries", True), ("cases", True), ("heat", False), ("buildings", False), ("points", False),
        ("gaps", False),
    ]
    urls = {layer["key"]: layer["url"] for layer in config["layers"]}
    assert urls["heat"] == f"/maps/{COMMUNITY}/heat.geojson?from=2026-03-01&to=2026-03-31"
    assert urls["gaps"] == f"/maps/{COMMUNITY}/gaps.geojson?kind=clinic"
    assert config["tiles"] is None and config["centre"] == [43.51, 124.81]
    # Every script is a file of our own; the only <script> with content is the JSON block.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == ['<script id="map-config" type="application/json">']
    assert "/static/leaflet/leaflet.js" in body and "/static/maps/map.js" in body
    # The legend names the categories, the age bands and the walking radius.
    for text in ("基础设施/工程", "30天内", "31–90天", "90天以上", "从未走访", "1125米", "未配置底图"):
        assert text in body, text
    # The child grids link to their own maps; the dashboard links here.
    assert f'href="/maps/{COMMUNITY}001/?from=2026-03-01&amp;to=2026-03-31"' in body
    dashboard = signed_in("head").get(f"/stats/{COMMUNITY}/").content.decode()
    assert f"/maps/{COMMUNITY}/?" in dashboard


def test_tiles_are_offered_only_when_a_tile_url_is_configured(city, mapped, settings):
    settings.WANGGE_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.WANGGE_MAP_TILE_ATTRIBUTION = "© 本市测绘院"
    response = signed_in("head").get(f"/maps/{COMMUNITY}/")
    assert page_config(response)["tiles"] == {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "© 本市测绘院"}
    assert "未配置底图" not in response.content.decode()


def test_tiles_on_another_host_are_allowed_by_the_csp_and_local_ones_need_nothing():
    assert _tile_origin("") == []
    assert _tile_origin("/tiles/{z}/{x}/{y}.png") == []
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ["https://*.tile.example.org"]
    assert _tile_origin("http://10.0.0.5:8080/{z}/{x}/{y}.png") == ["http://10.0.0.5:8080"]


def test_the_menu_links_to_the_map_for_users_with_an_area(city, mapped):
    assert 'href="/maps/"' in signed_in("head").get("/").content.decode()
    assert 'href="/maps/"' not in signed_in("partner").get("/cases/").content.decode()
