"""Large list exports, written by the background worker (``manage.py db_worker``).

A list export of more rows than WANGGE_EXPORT_BACKGROUND_ROWS does not hold a web request
for the minutes a street's 200,000 rows take: :func:`start_export` queues the
:func:`write_export` task and the user follows a progress page to a download link.

* The task runs the list's own ``build(user, scope, params)`` (wangge/web/exports.py) with
  the query string of the request and the user's scope **as it was at the request** (its area
  codes and roles are kept in the job file), so the rows are the ones the direct export would
  have held.
* Each export has a folder ``DATA_DIR/exports/<token>/`` holding ``job.json`` (who asked,
  for what, how far it has come: rows written of total) and, when finished, ``export.xlsx``.
  The token is random; only the user who asked may see the progress or download the file —
  anyone else, and any unknown or expired token, gets 404.
* The finished export is recorded once in the export log (record_export) with its filters and
  row count, as a direct export is.
* Files are deleted KEEP_HOURS after the request: whenever an export is started, older folders
  are removed, and an older one is no longer served.
"""
from __future__ import annotations

import datetime
import os
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from wangge.accounts.scope import Scope
from wangge.progress import read_progress, stalled, write_progress
from wangge.stats.export import record_export

from .exports import ListExport, about_sheet, chunked, clean_filters, export_area, file_name, write_workbook

# A finished export (and its file) is kept for this many hours after the request.
KEEP_HOURS = 24
# Seconds between writes of the job file while rows are written.
INTERVAL = 0.5

QUEUED, WRITING, SAVING, DONE, FAILED = "queued", "writing", "saving", "done", "failed"
RUNNING = (QUEUED, WRITING, SAVING)
TOKEN_PATTERN = r"[A-Za-z0-9_-]{20,64}"


def export_root() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def folder_of(token: str) -> Path:
    return export_root() / token


def _read(token: str) -> dict | None:
    return read_progress(folder_of(token) / "job.json")


def _write(token: str, job: dict) -> None:
    write_progress(folder_of(token) / "job.json", job)


def _expired(job: dict) -> bool:
    return time.time() - job.get("started", 0) > KEEP_HOURS * 3600


# --- starting ------------------------------------------------------------------------------------
def start_export(*, user, scope: Scope, build, params: str, title: str = "", total: int | None = None) -> str:
    """Queue a list's export for the background worker; returns the token of its progress page.

    ``build`` is the list's builder (marked by export_view), ``params`` the request's query string."""
    if not getattr(build, "is_list_export", False):
        raise ValueError(f"{build!r} is not a list export")
    purge_old_exports()
    token = secrets.token_urlsafe(24)
    folder_of(token).mkdir(parents=True)
    _write(token, {
        "user": user.pk, "builder": f"{build.__module__}.{build.__qualname__}", "params": params,
        "scope": {"codes": sorted(scope.codes), "roles": sorted(scope.roles)},
        "language": translation.get_language(), "requested_at": timezone.now().isoformat(), "started": time.time(),
        "title": str(title), "phase": QUEUED, "done": 0, "total": total,
    })
    write_export.enqueue(token)  # the immediate backend (development, tests) runs it here and now
    return token


def purge_old_exports() -> None:
    """Delete the folders of exports requested more than KEEP_HOURS ago (and of broken ones as old)."""
    root = export_root()
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_HOURS * 3600
    for folder in root.iterdir():
        job = _read(folder.name) or {}
        try:
            started = job.get("started") or folder.stat().st_mtime
        except OSError:
            continue
        if started < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


# --- the task ------------------------------------------------------------------------------------
@task()
def write_export(token: str) -> dict:
    return run_export(token)


def run_export(token: str) -> dict:
    """The write_export task: write the list's rows to the export's folder, reporting progress,
    then record the export in the export log."""
    job = _read(token)
    if job is None or job.get("phase") != QUEUED:
        return {"skipped": (job or {}).get("phase", "missing")}
    folder = folder_of(token)
    partial = folder / "export.partial"
    with translation.override(job.get("language") or settings.LANGUAGE_CODE):
        try:
            rows = _write_file(token, job, partial)
        except BaseException as error:
            partial.unlink(missing_ok=True)
            _write(token, {**job, "phase": FAILED,
                           "message": _("导出失败，请重新导出") + f"（{type(error).__name__}）"})
            raise
    return {"rows": rows}


