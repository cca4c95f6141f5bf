"""In a real browser (Debian's Chromium through Playwright), a grid worker on a
phone logs in, finds 刘伊蕊 by her initials, and sees only their own grid."""
import re

import pytest
from django.core.management import call_command

from wangge.areas.models import Household
from wangge.demo.loader import demo_password

pytestmark = pytest.mark.browser

GRID = "220184001001001"  # 京华社区第一网格, demo_grid's grid


@pytest.fixture
def demo_city(seeded_transactional_db):
    call_command("demo", scale=0.05, stdout=open("/dev/null", "w"))


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo_password())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def test_demo_grid_finds_liu_yirui_by_initials_and_sees_only_their_grid(demo_city, live_server, phone_page):
    page = phone_page
    log_in(page, live_server.url, "demo_grid")

    # The home page offers the grid worker's own grid and a search box.
    assert page.get_by_role("heading", name="京华社区第一网格").first.is_visible()
    page.get_by_role("searchbox").first.fill("lyr")
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_url(re.compile(r"/residents/\?"))
    assert page.get_by_role("link", name="刘伊蕊").is_visible()

    # Every household the grid page lists lies in demo_grid's grid, and all of them are listed.
    page.goto(f"{live_server.url}/areas/{GRID}/")
    hrefs = page.locator("#households a[href^='/households/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    shown = {int(h.strip("/").split("/")[-1]) for h in hrefs}
    own = set(Household.objects.filter(area_code=GRID).values_list("pk", flat=True))
    assert shown and shown == own

    # A household of 东洼社区 answers 404, as if it did not exist.
    elsewhere = Household.objects.filter(area_code__startswith="220184002001").first()
    response = page.goto(f"{live_server.url}/households/{elsewhere.pk}/")
    assert response.status == 404
