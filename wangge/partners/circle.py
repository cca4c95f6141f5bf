"""The 15-minute service circle (15分钟便民服务圈).

A household reaches a service point when the straight-line (great-circle,
haversine) distance from its building to the point is at most the distance
walked in 15 minutes at WALK_SPEED_KMH (4.5 km/h → 1,125 m). Straight lines
flatter reality (streets wind, rivers and rail lines cut across), so the figure
is an upper bound; a road-network model can replace ``reachable`` later.

A household is located by its building's lat/lng; households whose building has
no point are counted apart ("unlocated") and left out of the shares. Service
points of every area in the county count, not only those of the area asked
about: a clinic across the community boundary still serves the household.
"""
from __future__ import annotations

import math
from collections import defaultdict

from django.conf import settings

from wangge.accounts.scope import Scope
from wangge.areas.models import Building, Household

from .models import PointKind, ServicePoint

WALK_SPEED_KMH = getattr(settings, "WANGGE_WALK_SPEED_KMH", 4.5)
WALK_MINUTES = 15
EARTH_RADIUS_M = 6_371_008.8


def radius_m(speed_kmh: float = WALK_SPEED_KMH, minutes: int = WALK_MINUTES) -> float:
    return speed_kmh * 1000 / 60 * minutes


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


class PointIndex:
    """Service points of one kind bucketed in cells at least one radius wide, so a
    building is compared only with the points of its own and the 8 next cells.

    ``max_abs_lat`` is the most poleward latitude of any point or building asked
    about: cells are as wide in longitude as the radius needs there."""

    def __init__(self, points: list[tuple[float, float]], radius: float, max_abs_lat: float = 60.0):
        self.radius = radius
        self.cell_lat = radius / 110_000
        self.cell_lng = radius / (111_320 * math.cos(math.radians(min(89.0, max_abs_lat + 0.5))))
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
        for lat, lng in points:
            self.cells[self._key(lat, lng)].append((lat, lng))

    def _key(self, lat: float, lng: float) -> tuple[int, int]:
        return math.floor(lat / self.cell_lat), math.floor(lng / self.cell_lng)

    def any_within(self, lat: float, lng: float) -> bool:
        ki, kj = self._key(lat, lng)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for plat, plng in self.cells.get((ki + di, kj + dj), ()):
                    if haversine_m(lat, lng, plat, plng) <= self.radius:
                        return True
        return False


def service_circle(scope: Scope, area: str, *, gap_kind: str = PointKind.CLINIC, gap_limit: int = 500) -> dict:
    """Per service kind, how many of the area's households reach one within the walk;
    and the households that reach no ``gap_kind`` (listed up to ``gap_limit``)."""
    radius = radius_m()
    households = scope.filter(Household).filter(area_code__startswith=area)
    buildings = {
        b.pk: b for b in scope.filter(Building).filter(area_code__startswith=area).only("pk", "lat", "lng", "name")
    }
    per_building = defaultdict(int)
    for building_id in households.values_list("building_id", flat=True):
        per_building[building_id] += 1
    located = {pk: b for pk, b in buildings.items() if b.lat is not None and b.lng is not None}
    total = sum(per_building.values())
    located_total = sum(n for pk, n in per_building.items() if pk in located)

    points = defaultdict(list)
    for kind, lat, lng in ServicePoint.objects.filter(is_active=True, area_code__startswith=area[:6]).values_list(
        "kind", "lat", "lng"
    ):
        points[kind].append((lat, lng))

    max_abs_lat = max(
        [abs(lat) for pts in points.values() for lat, _lng in pts] + [abs(b.lat) for b in located.values()],
        default=0.0,
    )
    kinds = []
    gap_buildings: list[int] = []
    for kind, label in PointKind.choices:
        index = PointIndex(points.get(kind, []), radius, max_abs_lat)
        reached = 0
        for pk, building in located.items():
            if per_building.get(pk) and index.any_within(building.lat, building.lng):
                reached += per_building[pk]
            elif kind == gap_kind and per_building.get(pk):
                gap_buildings.append(pk)
        kinds.append({
            "kind": kind,
            "name": str(label),
            "points": len(points.get(kind, [])),
            "households": reached,
            "share": round(reached / located_total, 4) if located_total else None,
        })

    gap_rows = households.filter(building_id__in=gap_buildings).select_related("building")
    gaps = [
        {
            "household": h.pk, "address": h.address, "building": h.building_id,
            "lat": h.building.lat, "lng": h.building.lng, "area": h.area_code,
        }
        for h in gap_rows.order_by("area_code", "address")[:gap_limit]
    ]
    return {
        "area": area,
        "walk_speed_kmh": WALK_SPEED_KMH,
        "minutes": WALK_MINUTES,
        "radius_m": round(radius, 1),
        "households": total,
        "located_households": located_total,
        "unlocated_households": total - located_total,
        "kinds": kinds,
        "gap_kind": gap_kind,
        "gap_count": gap_rows.count(),
        "gaps": gaps,
    }
