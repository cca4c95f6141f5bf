"""Every row is checked before anything is written; each refusal names its column and reason."""
import datetime

import pytest

from wangge.accounts.scope import Scope
from wangge.areas.models import Building, Estate, Household
from wangge.people.models import Resident
from wangge.people.privacy import mask_id_number

from .conftest import new_id, only_reason, reasons

ADDRESS = "老国税小区1号楼1单元501"
HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "居住类型", "与户主关系", "重点人群", "完整地址",
           "所属区域代码"]


def resident_row(name="张晓梅", id_number=None, gender="", birth="", phone="", residence="", relation="", tags="",
                 address=ADDRESS, area=""):
    return [name, id_number or new_id(), gender, birth, phone, residence, relation, tags, address, area]


def refusal(sheet, preview, **row):
    return only_reason(preview("residents", sheet([HEADERS, resident_row(**row)])))


@pytest.mark.parametrize("row, column, reason", [
    ({"name": ""}, "姓名", "必填"),
    ({"id_number": "22018419900312"}, "身份证号", "身份证号应为18位"),
    ({"id_number": "220184199003120248"}, "身份证号", "校验位错误"),
    ({"id_number": "220184199002300240"}, "身份证号", "出生日期无效"),
    ({"id_number": new_id(datetime.date(1990, 3, 12), "F"), "birth": "1990-03-13"}, "出生日期", "不一致"),
    ({"id_number": new_id(datetime.date(1990, 3, 12), "F"), "gender": "男"}, "性别", "不一致"),
    ({"birth": "3月12日"}, "出生日期", "日期格式不正确"),
    ({"phone": "1390434123"}, "联系电话", "电话号码格式不正确"),
    ({"gender": "未知"}, "性别", "不在可选值内"),
    ({"residence": "暂住"}, "居住类型", "不在可选值内（户籍/常住/流动/租住）"),
    ({"relation": "邻居"}, "与户主关系", "不在可选值内"),
    ({"tags": "独居老人、特困人员"}, "重点人群", "重点人群不在列表内：特困人员"),
    ({"tags": "高龄老人"}, "重点人群", "按出生日期自动判定，此人未满80岁"),
    ({"address": "老国税小区9号楼1单元101"}, "完整地址", "未找到该地址的住户"),
    ({"address": "", "area": ""}, "完整地址", "新登记的居民须填写完整地址"),
    ({"address": "", "area": "2201840010"}, "所属区域代码", "区划代码应为6、9、12或15位数字"),
    ({"address": "", "area": "220184001001002"}, "所属区域代码", "不在您的管辖范围内"),
    ({"address": "测试小区1号楼1单元201"}, "完整地址", "不在您的管辖范围内"),
])
def test_each_refusal_names_the_column_and_the_reason(city, sheet, preview, row, column, reason):
    got_column, got_reason = refusal(sheet, preview, **row)
    assert got_column == column and reason in got_reason


def test_unknown_areas_in_scope_are_refused(city, sheet, preview):
    head = Scope.for_user(city.community_head)
    path = sheet([HEADERS, resident_row(address="", area="220184001001999")])
    assert only_reason(preview("residents", path, scope=head)) == ("所属区域代码", "区域不存在：220184001001999")
    path = sheet([HOUSEHOLD_HEADERS, ["220184001001999", "老国税小区", "1号楼", "1", 5, "502", ""]], name="h.xlsx")
    assert only_reason(preview("households", path, scope=head)) == ("网格代码", "网格不存在：220184001001999")


def test_several_problems_of_one_row_are_all_reported(city, sheet, preview):
    path = sheet([HEADERS, resident_row(name="", phone="123", tags="特困人员")])
    (errors,) = reasons(preview("residents", path)).values()
    assert [column for column, _reason in errors] == ["姓名", "联系电话", "重点人群"]


def test_a_duplicate_id_number_in_the_file_refuses_the_later_row(city, sheet, preview):
    id_no = new_id()
    report = preview("residents", sheet([HEADERS, resident_row(id_number=id_no), resident_row(id_number=id_no)]))
    assert report.counts["create"] == 1
    assert reasons(report) == {3: [("身份证号", "与第2行重复")]}


