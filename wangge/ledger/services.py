"""Ledger imports: preview, commit (atomic), undo; and keeping uploads between preview and commit.

A commit is one database transaction. Rows are checked and written batch by
batch inside it, so memory stays flat however long the file is; if any row is
refused (unless only valid rows were asked for), or anything fails, or the
process dies, the transaction is rolled back and nothing of the file remains.
"""
import os
import shutil
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

from . import validation
from .columns import SPECS
from .models import ImportChange, ImportRecord
from .reading import FileError, Table, open_table
from .sheets import ErrorSheet, describe_errors
from .validation import CREATE, IMPORTERS, OUTCOMES, REFUSED, UNCHANGED, UPDATE, Row

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
            if record is None:
                _stream(table, importer, report, errors, progress, record=None)
            else:
                _commit(table, importer, report, errors, progress, record, scope)
            if errors:
                errors.close()
    except FileError as exc:
        report.file_errors.append(str(exc))
    except IntegrityError:
        report.file_errors.append(_("导入时相同的数据正被其他操作修改，本次没有写入任何数据；请重新预览后再导入"))
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
        for chunk in upload.chunks():
            out.write(chunk)
    report = preview_import(kind=kind, path=folder / stored, file_name=record.file_name, scope=scope,
                            error_sheet=folder / "errors.xlsx")
    record.stored_file = stored
    _store_report(record, report)
    record.save()
    return record


def commit_upload(*, record: ImportRecord, scope: Scope, user, valid_only: bool) -> ImportReport:
    """Commit a previewed upload; the rows are checked again, as the data may have changed since."""
    if record.status != ImportRecord.Status.PREVIEWED or record.user_id != user.pk or not record.stored_file:
        report = ImportReport(kind=record.kind, file_name=record.file_name, valid_only=valid_only, record=record)
        report.file_errors.append(_("这个文件已经导入或已过期，请重新上传"))
        return report
    upload = upload_folder(record) / record.stored_file
    report = commit_import(kind=record.kind, path=upload, file_name=record.file_name, scope=scope, user=user,
                           valid_only=valid_only, record=record, error_sheet=upload.parent / "errors.xlsx")
    if report.written:
        upload.unlink(missing_ok=True)
    else:
        _store_report(record, report)
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
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related._meta.auto_created:
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
        model._base_manager.bulk_update(list(objects.values()), sorted(plain) + stamped)
    for name, links in many.items():
        through, source, target = _links(model._meta.get_field(name))
        through.objects.filter(**{f"{source}__in": list(links)}).delete()
        through.objects.bulk_create([through(**{source: owner, target: other})
                                     for owner, others in links.items() for other in others])


def format_refused(report: ImportReport) -> list[str]:
    """The refused rows as lines for the command line: 第5行 身份证号：校验位错误."""
    return [_("第%(row)d行 %(reasons)s") % {"row": number, "reasons": describe_errors(errors, lambda h: h)}
            for number, errors in report.refused_rows]
