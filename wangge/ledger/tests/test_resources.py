"""Volunteers, partners and service points as ledgers: refusal reasons, natural keys (so a second
import changes nothing), scope, export → import round trips, undo; written through their apps' services."""

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from wangge.accounts.scope import Scope
from wangge.cases.models import Category
from wangge.ledger import services
from wangge.ledger.export import export_ledger
from wangge.ledger.models import ImportRecord
from wangge.ledger.sheets import write_template
from wangge.partners.models import Partner, ServicePoint
from wangge.partners.services import create_partner
from wangge.people.models import SensitiveAccess
from wangge.volunteers.models import Volunteer
from wangge.volunteers.services import record_service, register_volunteer, update_volunteer

from .conftest import new_id, reasons

COMMUNITY = "220184001001"
GRID = "220184001001001"
OTHER_COMMUNITY = "220184002001"
VOLUNTEER_HEADERS = ["姓名", "身份证号", "联系电话", "所在社区代码", "技能", "可服务时间", "治理合伙人", "在册"]
PARTNER_HEADERS = ["单位名称", "单位类型", "联建区域代码", "联系人", "联系电话", "服务内容", "可承接的问题分类"]
POINT_HEADERS = ["名称", "类型", "所在区域代码", "纬度", "经度", "营业时间", "所属联建单位"]


@pytest.fixture
def head(city):
    return Scope.for_user(city.community_head)


@pytest.fixture
def run(head, city):
    """run(kind, path, scope=head, commit=True, **kwargs) → ImportReport, as the community head by default."""
    def go(kind, path, scope=None, commit=True, user=None, **kwargs):
        if not commit:
            return services.preview_import(kind=kind, path=path, file_name=path.name, scope=scope or head, **kwargs)
        return services.commit_import(kind=kind, path=path, file_name=path.name, scope=scope or head,
                                      user=user or city.community_head, **kwargs)

    return go


def exported(kind, scope, tmp_path, user=None, name="export.xlsx"):
    """Export a kind to a file; (path, data rows as lists)."""
    path = tmp_path / name
    export_ledger(kind, scope, path, user=user)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(min_row=4, values_only=True))
    return path, [list(row) for row in rows]


def only(report):
    """The reasons of a report with one refused row: {column: reason}."""
    (errors,) = reasons(report).values()
    return dict(errors)


# --- volunteers ------------------------------------------------------------------
@pytest.fixture
def volunteers_sheet(city, sheet):
    """A resident of the community (by ID number) and a volunteer who is no resident (by name + phone)."""
    return sheet([
        ["京华社区志愿者台账"],
        VOLUNTEER_HEADERS,
        ["刘伊蕊", city.resident.id_number, "13904341234", "", "急救、医疗", "周三下午", "是", ""],
        ["赵志愿", "", "13904341235", COMMUNITY, "代办跑腿", "", "", "是"],
    ], name="volunteers.xlsx")


def test_volunteers_are_registered_linked_to_residents_by_id_number(city, volunteers_sheet, run):
    report = run("volunteers", volunteers_sheet)
    assert report.written and report.counts == {"create": 2, "update": 0, "unchanged": 0, "refused": 0}
    linked = Volunteer.objects.get(resident=city.resident)
    # Without a community code, the resident's community; skills in the list's order.
    assert (linked.name, linked.area_code, linked.skills, linked.is_governance_partner, linked.is_active) == (
        "刘伊蕊", COMMUNITY, ["medical", "cpr"], True, True)
    other = Volunteer.objects.get(name="赵志愿")
    assert (other.resident, other.phone, other.skills, other.is_governance_partner) == (None, "13904341235",
                                                                                      ["errands"], False)
    assert report.record.area_code == COMMUNITY


def test_importing_the_same_volunteers_again_changes_nothing(volunteers_sheet, run):
    run("volunteers", volunteers_sheet)
    before = sorted(Volunteer.objects.values_list("pk", "name", "phone", "skills", "availability", "resident_id"))
    report = run("volunteers", volunteers_sheet)
    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    assert sorted(Volunteer.objects.values_list("pk", "name", "phone", "skills", "availability", "resident_id")) \
        == before


def test_a_volunteer_is_found_by_name_and_phone_and_updated_through_the_service(city, head, sheet, run):
    volunteer = register_volunteer(scope=head, data={"area": COMMUNITY, "name": "赵志愿", "phone": "13904341235",
                                                     "skills": ["cpr", "medical"]})
    path = sheet([VOLUNTEER_HEADERS, ["赵志愿", "", "13904341235", COMMUNITY, "医疗、急救", "周末", "", "否"]])
    report = run("volunteers", path)
    assert report.counts["update"] == 1
    volunteer.refresh_from_db()
    # The same skills in another order are no change; the rest is what the sheet says.
    assert (volunteer.skills, volunteer.availability, volunteer.is_active) == (["cpr", "medical"], "周末", False)
    assert Volunteer.objects.count() == 1


