"""The map of an area (地图) and the GeoJSON endpoints its layers are loaded from.

Every view finds its area through the viewer's scope first, so an area outside
it answers 404 on the page and on each endpoint alike; the layers themselves are
read through the owning apps' selectors (see selectors.py).
"""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import scope_of
from wangge.areas.models import Area
from wangge.areas.selectors import ancestors, area_or_own, areas_for
from wangge.partners.circle import radius_m
from wangge.partners.models import PointKind
from wangge.stats.figures import period_asked

from . import selectors


def _gap_kind(request) -> str:
    kind = request.GET.get("kind", PointKind.CLINIC)
    return kind if kind in PointKind.values else PointKind.CLINIC


def _area(request, code) -> Area:
    return scope_of(request).get_or_404(Area, code=code)


def _geojson(data: dict) -> JsonResponse:
    return JsonResponse(data, content_type="application/geo+json")


@login_required
def map_home(request):
    """/maps/: the map of the user's own (first) area."""
    return redirect("maps:area", code=area_or_own(scope_of(request)).code)


@login_required
def area_map(request, code):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    start, end = period_asked(request.GET)
    period = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    gap_kind = _gap_kind(request)

    def url(name, query=""):
        return reverse(f"maps:{name}", args=[area.code]) + (f"?{query}" if query else "")

    layers = [
        ("boundaries", _("区域边界"), url("boundaries"), True),
        ("cases", _("未结诉求"), url("cases"), True),
        ("heat", _("诉求热力（%(from)s 至 %(to)s）") % {"from": start, "to": end}, url("heat", period), False),
        ("buildings", _("楼栋上次走访"), url("buildings"), False),
        ("points", _("便民服务点"), url("points"), False),
        ("gaps", _("15分钟缺口：%(kind)s") % {"kind": PointKind(gap_kind).label},
         url("gaps", urlencode({"kind": gap_kind})), False),
    ]
    config = {
        "tiles": {"url": settings.WANGGE_MAP_TILE_URL, "attribution": settings.WANGGE_MAP_TILE_ATTRIBUTION}
        if settings.WANGGE_MAP_TILE_URL else None,
        "centre": [area.lat, area.lng] if selectors.located(area.lat, area.lng) else None,
        "layers": [{"key": key, "name": name, "url": link, "on": on} for key, name, link, on in layers],
        "labels": {
            "open_map": _("打开此区域地图"), "open_case": _("查看诉求"), "overdue": _("已超期"),
            "located_building": _("位置：所在楼栋"), "located_grid": _("位置：网格中心（大致）"),
            "last_visit": _("上次走访"), "days_ago": _("天前"), "households": _("户"),
            "gap": _("15分钟内无此类服务点"), "reach": _("步行15分钟范围"), "metres": _("米"),
        },
    }
    return render(request, "maps/map.html", {
        "area": area, "trail": [(a, scope.covers(a.code)) for a in ancestors(area)],
        "children": areas_for(scope, parent=area.code), "start": start, "end": end, "period": period,
        "gap_kind": gap_kind, "point_kinds": PointKind.choices, "radius": round(radius_m()), "config": config,
        "category_legend": selectors.category_colours(), "band_legend": selectors.band_legend(),
        "point_legend": selectors.point_kind_legend(),
    })


@login_required
def boundaries(request, code):
    return _geojson(selectors.boundaries(scope_of(request), _area(request, code)))


@login_required
def open_cases(request, code):
    return _geojson(selectors.open_cases(request.user, _area(request, code)))


@login_required
def case_heat(request, code):
    area = _area(request, code)
    start, end = period_asked(request.GET)
    return _geojson(selectors.case_heat(request.user, area, start, end))


@login_required
def buildings(request, code):
    area = _area(request, code)
    return _geojson(selectors.building_ages(scope_of(request), area, timezone.localdate()))


@login_required
def service_points(request, code):
    return _geojson(selectors.service_points(scope_of(request), _area(request, code)))


@login_required
def service_gaps(request, code):
    area = _area(request, code)
    return _geojson(selectors.service_gaps(scope_of(request), area, _gap_kind(request)))
