"""For the demo city (loaded at a small scale), the dashboard, GET /api/v1/stats and the Excel
exports show the same numbers: the figures workbook has every figure of the endpoint, and the
lists behind the figures, exported with the same area and period, hold as many rows."""
import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wangge.cases.states import Status
from wangge.demo import city as demo
from wangge.demo.loader import demo_password, load
from wangge.stats import figures
from wangge.testing import signed_in

from .test_dashboard import figure_cells

pytestmark = pytest.mark.django_db

SCALE = 0.05
HEADLINE = ("cases_reported", "cases_closed", "on_time_closure_rate", "proactive_share", "satisfaction_rate",
            "visit_coverage", "households_visited", "visits", "needs_surfaced", "solved_on_spot",
            "care_on_time_rate", "care_visits_due", "care_overdue_now", "people_served", "activities",
            "volunteers", "volunteer_hours")


@pytest.fixture
def demo_city(db):
    load(scale=SCALE, password=demo_password())
    end = timezone.localdate()
    return {"code": demo.CITY_CODE, "from": (end - datetime.timedelta(days=364)).isoformat(), "to": end.isoformat()}


def sheet_rows(response, title=None) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    sheet = book[title] if title else book.worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_dashboard_endpoint_and_excel_agree_for_the_demo_city(demo_city, api_client):
    """One test, so that the demo city is loaded once."""
    figures_agree(demo_city, api_client)
    lists_agree(demo_city, api_client)


def figures_agree(demo_city, api_client):
    """The dashboard's cells, the endpoint and the figures workbook (both sheets)."""
    period = {"from": demo_city["from"], "to": demo_city["to"]}
    api = api_client().login("demo_city", demo_password()).get("/api/v1/stats", area=demo_city["code"],
                                                               **period).json()
    assert api["cases_reported"] > 0 and api["visits"] > 0 and api["people_served"] > 0
    assert api["care_visits_due"] > 0 and api["volunteer_hours"] > 0

    client = signed_in("demo_city")
    cells = figure_cells(client.get(f"/stats/{demo_city['code']}/", period).content.decode())
    shown = [key for key in figures.LABELS if key in cells]
    assert set(HEADLINE) <= set(shown)
    for key in shown:
        value = api[key]
        assert cells[key] == ("—" if value is None else str(value)), key

    workbook = {row[1]: row[2] for row in sheet_rows(client.get(f"/stats/{demo_city['code']}/export.xlsx", period),
                                                      "指标")}
    for key in figures.LABELS:
        assert workbook[key] == api[key], key
    for kind, n in api["visits_by_kind"].items():
        assert workbook[f"visits_by_kind.{kind}"] == n

    children = api_client().login("demo_city", demo_password()).get(
        "/api/v1/stats/children", area=demo_city["code"], **period).json()["children"]
    rows = sheet_rows(client.get(f"/stats/{demo_city['code']}/export.xlsx", period), "下级区域")
    keys = list(figures.LABELS)
    by_area = {row[1]: dict(zip(keys, row[2:])) for row in rows}
    for child in children:
        for key in keys:
            assert by_area[child["area"]][key] == child[key], (child["area"], key)


def lists_agree(demo_city, api_client):
    """The lists behind the figures, exported with the same area and period."""
    code, start, end = demo_city["code"], demo_city["from"], demo_city["to"]
    api = api_client().login("demo_city", demo_password()).get("/api/v1/stats", area=code,
                                                               **{"from": start, "to": end}).json()
    client = signed_in("demo_city")
    dates = {"area": code, "date_from": start, "date_to": end}

    cases = sheet_rows(client.get("/cases/export.xlsx", {"list": "all", **dates}))
    merged = str(Status.MERGED.label)
    assert sum(1 for row in cases if row[2] != merged) == api["cases_reported"]
    assert sum(1 for row in cases if row[2] != merged and row[4] in ("走访发现", "巡查")) == api["proactive_cases"]

    visits = sheet_rows(client.get("/visits/export.xlsx", dates))
    assert len(visits) == api["visits"]
    assert sum(row[7] for row in visits) == api["needs_surfaced"]
    assert sum(row[8] for row in visits) == api["solved_on_spot"]

    activities = sheet_rows(client.get("/activities/export.xlsx", dates))
    assert len(activities) == api["activities"]
    assert sum(row[8] for row in activities) == api["people_served"]

    volunteers = sheet_rows(client.get("/volunteers/export.xlsx", {"area": code}))
    assert len(volunteers) == api["volunteers"]
