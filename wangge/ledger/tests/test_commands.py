"""import_ledger / export_ledger / bench_import from the command line, with their exit codes."""
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from wangge.areas.models import Area
from wangge.ledger.models import ExportRecord, ImportRecord
from wangge.people.models import Resident

from .conftest import new_id

ADDRESS = "老国税小区1号楼1单元501"


def run(*argv) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `manage.py ARGV`: a CommandError exits with its returncode
    (BaseCommand.run_from_argv, which also closes the test's database connection, so not called here)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*argv, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def good_and_bad(city, sheet):
    good = new_id()
    path = sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", good, ADDRESS], ["坏行", "220184199003120248", ADDRESS]])
    return path, good


def test_an_import_with_refused_rows_writes_nothing_and_exits_1(good_and_bad):
    path, good = good_and_bad
    code, out, err = run("import_ledger", "residents", str(path))
    assert code == 1 and "未写入任何数据" in err
    assert "新增 (create) 1" in out and "第3行 身份证号：身份证号校验位错误" in out
    assert "已处理 (processed) [" in err and "100% 2 / 2 行 (rows)" in err
    assert not Resident.objects.filter(id_number=good).exists() and not ImportRecord.objects.exists()


def test_valid_only_writes_the_valid_rows_and_exits_0(good_and_bad, tmp_path):
    path, good = good_and_bad
    errors = tmp_path / "errors.xlsx"
    code, out, _err = run("import_ledger", "residents", str(path), "--valid-only", "--errors", str(errors))
    assert code == 0 and "已导入" in out
    assert Resident.objects.filter(id_number=good).exists()
    record = ImportRecord.objects.get()
    assert record.user is None and record.operator and record.created == 1
    assert load_workbook(errors).worksheets[0]["A3"].value == "坏行"


def test_a_dry_run_writes_nothing(city, sheet):
    good = new_id()
    path = sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", good, ADDRESS]])
    code, out, _err = run("import_ledger", "residents", str(path), "--dry-run")
    assert code == 0 and "新增 (create) 1" in out and "dry run" in out
    assert not Resident.objects.filter(id_number=good).exists()
    code, _out, _err = run("import_ledger", "residents", str(path))
    assert code == 0 and Resident.objects.filter(id_number=good).exists()


def test_a_dry_run_with_refused_rows_exits_1(good_and_bad):
    assert run("import_ledger", "residents", str(good_and_bad[0]), "--dry-run")[0] == 1


def test_user_acts_within_that_users_scope(city, sheet):
    path = sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", new_id(), "东洼小区1号楼1单元302"]])
    code, out, _err = run("import_ledger", "residents", str(path), "--user", "gw")
    assert code == 1 and "不在您的管辖范围内" in out
    assert run("import_ledger", "residents", str(path), "--user", "gw2")[0] == 0
    assert ImportRecord.objects.get().user == city.other_grid_worker


def test_an_unreadable_file_and_an_unknown_user_exit_1(city, sheet, tmp_path):
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"not a zip")
    assert run("import_ledger", "residents", str(broken))[0] == 1
    path = sheet([["姓名", "身份证号"], ["张晓梅", new_id()]])
    code, _out, err = run("import_ledger", "residents", str(path), "--user", "nobody")
    assert code == 1 and "nobody" in err


def test_export_ledger_writes_the_template_within_the_scope(city, tmp_path):
    path = tmp_path / "out.xlsx"
    code, out, _err = run("export_ledger", "residents", str(path), "--user", "head")
    assert code == 0 and "已导出 2 行" in out
    names = [row[1] for row in load_workbook(path, read_only=True).worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert sorted(names) == ["刘伊蕊", "王建国"]
    code, out, _err = run("export_ledger", "households", str(path), "--area", city.other_grid.code)
    assert code == 0 and "已导出 1 行" in out
    assert ExportRecord.objects.filter(user=None).exclude(operator="").count() == 1


def test_export_ledger_refuses_an_area_outside_the_users_scope(city, tmp_path):
    code, _out, err = run("export_ledger", "residents", str(tmp_path / "o.xlsx"), "--user", "gw",
                          "--area", city.other_grid.code)
    assert code == 1 and "不在管辖范围内" in err


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_benchmark_runs_and_leaves_nothing_behind(city, fmt):
    areas, residents = Area.objects.count(), Resident.objects.count()
    code, out, _err = run("bench_import", "--rows", "30", "--format", fmt)
    assert code == 0 and "行/秒" in out and "import / raw" in out
    assert (Area.objects.count(), Resident.objects.count()) == (areas, residents)
