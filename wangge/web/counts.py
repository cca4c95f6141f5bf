"""Counts of buildings, households and residents under lists of areas.

Pages list areas with their counts (a street's 10 communities, a community's
6 grids). Counting each area separately would cost 3 queries per row; here
each kind of place costs one grouped query per code length, whatever the
number of areas: rows are grouped by the first N characters of their
``area_code``, which is the code of the area of length N that holds them.
"""
import os
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import Substr

from wangge.accounts.scope import Scope
from wangge.areas.models import Area
from wangge.areas.selectors import buildings_for, households_for
from wangge.people.selectors import residents_for

KINDS = ("buildings", "households", "residents")


def with_counts(scope: Scope, areas: list[Area]) -> list[Area]:
    """The areas, each with ``counts``: {"buildings": n, "households": n, "residents": n}."""
    counts = {area.code: dict.fromkeys(KINDS, 0) for area in areas}
    by_length = defaultdict(list)
    for code in counts:
        by_length[len(code)].append(code)
    for length, codes in by_length.items():
        for kind, rows in _sources(scope).items():
            for prefix, n in _grouped(rows, os.path.commonprefix(codes), length):
                if prefix in counts:
                    counts[prefix][kind] = n
    for area in areas:
        area.counts = counts[area.code]
    return areas


def _sources(scope: Scope) -> dict:
    return {
        "buildings": buildings_for(scope),
        "households": households_for(scope),
        "residents": residents_for(scope),
    }


def _grouped(rows, within: str, length: int):
    return (
        rows.filter(area_code__startswith=within)
        .select_related(None)
        .prefetch_related(None)
        .order_by()
        .annotate(prefix=Substr("area_code", 1, length))
        .values_list("prefix")
        .annotate(n=Count("pk"))
    )
