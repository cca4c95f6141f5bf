"""Commit: all rows or nothing (or only the valid ones, when asked), idempotent, recorded, undoable."""
import datetime

import pytest
from django.db import IntegrityError
from django.db.models.query import QuerySet
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.areas.models import Building, Estate, Household
from wangge.ledger import services
from wangge.ledger.models import ImportChange, ImportRecord
from wangge.people.models import Resident, SensitiveAccess, Tag
from wangge.testing import resident

from .conftest import new_id, reasons

ADDRESS = "老国税小区1号楼1单元501"
HEADERS = ["姓名", "身份证号", "联系电话", "与户主关系", "重点人群", "完整地址"]


def state():
    """Everything an import may touch, to compare before and after."""
    return (
        sorted(Resident.objects.values_list("id_number", "name", "phone", "relation", "household_id", "area_code")),
        sorted(Resident.tags.through.objects.values_list("resident_id", "tag_id")),
        sorted(Household.objects.values_list("id", "address", "floor")),
        ImportRecord.objects.count(), ImportChange.objects.count(),
    )


@pytest.fixture
def family(city, sheet):
    """A sheet creating two residents and updating 刘伊蕊 (new phone, tagged 独居老人)."""
    ids = [new_id(), new_id(datetime.date(1960, 1, 2), "M")]
    return sheet([
        HEADERS,
        ["张晓梅", ids[0], "13904341234", "户主", "", ADDRESS],
        ["李国强", ids[1], "", "配偶", "残疾人、低保户", ADDRESS],
        ["刘伊蕊", city.resident.id_number, "13900001111", "户主", "独居老人", ADDRESS],
    ]), ids


def test_a_commit_creates_updates_and_records_what_it_did(city, family, commit):
    path, ids = family
    report = commit("residents", path)
    assert report.written and report.counts == {"create": 2, "update": 1, "unchanged": 0, "refused": 0}
    li = Resident.objects.get(id_number=ids[1])
    assert li.name_pinyin == "liguoqiang" and li.gender == "M" and li.birth_date == datetime.date(1960, 1, 2)
    assert sorted(t.code for t in li.tags.all()) == ["disabled", "low_income"]
    city.resident.refresh_from_db()
    assert city.resident.phone == "13900001111" and [t.code for t in city.resident.tags.all()] == ["living_alone"]
    record = report.record
    assert (record.status, record.user, record.created, record.updated, record.file_name) == (
        "committed", city.grid_worker, 2, 1, path.name)
    assert record.area_code == record.touched_codes[0] == city.grid.code


def test_importing_the_same_file_again_changes_nothing(city, family, commit):
    path, _ids = family
    commit("residents", path)
    before = state()[:3]
    report = commit("residents", path)
    assert report.counts == {"create": 0, "update": 0, "unchanged": 3, "refused": 0}
    assert state()[:3] == before


def test_one_refused_row_and_nothing_is_written(city, family, sheet, commit):
    _path, ids = family
    before = state()
    bad = sheet([HEADERS, ["张晓梅", ids[0], "", "", "", ADDRESS], ["坏行", "220184199003120248", "", "", "", ADDRESS]],
                name="bad.xlsx")
    report = commit("residents", bad)
    assert not report.written and report.blocked and report.record is None
    assert report.counts == {"create": 1, "update": 0, "unchanged": 0, "refused": 1}
    assert state() == before


def test_valid_only_writes_the_valid_rows_and_lists_the_others(city, sheet, commit, tmp_path):
    good = new_id()
    path = sheet([HEADERS, ["张晓梅", good, "", "", "", ADDRESS], ["坏行", "220184199003120248", "", "", "", ADDRESS]])
    report = commit("residents", path, valid_only=True, error_sheet=tmp_path / "errors.xlsx")
    assert report.written and not report.blocked
    assert Resident.objects.filter(id_number=good).exists() and not Resident.objects.filter(name="坏行").exists()
    assert report.record.refused == 1 and report.record.refused_rows == [[3, [["身份证号", reasons(report)[3][0][1]]]]]


def test_a_failure_in_the_middle_of_a_commit_leaves_the_database_as_it_was(city, family, commit, monkeypatch):
    """The second batch's bulk insert fails: the first batch, already written, is rolled back too."""
    path, _ids = family
    monkeypatch.setattr("wangge.ledger.validation.BATCH_SIZE", 1)
    real_bulk_create = QuerySet.bulk_create
    calls = []

    def failing_bulk_create(self, objs, *args, **kwargs):
        if self.model is Resident:
            calls.append(len(objs))
            if len(calls) == 2:
                raise ConnectionError("database went away")
        return real_bulk_create(self, objs, *args, **kwargs)

    before = state()
    monkeypatch.setattr(QuerySet, "bulk_create", failing_bulk_create)
    with pytest.raises(ConnectionError):
        commit("residents", path)
    assert calls == [1, 1] and state() == before


