"""Exports use the import template, so export → import changes nothing; masking and logging follow the role."""
import datetime

import pytest
from openpyxl import load_workbook

from wangge.accounts.scope import OutOfScope, Scope
from wangge.ledger.export import export_ledger
from wangge.ledger.models import ExportRecord
from wangge.ledger.sheets import write_template
from wangge.people.models import Resident, SensitiveAccess, Tag
from wangge.people.privacy import mask_id_number
from wangge.testing import resident

from .conftest import only_reason


def rows_of(path):
    return list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def richer(city):
    """An 85-year-old (so 高龄老人 by age) living alone, and a resident placed in the grid without a household."""
    elder = resident("刘长山", city.household, birth=datetime.date(1940, 1, 5), gender="M", phone="",
                     relation="parent", residence_type="permanent", note="腿脚不便")
    elder.tags.add(Tag.objects.get(code="living_alone"))
    loose = resident("赵流动", city.household, residence_type="floating")
    Resident.objects.filter(pk=loose.pk).update(household=None, area_code=city.grid.code)
    return elder


@pytest.mark.parametrize("kind", ["buildings", "households", "residents"])
def test_export_then_import_changes_nothing(city, richer, tmp_path, commit, kind):
    head = Scope.for_user(city.community_head)
    path = tmp_path / f"{kind}.xlsx"
    result = export_ledger(kind, head, path, user=city.community_head)
    report = commit(kind, path, scope=head, user=city.community_head)
    assert report.file_errors == [] and report.refused_rows == []
    assert report.counts["unchanged"] == result.rows > 0 and report.rows_total == result.rows


def test_the_export_is_the_template_with_a_title_and_notes(city, tmp_path):
    path = tmp_path / "residents.xlsx"
    export_ledger("residents", Scope.for_user(city.community_head), path, user=city.community_head)
    title, headers, notes, *data = rows_of(path)
    assert title[0] == "京华社区居民信息台账"
    assert headers[:3] == ("序号", "姓名", "身份证号") and notes[0] == "说明"
    assert {row[1] for row in data} == {"刘伊蕊", "王建国"}


def test_a_template_has_drop_downs_notes_and_an_example_that_is_never_imported(city, tmp_path, preview):
    path = tmp_path / "template.xlsx"
    write_template("residents", path)
    workbook = load_workbook(path)
    sheet, codes = workbook.worksheets
    assert codes.sheet_state == "hidden" and [r.coord for r in sheet.merged_cells.ranges] == ["A1:P1"]
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"D", "G", "H", "I"}  # gender, residence type, relation, tags
    assert [c.value for c in codes["B"][1:5]] == ["户籍", "常住", "流动", "租住"]
    assert sheet["A4"].value == "示例" and sheet.column_dimensions["C"].number_format == "@"
    assert preview("residents", path).rows_total == 0


def test_export_covers_only_the_scope_and_the_area_asked_for(city, tmp_path):
    path = tmp_path / "r.xlsx"
    export_ledger("residents", Scope.for_user(city.grid_worker), path, user=city.grid_worker)
    assert [row[1] for row in rows_of(path)[3:]] == ["刘伊蕊"]
    export_ledger("residents", Scope.for_user(city.community_head), path, area=city.grid_b.code)
    assert [row[1] for row in rows_of(path)[3:]] == ["王建国"]
    with pytest.raises(OutOfScope):
        export_ledger("residents", Scope.for_user(city.grid_worker), path, area=city.other_grid.code)


def test_a_full_export_logs_every_resident_in_it(city, tmp_path):
    result = export_ledger("residents", Scope.for_user(city.grid_worker), tmp_path / "r.xlsx", user=city.grid_worker)
    assert result.full and rows_of(tmp_path / "r.xlsx")[3][2] == city.resident.id_number
    log = SensitiveAccess.objects.get()
    assert (log.user, log.resident, log.area_code) == (city.grid_worker, city.resident, city.grid.code)
    assert str(result.record.pk) in log.reason
    assert ExportRecord.objects.get().rows == 1


def test_roles_that_may_not_reveal_export_masked_and_log_nothing(city, tmp_path, settings, commit):
    settings.WANGGE_REVEAL_ROLES = ["city_admin"]
    gw = Scope.for_user(city.grid_worker)
    path = tmp_path / "masked.xlsx"
    result = export_ledger("residents", gw, path, user=city.grid_worker)
    row = rows_of(path)[3]
    assert not result.full and row[2] == mask_id_number(city.resident.id_number) and row[5] == "138****5678"
    assert not SensitiveAccess.objects.exists()
    assert commit("residents", path).counts == {"create": 0, "update": 0, "unchanged": 1, "refused": 0}


def test_a_masked_export_with_a_new_phone_updates_it(city, tmp_path, sheet, commit):
    masked = mask_id_number(city.resident.id_number)
    path = sheet([["姓名", "身份证号", "联系电话"], ["刘伊蕊", masked, "13911112222"]])
    assert commit("residents", path).counts["update"] == 1
    city.resident.refresh_from_db()
    assert city.resident.phone == "13911112222"


def test_an_operator_export_is_logged_without_a_user(city, tmp_path):
    result = export_ledger("residents", Scope.of("220184", roles=["city_admin"]), tmp_path / "r.xlsx",
                           operator="root")
    assert result.rows == 3 and result.full
    assert ExportRecord.objects.get().operator == "root" and not SensitiveAccess.objects.exists()


def test_the_error_sheet_is_the_uploaded_sheet_plus_reasons_and_imports_once_fixed(city, sheet, tmp_path, commit):
    path = sheet([["序号", "姓名", "身份证号码", "完整地址"],
                  [1, "张晓梅", "220184199003120248", "老国税小区1号楼1单元501"]], title="京华社区居民信息台账")
    errors = tmp_path / "errors.xlsx"
    report = commit("residents", path, error_sheet=errors)
    assert only_reason(report)[0] == "身份证号码"
    _title, headers, row = rows_of(errors)
    assert headers == ("序号", "姓名", "身份证号码", "完整地址", "错误原因")
    assert row[:4] == (1, "张晓梅", "220184199003120248", "老国税小区1号楼1单元501")
    assert row[4].startswith("身份证号码：身份证号校验位错误")
    workbook = load_workbook(errors)
    workbook.worksheets[0]["C3"] = "220184199003120249"
    workbook.save(errors)
    assert commit("residents", errors).counts["create"] == 1
