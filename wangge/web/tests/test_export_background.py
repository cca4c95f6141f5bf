"""List exports of more rows than WANGGE_EXPORT_BACKGROUND_ROWS are written by a background task
(django-tasks): the user is sent to a progress page that polls a small JSON endpoint and then
offers the file. Only that user sees the page, its JSON or the file (404 for anyone else); the
rows are those the direct export would hold, with the scope of the request; the export is
recorded once in the export log. Smaller exports are answered at once, as before.

The tasks are run here by calling them (the database backend only queues them), and once with
the immediate backend, as in development."""
import json
import time
from io import BytesIO

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from wangge.accounts.models import Post
from wangge.people.models import SensitiveAccess
from wangge.stats.models import ExportKind, StatsExport
from wangge.stats.tests.conftest import march, now  # noqa: F401 -- the hand-made March of cases and visits
from wangge.testing import signed_in
from wangge.web import export_tasks

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def background(settings, data_dir, monkeypatch):
    """Exports of more than one row go to the background; progress is written after every row."""
    settings.WANGGE_EXPORT_BACKGROUND_ROWS = 1
    monkeypatch.setattr(export_tasks, "INTERVAL", 0)
    return settings


@pytest.fixture
def progress_seen(monkeypatch):
    """The job file's (phase, done, total) after each write, as the page would read them."""
    seen = []
    real_write = export_tasks._write

    def write(token, job):
        real_write(token, job)
        data = json.loads((export_tasks.folder_of(token) / "job.json").read_text())
        seen.append((data["phase"], data["done"], data["total"]))

    monkeypatch.setattr(export_tasks, "_write", write)
    return seen


def start(client, url, params=None) -> str:
    """Ask for an export that goes to the background; returns its token."""
    response = client.get(url, params or {})
    assert response.status_code == 302, response.content[:300]
    location = response["Location"]
    assert location.startswith("/exports/") and location.endswith("/")
    return location.split("/")[2]


def progress(client, token):
    response = client.get(f"/exports/{token}/progress.json")
    return response.status_code, (response.json() if response.status_code == 200 else None)


def rows_of(content: bytes) -> list[list]:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def direct(client, url, params=None) -> list[list]:
    response = client.get(url, params or {})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"], response.content[:300]
    return rows_of(b"".join(response.streaming_content))


def download(client, token) -> list[list]:
    response = client.get(f"/exports/{token}/download")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return rows_of(b"".join(response.streaming_content))


def test_a_large_export_is_queued_and_the_page_follows_it_to_the_file(city, background, progress_seen):
    head = signed_in("head")
    token = start(head, "/residents/export.xlsx")

    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY and queued.task_path == export_tasks.write_export.module_path
    assert progress(head, token) == (200, {"running": True, "phase": "queued", "done": 0, "total": 2,
                                           "percent": None, "text": "排队中：等待后台任务开始（由 manage.py db_worker 运行）"})
    html = head.get(f"/exports/{token}/").content.decode()
    assert f'data-progress-url="/exports/{token}/progress.json"' in html and "<progress" in html
    assert 'src="/static/wangge/progress.js"' in html and "<script>" not in html  # CSP: no inline script
    assert not StatsExport.objects.exists()  # recorded when the file exists, not before

    assert export_tasks.write_export.call(token) == {"rows": 2}
    # the bar moved row by row, and the file was saved after the last
    assert [seen for seen in progress_seen if seen[0] == "writing"] == [("writing", 0, 2), ("writing", 1, 2),
                                                                      ("writing", 2, 2)]
    assert progress_seen[-2:] == [("saving", 2, 2), ("done", 2, 2)]
    status, data = progress(head, token)
    assert (status, data["running"], data["phase"], data["percent"], data["text"]) == (
        200, False, "done", 100, "已完成：2 行")
    html = head.get(f"/exports/{token}/").content.decode()
    assert f'href="/exports/{token}/download"' in html and "<progress" not in html

    rows = download(head, token)
    assert rows[0][:6] == ["姓名", "性别", "出生日期", "年龄", "身份证号", "联系电话"]
    assert sorted(row[0] for row in rows[1:]) == ["刘伊蕊", "王建国"]  # 刘伊然 lives in 东洼, outside the scope
    assert all("*" in row[4] for row in rows[1:])
    download(head, token)  # it may be downloaded again until it expires …
    record = StatsExport.objects.get()  # … and it is logged once
    assert (record.user, record.kind, record.rows, record.full, record.area_code) == (
        city.community_head, ExportKind.RESIDENTS, 2, False, city.community.code)


