"""Ledger imports: preview, commit (atomic), undo; and keeping uploads between preview and commit.

A commit is one database transaction. Rows are checked and written batch by
batch inside it, so memory stays flat however long the file is; if any row is
refused (unless only valid rows were asked for), or anything fails, or the
process dies, the transaction is rolled back and nothing of the file remains.

An upload of more than WANGGE_IMPORT_BACKGROUND_ROWS rows is checked, and later
committed, by a background task (wangge.ledger.tasks, run by ``manage.py
db_worker``) instead of in the web request; the page follows its progress.
"""
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import Role
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.progress import read_progress, stalled, write_progress

from . import resources, validation
from .columns import SPECS
from .models import ImportChange, ImportRecord
from .reading import FileError, Table, estimate_rows, open_table
from .sheets import ErrorSheet, describe_errors
from .validation import CREATE, OUTCOMES, REFUSED, UNCHANGED, UPDATE, Row

IMPORTERS = {**validation.IMPORTERS, **resources.IMPORTERS}

# Refused rows kept on the record for the page; all of them go to the error sheet.
MAX_LISTED = 200
# Dependencies named when an undo is refused.
MAX_PROBLEMS = 10

Progress = Callable[[int, int | None], None]


@dataclass
class ImportReport:
    kind: str
    file_name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    # (sheet row number, [(column header, reason)]) of the first MAX_LISTED refused rows.
    refused_rows: list[tuple[int, list[tuple[str, str]]]] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False
    valid_only: bool = False
    record: ImportRecord | None = None

    @property
    def rows_total(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> int:
        return self.rows_total - self.counts[REFUSED]

    @property
    def blocked(self) -> bool:
        """Nothing is (or would be) written because of refused rows or the file itself."""
        if self.file_errors:
            return True
        return bool(self.counts[REFUSED]) and (not self.valid_only or not self.valid)


class _Refused(Exception):
    """Rolls a commit back: rows were refused and all rows were to be written, or none was valid."""


def preview_import(*, kind: str, path, file_name: str, scope: Scope, valid_only: bool = False,
                   progress: Progress | None = None, error_sheet=None) -> ImportReport:
    """Check every row as a commit would, and write nothing."""
    return _run(kind=kind, path=path, file_name=file_name, scope=scope, valid_only=valid_only,
                progress=progress, error_sheet=error_sheet, record=None)


def commit_import(*, kind: str, path, file_name: str, scope: Scope, user=None, operator: str = "",
                  valid_only: bool = False, progress: Progress | None = None, error_sheet=None,
                  record: ImportRecord | None = None) -> ImportReport:
    """Import a file in one transaction and record it for undo.

    By default all rows or nothing: one refused row and nothing is written.
    With ``valid_only`` the rows that pass are written and the refused ones
    are left out (listed in the report and the error sheet). ``record`` is the
    record of a previewed upload; without it a new record is made.
    """
    record = record or ImportRecord(kind=kind, user=user, operator=operator, file_name=file_name[:255])
    return _run(kind=kind, path=path, file_name=file_name, scope=scope, valid_only=valid_only,
                progress=progress, error_sheet=error_sheet, record=record)


def _run(*, kind, path, file_name, scope, valid_only, progress, error_sheet, record) -> ImportReport:
    report = ImportReport(kind=kind, file_name=file_name, valid_only=valid_only)
    try:
        with open_table(path, file_name, SPECS[kind]) as table:
            report.ignored_columns = table.ignored
            importer = IMPORTERS[kind](scope, table.positions)
            errors = ErrorSheet(error_sheet, table, _("%(name)s：未通过校验的行") % {"name": file_name}) \
                if error_sheet else None
            try:
                if record is None:
                    _stream(table, importer, report, errors, progress, record=None)
                else:
                    _commit(table, importer, report, errors, progress, record, scope)
            finally:
                # Also when the run fails: the sheet then holds the refused rows found so far.
                if errors:
                    errors.close()
    except FileError as exc:
        report.file_errors.append(str(exc))
    except IntegrityError:
        report.file_errors.append(_("导入时相同的数据正被其他操作修改，本次没有写入任何数据；请重新预览后再导入"))
    except resources.WriteRefused as exc:
        report.file_errors.append(str(exc))
    return report


def _commit(table, importer, report, errors, progress, record, scope) -> None:
    try:
        with transaction.atomic():
            record.save()
            _stream(table, importer, report, errors, progress, record=record)
            if report.blocked:
                raise _Refused
            record.status = ImportRecord.Status.COMMITTED
            record.committed_at = timezone.now()
            record.valid_only = report.valid_only
            record.touched_codes = sorted(importer.touched)
            record.area_code = common_area(importer.touched) or common_area(scope.codes)
            record.stored_file = ""
            _store_report(record, report)
            record.save()
            report.written = True
    except _Refused:
        if record.pk and ImportRecord.objects.filter(pk=record.pk).exists():
            # A previewed upload keeps its record, with what this attempt found.
            record.refresh_from_db()
        else:
            record.pk = None
    report.record = record if record.pk else None


def _stream(table: Table, importer, report: ImportReport, errors, progress, record) -> None:
    """Check the rows batch by batch; with a record, write each batch while writing is still wanted."""
    rows = table.rows
    while batch := list(islice(rows, validation.BATCH_SIZE)):
        checked = [Row(number, cells) for number, cells in batch]
        importer.check(checked)
        for row in checked:
            report.counts[row.outcome] += 1
            if row.outcome == REFUSED:
                if len(report.refused_rows) < MAX_LISTED:
                    report.refused_rows.append((row.number, [(table.header_of(k), r) for k, r in row.errors]))
                if errors:
                    errors.add(row.cells, row.errors)
        if record is not None and (report.valid_only or not report.counts[REFUSED]):
            importer.write(checked, record)
        if progress:
            progress(report.rows_total, table.expected_rows)


def _store_report(record: ImportRecord, report: ImportReport) -> None:
    record.rows_total = report.rows_total
    record.created, record.updated = report.counts[CREATE], report.counts[UPDATE]
    record.unchanged, record.refused = report.counts[UNCHANGED], report.counts[REFUSED]
    record.refused_rows = [[number, [list(e) for e in errs]] for number, errs in report.refused_rows]
    record.file_errors = report.file_errors
    record.ignored_columns = report.ignored_columns


def common_area(codes) -> str:
    """The smallest area containing all the codes (a prefix at a level boundary), or ""."""
    codes = list(codes)
    prefix = os.path.commonprefix(codes) if codes else ""
    return next((prefix[:n] for n in (15, 12, 9, 6) if len(prefix) >= n), "")


def operator_scope() -> Scope:
    """The scope of a command run without --user: every city, with a city administrator's role."""
    codes = Area.objects.filter(level=Level.CITY).values_list("code", flat=True)
    return Scope.of(*codes, roles=[Role.CITY_ADMIN])


# --- uploads kept between preview and commit ------------------------------------
def upload_folder(record: ImportRecord) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(record.pk)


def error_sheet_path(record: ImportRecord) -> Path | None:
    path = upload_folder(record) / "errors.xlsx"
    return path if path.exists() else None


def upload_import(*, kind: str, upload, scope: Scope, user) -> ImportRecord:
    """Keep an uploaded file until it is committed, and preview it.

    Files hold personal data: the upload is deleted when committed, and every
    upload folder (the error sheet too) once it is older than the undo window.
    """
    purge_old_uploads()
    record = ImportRecord.objects.create(kind=kind, user=user, file_name=Path(upload.name).name[:255],
                                         area_code=common_area(scope.codes))
    folder = upload_folder(record)
    folder.mkdir(parents=True, exist_ok=True)
    stored = "upload" + Path(upload.name).suffix.lower()
    with open(folder / stored, "wb") as out:
        out.writelines(upload.chunks())
    record.stored_file = stored
    expected = estimate_rows(folder / stored, record.file_name)
    if expected is not None and expected > settings.WANGGE_IMPORT_BACKGROUND_ROWS:
        record.status, record.background, record.rows_expected = ImportRecord.Status.CHECKING, True, expected
        record.save()
        ProgressFile(record, ProgressFile.QUEUED, total=expected).write(0)
        return _enqueue(record, "check_upload")
    report = preview_import(kind=kind, path=folder / stored, file_name=record.file_name, scope=scope,
                            error_sheet=folder / "errors.xlsx")
    _store_report(record, report)
    record.save()
    return record


def start_commit(*, record: ImportRecord, scope: Scope, user, valid_only: bool) -> ImportReport | None:
    """Commit a previewed upload now, or — above WANGGE_IMPORT_BACKGROUND_ROWS rows — queue its commit
    for the background task and return None (the page then follows its progress)."""
    if record.rows_total <= settings.WANGGE_IMPORT_BACKGROUND_ROWS or record.user_id != user.pk:
        return commit_upload(record=record, scope=scope, user=user, valid_only=valid_only)
    claimed = ImportRecord.objects.filter(
        pk=record.pk, status=ImportRecord.Status.PREVIEWED, user=user).exclude(stored_file="").update(
        status=ImportRecord.Status.COMMITTING, valid_only=valid_only, background=True, message="")
    if not claimed:
        report = ImportReport(kind=record.kind, file_name=record.file_name, valid_only=valid_only, record=record)
        report.file_errors.append(_("这个文件正在导入、已经导入或已过期"))
        return report
    record.refresh_from_db()
    ProgressFile(record, ProgressFile.QUEUED, total=record.rows_total).write(0)
    _enqueue(record, "commit_upload")
    return None


# --- background checks and commits ---------------------------------------------------
def _enqueue(record: ImportRecord, name: str) -> ImportRecord:
    from . import tasks

    result = getattr(tasks, name).enqueue(record.pk)
    ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id))
    # The immediate backend (development, tests) has run the task already.
    record.refresh_from_db()
    return record


