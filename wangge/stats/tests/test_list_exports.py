"""Every list exports to Excel: the list's filters applied, Chinese headers, only rows in the
exporter's scope (a filter naming an area outside it is a 404), personal data masked unless
asked for in full by someone who may see it (then each opening is in the access log), and
every export recorded in the export log. Cases and visits are the hand-made March of
conftest.py; 京华社区 holds c1–c8, 东洼社区 c9."""
import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from wangge.activities.models import Activity
from wangge.people.models import SensitiveAccess
from wangge.stats.models import ExportKind, StatsExport
from wangge.testing import signed_in
from wangge.volunteers.models import ServiceRecord, Volunteer

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def table(response) -> tuple[list, list[list]]:
    """(headers, rows) of the first sheet."""
    rows = [list(r) for r in workbook(response).worksheets[0].iter_rows(values_only=True)]
    return rows[0], rows[1:]


# --- cases --------------------------------------------------------------------------------------
def test_cases_export_has_the_lists_rows_with_its_filters(city, march):
    client = signed_in("head")
    headers, rows = table(client.get("/cases/export.xlsx", {"list": "all", "area": city.community.code, **MARCH}))
    assert headers[:4] == ["编号", "标题", "状态", "分类"]
    numbers = {row[0] for row in rows}
    # the six reported in March and c7, merged: the page's list, every page of it
    assert numbers == {march[c].number for c in ("c1", "c2", "c3", "c4", "c5", "c7", "c8")}
    _headers, visits_only = table(client.get("/cases/export.xlsx", {"list": "all", "source": "visit", **MARCH}))
    assert {row[0] for row in visits_only} == {march["c1"].number, march["c8"].number}
    assert {row[4] for row in visits_only} == {"走访发现"}


def test_cases_export_never_holds_another_areas_rows(city, march):
    _headers, rows = table(signed_in("head").get("/cases/export.xlsx", {"list": "all"}))
    assert march["c9"].number not in {row[0] for row in rows}
    assert all(row[7].startswith(city.community.code) for row in rows)


def test_cases_export_of_an_area_outside_the_scope_is_404_and_not_logged(city, march):
    client = signed_in("head")
    assert client.get("/cases/export.xlsx", {"list": "all", "area": city.other_community.code}).status_code == 404
    assert client.get("/cases/export.xlsx", {"list": "nonsense"}).status_code == 404
    assert not StatsExport.objects.exists()


def test_an_export_is_logged_with_its_filters_and_rows(city, march):
    table(signed_in("head").get("/cases/export.xlsx", {"list": "all", "area": city.community.code, **MARCH}))
    record = StatsExport.objects.get()
    assert (record.user, record.kind, record.area_code, record.rows, record.full) == (
        city.community_head, ExportKind.CASES, city.community.code, 7, False)
    assert record.filters == {"list": "all", "area": city.community.code, **MARCH}
    assert (str(record.date_from), str(record.date_to)) == ("2026-03-01", "2026-03-31")


def test_the_cases_list_links_to_its_export_with_its_filters(city, march):
    html = signed_in("head").get("/cases/", {"list": "all", "source": "visit"}).content.decode()
    assert 'href="/cases/export.xlsx?list=all&amp;source=visit"' in html


# --- visits -------------------------------------------------------------------------------------
def test_visits_export_with_filters_and_scope(city, march):
    client = signed_in("head")
    headers, rows = table(client.get("/visits/export.xlsx", {"area": city.community.code, **MARCH}))
    assert headers[:3] == ["走访时间", "方式", "地点"]
    assert len(rows) == 4  # the four March visits in 京华; 东洼's February visit is neither in scope nor period
    assert sorted(row[1] for row in rows) == ["入户走访", "入户走访", "巡查", "电话"]
    with_needs = [row for row in rows if row[7]]
    assert len(with_needs) == 1 and (with_needs[0][7], with_needs[0][8], with_needs[0][9]) == (2, 1, 1)
    assert march["c1"].number in with_needs[0][10]
    _h, patrols = table(client.get("/visits/export.xlsx", {"kind": "patrol"}))
    assert len(patrols) == 1
    assert client.get("/visits/export.xlsx", {"area": city.other_community.code}).status_code == 404
    assert StatsExport.objects.filter(kind=ExportKind.VISITS).count() == 2


def test_the_dashboards_drill_down_area_is_kept_by_the_visits_export(city, march):
    # a city administrator exports a grid's visits: the area filter is applied, not dropped
    _h, rows = table(signed_in("city").get("/visits/export.xlsx", {"area": city.grid_b.code}))
    assert [row[3] for row in rows] == [city.grid_b.code]


