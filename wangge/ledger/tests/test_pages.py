"""The ledger pages: upload → preview → (error sheet) → commit → history → undo; templates; export."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from wangge.accounts.scope import Scope
from wangge.ledger.models import ExportRecord, ImportRecord
from wangge.people.models import Resident, SensitiveAccess
from wangge.people.services import update_resident

from .conftest import new_id

ADDRESS = "老国税小区1号楼1单元501"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def login(user):
    client = Client()
    client.force_login(user)
    return client


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def upload(client, path, kind="residents"):
    with open(path, "rb") as stream:
        return client.post("/ledger/upload/", {"kind": kind, "file": stream})


@pytest.fixture
def three_bad(city, sheet):
    good = [new_id(), new_id()]
    return sheet([
        ["序号", "姓名", "身份证号", "联系电话", "完整地址"],
        [1, "张晓梅", good[0], "13904341234", ADDRESS],
        [2, "错校验位", "220184199003120248", "", ADDRESS],
        [3, "李国强", good[1], "", ADDRESS],
        [4, "错电话", new_id(), "1390434", ADDRESS],
        [5, "错地址", new_id(), "", "老国税小区9号楼1单元101"],
    ], name="京华社区居民.xlsx", title="京华社区居民信息台账"), good


def test_pages_need_login(city, client):
    for url in ["/ledger/", "/ledger/templates/residents.xlsx", "/ledger/imports/1/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_upload_preview_error_sheet_and_valid_only_commit(city, three_bad, data_dir):
    path, good = three_bad
    gw = login(city.grid_worker)
    response = upload(gw, path)
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ledger/imports/{record.pk}/"
    assert record.status == "previewed" and (record.created, record.refused) == (2, 3)

    page = gw.get(response["Location"]).content.decode()
    for text in ["第 4 行", "身份证号校验位错误", "第 6 行", "电话号码格式不正确", "第 7 行", "未找到该地址的住户",
                 "只导入通过校验的 2 行", "下载错误表"]:
        assert text in page, text
    assert "确认导入" not in page

    sheet = load_workbook(io.BytesIO(content(gw.get(f"/ledger/imports/{record.pk}/errors.xlsx")))).worksheets[0]
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["错校验位", "错电话", "错地址"]
    assert sheet["F2"].value == "错误原因"

    all_rows = gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"}, follow=True)
    assert "没有写入任何数据" in all_rows.content.decode() and not Resident.objects.filter(id_number__in=good).exists()

    valid = gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "1"}, follow=True)
    assert "已导入：新增 2 行" in valid.content.decode()
    assert Resident.objects.filter(id_number__in=good).count() == 2
    record.refresh_from_db()
    assert record.status == "committed" and record.valid_only and record.stored_file == ""
    assert not (data_dir / "imports" / str(record.pk) / "upload.xlsx").exists()


def test_a_clean_file_is_committed_in_full_and_undone_from_the_history(city, sheet, data_dir):
    good = new_id()
    gw = login(city.grid_worker)
    upload(gw, sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", good, ADDRESS]]))
    record = ImportRecord.objects.get()
    assert "确认导入" in gw.get(f"/ledger/imports/{record.pk}/").content.decode()
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    assert Resident.objects.filter(id_number=good).exists()
    history = gw.get("/ledger/").content.decode()
    assert "张晓梅" not in history and record.file_name in history and "撤销" in history
    response = gw.post(f"/ledger/imports/{record.pk}/undo/", follow=True)
    assert "已撤销这次导入" in response.content.decode() and not Resident.objects.filter(id_number=good).exists()


def test_a_refused_undo_says_why(city, sheet, data_dir):
    gw = login(city.grid_worker)
    good = new_id()
    upload(gw, sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", good, ADDRESS]]))
    record = ImportRecord.objects.get()
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    update_resident(scope=Scope.for_user(city.grid_worker), resident=Resident.objects.get(id_number=good),
                    data={"phone": "13700000000"})
    response = gw.post(f"/ledger/imports/{record.pk}/undo/", follow=True)
    assert "不能撤销：" in response.content.decode() and "又被修改过" in response.content.decode()


def test_previews_are_private_and_imports_are_seen_within_scope(city, sheet, data_dir):
    gw = login(city.grid_worker)
    upload(gw, sheet([["姓名", "身份证号", "完整地址"], ["张晓梅", new_id(), ADDRESS]]))
    record = ImportRecord.objects.get()
    head, other = login(city.community_head), login(city.other_grid_worker)
    assert head.get(f"/ledger/imports/{record.pk}/").status_code == 404
    assert head.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"}).status_code == 404
    gw.post(f"/ledger/imports/{record.pk}/commit/", {"valid_only": "0"})
    assert head.get(f"/ledger/imports/{record.pk}/").status_code == 200
    assert other.get(f"/ledger/imports/{record.pk}/").status_code == 404
    assert other.get(f"/ledger/imports/{record.pk}/errors.xlsx").status_code == 404
    assert other.post(f"/ledger/imports/{record.pk}/undo/").status_code == 404


def test_an_old_xls_is_refused_by_the_form(city, tmp_path, data_dir):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    response = upload(login(city.grid_worker), path)
    assert response.status_code == 400 and "另存为 .xlsx" in response.content.decode()
    assert not ImportRecord.objects.exists()


@pytest.mark.parametrize("kind, title", [("buildings", "楼栋信息台账"), ("households", "住户信息台账"),
                                         ("residents", "居民信息台账"), ("volunteers", "志愿者信息台账"),
                                         ("partners", "联建单位台账"), ("service_points", "便民服务点台账")])
def test_templates_download(city, kind, title):
    response = login(city.grid_worker).get(f"/ledger/templates/{kind}.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert load_workbook(io.BytesIO(content(response))).worksheets[0]["A1"].value == title
    assert login(city.grid_worker).get("/ledger/templates/teams.xlsx").status_code == 404


def test_export_downloads_the_scope_and_logs_it(city):
    gw = login(city.grid_worker)
    response = gw.post("/ledger/export/", {"kind": "residents", "area": ""})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(content(response))).worksheets[0].iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in rows] == ["刘伊蕊"]
    assert ExportRecord.objects.get().user == city.grid_worker and SensitiveAccess.objects.count() == 1
    assert gw.post("/ledger/export/", {"kind": "residents", "area": city.other_grid.code}).status_code == 302
