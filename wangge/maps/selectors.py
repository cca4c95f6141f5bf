"""The map layers of an area, as GeoJSON FeatureCollections.

Each layer is read through the selectors of the app that owns its rows (areas,
cases, visits, partners) and therefore through the viewer's scope; this module
only turns rows into features. Positions are GeoJSON [lng, lat], rounded to six
decimals (about 0.1 m). A row without a position is left out and counted in
the collection's ``unlocated`` member, so a page can say how many are missing.
docs/maps.md describes every layer in words.
"""
from __future__ import annotations

import datetime
from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.models import Area
from wangge.areas.selectors import areas_for, buildings_for
from wangge.cases.models import Case
from wangge.cases.selectors import categories, search_cases
from wangge.cases.states import OPEN, Status
from wangge.partners.circle import service_circle
from wangge.partners.models import PointKind
from wangge.partners.selectors import service_points_for
from wangge.visits.selectors import AGE_BANDS, building_layer, local_date

PRECISION = 6
# Households listed by the 15-minute circle before the gap layer stops (it says so: ``truncated``).
GAP_HOUSEHOLD_LIMIT = 20_000

# Colours told apart by most colour-blind readers too (ColorBrewer's Set1/Dark2 families).
PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#e41a1c")
OTHER_COLOUR = "#666666"
BAND_COLOURS = {"recent": "#1a9850", "aging": "#fdae61", "stale": "#d73027", "never": "#4d4d4d"}


# --- GeoJSON ---------------------------------------------------------------------------
def feature(lat: float, lng: float, **properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lng, PRECISION), round(lat, PRECISION)]},
        "properties": properties,
    }


def collection(features: list[dict], **members) -> dict:
    """A FeatureCollection; ``count`` (what the page shows) defaults to the number of features."""
    return {"type": "FeatureCollection", "features": features, "count": len(features), **members}


def located(lat, lng) -> bool:
    return lat is not None and lng is not None


# --- legends ------------------------------------------------------------------------------
def category_colours() -> dict[str, dict]:
    """The top-level case categories in their configured order, each with its colour."""
    return {
        top.code: {"name": top.label, "colour": PALETTE[i % len(PALETTE)]} for i, top in enumerate(categories())
    }


def band_legend() -> dict[str, dict]:
    """The last-visit age bands of visits.selectors.AGE_BANDS, in words and colour."""
    (recent, _r), (aging, _a), _stale = AGE_BANDS
    names = {
        "recent": _("%(n)s天内") % {"n": recent},
        "aging": _("%(a)s–%(b)s天") % {"a": recent + 1, "b": aging},
        "stale": _("%(n)s天以上") % {"n": aging},
        "never": _("从未走访"),
    }
    return {band: {"name": name, "colour": BAND_COLOURS[band]} for band, name in names.items()}


def point_kind_legend() -> dict[str, dict]:
    return {kind: {"name": str(label), "colour": PALETTE[i % len(PALETTE)]}
            for i, (kind, label) in enumerate(PointKind.choices)}


# --- layers --------------------------------------------------------------------------------
def boundaries(scope: Scope, area: Area) -> dict:
    """The area and every area below it that has a boundary (parents first, so they are drawn first)."""
    rows = areas_for(scope).filter(code__startswith=area.code)
    features = []
    for row in rows.filter(boundary__isnull=False).order_by("code"):
        features.append({
            "type": "Feature",
            "geometry": row.boundary,
            "properties": {
                "code": row.code, "name": row.name, "level": row.level, "level_name": str(row.get_level_display()),
                "self": row.code == area.code, "url": reverse("maps:area", args=[row.code]),
            },
        })
    return collection(features, unlocated=rows.filter(boundary__isnull=True).count())


def case_position(case: Case) -> tuple[str, float, float] | None:
    """Where a case is drawn, and how its place was found: its own point (``case``), else
    its household's or building's (``building``), else its grid's centre (``grid``)."""
    if located(case.lat, case.lng):
        return "case", case.lat, case.lng
    for building in (case.household.building if case.household_id else None, case.building):
        if building is not None and located(building.lat, building.lng):
            return "building", building.lat, building.lng
    if located(case.grid.lat, case.grid.lng):
        return "grid", case.grid.lat, case.grid.lng
    return None