def _write_file(token: str, job: dict, partial: Path) -> int:
    user = get_user_model().objects.filter(pk=job["user"], is_active=True).first()
    if user is None:
        raise PermissionError("the user who asked for the export is gone or inactive")
    # The scope of the request, not the scope of now: the same rows the direct export would hold.
    scope = Scope(codes=frozenset(job["scope"]["codes"]), roles=frozenset(job["scope"]["roles"]))
    user._wangge_scope = scope
    build = import_string(job["builder"])
    if not getattr(build, "is_list_export", False):
        raise ValueError(f"{job['builder']} is not a list export")
    export = build(user, scope, QueryDict(job["params"]))
    if not isinstance(export, ListExport):
        raise TypeError(f"the export was refused: {getattr(export, 'status_code', export)!r}")
    job = {**job, "phase": WRITING, "done": 0, "total": export.count()}
    _write(token, job)
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= INTERVAL:
            last = now
            _write(token, {**job, "done": done})

    requested_at = datetime.datetime.fromisoformat(job["requested_at"])
    filters = clean_filters(export.filters)
    about = about_sheet(user=user, title=export.title, area=export.area, filters=filters, full=export.full,
                        at=requested_at)
    with open(partial, "wb") as out:
        count = write_workbook(out, title=export.title, columns=export.columns, rows=chunked(export.rows, export.row),
                               about=about, progress=progress)
        _write(token, {**job, "phase": SAVING, "done": count})
    os.replace(partial, folder_of(token) / "export.xlsx")
    record_export(user=user, kind=export.kind, area_code=export_area(scope, export.area), filters=filters, rows=count,
                  full=export.full, date_from=export.date_from, date_to=export.date_to)
    _write(token, {**job, "phase": DONE, "done": count, "total": count, "rows": count, "title": str(export.title),
                   "file_name": file_name(export.kind, export.area, requested_at)})
    return count


# --- reading (the progress page, its JSON and the download) --------------------------------------
def job_for(user, token: str) -> dict:
    """The export ``token`` of ``user``; 404 for anyone else's, an unknown or an expired one."""
    job = _read(token)
    if job is None or job.get("user") != user.pk or _expired(job):
        raise Http404(_("没有这个导出，或已过期"))
    if job.get("phase") == WRITING and stalled(job):
        job = {**job, "phase": FAILED, "message": _("导出中断（后台任务已停止），请重新导出")}
    return job


def progress_of(job: dict) -> dict:
    """What the page shows of a background export (the progress endpoint's answer)."""
    phase = job.get("phase", QUEUED)
    done, total = job.get("done") or 0, job.get("total")
    running = phase in RUNNING
    if not running:
        percent = 100
    elif total and phase != QUEUED:
        percent = min(100, round(done * 100 / total))
    else:
        percent = None  # an indeterminate bar: waiting for the worker
    numbers = {"done": f"{done:,}", "total": f"{total or 0:,}"}
    if phase == QUEUED:
        text = _("排队中：等待后台任务开始（由 manage.py db_worker 运行）")
    elif phase == WRITING:
        text = _("正在写入：%(done)s / %(total)s 行") % numbers
    elif phase == SAVING:
        text = _("正在保存文件：%(done)s 行") % numbers
    elif phase == DONE:
        text = _("已完成：%(done)s 行") % numbers
    else:
        text = job.get("message") or _("导出失败，请重新导出")
    return {"running": running, "phase": phase, "done": done, "total": total, "percent": percent, "text": text}


def file_of(job: dict, token: str) -> Path:
    path = folder_of(token) / "export.xlsx"
    if job.get("phase") != DONE or not path.is_file():
        raise Http404(_("没有这个导出，或已过期"))
    return path
