"""In a real browser: a large export opens its progress page, whose bar follows the background
task (from a static script: the CSP allows no inline one) until the download link appears."""
import pytest

from wangge.testing import PASSWORD, SmallCity

pytestmark = pytest.mark.browser


def test_a_large_export_shows_a_progress_bar_then_a_download_link(seeded_transactional_db, live_server, phone_page,
                                                                   tmp_path, settings):
    from wangge.web import export_tasks

    settings.WANGGE_EXPORT_BACKGROUND_ROWS = 1
    settings.DATA_DIR = tmp_path / "data"
    SmallCity()
    page = phone_page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("head")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/residents/export.xlsx")
    page.wait_for_url("**/exports/*/")

    assert page.locator("progress[data-progress-url]").is_visible()
    assert "排队中" in page.get_by_role("status").inner_text()
    # The worker writes the file; the page notices on its next poll and offers it.
    token = page.url.rstrip("/").split("/")[-1]
    export_tasks.run_export(token)
    page.get_by_role("link", name="下载").wait_for()
    assert page.locator("progress").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.startswith("residents-all-")
    assert not errors, errors
