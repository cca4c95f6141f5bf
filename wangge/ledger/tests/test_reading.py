"""Sheets are read as offices really keep them: titles, 序号, blank rows, header variants,
any column order, numbers stored as numbers, CSV in UTF-8, UTF-8 with BOM and GBK."""
import pytest

from wangge.people.models import Resident

from .conftest import new_id, only_reason


def test_title_row_row_numbers_and_blank_rows_are_passed_over(city, sheet, commit):
    id_no = new_id()
    path = sheet([
        ["序号", "姓名", "身份证号", "完整地址"],
        [None, None, None, None],
        [1, "张晓梅", id_no, "老国税小区1号楼1单元501"],
        [],
        [2, "", None, ""],
    ], title="京华社区居民信息台账")
    report = commit("residents", path)
    assert report.file_errors == [] and report.counts == {"create": 1, "update": 0, "unchanged": 0, "refused": 0}
    assert Resident.objects.get(id_number=id_no).household == city.household


@pytest.mark.parametrize("id_header, phone_header", [
    ("身份证号", "联系电话"), ("身份证号码", "手机号"), ("公民身份号码", "电话"), ("居民身份证号", "手机号码"),
])
def test_header_variants_and_any_column_order_are_understood(city, sheet, preview, id_header, phone_header):
    path = sheet([
        [phone_header, "家庭住址", id_header, " 姓 名 "],
        ["13904341234", "老国税小区1号楼1单元501", new_id(), "张晓梅"],
    ])
    report = preview("residents", path)
    assert report.counts["create"] == 1 and report.ignored_columns == []


def test_unknown_columns_are_listed_and_left_out(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "完整地址", "民族"], ["张晓梅", new_id(), "老国税小区1号楼1单元501", "汉族"]])
    assert preview("residents", path).ignored_columns == ["民族"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(city, sheet, commit, encoding):
    id_no = new_id()
    path = sheet([["姓名", "身份证号", "完整地址", "重点人群"], ["张晓梅", id_no, "老国税小区1号楼1单元501", "独居老人"]],
                 name="居民.csv", encoding=encoding)
    report = commit("residents", path)
    assert report.counts["create"] == 1, report.refused_rows
    resident = Resident.objects.get(id_number=id_no)
    assert resident.name == "张晓梅" and [t.name for t in resident.tags.all()] == ["独居老人"]


def test_excels_unicode_text_is_utf16_with_tabs(city, sheet, commit):
    path = sheet([["京华社区居民信息台账"], ["姓名", "身份证号", "完整地址"], ["张晓梅", new_id(), "老国税小区1号楼1单元501"]],
                 name="居民.txt", encoding="utf-16", delimiter="\t")
    assert commit("residents", path).counts["create"] == 1


def test_an_id_number_turned_into_a_number_by_excel_is_refused_with_that_reason(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", 2.20184199003121e17, "老国税小区1号楼1单元501"]])
    column, reason = only_reason(preview("residents", path))
    assert column == "身份证号" and "科学计数法" in reason


def test_a_scientific_id_number_in_a_csv_is_refused_too(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", "2.20184E+17", "老国税小区1号楼1单元501"]], name="r.csv")
    assert "科学计数法" in only_reason(preview("residents", path))[1]


def test_numbers_stored_as_numbers_are_read_as_text_where_text_is_meant(city, sheet, commit):
    id_no = new_id()
    path = sheet([["姓名", "身份证号", "联系电话", "所属区域代码"], ["张晓梅", id_no, 13904341234, 220184001001001]])
    report = commit("residents", path)
    assert report.counts["create"] == 1, report.refused_rows
    resident = Resident.objects.get(id_number=id_no)
    assert resident.phone == "13904341234" and resident.area_code == "220184001001001" and resident.household is None


def test_a_missing_required_column_is_a_file_error(city, sheet, preview):
    report = preview("residents", sheet([["姓名", "完整地址"], ["张晓梅", "老国税小区1号楼1单元501"]]))
    assert report.file_errors == ["缺少必填列：身份证号"] and report.rows_total == 0


def test_two_columns_for_one_field_are_a_file_error(city, sheet, preview):
    report = preview("residents", sheet([["姓名", "身份证号", "手机号", "联系电话"]]))
    assert "是同一列" in report.file_errors[0]


def test_a_sheet_without_a_header_is_a_file_error(city, sheet, preview):
    report = preview("residents", sheet([["京华社区"], ["张晓梅", new_id()]]))
    assert "没有找到表头" in report.file_errors[0]


@pytest.mark.parametrize("name, says", [("old.xls", "另存为 .xlsx"), ("notes.docx", "只能导入")])
def test_other_file_types_are_refused(city, tmp_path, preview, name, says):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not a spreadsheet")
    assert says in preview("residents", path).file_errors[0]


def test_a_broken_xlsx_is_a_file_error(city, tmp_path, preview):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    assert "无法读取" in preview("residents", path).file_errors[0]
