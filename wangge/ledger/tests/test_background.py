"""Large uploads are checked and committed by a background task (django-tasks), with their progress
on the page through a small scoped JSON endpoint; an interrupted background commit leaves nothing."""
import json
import time

import pytest
from django.core.management import call_command
from django.db.models.query import QuerySet
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wangge.ledger import services, tasks
from wangge.ledger.models import ImportChange, ImportRecord
from wangge.people.models import Resident
from wangge.progress import STALLED_AFTER_SECONDS
from wangge.testing import SmallCity, signed_in

from .conftest import new_id, write_sheet

ADDRESS = "老国税小区1号楼1单元501"
ROWS = 6


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def background(settings, data_dir):
    """Uploads of more than 3 rows go to the background; batches of 2 rows, progress written at each."""
    settings.WANGGE_IMPORT_BACKGROUND_ROWS = 3
    return settings


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr("wangge.ledger.validation.BATCH_SIZE", 2)
    monkeypatch.setattr(services.ProgressFile, "INTERVAL", 0)


@pytest.fixture
def big_sheet(tmp_path):
    """Six new residents of the grid worker's household."""
    ids = [new_id() for _ in range(ROWS)]
    path = write_sheet(tmp_path / "居民.xlsx", [["姓名", "身份证号", "完整地址"]]
                       + [[f"居民{n}", id_no, ADDRESS] for n, id_no in enumerate(ids)])
    return path, ids


@pytest.fixture
def progress_seen(monkeypatch):
    """The progress file's contents after each write, as the page would read them."""
    seen = []
    real_write = services.ProgressFile.write

    def write(self, done, total=None):
        real_write(self, done, total)
        seen.append(json.loads(self.path.read_text()))

    monkeypatch.setattr(services.ProgressFile, "write", write)
    return seen


def upload(client, path, kind="residents"):
    with open(path, "rb") as stream:
        return client.post("/ledger/upload/", {"kind": kind, "file": stream})


def progress(client, record):
    response = client.get(f"/ledger/imports/{record.pk}/progress.json")
    return response.status_code, (response.json() if response.status_code == 200 else None)


def test_a_large_upload_is_queued_and_the_page_follows_the_task(city, background, big_sheet, small_batches,
                                                                 progress_seen):
    path, ids = big_sheet
    gw = signed_in(city.grid_worker)
    upload(gw, path)
    record = ImportRecord.objects.get()
    assert (record.status, record.background, record.rows_expected) == ("checking", True, ROWS + 1)
    queued = DBTaskResult.objects.get(id=record.task_id)
    assert queued.status == TaskResultStatus.READY and queued.task_path == tasks.check_upload.module_path

    status, answer = progress(gw, record)
    assert status == 200 and answer["running"] and answer["phase"] == "queued" and answer["percent"] is None
    assert "排队中" in answer["text"]
    page = gw.get(f"/ledger/imports/{record.pk}/").content.decode()
    assert f'data-progress-url="/ledger/imports/{record.pk}/progress.json"' in page and "wangge/progress.js" in page
    assert "<script>" not in page  # the CSP allows no inline script

    # The worker runs the check: progress moves batch by batch, then the preview is on the record.
    progress_seen.clear()
    assert tasks.check_upload.call(record.pk) == {"create": ROWS, "update": 0, "unchanged": 0, "refused": 0}
    # Measured against the size the sheet declares (the header row included): an estimate.
    assert [(p["phase"], p["done"], p["total"]) for p in progress_seen] == [
        ("checking", n, ROWS + 1) for n in (0, 2, 4, 6)]
    record.refresh_from_db()
    assert (record.status, record.created) == ("previewed", ROWS)
    assert progress(gw, record)[1] == {"status": "previewed", "running": False, "phase": "done", "done": 0,
                                       "total": ROWS + 1, "percent": 100, "text": "待确认"}

    # The commit is queued too; nothing is written until the worker has run it.
    response = gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"}, follow=True)
    assert "正在后台导入" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "committing" and not Resident.objects.filter(id_number__in=ids).exists()
    assert progress(gw, record)[1]["phase"] == "queued"
    # A second click does not queue it twice.
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    assert DBTaskResult.objects.filter(task_path=tasks.commit_upload.module_path).count() == 1

    progress_seen.clear()
    assert tasks.commit_upload.call(record.pk)["written"] is True
    assert [(p["phase"], p["done"], p["total"]) for p in progress_seen] == [
        ("writing", n, ROWS) for n in (0, 2, 4, 6)]
    record.refresh_from_db()
    assert (record.status, record.created, record.background) == ("committed", ROWS, True)
    assert Resident.objects.filter(id_number__in=ids).count() == ROWS
    assert progress(gw, record)[1]["running"] is False
    assert not (services.upload_folder(record) / "progress.json").exists()


