"""Excel exports of lists (cases, visits, residents, volunteers, activities): one helper,
so that each list's export is its columns and a row function.

* The rows are the list's own query with the list's applied filters, through the
  exporter's scope; a filter naming an area outside the scope is a 404 (:func:`area_filter`).
* The workbook is written by openpyxl in write-only mode to a temporary file, row by row,
  and streamed from that file (FileResponse): a street's 200,000 rows never sit in memory.
* A second sheet (导出说明) says who exported what, when, with which filters.
* Every export is recorded in the export log (wangge.stats.export.record_export) before the
  file is sent.
* A list's ``build`` reads its rows with ``.using(wangge.db.reading())``: from the read replica
  when one is configured (docs/scaling.md), so counting and writing a street's rows do not load
  the primary; the export log is written to the primary (the router sends every write there).
* A list declares its export as ``build(user, scope, params) -> ListExport`` and its view as
  ``export_view(build)``. The view counts the rows first: up to WANGGE_EXPORT_BACKGROUND_ROWS
  the file is answered at once as above; above it the same ``build`` runs again in the
  background worker (wangge/web/export_tasks.py), with the requesting user's scope as it was
  at the request, and the user follows a progress page to a download link.
"""
from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.models import Area
from wangge.stats.export import record_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str  # Chinese, as the page says it
    width: int = 14


def area_filter(scope: Scope, code: str) -> Area | None:
    """The area a list is filtered by, or None without one; OutOfScope (404) outside the scope."""
    code = (code or "").strip()
    return scope.get_or_404(Area, code=code) if code else None


def export_area(scope: Scope, area: Area | None) -> str:
    """The area an export is logged under: the filter's, or the smallest area holding the scope."""
    if area is not None:
        return area.code
    from wangge.ledger.services import common_area

    return common_area(scope.codes)


def cell_value(value):
    """What a cell holds: dates and numbers as they are, aware times in the city's time zone
    without the zone (Excel has none), everything else as text."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (int, float, Decimal, datetime.date)):
        return value
    return str(value)


def write_workbook(out, *, title: str, columns: Sequence[Column], rows: Iterable[Sequence],
                   about: Sequence[tuple[str, str]] = (), progress: Callable[[int], None] | None = None) -> int:
    """Write ``rows`` under ``columns`` to ``out`` (a path or binary file); returns the row count.
    ``progress``, if given, is told the number of rows written after each row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([cell_value(value) for value in row])
        count += 1
        if progress is not None:
            progress(count)
    notes = book.create_sheet(_("导出说明"))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 60
    for label, value in [*about, (_("行数"), str(count))]:
        notes.append([label, value])
    book.save(out)
    return count


def clean_filters(filters: dict | None) -> dict:
    """The applied filters as the file and the log keep them: empty ones dropped, values as text."""
    return {key: _text(value) for key, value in (filters or {}).items() if value not in (None, "", False)}


def about_sheet(*, user, title: str, area: Area | None, filters: dict, full: bool,
                at: datetime.datetime) -> list[tuple[str, str]]:
    """The lines of the 导出说明 sheet (the row count is added by write_workbook)."""
    return [
        (_("内容"), title),
        (_("导出人"), user.get_full_name() or user.get_username()),
        (_("导出时间"), timezone.localtime(at).strftime("%Y-%m-%d %H:%M")),
        (_("区域"), f"{area.name}（{area.code}）" if area else _("我的全部区域")),
        (_("筛选条件"), "；".join(f"{key}={value}" for key, value in filters.items()) or _("无")),
        (_("身份证号和电话"), _("完整（每人的查看已记入个人信息查看记录）") if full else _("已脱敏")),
    ]


def file_name(kind: str, area: Area | None, at: datetime.datetime) -> str:
    return f"{kind}-{area.code if area else 'all'}-{timezone.localtime(at):%Y%m%d-%H%M}.xlsx"


def xlsx_response(request, *, kind: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence],
                  scope: Scope, area: Area | None = None, filters: dict | None = None, full: bool = False,
                  date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> FileResponse:
    """The Excel file of a list, streamed from a temporary file, with the export logged.

    ``filters`` are the list's applied filters as the query string names them (empty ones are
    dropped); they are written into the file and the log."""
    filters = clean_filters(filters)
    now = timezone.now()
    about = about_sheet(user=request.user, title=title, area=area, filters=filters, full=full, at=now)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes (and so deletes) it
    try:
        count = write_workbook(out, title=title, columns=columns, rows=rows, about=about)
    except BaseException:
        out.close()
        raise
    record_export(user=request.user, kind=kind, area_code=export_area(scope, area), filters=filters, rows=count,
                  full=full, date_from=date_from, date_to=date_to)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=file_name(kind, area, now), content_type=XLSX)


@dataclass
class ListExport:
    """One list's export as a request asks for it: what a list's ``build(user, scope, params)`` returns.

    ``rows`` is the list's scoped and filtered queryset; ``row`` turns one object into the
    cells under ``columns``."""

    kind: str  # an ExportKind
    title: str
    columns: Sequence[Column]
    rows: QuerySet
    row: Callable[[object], Sequence]
    scope: Scope
    area: Area | None = None
    filters: dict = field(default_factory=dict)
    full: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def count(self) -> int:
        return self.rows.count()

    def response(self, request) -> FileResponse:
        return xlsx_response(request, kind=self.kind, title=self.title, columns=self.columns,
                             rows=chunked(self.rows, self.row), scope=self.scope, area=self.area,
                             filters=self.filters, full=self.full, date_from=self.date_from, date_to=self.date_to)


Builder = Callable[..., "ListExport | HttpResponse"]


def export_view(build: Builder):
    """The view of a list's export: ``build(request.user, scope, request.GET)`` (which may refuse
    with 404/403 or answer a response of its own), then the file at once, or — above
    WANGGE_EXPORT_BACKGROUND_ROWS rows — a background export and a redirect to its progress page."""
    build.is_list_export = True  # the background task runs only builders marked so

    @login_required
    def view(request):
        export = build(request.user, scope_of(request), request.GET)
        if isinstance(export, HttpResponse):
            return export
        total = export.count()
        if total > settings.WANGGE_EXPORT_BACKGROUND_ROWS:
            from . import export_tasks

            token = export_tasks.start_export(user=request.user, scope=export.scope, build=build,
                                              params=request.GET.urlencode(), title=export.title, total=total)
            return redirect("export_progress", token=token)
        return export.response(request)

    view.__doc__ = build.__doc__
    return view


def chunked(queryset, row: Callable[[object], Sequence]) -> Iterable[Sequence]:
    """The rows of a queryset, read in chunks (prefetches included), each through ``row``."""
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield row(obj)


def joined(values: Iterable) -> str:
    return "、".join(str(v) for v in values if v)


def _text(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (int, float, bool)):
        return value
    return str(value)