def test_undo_deletes_what_was_created_and_restores_what_was_updated(city, family, commit):
    before = state()[:3]
    report = commit("residents", family[0])
    services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker), user=city.grid_worker)
    assert state()[:3] == before
    report.record.refresh_from_db()
    assert report.record.status == "undone" and report.record.undone_by == city.grid_worker


def test_undo_is_refused_when_a_created_row_is_used_since(city, family, commit):
    report = commit("residents", family[0])
    created = Resident.objects.get(id_number=family[1][0])
    SensitiveAccess.objects.create(user=city.grid_worker, resident=created, field="phone", reason="回访",
                                   area_code=created.area_code)
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker))
    assert refused.value.reasons == ["居民“张晓梅”已有敏感信息查看记录，不是这次导入的"]
    assert Resident.objects.filter(pk=created.pk).exists()


def test_undo_of_households_is_refused_once_residents_live_there(city, sheet, commit):
    path = sheet([["网格代码", "小区", "楼栋", "单元", "门牌号"], ["220184001001001", "老国税小区", "1号楼", "1", "601"]])
    report = commit("households", path)
    resident("新住户", Household.objects.get(room="601"))
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker))
    assert refused.value.reasons == ["户“老国税小区1号楼1单元601”已有居民，不是这次导入的"]


def test_undo_is_refused_when_an_updated_row_was_changed_again(city, family, commit):
    report = commit("residents", family[0])
    Resident.objects.filter(pk=city.resident.pk).update(phone="13700000000")
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker))
    assert refused.value.reasons == ["居民“刘伊蕊”在导入后又被修改过"]


def test_undo_is_refused_when_tags_were_changed_again(city, family, commit):
    report = commit("residents", family[0])
    city.resident.tags.add(Tag.objects.get(code="veteran"))
    with pytest.raises(services.UndoRefused):
        services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker))


def test_undo_is_refused_after_the_undo_window(city, family, commit, settings):
    report = commit("residents", family[0])
    settings.WANGGE_IMPORT_UNDO_HOURS = 24
    ImportRecord.objects.filter(pk=report.record.pk).update(committed_at=timezone.now() - datetime.timedelta(hours=25))
    report.record.refresh_from_db()
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=Scope.for_user(city.grid_worker))
    assert refused.value.reasons == ["已超过可撤销时限（导入后24小时内）"]


def test_undo_is_refused_to_someone_outside_the_areas_it_touched(city, family, commit):
    report = commit("residents", family[0])
    for outsider in (city.other_grid_worker, city.partner):
        with pytest.raises(services.UndoRefused) as refused:
            services.undo_import(record=report.record, scope=Scope.for_user(outsider))
        assert refused.value.reasons == ["这次导入涉及您管辖范围以外的区域，不能由您撤销"]
    services.undo_import(record=report.record, scope=Scope.for_user(city.community_head))


def test_an_import_cannot_be_undone_twice(city, family, commit):
    report = commit("residents", family[0])
    scope = Scope.for_user(city.grid_worker)
    services.undo_import(record=report.record, scope=scope)
    with pytest.raises(services.UndoRefused) as refused:
        services.undo_import(record=report.record, scope=scope)
    assert refused.value.reasons == ["只有已导入的记录可以撤销"]


def test_undo_of_buildings_removes_the_estate_they_created(city, sheet, commit):
    path = sheet([["网格代码", "小区", "楼栋"], ["220184001001001", "新建小区", "1号楼"], ["220184001001001", "新建小区", "2号楼"]])
    head = Scope.for_user(city.community_head)
    report = commit("buildings", path, scope=head, user=city.community_head)
    assert report.counts["create"] == 2
    services.undo_import(record=report.record, scope=head)
    assert not Estate.objects.filter(name="新建小区").exists() and not Building.objects.filter(name="2号楼").exists()


def test_a_clash_with_a_concurrent_import_writes_nothing_and_says_so(city, family, commit, monkeypatch):
    def clash(self, objs, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: people_resident.id_number")

    before = state()
    monkeypatch.setattr(QuerySet, "bulk_create", clash)
    report = commit("residents", family[0])
    assert not report.written and "其他操作" in report.file_errors[0]
    assert state() == before


def test_valid_only_with_no_valid_row_writes_nothing_and_keeps_no_record(city, sheet, commit):
    path = sheet([HEADERS, ["坏行", "220184199003120248", "", "", "", ADDRESS]])
    report = commit("residents", path, valid_only=True)
    assert not report.written and report.blocked and not ImportRecord.objects.exists()
