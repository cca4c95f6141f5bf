"""In a real browser: the community head opens 京华社区's map; Leaflet draws the grid
boundaries and the open cases under the CSP, every layer can be switched on, and
with no tile URL configured not one request leaves the site."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from wangge.testing import PASSWORD

from .conftest import build_map

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
COMMUNITY = "220184001001"


@pytest.fixture
def mapped_live(seeded_transactional_db, city):
    return build_map(city)


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.requested = []
    page.errors = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def open_map(page, base_url):
    page.get_by_role("link", name="地图", exact=True).click()
    page.wait_for_url(f"{base_url}/maps/{COMMUNITY}/")
    page.wait_for_selector("html[data-map-ready=true]")


def switch_on(page, name, key):
    page.locator(".leaflet-control-layers").get_by_label(name).check()
    page.wait_for_selector(f'#map[data-loaded~="{key}"]', state="attached")


def test_the_community_map_draws_boundaries_and_cases_and_fetches_nothing_from_outside(
    mapped_live, live_server, browser_page
):
    page = browser_page
    log_in(page, live_server.url, "head")
    open_map(page, live_server.url)

    # 京华社区 and its two grids; the three open cases that have a place (k8 has none).
    assert page.locator(".leaflet-boundaries-pane path.map-boundary").count() == 3
    assert page.locator(".leaflet-boundaries-pane path.map-boundary-grid").count() == 2
    assert page.locator(".leaflet-points-pane path.map-case").count() == 3
    assert page.locator('[data-count="cases"]').inner_text() == "3"
    assert page.locator('[data-unlocated="cases"] output').inner_text() == "1"
    assert page.locator(".leaflet-tile").count() == 0

    page.locator(".leaflet-points-pane path.map-case").first.click()
    assert page.locator(".leaflet-popup-content").get_by_role("link", name="查看诉求").count() == 1

    switch_on(page, "楼栋上次走访", "buildings")
    assert page.locator("path.map-building").count() == 4
    assert page.locator("path.map-band-never").count() == 1
    switch_on(page, "便民服务点", "points")
    assert page.locator("path.map-point").count() == 1
    switch_on(page, re.compile("15分钟缺口"), "gaps")
    assert page.locator("path.map-gap").count() == 1 and page.locator("path.map-reach").count() == 1
    switch_on(page, re.compile("诉求热力"), "heat")
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1

    # Switched off, a layer leaves the map; switched on again it is not fetched twice.
    fetched = len(page.requested)
    page.locator(".leaflet-control-layers").get_by_label("楼栋上次走访").uncheck()
    assert page.locator("path.map-building").count() == 0
    page.locator(".leaflet-control-layers").get_by_label("楼栋上次走访").check()
    assert page.locator("path.map-building").count() == 4
    assert len(page.requested) == fetched

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "maps-community.png"), full_page=True)

    hosts = {urlsplit(url).hostname for url in page.requested if not url.startswith("data:")}
    assert hosts == {urlsplit(live_server.url).hostname}, hosts
    assert not [url for url in page.requested if "tile" in url]
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


def test_with_a_tile_url_configured_the_map_asks_for_base_tiles(mapped_live, live_server, browser_page, settings):
    settings.WANGGE_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    page = browser_page
    log_in(page, live_server.url, "head")
    open_map(page, live_server.url)
    page.wait_for_selector(".leaflet-tile", state="attached")
    assert [url for url in page.requested if re.search(r"/tiles/\d+/\d+/\d+\.png$", url)]
    assert page.locator(".leaflet-points-pane path.map-case").count() == 3
