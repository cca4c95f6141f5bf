"""Excel exports of lists (cases, visits, residents, volunteers, activities): one helper,
so that each list's export is its columns and a row function.

* The rows are the list's own query with the list's applied filters, through the
  exporter's scope; a filter naming an area outside the scope is a 404 (:func:`area_filter`).
* The workbook is written by openpyxl in write-only mode to a temporary file, row by row,
  and streamed from that file (FileResponse): a street's 200,000 rows never sit in memory.
* A second sheet (导出说明) says who exported what, when, with which filters.
* Every export is recorded in the export log (wangge.stats.export.record_export) before the
  file is sent.
"""
from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wangge.accounts.scope import Scope
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
                   about: Sequence[tuple[str, str]] = ()) -> int:
    """Write ``rows`` under ``columns`` to ``out`` (a path or binary file); returns the row count."""
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
    notes = book.create_sheet(_("导出说明"))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 60
    for label, value in [*about, (_("行数"), str(count))]:
        notes.append([label, value])
    book.save(out)
    return count


def xlsx_response(request, *, kind: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence],
                  scope: Scope, area: Area | None = None, filters: dict | None = None, full: bool = False,
                  date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> FileResponse:
    """The Excel file of a list, streamed from a temporary file, with the export logged.

    ``filters`` are the list's applied filters as the query string names them (empty ones are
    dropped); they are written into the file and the log."""
    filters = {key: _text(value) for key, value in (filters or {}).items() if value not in (None, "", False)}
    now = timezone.localtime()
    about = [
        (_("内容"), title),
        (_("导出人"), request.user.get_full_name() or request.user.get_username()),
        (_("导出时间"), now.strftime("%Y-%m-%d %H:%M")),
        (_("区域"), f"{area.name}（{area.code}）" if area else _("我的全部区域")),
        (_("筛选条件"), "；".join(f"{key}={value}" for key, value in filters.items()) or _("无")),
        (_("身份证号和电话"), _("完整（每人的查看已记入个人信息查看记录）") if full else _("已脱敏")),
    ]
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 -- FileResponse closes (and so deletes) it
    try:
        count = write_workbook(out, title=title, columns=columns, rows=rows, about=about)
    except BaseException:
        out.close()
        raise
    record_export(user=request.user, kind=kind, area_code=export_area(scope, area), filters=filters, rows=count,
                  full=full, date_from=date_from, date_to=date_to)
    out.seek(0)
    name = f"{kind}-{area.code if area else 'all'}-{now:%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


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
