"""Dashboards (统计看板) per area, and the Excel export of the same figures.

The numbers come from figures.compute, the very function behind /api/v1/stats;
the page only arranges them. The child areas are ranked by outcomes for
residents (on-time closure, satisfaction, coverage), never people.
"""
import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.scope import scope_of
from wangge.areas.models import Area
from wangge.areas.selectors import ancestors, area_or_own
from wangge.cases.models import Source
from wangge.visits.models import Kind

from . import export, figures
from .models import ExportKind

TREND_MONTHS = 12


def _rank_key(row: dict):
    """Best first: on-time closure, then satisfaction, then coverage; no figure ranks last."""
    def score(value):
        return -1 if value is None else value
    return (-score(row["on_time_closure_rate"]), -score(row["satisfaction_rate"]), -score(row["visit_coverage"]),
            row["area"])


def drill_links(code: str, start: datetime.date, end: datetime.date) -> dict[str, str]:
    """The lists behind the figures: the cases list takes the report date and a code prefix,
    the visits pages their own period names."""
    cases, visits = reverse("cases:list"), reverse("visits:list")
    reported = {"list": "all", "area": code, "date_from": start.isoformat(), "date_to": end.isoformat()}
    visited = {"area": code, "date_from": start.isoformat(), "date_to": end.isoformat()}
    links = {
        "cases_reported": f"{cases}?{urlencode(reported)}",
        "overdue_now": f"{cases}?{urlencode({'list': 'overdue', 'area': code})}",
        "visits": f"{visits}?{urlencode(visited)}",
        "needs_surfaced": f"{visits}?{urlencode({**visited, 'needs': 'any'})}",
        "visit_coverage": f"{reverse('visits:coverage')}?{urlencode({'area': code, 'from': start, 'to': end})}",
        "blind_spots": f"{reverse('visits:blind_spots')}?{urlencode({'area': code})}",
        "care_overdue_now": f"{reverse('visits:care')}?{urlencode({'area': code})}",
    }
    links["households_visited"] = links["visit_coverage"]
    for source in Source.values:
        links[f"source:{source}"] = f"{cases}?{urlencode({**reported, 'source': source})}"
    for kind in Kind.values:
        links[f"kind:{kind}"] = f"{visits}?{urlencode({**visited, 'kind': kind})}"
    return links


@login_required
def dashboard_home(request):
    """/stats/: the dashboard of the user's own (first) area."""
    return redirect("stats:dashboard", code=area_or_own(scope_of(request)).code)


@login_required
def dashboard(request, code):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    start, end = figures.period_asked(request.GET)
    totals = figures.compute(scope, area.code, start, end)
    kids = sorted(figures.children(scope, area.code, start, end), key=_rank_key)
    trend = figures.monthly(scope, area.code, end, TREND_MONTHS)
    links = drill_links(area.code, start, end)
    sources = [(value, label, totals["by_source"][value], links[f"source:{value}"]) for value, label in Source.choices]
    kinds = [(value, label, totals["visits_by_kind"][value], links[f"kind:{value}"]) for value, label in Kind.choices]
    categories = [
        {**row, "link": f"{links['cases_reported']}&{urlencode({'category': row['code']})}"}
        for row in totals["by_category"]
    ]
    chart = {
        "months": [row["month"] for row in trend],
        "series": [
            {"name": _("上报"), "type": "bar", "data": [row["cases_reported"] for row in trend]},
            {"name": _("结案"), "type": "bar", "data": [row["cases_closed"] for row in trend]},
            {"name": _("主动发现率"), "type": "line", "yAxisIndex": 1, "percent": True,
             "data": [row["proactive_share"] for row in trend]},
            {"name": _("按期结案率"), "type": "line", "yAxisIndex": 1, "percent": True,
             "data": [row["on_time_closure_rate"] for row in trend]},
        ],
        "ranking": {
            "names": [row["area_name"] for row in kids],
            "values": [row["on_time_closure_rate"] for row in kids],
            "label": _("按期结案率"),
        },
    }
    trail = [(a, scope.covers(a.code)) for a in ancestors(area)]
    query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    return render(request, "stats/dashboard.html", {
        "area": area, "trail": trail, "start": start, "end": end, "query": query,
        "f": totals, "children": kids, "trend": trend, "chart": chart, "links": links,
        "sources": sources, "kinds": kinds, "categories": categories,
    })


@login_required
def export_xlsx(request, code):
    """The dashboard's figures as an Excel workbook; each export is recorded."""
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    start, end = figures.period_asked(request.GET)
    content = export.workbook(scope, area.code, start, end)
    export.record_export(user=request.user, kind=ExportKind.STATS, area_code=area.code, date_from=start, date_to=end,
                         filters={"from": start.isoformat(), "to": end.isoformat()})
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="stats-{area.code}-{start}-{end}.xlsx"'
    return response
