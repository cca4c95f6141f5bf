"""Point in polygon for GeoJSON boundaries ([lng, lat]); holes are outside."""
from wangge.cases.geo import contains

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
HOLE = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]


def test_polygon_with_a_hole():
    polygon = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    assert contains(polygon, lat=2, lng=2)
    assert not contains(polygon, lat=5, lng=5)
    assert not contains(polygon, lat=2, lng=12)


def test_multipolygon_and_bad_geometry():
    far = [[20, 20], [30, 20], [30, 30], [20, 30], [20, 20]]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [far]]}
    assert contains(multi, lat=25, lng=25) and contains(multi, lat=1, lng=1)
    assert not contains(multi, lat=15, lng=15)
    assert not contains({"type": "Point", "coordinates": [1, 1]}, lat=1, lng=1)
    assert not contains(None, lat=1, lng=1)