LISTS = [
    ("/cases/export.xlsx", {"list": "all", **MARCH}),
    ("/cases/export.xlsx", {"list": "all", "source": "visit", "area": "220184001001"}),
    ("/visits/export.xlsx", {"area": "220184001001", **MARCH}),
    ("/residents/export.xlsx", {"q": "刘"}),
    ("/volunteers/export.xlsx", {}),
    ("/activities/export.xlsx", MARCH),
]


@pytest.mark.parametrize(("url", "params"), LISTS)
def test_the_background_file_holds_the_rows_of_the_direct_export(city, march, settings, data_dir, url, params):  # noqa: F811
    from wangge.activities.models import Activity
    from wangge.volunteers.models import Volunteer

    Volunteer.objects.create(name="张红", area=city.community, skills=["cpr"], is_governance_partner=True)
    Volunteer.objects.create(name="李明", area=city.grid)
    Volunteer.objects.create(name="周东", area=city.other_community)
    for title, day, place in (("义诊", 10, city.community), ("磨刀", 12, city.grid), ("演练", 14, city.other_grid)):
        Activity.objects.create(title=title, kind="health_check", date=f"2026-03-{day}", area=place, participants=9)

    head = signed_in("head")
    expected = direct(head, url, params)
    assert len(expected) > 1
    settings.WANGGE_EXPORT_BACKGROUND_ROWS = 0
    token = start(head, url, params)
    export_tasks.write_export.call(token)
    assert download(head, token) == expected
    first, second = StatsExport.objects.order_by("pk")
    assert (second.kind, second.filters, second.rows, second.area_code, second.date_from, second.date_to) == (
        first.kind, first.filters, first.rows, first.area_code, first.date_from, first.date_to)


def test_only_the_user_who_asked_sees_the_progress_or_the_file(city, background):
    token = start(signed_in("head"), "/residents/export.xlsx")
    export_tasks.write_export.call(token)
    # a colleague of the same community, a worker elsewhere and the city administrator alike
    for who in ("gw", "gw2", "city"):
        other = signed_in(who)
        for path in ("", "progress.json", "download"):
            assert other.get(f"/exports/{token}/{path}").status_code == 404, (who, path)
    anonymous = Client().get(f"/exports/{token}/download")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    head = signed_in("head")
    assert head.get(f"/exports/{'x' * 32}/").status_code == 404  # no such export
    assert head.get(f"/exports/{token}/download").status_code == 200


def test_a_download_before_the_file_is_written_is_404(city, background):
    head = signed_in("head")
    token = start(head, "/residents/export.xlsx")
    assert head.get(f"/exports/{token}/download").status_code == 404


def test_the_rows_keep_the_scope_of_the_request(city, background):
    """The head moves to 东洼 after asking: the file still holds 京华's residents, not 东洼's."""
    head = signed_in("head")
    token = start(head, "/residents/export.xlsx")
    Post.objects.filter(user=city.community_head).update(area=city.other_community,
                                                         area_code=city.other_community.code)
    export_tasks.write_export.call(token)
    assert sorted(row[0] for row in download(head, token)[1:]) == ["刘伊蕊", "王建国"]


