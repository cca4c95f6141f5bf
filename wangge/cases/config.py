"""The case loop's configuration — categories, routing rules, holidays — kept per
process while it is unchanged.

Every report needs its category, the routing rules and the holidays of the
weeks ahead; the city administrator changes them a few times a year. So each
process keeps one reading of the three tables (:func:`current`) and, at every
use, asks the database with one small query whether they are still what it
read (:func:`fingerprint`). A change made anywhere — the admin pages, the
services, a bulk load, another process or another machine, even a raw SQL
statement — changes the fingerprint, and the next use reads the tables again;
a change rolled back leaves the old fingerprint, and nothing stale is kept.

The fingerprint is the tables' contents, so it is exact, not a guess: on
PostgreSQL an MD5 of each table's rows (as text, in id order), computed by the
server (three digests come back, however many rows); elsewhere (SQLite in
development and tests) the rows themselves. The tables are small (dozens of
categories and rules, a few dozen holidays a year).

The objects handed out (categories with their parents, the rules, the holiday
map) are shared by the requests of a process: read them, never change them.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection

from .models import Category, Holiday, RoutingRule

TABLES = (Category, RoutingRule, Holiday)


class Config:
    """One reading of the three tables."""

    def __init__(self, fingerprint, categories: list[Category], rules: list[RoutingRule], holidays: list[Holiday]):
        self.fingerprint = fingerprint
        by_pk = {category.pk: category for category in categories}
        for category in categories:  # parents from the same reading (str() and the routing chain use them)
            if category.parent_id:
                category.parent = by_pk[category.parent_id]
        self.categories: dict[str, Category] = {category.code: category for category in categories}
        self.rules: dict[tuple, RoutingRule] = {(rule.category_id, rule.level): rule for rule in rules}
        # Every day that breaks the Monday–Friday rule: {date: is a working day}.
        self.holidays: dict[datetime.date, bool] = {holiday.date: holiday.is_workday for holiday in holidays}
        self.router: Callable | None = None  # routing.router() builds it on first use

    def category(self, code: str) -> Category | None:
        """The active category with this code (its parent loaded), or None."""
        category = self.categories.get(code or "")
        return category if category is not None and category.is_active else None


_current: Config | None = None


def current() -> Config:
    """The configuration as the database has it now: the process's reading when the
    fingerprint still matches (one small query), otherwise a fresh one."""
    global _current
    seen = fingerprint()
    config = _current
    if config is None or config.fingerprint != seen:
        # Read after the fingerprint: a change committed in between makes the next use read again.
        config = _current = Config(
            seen,
            list(Category.objects.all()),
            list(RoutingRule.objects.all()),
            list(Holiday.objects.all()),
        )
    return config


def fingerprint() -> tuple:
    """What identifies the present contents of the three tables (see the module's docstring)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = ", ".join(
                f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM {table} t)"
                for table in (quote(model._meta.db_table) for model in TABLES)
            )
            cursor.execute(f"SELECT {parts}")
            return ("postgresql", *cursor.fetchone())
        # One statement: each table's rows, every column (padded to the widest table), in a fixed order.
        widest = max(len(model._meta.concrete_fields) for model in TABLES)
        selects = []
        for model in TABLES:
            columns = [quote(field.column) for field in model._meta.concrete_fields]
            columns += ["NULL"] * (widest - len(columns))
            table = model._meta.db_table
            selects.append(f"SELECT '{table}', {', '.join(columns)} FROM {quote(table)}")
        cursor.execute(" UNION ALL ".join(selects) + " ORDER BY 1, 2")
        return tuple(cursor.fetchall())


def clear() -> None:
    """Forget the process's reading (the next use reads the tables)."""
    global _current
    _current = None