def test_duplicates_are_found_across_batches(city, sheet, preview, monkeypatch):
    monkeypatch.setattr("wangge.ledger.validation.BATCH_SIZE", 2)
    id_no = new_id()
    rows = [resident_row(id_number=id_no)] + [resident_row() for _ in range(3)] + [resident_row(id_number=id_no)]
    assert reasons(preview("residents", sheet([HEADERS] + rows))) == {6: [("身份证号", "与第2行重复")]}


def test_an_id_number_registered_inside_the_scope_is_an_update(city, sheet, preview):
    row = resident_row(name="刘伊蕊", id_number=city.resident.id_number, phone="13904341234")
    assert preview("residents", sheet([HEADERS, row])).counts["update"] == 1


def test_an_id_number_registered_outside_the_scope_is_refused(city, sheet, preview):
    column, reason = refusal(sheet, preview, id_number=city.other_resident.id_number)
    assert column == "身份证号" and "管辖范围以外" in reason


def test_a_household_can_be_named_by_building_unit_and_room(city, sheet, commit):
    id_no = new_id()
    path = sheet([["姓名", "身份证号", "网格代码", "小区", "楼栋", "单元", "门牌号"],
                  ["张晓梅", id_no, "220184001001001", "老国税小区", "1号楼", "1单元", 501]])
    assert commit("residents", path).counts["create"] == 1
    assert Resident.objects.get(id_number=id_no).household == city.household


def test_building_unit_and_room_need_the_grid_code(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "楼栋", "单元", "门牌号"], ["张晓梅", new_id(), "1号楼", "1", "501"]])
    assert only_reason(preview("residents", path)) == ("所属区域代码", "按楼栋找户时须填写所在网格的15位代码")


def test_an_unknown_room_in_a_known_building_is_refused(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "网格代码", "小区", "楼栋", "单元", "门牌号"],
                  ["张晓梅", new_id(), "220184001001001", "老国税小区", "1号楼", "1", "909"]])
    column, reason = only_reason(preview("residents", path))
    assert column == "门牌号" and "未找到该住户" in reason


def test_a_masked_id_number_updates_the_one_matching_resident_and_never_creates(city, sheet, preview):
    masked = mask_id_number(city.resident.id_number)
    report = preview("residents", sheet([HEADERS, resident_row(name="刘伊蕊", id_number=masked, phone="13912345678"),
                                         resident_row(name="无此人", id_number=masked)]))
    assert report.counts["update"] == 1
    column, reason = reasons(report)[3][0]
    assert column == "身份证号" and "已脱敏" in reason


def test_a_masked_phone_must_match_the_stored_one(city, sheet, preview):
    same = resident_row(name="刘伊蕊", id_number=city.resident.id_number, phone="138****5678")
    other = resident_row(name="王建国", id_number=city.resident_b.id_number, phone="139****0000",
                         address="", area="220184001001")
    head = Scope.for_user(city.community_head)
    report = preview("residents", sheet([HEADERS, same, other]), scope=head)
    assert report.counts["unchanged"] == 1
    assert reasons(report) == {3: [("联系电话", "电话已脱敏（含*）且与登记的号码不符，请填写完整号码")]}


# --- households and buildings ---------------------------------------------------
HOUSEHOLD_HEADERS = ["网格代码", "小区", "楼栋", "单元", "楼层", "门牌号", "完整地址"]


@pytest.mark.parametrize("row, column, reason", [
    (["220184001001001", "老国税小区", "9号楼", "1", 5, "502", ""], "楼栋", "楼栋不存在"),
    (["220184002001001", "东洼小区", "1号楼", "1", 3, "303", ""], "网格代码", "不在您的管辖范围内"),
    (["220184001001", "老国税小区", "1号楼", "1", 5, "502", ""], "网格代码", "应为15位网格代码"),
    (["220184001001001", "老国税小区", "1号楼", "1", "五", "502", ""], "楼层", "应为整数"),
    (["220184001001001", "老国税小区", "1号楼", "1", 5, "", ""], "门牌号", "必填"),
])
def test_household_refusals(city, sheet, preview, row, column, reason):
    got_column, got_reason = only_reason(preview("households", sheet([HOUSEHOLD_HEADERS, row])))
    assert got_column == column and reason in got_reason


