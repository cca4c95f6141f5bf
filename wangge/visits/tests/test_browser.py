"""In a real browser at phone size: demo_grid records an informal chat from
today's list; an entry made offline arrives once when the signal returns; a
household changed meanwhile is shown, not overwritten."""
import io
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from wangge.cases.selectors import search_cases
from wangge.demo.loader import demo_password
from wangge.visits import services
from wangge.visits.models import Visit

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_city(seeded_transactional_db):
    call_command("demo", scale=0.05, stdout=io.StringIO())


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo_password())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def new_visits(before: set[int]):
    """The visits recorded since ``before`` (the demo city may hold visits of its own)."""
    return Visit.objects.exclude(pk__in=before)


def open_first_household(page, base_url) -> int:
    page.goto(f"{base_url}/visits/today/")
    item = page.locator("[data-household]").first
    household = int(item.get_attribute("data-household"))
    item.get_by_role("link", name="走访").click()
    assert page.locator("[data-entry-panel]").is_visible()
    return household


def fill_need(page, index: int, text: str, outcome: str, category: str = ""):
    row = page.locator("[data-need]").nth(index)
    row.locator("textarea").fill(text)
    row.get_by_label(outcome).check()
    if category:
        row.get_by_label("分类").select_option(label=category)


def test_demo_grid_records_a_street_chat_with_two_needs_and_the_case_reaches_the_community(
    demo_city, live_server, phone_page
):
    page = phone_page
    before = set(Visit.objects.values_list("pk", flat=True))
    log_in(page, live_server.url, "demo_grid")
    household = open_first_household(page, live_server.url)

    page.locator(".kind-button", has_text="站墙根唠家常").click()
    page.get_by_label("见到（可不填）").fill("刘阿姨")
    fill_need(page, 0, "高龄补贴认证不会弄", "当场解决")
    fill_need(page, 1, "楼前路面塌陷，老人出门怕摔", "转为诉求", category="道路破损")
    page.locator("[data-need]").nth(1).get_by_label("照片（可不传）").set_input_files(
        [{"name": "road.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="保存走访").click()

    flash = page.locator("[data-flash]")
    flash.wait_for(state="visible")
    assert re.search(r"已记录走访.*已转为诉求 SQ-", flash.text_content())
    # The page's outbox now sends the photo to the new case: let it finish before reading the database
    # (on SQLite a read would meet the upload's write lock: "database table is locked").
    page.wait_for_load_state("networkidle")
    visit = new_visits(before).get()
    assert (visit.household_id, visit.kind, visit.met) == (household, "street_chat", "刘阿姨")
    solved, raised = visit.needs.order_by("pk")
    assert solved.solved_on_spot and raised.case.source == "visit"
    head = get_user_model().objects.get(username="demo_community")
    assert raised.case in search_cases(head, work_list="queue")
    # The photo goes up to the case after the visit is recorded.
    for _attempt in range(50):
        if raised.case.photos.exists():
            break
        page.wait_for_timeout(100)
    assert raised.case.photos.count() == 1
    assert page.locator("[data-outbox]").is_hidden()
    assert page.locator(f'[data-household="{household}"] [data-last]').text_content().strip() == "今天已访"


def test_an_entry_made_offline_arrives_exactly_once(demo_city, live_server, phone_page):
    page = phone_page
    before = set(Visit.objects.values_list("pk", flat=True))
    log_in(page, live_server.url, "demo_grid")
    open_first_household(page, live_server.url)

    page.context.set_offline(True)
    page.locator(".kind-button", has_text="入户走访").click()
    page.get_by_label("情况（可不填）").fill("信号不好，先记在手机上")
    fill_need(page, 0, "想申请居家养老服务", "当场解决")
    page.get_by_role("button", name="保存走访").click()

    page.locator("[data-flash]", has_text="已保存在本机").wait_for()
    assert page.locator("[data-outbox]").is_visible()
    client_id = page.evaluate("JSON.parse(localStorage.getItem('wangge.visits.outbox'))[0].payload.client_id")
    assert not new_visits(before).exists()

    page.context.set_offline(False)
    page.locator("[data-outbox]").wait_for(state="hidden")
    assert Visit.objects.filter(client_id=uuid.UUID(client_id)).count() == 1
    # A page opened later finds nothing left to send.
    page.goto(f"{live_server.url}/visits/today/")
    page.wait_for_load_state("networkidle")
    assert new_visits(before).count() == 1


def test_a_household_changed_while_offline_is_shown_and_sent_only_when_confirmed(demo_city, live_server, phone_page):
    page = phone_page
    before = set(Visit.objects.values_list("pk", flat=True))
    log_in(page, live_server.url, "demo_grid")
    household = open_first_household(page, live_server.url)

    page.context.set_offline(True)
    page.get_by_label("情况（可不填）").fill("离线时记下")
    page.get_by_role("button", name="保存走访").click()
    page.locator("[data-flash]", has_text="已保存在本机").wait_for()

    # Meanwhile the community head visits the same household and raises a case.
    services.record_visit(actor=get_user_model().objects.get(username="demo_community"), data={
        "client_id": str(uuid.uuid4()), "household": household, "kind": "home",
        "needs": [{"text": "暖气不热", "raise_case": True, "category": "heating"}],
    })
    page.context.set_offline(False)
    conflict = page.locator(".outbox-conflict")
    conflict.wait_for()
    assert "暖气不热" in conflict.text_content()
    assert new_visits(before).count() == 1  # the head's, not the offline entry

    conflict.get_by_role("button", name="仍然提交").click()
    page.locator("[data-outbox]").wait_for(state="hidden")
    assert new_visits(before).count() == 2
