"""The dashboard and the Excel export show the numbers of /api/v1/stats, scoped."""
import json
import re
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from wangge.stats.models import StatsExport

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
SHOWN = ("cases_reported", "cases_accepted", "cases_closed", "overdue_now", "escalated", "visits",
         "needs_surfaced", "solved_on_spot", "needs_to_cases")
RATES = ("on_time_closure_rate", "closure_rate", "proactive_share", "rework_rate", "response_rate",
         "resolution_rate", "satisfaction_rate", "visit_coverage")


def login(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def figure_cells(html: str) -> dict[str, str]:
    """data-figure → (data-value when present, else the first number shown)."""
    cells = {}
    for match in re.finditer(r'<dd data-figure="(\w+)"(?: data-value="([^"]*)")?>(.*?)</dd>', html, re.DOTALL):
        key, value, inner = match.groups()
        cells[key] = value if value is not None else re.search(r"[\d.]+|—", re.sub(r"<[^>]+>", " ", inner)).group()
    return cells


def test_the_dashboard_shows_the_apis_numbers(city, march, api_client):
    api = api_client().login("street").get("/api/v1/stats", area=city.street.code, **MARCH).json()
    response = login("street").get(f"/stats/{city.street.code}/", MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    cells = figure_cells(html)
    for key in SHOWN:
        assert cells[key] == str(api[key]), key
    for key in RATES:
        assert cells[key] == ("—" if api[key] is None else str(api[key])), key
    assert cells["households_visited"] == str(api["households_visited"])
    assert cells["avg_handling_hours"] == str(api["avg_handling_hours"])
    chart = json.loads(re.search(r'<script id="stats-chart-data" type="application/json">(.*?)</script>',
                                 html, re.DOTALL).group(1))
    assert chart["months"][-1] == "2026-03"
    assert chart["series"][0]["data"][-1] == api["cases_reported"]


def test_the_dashboard_ranks_child_areas_and_links_down(city, march):
    html = login("city").get(f"/stats/{city.city.code}/", MARCH).content.decode()
    # 铁北街道 closed its one due case on time (100%), 河北街道 2 of 5 (40%)
    ranked = re.findall(r'<tr data-area="(\d+)">', html)
    assert ranked == [city.other_street.code, city.street.code]
    assert f'href="/stats/{city.street.code}/?from=2026-03-01&amp;to=2026-03-31"' in html


def test_figures_link_to_the_lists_behind_them(city, march):
    client = login("head")
    html = client.get(f"/stats/{city.community.code}/", MARCH).content.decode()
    link = re.search(r'data-figure="cases_reported"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link == f"/cases/?list=all&area={city.community.code}&date_from=2026-03-01&date_to=2026-03-31"
    listed = client.get(link)
    assert listed.status_code == 200
    # the list shows the six cases reported in March, plus c7, merged into c1 (the list keeps merged cases)
    assert listed.context["page_obj"].paginator.count == 7
    overdue = re.search(r'data-figure="overdue_now"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    # overdue now (today, after March): c3, c5 and c8, as the figure says
    assert client.get(overdue).context["page_obj"].paginator.count == int(figure_cells(html)["overdue_now"]) == 3
    visits = re.search(r'data-figure="visits"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert client.get(visits).context["page_obj"].paginator.count == 4


def test_no_inline_script_and_echarts_from_static(city, march):
    html = login("head").get(f"/stats/{city.community.code}/", MARCH).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/echarts/echarts.min.js" in html


def test_out_of_scope_dashboard_is_404(city, march):
    client = login("head")
    assert client.get(f"/stats/{city.other_community.code}/").status_code == 404
    assert client.get(f"/stats/{city.city.code}/").status_code == 404
    assert client.get(f"/stats/{city.other_community.code}/export.xlsx").status_code == 404
    assert client.get("/stats/").url == f"/stats/{city.community.code}/"


def test_excel_export_agrees_and_is_recorded(city, march, api_client):
    api = api_client().login("street").get("/api/v1/stats", area=city.street.code, **MARCH).json()
    response = login("street").get(f"/stats/{city.street.code}/export.xlsx", MARCH)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    values = {row[1]: row[2] for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    for key in ("cases_reported", "cases_closed", "on_time_closure_rate", "proactive_share", "satisfaction_rate",
                "visit_coverage", "households_visited"):
        assert values[key] == api[key], key
    assert values["by_source.visit"] == api["by_source"]["visit"]
    children = list(book["下级区域"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in children] == [city.community.code]
    record = StatsExport.objects.get()
    assert (record.user, record.area_code, str(record.date_from), str(record.date_to)) == (
        city.street_staff, city.street.code, "2026-03-01", "2026-03-31")