def test_an_out_of_scope_filter_is_404_at_the_request_and_nothing_is_queued(city, background):
    head = signed_in("head")
    assert head.get("/residents/export.xlsx", {"area": city.other_community.code}).status_code == 404
    assert head.get("/cases/export.xlsx", {"list": "nonsense"}).status_code == 404
    assert not DBTaskResult.objects.exists() and not StatsExport.objects.exists()


def test_full_numbers_in_the_background_are_each_logged_with_the_reason(city, background):
    head = signed_in("head")
    assert head.get("/residents/export.xlsx", {"full": "1"}).status_code == 400  # still no reason, no export
    token = start(head, "/residents/export.xlsx", {"full": "1", "reason": "核对低保名单"})
    assert not SensitiveAccess.objects.exists()  # nothing is opened until the file is written
    export_tasks.write_export.call(token)
    full = {row[0]: row[4] for row in download(head, token)[1:]}
    assert full == {"刘伊蕊": city.resident.id_number, "王建国": city.resident_b.id_number}
    opened = SensitiveAccess.objects.filter(user=city.community_head)
    assert opened.count() == 4 and all("核对低保名单" in access.reason for access in opened)
    record = StatsExport.objects.get()
    assert record.full is True and record.filters == {"full": True, "reason": "核对低保名单"}


def test_small_exports_are_answered_at_once_as_before(city, settings, data_dir):
    head = signed_in("head")
    assert settings.WANGGE_EXPORT_BACKGROUND_ROWS == 20000
    assert len(direct(head, "/residents/export.xlsx")) == 3
    settings.WANGGE_EXPORT_BACKGROUND_ROWS = 2  # exactly as many rows as the threshold: still at once
    assert len(direct(head, "/residents/export.xlsx")) == 3
    assert StatsExport.objects.count() == 2
    assert not DBTaskResult.objects.exists() and not (data_dir / "exports").exists()


def test_with_the_immediate_backend_the_file_is_ready_when_the_page_opens(city, background):
    from wangge.volunteers.models import Volunteer

    background.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    Volunteer.objects.create(name="张红", area=city.community)
    Volunteer.objects.create(name="李明", area=city.grid)
    head = signed_in("head")
    response = head.get("/volunteers/export.xlsx", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "导出完成" in html and "/download" in html
    assert StatsExport.objects.get().kind == ExportKind.VOLUNTEERS


def test_a_failed_export_says_so_and_logs_nothing(city, background):
    head = signed_in("head")
    token = start(head, "/residents/export.xlsx")
    city.community_head.is_active = False  # switched off before the worker came to it
    city.community_head.save()
    with pytest.raises(PermissionError):
        export_tasks.write_export.call(token)
    job = json.loads((export_tasks.folder_of(token) / "job.json").read_text())
    assert job["phase"] == "failed"
    assert export_tasks.progress_of(job)["running"] is False
    assert not (export_tasks.folder_of(token) / "export.xlsx").exists()
    assert not StatsExport.objects.exists()


def test_a_stalled_export_is_shown_as_interrupted(city, background):
    head = signed_in("head")
    token = start(head, "/residents/export.xlsx")
    path = export_tasks.folder_of(token) / "job.json"
    job = json.loads(path.read_text())
    path.write_text(json.dumps({**job, "phase": "writing", "at": time.time() - 3600}))
    _status, data = progress(head, token)
    assert (data["running"], data["phase"]) == (False, "failed") and "中断" in data["text"]


def test_exports_expire_and_are_deleted_when_the_next_one_starts(city, background):
    head = signed_in("head")
    old = start(head, "/residents/export.xlsx")
    export_tasks.write_export.call(old)
    path = export_tasks.folder_of(old) / "job.json"
    job = json.loads(path.read_text())
    path.write_text(json.dumps({**job, "started": time.time() - (export_tasks.KEEP_HOURS + 1) * 3600}))
    assert head.get(f"/exports/{old}/download").status_code == 404  # expired: no longer served
    new = start(head, "/residents/export.xlsx")
    assert not export_tasks.folder_of(old).exists()  # and gone once another export starts
    assert export_tasks.folder_of(new).exists()