class ProgressFile:
    """How far a background check or commit has come, kept beside the upload.

    Not on the import record: a commit writes in one transaction, which hides
    all it does (the record too) from the page until it ends, and on SQLite no
    other connection may write meanwhile. A small file in the upload's folder
    (which the worker reads the upload from anyway) does not wait for it.
    """

    QUEUED, CHECKING, WRITING = "queued", "checking", "writing"
    # Seconds between writes of the file; a batch of rows takes a fraction of a second.
    INTERVAL = 0.5

    def __init__(self, record: ImportRecord, phase: str, total: int | None = None):
        self.path = upload_folder(record) / "progress.json"
        self.phase = phase
        self.total = total
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last >= self.INTERVAL:
            self.last = now
            self.write(done, self.total or total)

    def write(self, done: int, total: int | None = None) -> None:
        write_progress(self.path, {"phase": self.phase, "done": done, "total": total or self.total})

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    @staticmethod
    def read(record: ImportRecord) -> dict:
        return read_progress(upload_folder(record) / "progress.json") or {}


def check_in_background(record_id: int) -> dict:
    """The check_upload task: preview a large upload, reporting progress; the record then shows the preview."""
    record = ImportRecord.objects.select_related("user").get(pk=record_id)
    if record.status != ImportRecord.Status.CHECKING:
        return {"skipped": record.status}
    progress = ProgressFile(record, ProgressFile.CHECKING, total=record.rows_expected)
    progress.write(0)
    folder = upload_folder(record)
    try:
        report = preview_import(kind=record.kind, path=folder / record.stored_file, file_name=record.file_name,
                                scope=Scope.for_user(record.user), error_sheet=folder / "errors.xlsx",
                                progress=progress)
    except BaseException:
        _interrupted(record, commit=False)
        raise
    _store_report(record, report)
    record.status = ImportRecord.Status.PREVIEWED
    record.save()
    progress.clear()
    return report.counts