def _placed_cases(cases):
    cases = cases.select_related("household__building", "building")
    placed, unlocated = [], 0
    for case in cases:
        position = case_position(case)
        if position is None:
            unlocated += 1
        else:
            placed.append((case, position))
    return placed, unlocated


def open_cases(user, area: Area) -> dict:
    """Cases not yet finished (reported … verified) under the area, coloured by top-level category."""
    colours = category_colours()
    placed, unlocated = _placed_cases(search_cases(user, area=area.code).filter(status__in=OPEN))
    features = []
    for case, (how, lat, lng) in placed:
        top = case.category.parent or case.category
        features.append(feature(
            lat, lng, number=case.number, title=case.title, category=top.code, category_name=case.category.full_label,
            colour=colours.get(top.code, {}).get("colour", OTHER_COLOUR), status=case.status,
            status_name=str(case.get_status_display()), overdue=case.is_overdue, located=how,
            url=reverse("cases:detail", args=[case.number]),
        ))
    return collection(features, unlocated=unlocated)


def case_heat(user, area: Area, start: datetime.date, end: datetime.date) -> dict:
    """Every case reported under the area in the period (merged duplicates left out, as the
    figures do), whatever its status now: points without details, for the heat layer."""
    cases = search_cases(user, area=area.code, date_from=start, date_to=end).exclude(status=Status.MERGED)
    placed, unlocated = _placed_cases(cases)
    features = [feature(lat, lng, located=how) for _case, (how, lat, lng) in placed]
    return collection(features, unlocated=unlocated, date_from=start.isoformat(), date_to=end.isoformat())


def building_ages(scope: Scope, area: Area, today: datetime.date) -> dict:
    """Every building under the area with the age of its last visit (visits.selectors.building_layer)."""
    legend = band_legend()
    features, unlocated = [], 0
    for row in building_layer(scope, area=area.code, today=today):
        building = row.building
        if not located(building.lat, building.lng):
            unlocated += 1
            continue
        last = local_date(row.last_visit)
        features.append(feature(
            building.lat, building.lng, building=building.pk, name=str(building), area=building.area_code,
            band=row.band, band_name=legend[row.band]["name"], colour=legend[row.band]["colour"],
            age_days=row.age_days, last_visit=last.isoformat() if last else None,
        ))
    counts = Counter(f["properties"]["band"] for f in features)
    return collection(features, unlocated=unlocated, bands={band: counts.get(band, 0) for band in legend})


def service_points(scope: Scope, area: Area) -> dict:
    """The active service points recorded under the area."""
    legend = point_kind_legend()
    features = [
        feature(point.lat, point.lng, name=point.name, kind=point.kind, kind_name=str(point.get_kind_display()),
                colour=legend[point.kind]["colour"], address=point.address, opening_hours=point.opening_hours)
        for point in service_points_for(scope, area=area.code).filter(is_active=True)
    ]
    return collection(features)


def service_gaps(scope: Scope, area: Area, kind: str = PointKind.CLINIC) -> dict:
    """The 15-minute gaps (partners.circle): buildings whose households reach no ``kind`` point
    within 15 minutes' walk (``role: gap``, one feature per building with its household count),
    and the area's ``kind`` points with the walking radius (``role: reach``). ``count`` is the
    number of households in a gap."""
    circle = service_circle(scope, area.code, gap_kind=kind, gap_limit=GAP_HOUSEHOLD_LIMIT)
    per_building = Counter(gap["building"] for gap in circle["gaps"])
    names = {b.pk: str(b) for b in buildings_for(scope).filter(pk__in=per_building)}
    first = {}
    for gap in circle["gaps"]:
        first.setdefault(gap["building"], gap)
    features = [
        feature(gap["lat"], gap["lng"], role="gap", building=pk, name=names.get(pk, ""), area=gap["area"],
                households=per_building[pk])
        for pk, gap in first.items()
    ]
    features += [
        feature(point.lat, point.lng, role="reach", name=point.name, radius_m=circle["radius_m"])
        for point in service_points_for(scope, area=area.code, kind=kind).filter(is_active=True)
    ]
    return collection(
        features, count=circle["gap_count"], kind=kind, kind_name=str(PointKind(kind).label),
        radius_m=circle["radius_m"], minutes=circle["minutes"], located_households=circle["located_households"],
        unlocated=circle["unlocated_households"], truncated=circle["gap_count"] > len(circle["gaps"]),
    )
