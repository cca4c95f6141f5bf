"""Routing: the level a new case of a category starts at, and the time limit and
suggested partner type for it at each level.

The rules are RoutingRule rows, most specific first: the sub-class at the
case's level, the sub-class at any level, the top class likewise, then rules
for all categories. With no matching rule, FALLBACK applies.

Rules and holidays come from the process's reading of the configuration
(config.current(): one small query checks it is still what the tables hold),
and each (category, level) is worked out once per reading.
"""
import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wangge.areas.codes import Level

from . import config, deadlines
from .models import Category


@dataclass(frozen=True)
class Route:
    start_level: str
    working_days: int | None
    hours: int | None
    partner_type: str = ""
    # The holiday map to count working days with (config.Config.holidays); None: read the Holiday table.
    holidays: Mapping | None = field(default=None, compare=False, repr=False)

    def deadline(self, start: datetime.datetime) -> datetime.datetime:
        return deadlines.due(start, working_days=self.working_days, hours=self.hours, holidays=self.holidays)


# "Others: 5 working days", starting where most problems are solved: the grid.
FALLBACK = Route(start_level=Level.GRID, working_days=5, hours=None)


def route(category: Category, level: str = "") -> Route:
    """The route of a category at a level ("" when only the start level matters)."""
    return router()(category, level)


def router(conf: config.Config | None = None) -> Callable[[Category, str], Route]:
    """route() for one case or many (the escalation job): the rules and holidays of the
    configuration as it is now (or of ``conf``, a reading the caller already holds),
    each (category, level) worked out once per reading."""
    conf = conf or config.current()
    if conf.router is None:
        rules, holidays = conf.rules, conf.holidays

        @functools.cache
        def by_key(categories: tuple, level: str) -> Route:
            return _route(list(categories), level, rules, holidays)

        conf.router = lambda category, level="": by_key(tuple(_chain(category)), level)
    return conf.router


def _chain(category: Category) -> list:
    """The category, its parent (if any), and None (rules for all categories)."""
    return [category.pk] + ([category.parent_id] if category.parent_id else []) + [None]


def _route(categories: list, level: str, rules: dict, holidays: Mapping | None = None) -> Route:
    general = [rules[c, ""] for c in categories if (c, "") in rules]
    keys = [(c, lv) for c in categories for lv in ([level, ""] if level else [""])]
    chain = [rules[key] for key in keys if key in rules]
    limit = chain[0] if chain else None
    return Route(
        start_level=next((r.start_level for r in general if r.start_level), FALLBACK.start_level),
        working_days=limit.working_days if limit else FALLBACK.working_days,
        hours=limit.hours if limit else FALLBACK.hours,
        partner_type=next((r.partner_type for r in chain if r.partner_type), ""),
        holidays=holidays,
    )
