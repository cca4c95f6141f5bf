"""In a real browser, on a phone: a community head opens the month's briefing from the menu,
edits a paragraph, saves it, sees it in place, and brings the generated text back."""
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from wangge.demo.loader import demo_password

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def demo_city(seeded_transactional_db):
    call_command("demo", scale=0.05, stdout=io.StringIO())


def test_a_community_head_edits_the_briefing_and_regenerates_it(demo_city, live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("demo_community")
    page.get_by_label("密码").fill(demo_password())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="月度简报").click()
    page.get_by_label("月份").fill("2025-06")
    page.get_by_role("button", name="查看").click()
    article = page.locator("#briefing-text")
    assert article.locator("h2").inner_text() == "京华社区2025年6月工作简报"
    assert "河北街道京华社区" in article.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stats-briefing.png"), full_page=True)

    text = page.get_by_label("正文")
    text.fill(text.input_value() + "\n下一步，社区将继续推行“网格+走访”机制。")
    page.get_by_role("button", name="保存修改").click()
    assert "已保存修改" in page.locator(".messages").inner_text()
    assert "下一步，社区将继续推行“网格+走访”机制。" in article.inner_text()

    page.get_by_role("button", name="重新生成").click()
    assert "已重新生成简报" in page.locator(".messages").inner_text()
    assert "下一步" not in article.inner_text()
    assert page.get_by_role("button", name="重新生成").count() == 0