def test_a_registered_volunteer_gets_linked_when_the_sheet_adds_the_id_number(city, head, sheet, run):
    volunteer = register_volunteer(scope=head, data={"area": COMMUNITY, "name": "刘伊蕊", "phone": "13904341234"})
    path = sheet([VOLUNTEER_HEADERS, ["刘伊蕊", city.resident.id_number, "13904341234", COMMUNITY, "", "", "", ""]])
    assert run("volunteers", path).counts["update"] == 1
    volunteer.refresh_from_db()
    assert volunteer.resident == city.resident and Volunteer.objects.count() == 1


@pytest.mark.parametrize("row, column, reason", [
    (["", "", "13904341234", COMMUNITY], "姓名", "必填"),
    (["甲", "", "12345", COMMUNITY], "联系电话", "电话号码格式不正确"),
    (["甲", "", "", COMMUNITY, "飞行"], "技能", "“飞行”不在可选值内"),
    (["甲", "", "", COMMUNITY, "", "", "也许"], "治理合伙人", "“也许”不在可选值内（是/否）"),
    (["甲", "", "", GRID], "所在社区代码", "志愿者登记在社区：请填写12位社区代码"),
    (["甲", "", "", "2201840010"], "所在社区代码", "区划代码应为6、9、12或15位数字"),
    (["甲", "", ""], "所在社区代码", "必填（或填写本社区居民的身份证号）"),
    (["甲", "220184199003120248", "", COMMUNITY], "身份证号", "身份证号校验位错误"),
    (["甲", 2.20184199003121e17, "", COMMUNITY], "身份证号", "科学计数法"),
    (["甲", "NEW", "", COMMUNITY], "身份证号", "未找到该身份证号的居民：请先导入居民台账"),
    (["刘伊蕊", "220184********0000", "", COMMUNITY], "身份证号", "身份证号已脱敏（含*），找不到"),
    (["甲", "", "139****1234", COMMUNITY], "联系电话", "电话已脱敏（含*）且与登记的号码不符"),
])
def test_volunteer_rows_are_refused_with_their_reason(city, sheet, run, row, column, reason):
    row = [new_id() if cell == "NEW" else cell for cell in row]
    report = run("volunteers", sheet([VOLUNTEER_HEADERS, row + [""] * (len(VOLUNTEER_HEADERS) - len(row))]),
                 commit=False)
    assert report.counts["refused"] == 1
    assert reason in only(report)[column]


def test_the_same_volunteer_twice_in_a_file_is_refused_the_second_time(city, sheet, run):
    path = sheet([VOLUNTEER_HEADERS, ["刘伊蕊", city.resident.id_number, "", COMMUNITY],
                  ["刘伊蕊", city.resident.id_number, "13900000000", COMMUNITY],
                  ["赵志愿", "", "13904341235", COMMUNITY], ["赵志愿", "", "13904341235", COMMUNITY]])
    report = run("volunteers", path, commit=False)
    assert reasons(report) == {3: [("身份证号", "与第2行重复")], 5: [("姓名", "与第4行重复")]}


def test_volunteers_outside_the_importers_areas_are_refused_with_that_reason(city, sheet, run):
    gw = Scope.for_user(city.grid_worker)
    path = sheet([VOLUNTEER_HEADERS, ["赵志愿", "", "", COMMUNITY], ["钱志愿", "", "", OTHER_COMMUNITY],
                  ["刘伊然", city.other_resident.id_number, "", ""]])
    # A grid worker's scope is a grid; volunteers are registered in the community.
    report = run("volunteers", path, scope=gw, user=city.grid_worker)
    assert reasons(report)[2] == [("所在社区代码", f"不在您的管辖范围内：{COMMUNITY}")]
    report = run("volunteers", path)
    assert not report.written and not Volunteer.objects.exists()
    assert reasons(report) == {3: [("所在社区代码", f"不在您的管辖范围内：{OTHER_COMMUNITY}")],
                               4: [("身份证号", "该身份证号的居民不在您的管辖范围内")]}


def test_a_community_that_does_not_exist_is_refused(city, sheet, run):
    street = Scope.for_user(city.street_staff)
    report = run("volunteers", sheet([VOLUNTEER_HEADERS, ["甲", "", "", "220184001009"]]), scope=street, commit=False)
    assert only(report) == {"所在社区代码": "区域不存在：220184001009"}