def commit_in_background(record_id: int) -> dict:
    """The commit_upload task: commit a large previewed upload in one transaction, reporting progress."""
    record = ImportRecord.objects.select_related("user").get(pk=record_id)
    if record.status != ImportRecord.Status.COMMITTING:
        return {"skipped": record.status}
    progress = ProgressFile(record, ProgressFile.WRITING, total=record.rows_total or record.rows_expected)
    progress.write(0)
    try:
        report = commit_upload(record=record, scope=Scope.for_user(record.user), user=record.user,
                               valid_only=record.valid_only, progress=progress, background=True)
    except BaseException:
        _interrupted(record, commit=True)
        raise
    progress.clear()
    return {**report.counts, "written": report.written}


def _interrupted(record: ImportRecord, *, commit: bool) -> None:
    """Settle a background run that failed or died. Nothing it wrote remains (its transaction went
    with it): an interrupted commit leaves the preview, to be committed again; an interrupted check
    leaves nothing to commit."""
    message = _("导入中断，没有写入任何数据；可以重新导入") if commit else _("校验中断，请重新上传文件")
    changes = {"status": ImportRecord.Status.PREVIEWED, "message": message}
    if not commit:
        changes.update(stored_file="", file_errors=[message])
    ImportRecord.objects.filter(
        pk=record.pk, status__in=[ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING]).update(**changes)
    ProgressFile(record, "").clear()


