"""Streamed reading of ledger files (.xlsx and .csv) as offices really keep them.

Rows are read one at a time (openpyxl's read-only mode, the csv module), so a
street's 200,000 residents never sit in memory at once. The header row is
found below any merged title rows (京华社区居民信息台账); blank rows, a 序号
column and the template's notes and example rows are passed over. Cells are
handed on as the file holds them (text, numbers, dates): what a number means
depends on its column, which validation knows.
"""
import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .columns import EXAMPLE_MARK, NOTES_MARK, PASSED_OVER_HEADERS, ROW_NUMBER_HEADER, Spec, normalize_header

# The header is looked for in this many rows from the top.
HEADER_SEARCH_ROWS = 20
# A row is the header when it names at least this many known columns.
MIN_HEADER_MATCHES = 2
_READ_CHUNK = 1 << 16
_XLSX_BYTES_PER_ROW = 60


class FileError(Exception):
    """The file as a whole cannot be read as a ledger of this kind; the message says why."""


@dataclass
class Table:
    spec: Spec
    header_row: int
    headers: list[str]
    # Column key → index of its column in the file.
    positions: dict[str, int]
    ignored: list[str]
    rows: Iterator[tuple[int, list]]
    # Rows below the header as the file declares them (xlsx only); for progress.
    expected_rows: int | None = None
    encoding: str = ""

    def header_of(self, key: str) -> str:
        """A column's header as this file writes it, or as the template does when the file lacks it."""
        if key in self.positions:
            return self.headers[self.positions[key]]
        return self.spec.column(key).header


@contextmanager
def open_table(path: str | Path, file_name: str, spec: Spec) -> Iterator[Table]:
    """Open a ledger file and locate its columns; raises FileError for an unreadable file."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        opener = _xlsx_rows
    elif suffix in (".csv", ".txt"):
        opener = _csv_rows
    elif suffix in (".xls", ".et", ".wps"):
        raise FileError(_("不支持旧版 %(suffix)s 文件，请在Excel或WPS中另存为 .xlsx 后再上传") % {"suffix": suffix})
    else:
        raise FileError(_("只能导入 .xlsx 或 .csv 文件"))
    with opener(path) as (rows, expected, encoding):
        table = _locate_header(rows, spec)
        table.expected_rows = expected - table.header_row if expected else None
        table.encoding = encoding
        yield table


@contextmanager
def _xlsx_rows(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(_("无法读取该Excel文件（%(error)s），请确认是 .xlsx 格式") % {"error": exc.__class__.__name__})
    try:
        # The first visible sheet: a template's code lists live in a hidden one.
        sheet = next((ws for ws in workbook.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise FileError(_("文件中没有可见的工作表"))
        yield enumerate(sheet.iter_rows(values_only=True), start=1), sheet.max_row, "xlsx"
    finally:
        workbook.close()


@contextmanager
def _csv_rows(path):
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as stream:
        sample = stream.read(_READ_CHUNK)
        stream.seek(0)
        # Excel writes commas, its "Unicode text" tabs, some European settings semicolons.
        delimiter = max(",\t;", key=sample.count)
        yield enumerate(csv.reader(stream, delimiter=delimiter), start=1), None, encoding


def estimate_rows(path, file_name: str) -> int | None:
    """About how many rows a file holds, without reading it through: the size an xlsx sheet
    declares, or a CSV's line count (a quick pass over the bytes). None when it cannot tell."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".csv", ".txt"):
        lines, last = 0, b""
        with open(path, "rb") as stream:
            while chunk := stream.read(_READ_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk
        return lines + (1 if last and not last.rstrip(b"\x00").endswith(b"\n") else 0)
    if suffix not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    try:
        sheet = next((ws for ws in workbook.worksheets if ws.sheet_state == "visible"), None)
        # A sheet without a declared size is measured by its share of the file (about 60 bytes a row).
        return (sheet.max_row if sheet is not None else None) or Path(path).stat().st_size // _XLSX_BYTES_PER_ROW
    finally:
        workbook.close()


def detect_encoding(path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, otherwise
    GB18030, the superset of the GBK that Excel in China writes."""
    with open(path, "rb") as stream:
        start = stream.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := stream.read(_READ_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _locate_header(rows, spec: Spec) -> Table:
    for number, cells in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        keys = [spec.key_of(cell) for cell in cells]
        if len({k for k in keys if k}) >= MIN_HEADER_MATCHES:
            return _table(number, list(cells), keys, rows, spec)
    raise FileError(
        _("在前%(n)d行中没有找到表头：表头须包含如下列名中的至少两个：%(names)s")
        % {"n": HEADER_SEARCH_ROWS, "names": "、".join(c.header for c in spec.columns)}
    )


def _table(number: int, cells: list, keys: list, rows, spec: Spec) -> Table:
    headers = ["" if c is None else str(c).strip() for c in cells]
    positions: dict[str, int] = {}
    ignored = []
    row_number_at = None
    for index, (header, key) in enumerate(zip(headers, keys)):
        if key is None:
            if normalize_header(header) == ROW_NUMBER_HEADER:
                row_number_at = index
            elif header and normalize_header(header) not in PASSED_OVER_HEADERS:
                ignored.append(header)
            continue
        if key in positions:
            raise FileError(
                _("“%(a)s”和“%(b)s”是同一列，请只保留一列") % {"a": headers[positions[key]], "b": header}
            )
        positions[key] = index
    missing = [c.header for c in spec.columns if c.required and c.key not in positions]
    if missing:
        raise FileError(_("缺少必填列：%(names)s") % {"names": "、".join(missing)})
    return Table(spec, number, headers, positions, ignored, _data_rows(rows, len(headers), row_number_at))


def _data_rows(rows, width: int, row_number_at: int | None) -> Iterator[tuple[int, list]]:
    """Data rows: those with something besides a row number (offices number empty rows ahead)."""
    for number, cells in rows:
        cells = list(cells[:width]) + [None] * (width - len(cells))
        if all(c is None or (isinstance(c, str) and not c.strip())
               for index, c in enumerate(cells) if index != row_number_at):
            continue
        if row_number_at is not None and str(cells[row_number_at] or "").strip() in (NOTES_MARK, EXAMPLE_MARK):
            continue
        yield number, cells