def test_the_progress_endpoint_is_scoped(city, background, big_sheet):
    gw = signed_in(city.grid_worker)
    upload(gw, big_sheet[0])
    record = ImportRecord.objects.get()
    # An upload still being checked is its uploader's alone, like a preview.
    for outsider in (city.community_head, city.other_grid_worker, city.partner):
        assert progress(signed_in(outsider), record)[0] == 404
    assert progress(Client(), record)[0] == 302  # to the login page
    tasks.check_upload.call(record.pk)
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    tasks.commit_upload.call(record.pk)
    # A committed import is seen within its area, and only there.
    assert progress(signed_in(city.community_head), record)[0] == 200
    assert progress(signed_in(city.other_grid_worker), record)[0] == 404


def test_with_the_immediate_backend_the_tasks_run_at_once(city, background, big_sheet, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    path, ids = big_sheet
    gw = signed_in(city.grid_worker)
    response = upload(gw, path)
    record = ImportRecord.objects.get()
    assert response["Location"] == f"/ledger/imports/{record.pk}/"
    assert (record.status, record.background, record.created) == ("previewed", True, ROWS) and record.task_id
    page = gw.get(response["Location"]).content.decode()
    assert "确认导入" in page and "data-progress-url" not in page
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    record.refresh_from_db()
    assert record.status == "committed" and Resident.objects.filter(id_number__in=ids).count() == ROWS


def test_a_background_commit_interrupted_mid_way_leaves_nothing(city, background, big_sheet, small_batches,
                                                                 monkeypatch):
    """The worker loses the database after the first batch was written: the transaction takes that batch
    back with it, the record returns to its preview and says so, and the import can be run again."""
    path, ids = big_sheet
    gw = signed_in(city.grid_worker)
    upload(gw, path)
    record = ImportRecord.objects.get()
    tasks.check_upload.call(record.pk)
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    before = (sorted(Resident.objects.values_list("id_number", flat=True)), ImportChange.objects.count())

    real_bulk_create = QuerySet.bulk_create
    calls = []

    def failing_bulk_create(self, objs, *args, **kwargs):
        if self.model is Resident:
            calls.append(len(objs))
            if len(calls) == 2:
                raise ConnectionError("database went away")
        return real_bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing_bulk_create)
    with pytest.raises(ConnectionError):
        tasks.commit_upload.call(record.pk)
    assert calls == [2, 2]
    assert (sorted(Resident.objects.values_list("id_number", flat=True)), ImportChange.objects.count()) == before
    record.refresh_from_db()
    assert record.status == "previewed" and record.message == "导入中断，没有写入任何数据；可以重新导入"
    page = gw.get(f"/ledger/imports/{record.pk}/").content.decode()
    assert "导入中断" in page and "确认导入" in page
    assert progress(gw, record)[1]["running"] is False

    monkeypatch.setattr(QuerySet, "bulk_create", real_bulk_create)
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    tasks.commit_upload.call(record.pk)
    record.refresh_from_db()
    assert record.status == "committed" and record.message == ""
    assert Resident.objects.filter(id_number__in=ids).count() == ROWS


def test_a_background_run_whose_worker_died_is_settled_as_interrupted(city, background, big_sheet):
    gw = signed_in(city.grid_worker)
    upload(gw, big_sheet[0])
    record = ImportRecord.objects.get()
    tasks.check_upload.call(record.pk)
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    # The worker started writing, then was killed: its progress stopped long ago.
    stale = services.ProgressFile(record, services.ProgressFile.WRITING, total=ROWS)
    stale.write(2)
    data = json.loads(stale.path.read_text())
    stale.path.write_text(json.dumps({**data, "at": time.time() - STALLED_AFTER_SECONDS - 1}))
    status, answer = progress(gw, record)
    assert status == 200 and answer["running"] is False and answer["status"] == "previewed"
    record.refresh_from_db()
    assert record.message.startswith("导入中断") and not Resident.objects.filter(id_number__in=big_sheet[1]).exists()


def test_small_uploads_stay_within_the_request(city, background, tmp_path):
    path = write_sheet(tmp_path / "small.xlsx", [["姓名", "身份证号", "完整地址"], ["张晓梅", new_id(), ADDRESS]])
    gw = signed_in(city.grid_worker)
    upload(gw, path)
    record = ImportRecord.objects.get()
    assert (record.status, record.background, record.task_id) == ("previewed", False, "")
    assert not DBTaskResult.objects.exists()


# The worker closes database connections between tasks, which only a test that really commits survives.
@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_db_worker_checks_and_commits_a_large_upload(background, tmp_path):
    city = SmallCity()
    ids = [new_id() for _ in range(ROWS)]
    path = write_sheet(tmp_path / "居民.xlsx", [["姓名", "身份证号", "完整地址"]]
                       + [[f"居民{n}", id_no, ADDRESS] for n, id_no in enumerate(ids)])
    gw = signed_in(city.grid_worker)
    upload(gw, path)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    record = ImportRecord.objects.get()
    assert record.status == "previewed" and record.created == ROWS
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    record.refresh_from_db()
    assert record.status == "committed" and Resident.objects.filter(id_number__in=ids).count() == ROWS
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
