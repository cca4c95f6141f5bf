"""In a real browser on a phone: a resident reports a leaking roof on the public page;
demo_grid accepts and handles it with a photo; demo_community verifies and closes it;
the resident rates it 满意 with the tracking code."""
import pytest
from django.core.management import call_command

from wangge.cases.models import Case
from wangge.demo.loader import demo_password
from wangge.testing import PNG

pytestmark = pytest.mark.browser

GRID = "220184001001001"  # 京华社区第一网格, demo_grid's grid


@pytest.fixture
def demo_city(seeded_transactional_db):
    call_command("demo", scale=0.05, stdout=open("/dev/null", "w"))


@pytest.fixture
def staff_page(chromium, live_server):
    """A phone-sized page signed in as a demo account."""
    contexts = []

    def open_as(username):
        context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(demo_password())
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_leaking_roof_from_report_to_rating(demo_city, live_server, phone_page, staff_page, tmp_path):
    resident = phone_page
    resident.goto(f"{live_server.url}/report/")
    resident.get_by_label("问题分类").select_option("roof_leak")
    resident.get_by_label("问题描述").fill("3号楼楼顶漏水\n下雨天501室顶棚往下滴水")
    resident.get_by_label("街道").select_option(GRID[:9])
    resident.get_by_label("社区").select_option(GRID[:12])
    resident.get_by_label("网格").select_option(GRID)
    resident.get_by_label("联系电话").fill("13904341234")
    resident.get_by_role("button", name="提交").click()
    assert resident.get_by_text("请记下您的查询码").is_visible()
    tracking = resident.locator(".tracking-code").inner_text().strip()
    case = Case.objects.get(tracking=tracking)
    assert (case.area_code, case.status) == (GRID, "reported")

    grid = staff_page("demo_grid")
    grid.goto(f"{live_server.url}/cases/?list=queue")
    # The newest first: the report heads the grid's queue.
    grid.locator(".case-list li", has_text=case.number).get_by_role("link", name="3号楼楼顶漏水").click()
    grid.get_by_role("button", name="受理并处置").click()
    grid.get_by_label("处置情况").fill("已修补楼顶防水层")
    photo = tmp_path / "after.png"
    photo.write_bytes(PNG)
    grid.get_by_label("处置后照片（可不传）").set_input_files(photo)
    grid.get_by_role("button", name="处置反馈").click()
    assert grid.get_by_text("已完成：处置反馈").is_visible()
    assert grid.locator(f"img[src^='/cases/{case.number}/photos/']").count() >= 1

    community = staff_page("demo_community")
    community.goto(f"{live_server.url}/cases/{case.number}/")
    community.get_by_role("button", name="核查通过").click()
    community.get_by_role("button", name="结案").click()
    assert community.get_by_text("已完成：结案").is_visible()

    resident.goto(f"{live_server.url}/track/{tracking}/")
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    assert resident.get_by_text("您的评价：满意").is_visible()
    case.refresh_from_db()
    assert (case.status, case.rating) == ("rated", "satisfied")
    assert list(case.events.values_list("action", flat=True)) == [
        "report", "accept", "start", "handle", "verify", "close", "rate"]
