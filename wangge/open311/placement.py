"""Where a request belongs: the grid a client's location lies in, and the household
when the location is one of the city's addresses.

- ``address_id`` is a household's id (the city's master address list);
- a point lies in a grid's boundary, or else within
  WANGGE_OPEN311_NEAREST_GRID_KM of a grid's centre (boundaries are drawn by
  hand and leave slivers between grids); farther than that it is outside the city;
- ``address_string`` is matched against the households' full addresses (a
  client usually sends more, such as the city and street, around it).

What cannot be placed so waits for a person (services.place_request).
"""
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Length

from wangge.areas.codes import Level
from wangge.areas.models import Area, Household
from wangge.cases import geo

EARTH_RADIUS_KM = 6371.0
# Enough address matches to tell whether the longest ones agree on a grid.
_ADDRESS_CANDIDATES = 20


@dataclass(frozen=True)
class Place:
    grid: Area
    household: Household | None = None


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def at_point(lat: float, lng: float) -> Place | None:
    """The grid containing the point, else the nearest grid centre close enough; None outside the city."""
    grid = geo.grid_at(lat, lng)
    if grid is not None:
        return Place(grid)
    limit = float(settings.WANGGE_OPEN311_NEAREST_GRID_KM)
    nearest = min(
        (
            (distance_km(lat, lng, grid.lat, grid.lng), grid.code, grid)
            for grid in Area.objects.filter(level=Level.GRID, lat__isnull=False, lng__isnull=False)
        ),
        default=None,
    )
    if nearest is None or nearest[0] > limit:
        return None
    return Place(nearest[2])


def at_household(household_id: int) -> Place | None:
    household = Household.objects.select_related("building__grid").filter(pk=household_id).first()
    return Place(household.building.grid, household) if household else None


def at_address(text: str) -> Place | None:
    """The household whose full address the text is or contains (the longest such
    address wins). None when nothing matches or the best matches lie in different grids."""
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    households = Household.objects.select_related("building__grid")
    candidates = list(households.filter(address=text)[:_ADDRESS_CANDIDATES]) or list(
        households.exclude(address="")
        .alias(given=Value(text), length=Length("address"))
        .filter(given__contains=F("address"))
        .order_by("-length", "pk")[:_ADDRESS_CANDIDATES]
    )
    best = [h for h in candidates if len(h.address) == len(candidates[0].address)] if candidates else []
    grids = {h.building.grid_id for h in best}
    if len(grids) != 1:
        return None
    return Place(best[0].building.grid, best[0] if len(best) == 1 else None)
