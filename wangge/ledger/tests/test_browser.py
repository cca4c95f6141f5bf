"""In a real browser: a community office uploads its residents sheet with three
bad rows, reads why each was refused, downloads the error sheet, and commits the rest."""
import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from wangge.people.models import Resident
from wangge.people.validators import id_check_char
from wangge.testing import PASSWORD, SmallCity

pytestmark = pytest.mark.browser


def id_number(birth: str, serial: str) -> str:
    first17 = f"220184{birth}{serial}"
    return first17 + id_check_char(first17)


def residents_sheet(path, address: str) -> list[str]:
    """A sheet as offices keep it: a title row, a 序号 column; four good rows and three bad."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["京华社区居民信息台账"])
    sheet.append(["序号", "姓名", "身份证号码", "手机号", "完整地址", "与户主关系"])
    good = [("孙小梅", id_number("19900304", "022")), ("孙大山", id_number("19620711", "013")),
            ("孙晓东", id_number("20120105", "035")), ("孙老太", id_number("19380219", "046"))]
    for n, (name, id_no) in enumerate(good, start=1):
        sheet.append([n, name, id_no, "13904340000", address, "child" if n > 1 else "head"])
    wrong_digit = id_number("19800101", "028")
    wrong_digit = wrong_digit[:17] + ("0" if wrong_digit[17] != "0" else "1")
    sheet.append([5, "错校验", wrong_digit, "13904340001", address, "other"])
    sheet.append([6, "错电话", id_number("19810202", "017"), "12345", address, "other"])
    sheet.append([7, "没有户", id_number("19820303", "024"), "13904340002", "不存在的小区9号楼9单元909", "other"])
    book.save(path)
    return [name for name, _ in good]


def test_a_community_head_imports_a_sheet_with_three_bad_rows(seeded_transactional_db, live_server, phone_page, tmp_path):
    city = SmallCity()
    good = residents_sheet(tmp_path / "京华社区居民台账.xlsx", city.household.address)
    page = phone_page

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("head")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/ledger/")
    page.get_by_label("台账类型").select_option("residents")
    page.set_input_files("input[type=file]", str(tmp_path / "京华社区居民台账.xlsx"))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/ledger/imports/*/")

    # Each refused row is listed with its reason; nothing is written yet.
    refused = page.locator("section[aria-labelledby=refused-title]")
    for reason in ("校验位", "电话号码格式不正确", "不存在的小区9号楼9单元909"):
        assert refused.get_by_text(reason, exact=False).first.is_visible(), reason
    assert not Resident.objects.filter(name__in=good).exists()

    # The error sheet is the uploaded sheet's refused rows with a 错误原因 column.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误表").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    header = next(row for row in rows if "错误原因" in row)
    names = {row[header.index("姓名")] for row in rows[rows.index(header) + 1:] if len(row) > 1}
    assert names == {"错校验", "错电话", "没有户"}

    page.get_by_role("button", name="只导入通过校验的 4 行").click()
    page.wait_for_load_state()
    assert set(Resident.objects.filter(name__in=good).values_list("name", flat=True)) == set(good)
    assert not Resident.objects.filter(name__in=["错校验", "错电话", "没有户"]).exists()
    assert Resident.objects.get(name="孙老太").birth_date == datetime.date(1938, 2, 19)


def test_a_large_upload_shows_a_progress_bar_until_the_preview_is_ready(seeded_transactional_db, live_server,
                                                                         phone_page, tmp_path, settings):
    """Above WANGGE_IMPORT_BACKGROUND_ROWS the check runs in the background: the page shows a bar, polls
    the progress endpoint (from a static script: the CSP allows no inline one) and shows the preview
    when the task has run."""
    from wangge.ledger import services
    from wangge.ledger.models import ImportRecord

    settings.WANGGE_IMPORT_BACKGROUND_ROWS = 3
    settings.DATA_DIR = tmp_path / "data"
    city = SmallCity()
    path = tmp_path / "居民.xlsx"
    residents_sheet(path, city.household.address)
    page = phone_page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("head")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/ledger/")
    page.get_by_label("台账类型").select_option("residents")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/ledger/imports/*/")

    assert page.locator("progress[data-progress-url]").is_visible()
    assert "排队中" in page.get_by_role("status").inner_text()
    # The worker runs the check; the page notices on its next poll and shows the preview.
    services.check_in_background(ImportRecord.objects.get().pk)
    page.get_by_role("button", name="只导入通过校验的 4 行").wait_for()
    assert page.locator("progress").count() == 0
    assert not errors, errors