def settle_stalled(record: ImportRecord) -> ImportRecord:
    """A background run that stopped reporting progress (its worker was killed) is settled as interrupted."""
    if record.status not in (ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING):
        return record
    progress = ProgressFile.read(record)
    if progress.get("phase") in (ProgressFile.CHECKING, ProgressFile.WRITING) and stalled(progress):
        _interrupted(record, commit=record.status == ImportRecord.Status.COMMITTING)
        record.refresh_from_db()
    return record


def progress_of(record: ImportRecord) -> dict:
    """What the page shows of a background check or commit (the progress endpoint's answer)."""
    running = record.status in (ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING)
    progress = ProgressFile.read(record) if running else {}
    phase = progress.get("phase", ProgressFile.QUEUED) if running else "done"
    done = progress.get("done", 0)
    total = progress.get("total") or (record.rows_total if record.status == ImportRecord.Status.COMMITTING
                                      else record.rows_expected)
    if not running:
        percent = 100
    elif total and phase != ProgressFile.QUEUED:
        percent = min(100, round(done * 100 / total))
    else:
        percent = None  # an indeterminate bar: waiting for the worker, or no size known
    if phase == ProgressFile.QUEUED:
        text = _("排队中：等待后台任务开始（由 manage.py db_worker 运行）")
    elif phase == ProgressFile.CHECKING:
        text = _("正在校验：%(done)s / 约 %(total)s 行") % {"done": f"{done:,}", "total": f"{total or 0:,}"}
    elif phase == ProgressFile.WRITING:
        text = _("正在校验并写入：%(done)s / %(total)s 行") % {"done": f"{done:,}", "total": f"{total or 0:,}"}
    else:
        text = record.get_status_display()
    return {"status": record.status, "running": running, "phase": phase, "done": done, "total": total,
            "percent": percent, "text": text}


def commit_upload(*, record: ImportRecord, scope: Scope, user, valid_only: bool,
                  progress: Progress | None = None, background: bool = False) -> ImportReport:
    """Commit a previewed upload; the rows are checked again, as the data may have changed since.

    ``background`` is the commit task's call, for a record start_commit has marked ``committing``.
    """
    status = ImportRecord.Status.COMMITTING if background else ImportRecord.Status.PREVIEWED
    if record.status != status or record.user_id != user.pk or not record.stored_file:
        report = ImportReport(kind=record.kind, file_name=record.file_name, valid_only=valid_only, record=record)
        report.file_errors.append(_("这个文件已经导入或已过期，请重新上传"))
        return report
    upload = upload_folder(record) / record.stored_file
    record.message = ""
    report = commit_import(kind=record.kind, path=upload, file_name=record.file_name, scope=scope, user=user,
                           valid_only=valid_only, record=record, error_sheet=upload.parent / "errors.xlsx",
                           progress=progress)
    if report.written:
        upload.unlink(missing_ok=True)
    else:
        _store_report(record, report)
        record.status = ImportRecord.Status.PREVIEWED
        record.save()
    return report