def test_a_resident_registered_as_volunteer_elsewhere_is_not_registered_twice(city, sheet, run):
    street = Scope.for_user(city.street_staff)
    register_volunteer(scope=Scope.for_user(city.city_admin), data={
        "area": OTHER_COMMUNITY, "name": "刘伊蕊", "resident": city.resident.pk})
    path = sheet([VOLUNTEER_HEADERS, ["刘伊蕊", city.resident.id_number, "", COMMUNITY]])
    report = run("volunteers", path, scope=street, user=city.street_staff)
    assert "已在您管辖范围以外的社区登记为志愿者" in only(report)["身份证号"]


def test_volunteers_export_masked_unless_the_exporter_may_reveal_and_round_trip(city, volunteers_sheet, run, head,
                                                                                  tmp_path, settings):
    run("volunteers", volunteers_sheet)
    path, rows = exported("volunteers", head, tmp_path, user=city.community_head)
    by_name = {row[1]: row for row in rows}
    assert by_name["刘伊蕊"][2:6] == [city.resident.id_number, "13904341234", COMMUNITY, "医疗、急救（心肺复苏）"]
    # A full export opens the linked resident's ID number: logged once per such volunteer.
    assert SensitiveAccess.objects.filter(resident=city.resident, reason__contains="台账导出").count() == 1
    assert run("volunteers", path).counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}

    settings.WANGGE_REVEAL_ROLES = ["city_admin"]
    masked, rows = exported("volunteers", head, tmp_path, user=city.community_head, name="masked.xlsx")
    by_name = {row[1]: row for row in rows}
    assert by_name["刘伊蕊"][2:4] == [city.resident.id_number[:6] + "********" + city.resident.id_number[-4:],
                                      "139****1234"]
    assert SensitiveAccess.objects.count() == 1
    # The masked sheet imports as unchanged too: masked values match what they mask.
    assert run("volunteers", masked).counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}


def test_undo_of_volunteers_deletes_them_unless_used_or_edited_since(city, volunteers_sheet, run, head):
    report = run("volunteers", volunteers_sheet)
    services.undo_import(record=report.record, scope=head, user=city.community_head)
    assert not Volunteer.objects.exists()

    report = run("volunteers", volunteers_sheet)
    volunteer = Volunteer.objects.get(name="赵志愿")
    update_volunteer(scope=head, volunteer=volunteer, data={"availability": "周末"})
    record_service(scope=head, actor=city.community_head, volunteer=Volunteer.objects.get(name="刘伊蕊"),
                   data={"date": volunteer.registered_at, "hours": 2, "activity": "助老"})
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=head)
    assert sorted(refused.value.reasons) == ["志愿者“刘伊蕊”已有志愿服务记录，不是这次导入的",
                                             "志愿者“赵志愿”在导入后又被修改过"]
    assert Volunteer.objects.count() == 2


def test_undo_of_a_volunteer_update_restores_the_previous_values(city, head, sheet, run):
    volunteer = register_volunteer(scope=head, data={"area": COMMUNITY, "name": "赵志愿", "phone": "13904341235",
                                                     "skills": ["cpr"]})
    report = run("volunteers", sheet([VOLUNTEER_HEADERS, ["赵志愿", "", "13904341235", COMMUNITY, "维修", "周末"]]))
    services.undo_import(record=report.record, scope=head)
    volunteer.refresh_from_db()
    assert (volunteer.skills, volunteer.availability) == (["cpr"], "")


# --- partners ----------------------------------------------------------------------
@pytest.fixture
def partners_sheet(sheet):
    return sheet([
        PARTNER_HEADERS + ["启用"],
        ["公主岭市中医院", "医院", COMMUNITY, "王主任", "0434-6212345", "义诊、健康讲座", "医疗健康、养老助老", ""],
        ["红心物业", "物业", COMMUNITY, "", "400-800-1234", "", "物业管理", "是"],
    ], name="partners.xlsx")


def test_partners_are_created_with_their_categories_and_a_second_import_changes_nothing(city, partners_sheet, run):
    report = run("partners", partners_sheet)
    assert report.counts == {"create": 2, "update": 0, "unchanged": 0, "refused": 0}
    hospital = Partner.objects.get(name="公主岭市中医院")
    assert (hospital.kind, hospital.area_code, hospital.contact_phone) == ("hospital", COMMUNITY, "0434-6212345")
    assert sorted(c.code for c in hospital.categories.all()) == ["elderly_care", "medical_health"]
    assert Partner.objects.get(name="红心物业").kind == "property"
    assert run("partners", partners_sheet).counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}


