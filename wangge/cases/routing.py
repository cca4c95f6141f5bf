"""Routing: the level a new case of a category starts at, and the time limit and
suggested partner type for it at each level.

The rules are RoutingRule rows, most specific first: the sub-class at the
case's level, the sub-class at any level, the top class likewise, then rules
for all categories. With no matching rule, FALLBACK applies.
"""
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from wangge.areas.codes import Level

from . import deadlines
from .models import Category, RoutingRule


@dataclass(frozen=True)
class Route:
    start_level: str
    working_days: int | None
    hours: int | None
    partner_type: str = ""

    def deadline(self, start: datetime.datetime) -> datetime.datetime:
        return deadlines.due(start, working_days=self.working_days, hours=self.hours)


# "Others: 5 working days", starting where most problems are solved: the grid.
FALLBACK = Route(start_level=Level.GRID, working_days=5, hours=None)


def route(category: Category, level: str = "") -> Route:
    """The route of a category at a level ("" when only the start level matters)."""
    categories = _chain(category)
    rules = RoutingRule.objects.filter(Q(category__in=categories[:-1]) | Q(category__isnull=True))
    return _route(categories, level, {(rule.category_id, rule.level): rule for rule in rules})


def router() -> Callable[[Category, str], Route]:
    """route() for many cases at once (the escalation job): all rules read once, each
    (category, level) worked out once."""
    rules = {(rule.category_id, rule.level): rule for rule in RoutingRule.objects.all()}

    @functools.cache
    def by_key(categories: tuple, level: str) -> Route:
        return _route(list(categories), level, rules)

    return lambda category, level="": by_key(tuple(_chain(category)), level)


def _chain(category: Category) -> list:
    """The category, its parent (if any), and None (rules for all categories)."""
    return [category.pk] + ([category.parent_id] if category.parent_id else []) + [None]


def _route(categories: list, level: str, rules: dict) -> Route:
    general = [rules[c, ""] for c in categories if (c, "") in rules]
    keys = [(c, lv) for c in categories for lv in ([level, ""] if level else [""])]
    chain = [rules[key] for key in keys if key in rules]
    limit = chain[0] if chain else None
    return Route(
        start_level=next((r.start_level for r in general if r.start_level), FALLBACK.start_level),
        working_days=limit.working_days if limit else FALLBACK.working_days,
        hours=limit.hours if limit else FALLBACK.hours,
        partner_type=next((r.partner_type for r in chain if r.partner_type), ""),
    )