# --- residents ----------------------------------------------------------------------------------
def test_residents_export_is_masked_and_scoped(city):
    client = signed_in("head")
    headers, rows = table(client.get("/residents/export.xlsx"))
    assert headers[:6] == ["姓名", "性别", "出生日期", "年龄", "身份证号", "联系电话"]
    assert sorted(row[0] for row in rows) == ["刘伊蕊", "王建国"]  # 刘伊然 lives in 东洼
    for row in rows:
        assert "*" in row[4] and row[4][:6] == "220184" and "*" in row[5]
    assert not SensitiveAccess.objects.exists()
    record = StatsExport.objects.get()
    assert (record.kind, record.full, record.rows) == (ExportKind.RESIDENTS, False, 2)
    _h, named = table(client.get("/residents/export.xlsx", {"q": "王建国"}))
    assert [row[0] for row in named] == ["王建国"]
    assert client.get("/residents/export.xlsx", {"area": city.other_community.code}).status_code == 404


def test_residents_in_full_only_with_a_reason_and_each_opening_logged(city):
    client = signed_in("head")
    assert client.get("/residents/export.xlsx", {"full": "1"}).status_code == 400
    _h, rows = table(client.get("/residents/export.xlsx", {"full": "1", "reason": "核对低保名单"}))
    full = {row[0]: row[4] for row in rows}
    assert full == {"刘伊蕊": city.resident.id_number, "王建国": city.resident_b.id_number}
    opened = SensitiveAccess.objects.filter(user=city.community_head)
    assert opened.count() == 4  # ID number and phone of each
    assert all("核对低保名单" in access.reason for access in opened)
    assert StatsExport.objects.get().full is True


@override_settings(WANGGE_REVEAL_ROLES=["city_admin"])
def test_residents_in_full_are_refused_to_roles_that_may_not_reveal(city):
    response = signed_in("head").get("/residents/export.xlsx", {"full": "1", "reason": "核对"})
    assert response.status_code == 403
    assert not SensitiveAccess.objects.exists() and not StatsExport.objects.exists()


# --- volunteers and activities ---------------------------------------------------------------
@pytest.fixture
def services(city):
    a = Volunteer.objects.create(name="张红", area=city.community, skills=["cpr"], is_governance_partner=True)
    Volunteer.objects.create(name="李明", area=city.community, skills=["repair"])
    Volunteer.objects.create(name="周东", area=city.other_community)
    ServiceRecord.objects.create(volunteer=a, activity="代办", date=datetime.date(2026, 3, 3), hours=Decimal("2.5"),
                                 confirmed_by=city.community_head, confirmed_at=datetime.datetime(2026, 3, 4,
                                                                                                  tzinfo=datetime.UTC))
    Activity.objects.create(title="义诊", kind="health_check", date=datetime.date(2026, 3, 10), area=city.community,
                            participants=30)
    Activity.objects.create(title="磨刀", kind="knife_sharpening", date=datetime.date(2026, 4, 2), area=city.grid,
                            participants=12)
    Activity.objects.create(title="演练", kind="fire_drill", date=datetime.date(2026, 3, 12),
                            area=city.other_community, participants=50)


def test_volunteers_export(city, services):
    client = signed_in("head")
    headers, rows = table(client.get("/volunteers/export.xlsx"))
    assert headers[:4] == ["姓名", "所在社区", "区域代码", "技能"]
    assert {row[0]: (row[3], row[6], row[7]) for row in rows} == {
        "张红": ("急救（心肺复苏）", "是", 2.5), "李明": ("维修", None, 0)}
    _h, partners = table(client.get("/volunteers/export.xlsx", {"governance_partner": "1"}))
    assert [row[0] for row in partners] == ["张红"]
    assert client.get("/volunteers/export.xlsx", {"area": city.other_community.code}).status_code == 404
    assert StatsExport.objects.filter(kind=ExportKind.VOLUNTEERS).count() == 2


def test_activities_export(city, services):
    client = signed_in("head")
    headers, rows = table(client.get("/activities/export.xlsx"))
    assert headers[:3] == ["日期", "名称", "类型"]
    assert sorted(row[1] for row in rows) == ["义诊", "磨刀"]
    _h, march_only = table(client.get("/activities/export.xlsx", MARCH))
    assert [(row[1], row[8]) for row in march_only] == [("义诊", 30)]
    _h, drills = table(client.get("/activities/export.xlsx", {"kind": "knife_sharpening"}))
    assert [row[1] for row in drills] == ["磨刀"]
    assert client.get("/activities/export.xlsx", {"area": city.other_community.code}).status_code == 404
    assert client.get("/activities/export.xlsx", {"kind": "nonsense"}).status_code == 404
    record = StatsExport.objects.filter(kind=ExportKind.ACTIVITIES).order_by("at", "pk")[1]
    assert record.filters == MARCH and record.rows == 1


def test_each_list_page_links_to_its_export(city):
    client = signed_in("head")
    for page, export in (("/visits/", "/visits/export.xlsx"), ("/residents/", "/residents/export.xlsx"),
                         ("/volunteers/", "/volunteers/export.xlsx"), ("/activities/", "/activities/export.xlsx")):
        assert f'href="{export}?' in client.get(page).content.decode(), page