def test_a_partner_is_matched_by_name_within_its_area(city, head, sheet, run):
    partner = create_partner(scope=head, data={"area": COMMUNITY, "name": "公主岭市中医院", "kind": "hospital"})
    report = run("partners", sheet([PARTNER_HEADERS, ["公主岭市中医院", "诊所", COMMUNITY, "李医生", "", "", ""]]))
    assert report.counts["update"] == 1
    partner.refresh_from_db()
    assert (partner.kind, partner.contact_name) == ("clinic", "李医生")
    street = Scope.for_user(city.street_staff)
    report = run("partners", sheet([PARTNER_HEADERS, ["公主岭市中医院", "医院", "220184001", "", "", "", ""]],
                                   name="street.xlsx"), scope=street, user=city.street_staff)
    assert report.counts["create"] == 1 and Partner.objects.filter(name="公主岭市中医院").count() == 2


@pytest.mark.parametrize("row, column, reason", [
    (["甲单位", "银行", COMMUNITY], "单位类型", "“银行”不在可选值内"),
    (["甲单位", "", COMMUNITY], "单位类型", "必填"),
    (["甲单位", "企业", ""], "联建区域代码", "必填"),
    (["甲单位", "企业", "220184001001009"], "联建区域代码", "区域不存在：220184001001009"),
    (["甲单位", "企业", COMMUNITY, "", "123"], "联系电话", "电话号码格式不正确"),
    (["甲单位", "企业", COMMUNITY, "", "", "", "修自行车"], "可承接的问题分类", "问题分类不在列表内：修自行车"),
    (["甲单位", "企业", OTHER_COMMUNITY], "联建区域代码", f"不在您的管辖范围内：{OTHER_COMMUNITY}"),
    (["甲单位", "企业", "220184001"], "联建区域代码", "不在您的管辖范围内：220184001"),
])
def test_partner_rows_are_refused_with_their_reason(city, sheet, run, row, column, reason):
    report = run("partners", sheet([PARTNER_HEADERS, row]), commit=False)
    assert reason in only(report)[column]


def test_partners_export_the_areas_in_scope_and_round_trip(city, partners_sheet, run, head, tmp_path):
    run("partners", partners_sheet)
    create_partner(scope=Scope.for_user(city.street_staff), data={"area": "220184001", "name": "街道司法所",
                                                                  "kind": "party_building"})
    path, rows = exported("partners", head, tmp_path, user=city.community_head)
    # The street's partner serves the community but is the street's to change: not in the community's sheet.
    assert sorted(row[1] for row in rows) == ["公主岭市中医院", "红心物业"]
    assert {row[1]: row[2] for row in rows}["红心物业"] == "物业公司（红心物业联盟）"
    assert run("partners", path).counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}


def test_undo_of_partners_is_refused_once_a_service_point_belongs_to_one(city, partners_sheet, sheet, run, head):
    report = run("partners", partners_sheet)
    run("service_points", sheet([POINT_HEADERS, ["中医院服务站", "诊所", GRID, 43.5, 124.8, "", "公主岭市中医院"]]))
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=head)
    assert refused.value.reasons == ["联建单位“公主岭市中医院”已有便民服务点，不是这次导入的"]
    ServicePoint.objects.all().delete()
    services.undo_import(record=report.record, scope=head)
    assert not Partner.objects.exists() and Category.objects.filter(code="medical_health").exists()


# --- service points ------------------------------------------------------------------
def test_service_points_are_keyed_by_name_and_kind_within_their_area(city, head, sheet, run):
    create_partner(scope=head, data={"area": COMMUNITY, "name": "公主岭市中医院", "kind": "hospital"})
    path = sheet([POINT_HEADERS,
                  ["京华服务站", "卫生服务站", GRID, 43.5028, 124.8263, "8:00-17:00", "公主岭市中医院"],
                  ["京华服务站", "社区服务站", GRID, "43.5030", "124.8260", "", ""]])
    report = run("service_points", path)
    assert report.counts == {"create": 2, "update": 0, "unchanged": 0, "refused": 0}
    clinic = ServicePoint.objects.get(kind="clinic")
    assert (clinic.area_code, clinic.lat, clinic.partner.name, clinic.opening_hours) == (
        GRID, 43.5028, "公主岭市中医院", "8:00-17:00")
    assert run("service_points", path).counts["unchanged"] == 2