def test_households_are_created_with_their_address_and_matched_by_building_unit_and_room(city, sheet, commit):
    path = sheet([HOUSEHOLD_HEADERS,
                  ["220184001001001", "老国税小区", "1号楼", "1单元", 5, "502室", ""],
                  ["220184001001001", "老国税小区", "1号楼", "1", 5, "501", "老国税小区1号楼1单元501"],
                  ["220184001001001", "老国税小区", "1号楼", "1", 5, "502", ""]])
    report = commit("households", path, valid_only=True)
    assert report.counts == {"create": 1, "update": 0, "unchanged": 1, "refused": 1}
    assert reasons(report) == {4: [("门牌号", "与第2行重复")]}
    created = Household.objects.get(room="502")
    assert created.address == "老国税小区1号楼1单元502" and created.unit == "1" and created.area_code == city.grid.code


BUILDING_HEADERS = ["网格代码", "小区", "楼栋", "地址", "层数", "纬度", "经度"]


@pytest.mark.parametrize("row, column, reason", [
    (["220184001001001", "老国税小区", "", "", 6, None, None], "楼栋", "必填"),
    (["220184001001001", "老国税小区", "2号楼", "", 300, None, None], "层数", "应为1到200之间的整数"),
    (["220184001001001", "老国税小区", "2号楼", "", 6, 95, None], "纬度", "应在-90到90之间"),
    (["220184001001001", "新建小区", "1号楼", "", 6, None, None], "小区", "新建小区须由社区或以上的账号导入"),
])
def test_building_refusals(city, sheet, preview, row, column, reason):
    got_column, got_reason = only_reason(preview("buildings", sheet([BUILDING_HEADERS, row])))
    assert got_column == column and reason in got_reason


def test_a_community_head_creates_a_new_estate_once_for_all_its_buildings(city, sheet, commit, monkeypatch):
    monkeypatch.setattr("wangge.ledger.validation.BATCH_SIZE", 1)
    path = sheet([BUILDING_HEADERS,
                  ["220184001001001", "新建小区", "1号楼", "京华社区新建小区", 6, 43.5, 124.8],
                  ["220184001001002", "新建小区", "2号楼", "京华社区新建小区", 6, None, None],
                  ["220184001001001", "老国税小区", "1号楼", "", 6, None, None]])
    report = commit("buildings", path, scope=Scope.for_user(city.community_head), user=city.community_head)
    assert report.counts == {"create": 2, "update": 1, "unchanged": 0, "refused": 0}
    estate = Estate.objects.get(name="新建小区")
    assert estate.area_code == "220184001001" and estate.buildings.count() == 2
    assert Building.objects.get(estate=estate, name="1号楼").area_code == city.grid.code


def test_rows_are_refused_against_the_importers_scope_only(city, sheet, preview):
    """The same row is fine for the street and refused for a grid worker of another street."""
    path = sheet([HEADERS, resident_row(address="测试小区1号楼1单元201")])
    assert preview("residents", path, scope=Scope.for_user(city.street_staff)).counts["create"] == 1
    column, reason = only_reason(preview("residents", path, scope=Scope.for_user(city.other_grid_worker)))
    assert column == "完整地址" and "不在您的管辖范围内" in reason


def test_an_importer_without_areas_may_change_nothing(city, sheet, preview):
    path = sheet([HEADERS, resident_row(), resident_row()])
    assert preview("residents", path, scope=Scope.for_user(city.partner)).counts["refused"] == 2


def test_too_long_text_and_non_numbers_are_refused(city, sheet, preview):
    path = sheet([BUILDING_HEADERS, ["220184001001001", "老国税小区", "楼" * 51, "", None, "北纬43度", None]])
    (errors,) = reasons(preview("buildings", path)).values()
    assert errors == [("楼栋", "内容过长：最多50个字"), ("纬度", "应为数字")]


def test_an_address_shared_by_two_households_needs_the_area_code(city, sheet, preview):
    twin = Household.objects.create(building=city.household_b.building, unit="1", room="999", address=ADDRESS)
    head = Scope.for_user(city.community_head)
    path = sheet([HEADERS, resident_row(), resident_row(area=twin.area_code)])
    report = preview("residents", path, scope=head)
    assert reasons(report) == {2: [("完整地址", "该地址对应多户，请同时填写所属区域代码（网格代码）")]}
    assert report.counts["create"] == 1


def test_building_and_unit_without_a_room_are_refused(city, sheet, preview):
    path = sheet([["姓名", "身份证号", "网格代码", "小区", "楼栋", "单元"],
                  ["张晓梅", new_id(), "220184001001001", "老国税小区", "1号楼", "1"]])
    assert only_reason(preview("residents", path)) == ("门牌号", "按楼栋找户时须填写门牌号")
