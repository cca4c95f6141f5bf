"""Sheets as offices write them, and the importers of the SmallCity (see wangge.testing)."""
import csv
import datetime
import itertools

import pytest
from openpyxl import Workbook

from wangge.accounts.scope import Scope
from wangge.ledger import services
from wangge.people.validators import id_check_char


def write_sheet(path, rows, *, title=None):
    """An .xlsx with an optional merged title row above the given rows."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


_serial = itertools.count()


def new_id(born=datetime.date(1990, 3, 12), gender="F"):
    """A valid ID number, different on every call (500 per birth date and gender)."""
    first17 = f"220184{born:%Y%m%d}{next(_serial) * 2 % 1000 + (gender == 'M'):03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def sheet(tmp_path):
    """sheet(rows, name="x.xlsx", title=None, encoding=...) → path of a new .xlsx or .csv."""
    def make(rows, name="residents.xlsx", **kwargs):
        path = tmp_path / name
        return write_csv(path, rows, **kwargs) if name.endswith((".csv", ".txt")) else write_sheet(path, rows, **kwargs)

    return make


@pytest.fixture
def gw(city):
    return Scope.for_user(city.grid_worker)


@pytest.fixture
def preview(gw):
    """preview(kind, path, scope=gw) → ImportReport."""
    def run(kind, path, scope=None, **kwargs):
        return services.preview_import(kind=kind, path=path, file_name=path.name, scope=scope or gw, **kwargs)

    return run


@pytest.fixture
def commit(gw, city):
    """commit(kind, path, scope=gw, valid_only=False) → ImportReport, as the grid worker by default."""
    def run(kind, path, scope=None, user=None, **kwargs):
        return services.commit_import(kind=kind, path=path, file_name=path.name, scope=scope or gw,
                                      user=user or city.grid_worker, **kwargs)

    return run


def reasons(report):
    """{sheet row: [(column, reason)]} of the refused rows."""
    return {number: errors for number, errors in report.refused_rows}


def only_reason(report):
    (errors,) = reasons(report).values()
    ((column, reason),) = errors
    return column, reason
