"""In a real browser: demo_city opens the city dashboard (ECharts draws under the CSP),
drills into a street and a community, and opens the list behind a figure."""
from pathlib import Path

import pytest
from django.core.management import call_command

from wangge.demo.loader import demo_password

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def demo_city(seeded_transactional_db):
    call_command("demo", scale=0.05, stdout=open("/dev/null", "w"))


def test_city_dashboard_drills_down_to_the_cases_behind_a_figure(demo_city, live_server, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("demo_city")
    page.get_by_label("密码").fill(demo_password())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/stats/")
    page.wait_for_selector("html[data-charts-ready=true]")
    assert page.locator("#trend-chart canvas").count() == 1
    assert page.locator("#ranking-chart canvas").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stats-dashboard.png"), full_page=True)

    page.locator(".ranking-table tbody th a").first.click()  # a street
    page.wait_for_selector("html[data-charts-ready=true]")
    page.locator(".ranking-table tbody th a").first.click()  # a community
    page.wait_for_selector("html[data-charts-ready=true]")
    assert page.locator(".page-head .level-community").count() == 1
    shown = page.locator('[data-figure="cases_reported"] a')
    reported = int(shown.inner_text())
    shown.click()
    page.wait_for_url("**/cases/?**")
    assert "list=all" in page.url
    if reported:
        assert page.locator("main").get_by_text("SQ-").count() >= 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
