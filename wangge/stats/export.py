"""The figures of an area and period as an Excel workbook (openpyxl): the same dict the
dashboard and /api/v1/stats show, with Chinese headers and the English keys beside them.

Also the one writer of the export log (导出记录, StatsExport): every Excel export, of the
figures or of a list (wangge/web/exports.py), is recorded through :func:`record_export`.

The figures are read as figures.compute reads them (from the read replica when one is
configured, docs/scaling.md); the log row is written to the primary.
"""
import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.cases.models import Source
from wangge.visits.models import Kind

from . import figures
from .models import ExportKind, StatsExport

BOLD = Font(bold=True)


def record_export(*, user, kind: str, area_code: str, filters: dict | None = None, rows: int | None = None,
                  full: bool = False, date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None) -> StatsExport:
    """Log one export: who took what (``kind``, an ExportKind) of which area, with which
    filters, how many rows, and whether ID numbers and phones were left in full."""
    if kind not in ExportKind.values:
        raise ValueError(f"unknown export kind {kind!r}")
    return StatsExport.objects.create(
        user=user, kind=kind, area_code=area_code, filters=filters or {}, rows=rows, full=full,
        date_from=date_from, date_to=date_to,
    )


def _sheet(book, title, header):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    return sheet


def _put_rate(cell, key):
    if key in figures.RATE_KEYS and cell.value is not None:
        cell.number_format = "0.0%"


def workbook(scope: Scope, area: str, start: datetime.date, end: datetime.date) -> bytes:
    totals = figures.compute(scope, area, start, end)
    kids = figures.children(scope, area, start, end)
    book = Workbook()
    book.remove(book.active)

    sheet = _sheet(book, "指标", ["指标", "key", "数值"])
    sheet.append(["区域", "area", f"{totals['area_name']}（{totals['area']}）"])
    sheet.append(["期间", "period", f"{totals['from']} 至 {totals['to']}"])
    for key, label in figures.LABELS.items():
        sheet.append([label, key, totals[key]])
        _put_rate(sheet.cell(sheet.max_row, 3), key)
    for value, label in Source.choices:
        sheet.append([f"来源：{label}", f"by_source.{value}", totals["by_source"][value]])
    for value, label in Level.choices:
        sheet.append([f"层级：{label}", f"by_level.{value}", totals["by_level"].get(value, 0)])
    for value, label in Kind.choices:
        sheet.append([f"走访方式：{label}", f"visits_by_kind.{value}", totals["visits_by_kind"][value]])
    for row in totals["by_category"]:
        sheet.append([f"分类：{row['name']}", f"by_category.{row['code']}", row["count"]])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 28

    if kids:
        keys = list(figures.LABELS)
        sheet = _sheet(book, "下级区域", ["区域", "区域代码", *[figures.LABELS[k] for k in keys]])
        for row in kids:
            sheet.append([row["area_name"], row["area"], *[row[k] for k in keys]])
            for column, key in enumerate(keys, start=3):
                _put_rate(sheet.cell(sheet.max_row, column), key)

    trend = figures.monthly(scope, area, end)
    sheet = _sheet(book, "月度趋势", ["月份", "上报数", "主动发现数", "结案数", "应结案数", "按期结案数",
                                    "主动发现率", "按期结案率"])
    for row in trend:
        sheet.append([row["month"], row["cases_reported"], row["proactive_cases"], row["cases_closed"],
                      row["cases_due"], row["closed_on_time"], row["proactive_share"], row["on_time_closure_rate"]])
        for column in (7, 8):
            cell = sheet.cell(sheet.max_row, column)
            if cell.value is not None:
                cell.number_format = "0.0%"

    out = BytesIO()
    book.save(out)
    return out.getvalue()
