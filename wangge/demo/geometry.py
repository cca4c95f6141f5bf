"""Rectangles of latitude and longitude, tiled so that areas nest without overlapping.

The demo lays its areas over the real city as rectangles: the city is cut
into street bands, each street into community blocks, each community into
grid cells. Children are cut from their parent's own edges, so a child never
strays outside its parent and siblings share edges exactly.
"""
import math
import random
from dataclasses import dataclass

# Six decimals of a degree is about 0.1 m: finer than any boundary drawn by hand.
PRECISION = 6
_METRES_PER_DEGREE_LAT = 110_574
_METRES_PER_DEGREE_LNG_AT_EQUATOR = 111_320


@dataclass(frozen=True)
class Rect:
    south: float
    west: float
    north: float
    east: float

    @property
    def centre(self) -> tuple[float, float]:
        """(lat, lng) of the middle."""
        return round((self.south + self.north) / 2, PRECISION), round((self.west + self.east) / 2, PRECISION)

    def aspect(self) -> float:
        """Height over width in metres, so that tiles come out roughly square on the ground."""
        height = (self.north - self.south) * _METRES_PER_DEGREE_LAT
        width = (self.east - self.west) * _METRES_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(self.centre[0]))
        return height / width

    def polygon(self) -> dict:
        """A GeoJSON Polygon: one closed ring, counter-clockwise as RFC 7946 asks, [lng, lat] pairs."""
        ring = [[self.west, self.south], [self.east, self.south], [self.east, self.north],
                [self.west, self.north], [self.west, self.south]]
        return {"type": "Polygon", "coordinates": [ring]}

    def random_point(self, rng: random.Random, margin: float = 0.1) -> tuple[float, float]:
        """A (lat, lng) inside, kept ``margin`` of the size away from the edges so markers don't sit on a border."""
        dlat, dlng = (self.north - self.south) * margin, (self.east - self.west) * margin
        lat = rng.uniform(self.south + dlat, self.north - dlat)
        lng = rng.uniform(self.west + dlng, self.east - dlng)
        return round(lat, PRECISION), round(lng, PRECISION)

    def bands(self, weights: list[float]) -> list["Rect"]:
        """Horizontal bands from north to south, as tall as their weights."""
        cuts = _cuts(self.north, self.south, weights)
        return [Rect(south=s, west=self.west, north=n, east=self.east) for n, s in zip(cuts, cuts[1:])]

    def columns(self, count: int) -> list["Rect"]:
        """Equal vertical strips from west to east."""
        cuts = _cuts(self.west, self.east, [1] * count)
        return [Rect(south=self.south, west=w, north=self.north, east=e) for w, e in zip(cuts, cuts[1:])]

    def tile(self, count: int) -> list["Rect"]:
        """``count`` cells, row by row from the north-west, in as many rows as keeps them near square."""
        rows = max(1, min(count, round(math.sqrt(count * self.aspect()))))
        per_row = [count // rows + (1 if r < count % rows else 0) for r in range(rows)]
        return [cell for band, n in zip(self.bands(per_row), per_row) for cell in band.columns(n)]


def _cuts(start: float, end: float, weights: list[float]) -> list[float]:
    """Cut points from start to end in proportion to weights; the ends are the parent's own, unrounded."""
    total = sum(weights)
    inner, running = [], 0.0
    for weight in weights[:-1]:
        running += weight
        inner.append(round(start + (end - start) * running / total, PRECISION))
    return [start, *inner, end]