def purge_old_uploads() -> None:
    root = Path(settings.DATA_DIR) / "imports"
    if not root.is_dir():
        return
    cutoff = timezone.now() - timedelta(hours=settings.WANGGE_IMPORT_UNDO_HOURS)
    recent = set(ImportRecord.objects.filter(created_at__gte=cutoff).values_list("pk", flat=True))
    for folder in root.iterdir():
        if not (folder.name.isdigit() and int(folder.name) in recent):
            shutil.rmtree(folder, ignore_errors=True)
    ImportRecord.objects.filter(created_at__lt=cutoff).exclude(stored_file="").update(stored_file="")


# --- undo ------------------------------------------------------------------------
class UndoRefused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("；".join(reasons))
        self.reasons = reasons


def undo_blocker(record: ImportRecord, scope: Scope) -> str:
    """Why this scope may not undo this import at all (dependencies are checked on undo), or ""."""
    if record.status != ImportRecord.Status.COMMITTED:
        return _("只有已导入的记录可以撤销")
    hours = settings.WANGGE_IMPORT_UNDO_HOURS
    if record.committed_at + timedelta(hours=hours) < timezone.now():
        return _("已超过可撤销时限（导入后%(hours)d小时内）") % {"hours": hours}
    if not all(scope.covers(code) for code in record.touched_codes):
        return _("这次导入涉及您管辖范围以外的区域，不能由您撤销")
    return ""


@transaction.atomic
def undo_import(*, record: ImportRecord, scope: Scope, user=None) -> None:
    """Put back what an import changed: delete what it created, restore what it updated.

    Refused (UndoRefused, nothing changed) when something now depends on a row
    it created (a household that has residents since, a resident whose data was
    opened), or a row it created or changed was edited since: undoing would
    throw that work away.
    """
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if blocker := undo_blocker(record, scope):
        raise UndoRefused([blocker])
    created: dict[str, set[int]] = {}
    for label, ids in record.changes.filter(action=ImportChange.Action.CREATE).values_list("model", "ids"):
        created.setdefault(label, set()).update(ids)
    problems: list[str] = []
    for change in record.changes.iterator():
        if change.action == ImportChange.Action.CREATE:
            problems += _edited_since(change, record.committed_at) + _dependents(change, created)
            if change.after:
                problems += _changed_since(change)
        else:
            problems += _changed_since(change)
        if len(problems) >= MAX_PROBLEMS:
            raise UndoRefused(problems[:MAX_PROBLEMS] + [_("……还有更多")])
    if problems:
        raise UndoRefused(problems)
    for change in record.changes.order_by("-id").iterator():
        _revert(change)
    record.status = ImportRecord.Status.UNDONE
    record.undone_at = timezone.now()
    record.undone_by = user
    record.save(update_fields=["status", "undone_at", "undone_by"])


def _describe(obj) -> str:
    return f"{obj._meta.verbose_name}“{obj}”"


def _stamp_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def _edited_since(change: ImportChange, committed_at) -> list[str]:
    """Created rows edited after the import, for models that stamp their edits (updated_at)."""
    model = apps.get_model(change.model)
    problems = []
    for stamp in _stamp_fields(model):
        edited = model._base_manager.filter(pk__in=change.ids, **{f"{stamp}__gt": committed_at})[:MAX_PROBLEMS]
        problems += [_("%(what)s在导入后又被修改过") % {"what": _describe(obj)} for obj in edited]
    return problems


