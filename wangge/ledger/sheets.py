"""Writing ledger sheets: the blank template, exports and error sheets share one layout.

Layout: a merged title row, the header row, then (templates and exports) a notes
row whose 序号 cell says 说明, then (templates) an example row marked 示例, then
the data. Coded columns get drop-downs from a hidden 代码表 sheet, and columns of
long digit strings are formatted as text so Excel leaves ID numbers alone.
Sheets are streamed (openpyxl write-only), so an export of a street stays small
in memory.
"""
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import (
    ERROR_HEADER,
    EXAMPLE_MARK,
    NOTES_MARK,
    ROW_NUMBER_HEADER,
    SPECS,
    Column,
    Spec,
    choice_labels,
)

CODE_SHEET = "代码表"
# Drop-downs reach this many rows below the last written one, for rows the office adds.
SPARE_ROWS = 2000
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_NOTE_FONT = Font(italic=True, size=9, color="595959")
_WRAP = Alignment(wrap_text=True, vertical="top")


class SheetWriter:
    """One ledger sheet being streamed to ``out`` (a path or a binary file)."""

    def __init__(self, out, spec: Spec, title: str, columns: list[tuple[str, Column | None]], *, notes: bool):
        self.out = out
        self.columns = columns
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(spec.sheet)
        self.rows_written = 0
        for index, (header, column) in enumerate(columns, start=1):
            dimension = self.sheet.column_dimensions[get_column_letter(index)]
            dimension.width = column.width if column else max(6, len(header) * 2 + 2)
            if column and column.text:
                dimension.number_format = "@"
        self.sheet.freeze_panes = "A3"
        self.sheet.append([self._cell(title, _TITLE_FONT)])
        self.sheet.append([
            self._cell(header, _REQUIRED_FONT if column and column.required else _HEADER_FONT, _HEADER_FILL)
            for header, column in columns
        ])
        self.first_data_row = 3
        if notes:
            self.sheet.append([
                self._cell(NOTES_MARK if header == ROW_NUMBER_HEADER else (column.note if column else ""), _NOTE_FONT)
                for header, column in columns
            ])
            self.first_data_row = 4

    def _cell(self, value, font=None, fill=None):
        cell = WriteOnlyCell(self.sheet, value=value)
        if font:
            cell.font = font
            cell.alignment = _WRAP
        if fill:
            cell.fill = fill
        return cell

    def append(self, values: list) -> None:
        self.sheet.append(values)
        self.rows_written += 1

    def close(self) -> None:
        """Merge the title, add the drop-downs and their hidden code sheet, and save."""
        last = get_column_letter(len(self.columns))
        self.sheet.merged_cells.add(f"A1:{last}1")
        codes = self.workbook.create_sheet(CODE_SHEET)
        codes.sheet_state = "hidden"
        lists = [(index, column) for index, (_header, column) in enumerate(self.columns, start=1)
                 if column and column.choices]
        labels = [choice_labels(column.choices) for _i, column in lists]
        codes.append([column.header for _i, column in lists])
        for depth in range(max((len(values) for values in labels), default=0)):
            codes.append([values[depth] if depth < len(values) else None for values in labels])
        end = self.first_data_row + self.rows_written + SPARE_ROWS
        for position, ((index, column), values) in enumerate(zip(lists, labels), start=1):
            code_column = get_column_letter(position)
            validation = DataValidation(
                type="list", formula1=f"'{CODE_SHEET}'!${code_column}$2:${code_column}${len(values) + 1}",
                allow_blank=True,
            )
            if column.multi:
                # Several values share a cell (独居老人、低保户): the list only helps.
                validation.showErrorMessage = False
            else:
                validation.error, validation.errorTitle = "请从下拉列表中选择", column.header
                validation.showErrorMessage = True
            letter = get_column_letter(index)
            validation.add(f"{letter}{self.first_data_row}:{letter}{end}")
            self.sheet.data_validations.append(validation)
        self.workbook.save(self.out)


def template_columns(spec: Spec) -> list[tuple[str, Column | None]]:
    return [(ROW_NUMBER_HEADER, None)] + [(column.header, column) for column in spec.columns]


def write_template(kind: str, out) -> None:
    """The blank template of a kind: notes and one example row, which is never imported."""
    spec = SPECS[kind]
    writer = SheetWriter(out, spec, spec.title, template_columns(spec), notes=True)
    writer.append([EXAMPLE_MARK] + [column.example for column in spec.columns])
    writer.close()


class ErrorSheet:
    """The refused rows as the office's own sheet (their columns, their order) plus 错误原因.

    Fixed and uploaded again, it imports like the original: the title row is
    passed over and the 错误原因 column ignored.
    """

    def __init__(self, out, table, title: str):
        self.table = table
        keys = {index: key for key, index in table.positions.items()}
        columns = [(header, table.spec.column(keys[i]) if i in keys else None)
                   for i, header in enumerate(table.headers)]
        reasons = Column("errors", ERROR_HEADER, width=60)
        self.writer = SheetWriter(out, table.spec, title, columns + [(ERROR_HEADER, reasons)], notes=False)

    def add(self, cells: list, errors: list[tuple[str, str]]) -> None:
        self.writer.append(list(cells) + [describe_errors(errors, self.table.header_of)])

    def close(self) -> None:
        self.writer.close()


def describe_errors(errors: list[tuple[str, str]], header_of) -> str:
    """错误原因 as the office reads it: 身份证号码：校验位错误；联系电话：格式不正确."""
    return "；".join(f"{header}：{reason}" if (header := header_of(key)) else reason for key, reason in errors)