def test_a_blank_position_keeps_the_stored_one_and_a_new_point_needs_one(city, sheet, run):
    run("service_points", sheet([POINT_HEADERS, ["京华服务站", "社区服务站", GRID, 43.5, 124.8]]))
    report = run("service_points", sheet([POINT_HEADERS, ["京华服务站", "社区服务站", GRID, "", "", "全天"],
                                          ["新服务站", "药店", GRID, "", 124.8]], name="again.xlsx"), valid_only=True)
    assert report.counts == {"create": 0, "update": 1, "unchanged": 0, "refused": 1}
    assert reasons(report)[3] == [("纬度", "新增服务点须填写经纬度")]
    assert ServicePoint.objects.get().lat == 43.5


@pytest.mark.parametrize("row, column, reason", [
    (["甲点", "加油站", GRID, 43.5, 124.8], "类型", "“加油站”不在可选值内"),
    (["甲点", "药店", GRID, 91, 124.8], "纬度", "应在-90到90之间"),
    (["甲点", "药店", GRID, "北纬43度", 124.8], "纬度", "应为数字"),
    (["甲点", "药店", GRID, 43.5, 124.8, "", "不存在的单位"], "所属联建单位", "未找到服务该区域的启用联建单位“不存在的单位”"),
    (["甲点", "药店", "220184002001001", 43.5, 124.8], "所在区域代码", "不在您的管辖范围内：220184002001001"),
])
def test_service_point_rows_are_refused_with_their_reason(city, sheet, run, row, column, reason):
    report = run("service_points", sheet([POINT_HEADERS, row]), commit=False)
    assert reason in only(report)[column]


def test_service_points_round_trip_through_an_export(city, head, sheet, run, tmp_path):
    create_partner(scope=head, data={"area": COMMUNITY, "name": "公主岭市中医院", "kind": "hospital"})
    run("service_points", sheet([POINT_HEADERS, ["京华服务站", "卫生服务站", GRID, 43.5028, 124.8263, "", "公主岭市中医院"],
                                 ["老年食堂", "助餐点", COMMUNITY, 43.5, 124.8, "11:00-13:00", ""]]))
    path, rows = exported("service_points", head, tmp_path, user=city.community_head)
    assert sorted((row[1], row[2]) for row in rows) == [("京华服务站", "卫生服务站/诊所"), ("老年食堂", "老年食堂/助餐点")]
    assert run("service_points", path).counts == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    _path, rows = exported("service_points", Scope.for_user(city.grid_worker), tmp_path, name="gw.xlsx")
    assert [row[1] for row in rows] == ["京华服务站"]


# --- templates and commands ----------------------------------------------------------------
@pytest.mark.parametrize("kind, coded", [("volunteers", {"技能", "治理合伙人", "在册"}),
                                         ("partners", {"单位类型", "可承接的问题分类", "启用"}),
                                         ("service_points", {"类型", "启用"})])
def test_templates_offer_drop_downs_and_import_as_nothing(city, kind, coded, head, tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(kind, path)
    sheet = load_workbook(path).worksheets[0]
    headers = [cell.value for cell in sheet[2]]
    first_cells = [str(dv.sqref).split(":")[0] for dv in sheet.data_validations.dataValidation]
    assert {headers[sheet[cell].column - 1] for cell in first_cells} == coded
    assert sheet["A3"].value == "说明" and sheet["A4"].value == "示例"
    # The notes and the example row are never imported.
    report = services.preview_import(kind=kind, path=path, file_name=path.name, scope=head)
    assert report.rows_total == 0 and not report.file_errors


def test_the_commands_import_and_export_the_new_kinds(city, partners_sheet, tmp_path, capsys):
    call_command("import_ledger", "partners", str(partners_sheet), "--user", "head")
    assert Partner.objects.count() == 2 and ImportRecord.objects.get().kind == "partners"
    call_command("export_ledger", "partners", str(tmp_path / "out.xlsx"), "--area", COMMUNITY)
    assert "已导出 2 行" in capsys.readouterr().out
    call_command("import_ledger", "partners", str(tmp_path / "out.xlsx"), "--dry-run")
    assert "未变 (unchanged) 2" in capsys.readouterr().out


def test_undo_of_service_points_deletes_them_and_restores_what_was_changed(city, head, sheet, run):
    run("service_points", sheet([POINT_HEADERS, ["京华服务站", "社区服务站", GRID, 43.5, 124.8, "8:00-17:00"]]))
    report = run("service_points", sheet([POINT_HEADERS, ["京华服务站", "社区服务站", GRID, "", "", "全天"],
                                          ["药店", "药店", GRID, 43.6, 124.9]], name="second.xlsx"))
    assert report.counts == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    services.undo_import(record=report.record, scope=head)
    assert list(ServicePoint.objects.values_list("name", "opening_hours")) == [("京华服务站", "8:00-17:00")]
