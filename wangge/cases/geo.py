"""Which grid contains a point, for residents who share their location instead
of naming their grid.

Boundaries are GeoJSON Polygons or MultiPolygons with [lng, lat] positions; a
polygon's rings after the first are holes. Ray casting on the plane is exact
enough at the size of a grid.
"""
from wangge.areas.codes import Level
from wangge.areas.models import Area


def _in_ring(lng: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_polygon(lng: float, lat: float, rings: list) -> bool:
    return bool(rings) and _in_ring(lng, lat, rings[0]) and not any(_in_ring(lng, lat, hole) for hole in rings[1:])


def contains(geometry: dict | None, lat: float, lng: float) -> bool:
    if not isinstance(geometry, dict):
        return False
    if geometry.get("type") == "Polygon":
        return _in_polygon(lng, lat, geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return any(_in_polygon(lng, lat, polygon) for polygon in geometry.get("coordinates") or [])
    return False


def grid_at(lat: float, lng: float) -> Area | None:
    """The grid whose boundary contains the point; None outside every mapped grid."""
    for grid in Area.objects.filter(level=Level.GRID, boundary__isnull=False):
        if contains(grid.boundary, lat, lng):
            return grid
    return None