def _dependents(change: ImportChange, created: dict[str, set[int]]) -> list[str]:
    """Rows of any app that now refer to a row this import created (other than its own)."""
    model = apps.get_model(change.model)
    problems = []
    links = {f.remote_field.through for f in model._meta.many_to_many}
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related._meta.auto_created or related in links:
            # Link tables of many-to-many fields (a resident's tags) go with the row.
            continue
        lookup = relation.field.name
        used = (related._base_manager.filter(**{f"{lookup}__in": change.ids})
                .exclude(pk__in=created.get(related._meta.label_lower, ()))
                .values_list(lookup, flat=True).distinct()[:MAX_PROBLEMS])
        for obj in model._base_manager.filter(pk__in=list(used)):
            problems.append(_("%(what)s已有%(by)s，不是这次导入的") % {
                "what": _describe(obj), "by": related._meta.verbose_name})
    return problems


def _changed_since(change: ImportChange) -> list[str]:
    model = apps.get_model(change.model)
    current = {obj.pk: obj for obj in model._base_manager.filter(pk__in=change.ids)}
    many = _many_to_many(model, change.ids, change.after)
    problems = []
    for pk, after in zip(change.ids, change.after):
        obj = current.get(pk)
        if obj is None:
            problems.append(_("%(what)s（编号%(pk)d）已被删除") % {"what": model._meta.verbose_name, "pk": pk})
            continue
        now = {name: many[name].get(pk, []) if name in many else validation.snapshot(obj, [name])[name]
               for name in after}
        if now != after:
            problems.append(_("%(what)s在导入后又被修改过") % {"what": _describe(obj)})
    return problems


def _many_to_many(model, ids: list[int], values: list[dict]) -> dict[str, dict[int, list[int]]]:
    """Current sorted related ids, per object, of the many-to-many fields named in ``values``."""
    names = {name for item in values for name in item if model._meta.get_field(name).many_to_many}
    current: dict[str, dict[int, list[int]]] = {}
    for name in names:
        through, source, target = _links(model._meta.get_field(name))
        links: dict[int, list[int]] = {}
        links_now = through.objects.filter(**{f"{source}__in": ids}).values_list(source, target).order_by(target)
        for owner, other in links_now:
            links.setdefault(owner, []).append(other)
        current[name] = links
    return current


def _links(field_) -> tuple:
    """The link table of a many-to-many field and its two id columns (this side, the other side)."""
    through = field_.remote_field.through
    return (through, through._meta.get_field(field_.m2m_field_name()).attname,
            through._meta.get_field(field_.m2m_reverse_field_name()).attname)


def _revert(change: ImportChange) -> None:
    model = apps.get_model(change.model)
    if change.action == ImportChange.Action.CREATE:
        model._base_manager.filter(pk__in=change.ids).delete()
        return
    objects = model._base_manager.in_bulk(change.ids)
    plain: set[str] = set()
    many: dict[str, dict[int, list[int]]] = {}
    for pk, before in zip(change.ids, change.before):
        for name, value in before.items():
            field_ = model._meta.get_field(name)
            if field_.many_to_many:
                many.setdefault(name, {})[pk] = value
            else:
                setattr(objects[pk], name, field_.to_python(value))
                plain.add(name)
    stamped = _stamp_fields(model)
    now = timezone.now()
    for obj in objects.values():
        for name in stamped:
            setattr(obj, name, now)
    if plain:
        # The default manager: it keeps county_code with area_code (wangge.areas.county).
        model._default_manager.bulk_update(list(objects.values()), sorted(plain) + stamped)
    for name, links in many.items():
        through, source, target = _links(model._meta.get_field(name))
        through.objects.filter(**{f"{source}__in": list(links)}).delete()
        through.objects.bulk_create([through(**{source: owner, target: other})
                                     for owner, others in links.items() for other in others])


def format_refused(report: ImportReport) -> list[str]:
    """The refused rows as lines for the command line: 第5行 身份证号：校验位错误."""
    return [_("第%(row)d行 %(reasons)s") % {"row": number, "reasons": describe_errors(errors, lambda h: h)}
            for number, errors in report.refused_rows]
