"""API: the figures of an area and period (docs/stats.md defines every key)."""
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wangge.accounts.scope import scope_of
from wangge.visits.api import area_or_own

from . import briefing, figures

router = Router(tags=["stats"])


class StatsQuery(Schema):
    area: str = ""
    date_from: datetime.date | None = Field(None, alias="from")
    date_to: datetime.date | None = Field(None, alias="to")


def period(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The period asked for; by default the 30 days up to today."""
    end = date_to or timezone.localdate()
    start = date_from or end - datetime.timedelta(days=figures.PERIOD_DAYS - 1)
    if start > end:
        raise ValidationError({"from": [_("开始日期不能晚于结束日期")]})
    return start, end


@router.get("/stats", response=dict[str, Any])
def stats(request, query: Query[StatsQuery]):
    """All figures of an area (with its descendants) over a period, as one object.
    Query: ``area`` (default: the caller's one area), ``from``, ``to`` (YYYY-MM-DD,
    default the last 30 days). An area outside the caller's scope answers 404."""
    scope = scope_of(request)
    start, end = period(query.date_from, query.date_to)
    return figures.compute(scope, area_or_own(scope, query.area), start, end)


@router.get("/stats/children", response=dict[str, Any])
def stats_children(request, query: Query[StatsQuery]):
    """The same figures for each child area in scope: ``{"area", "from", "to", "children": [...]}``."""
    scope = scope_of(request)
    start, end = period(query.date_from, query.date_to)
    code = area_or_own(scope, query.area)
    return {"area": code, "from": start.isoformat(), "to": end.isoformat(),
            "children": figures.children(scope, code, start, end)}


@router.get("/briefing", response=dict[str, Any])
def briefing_text(request, month: str, area: str = ""):
    """The monthly briefing of an area (``month`` = YYYY-MM) in Chinese, with the figures it
    quotes (the same as /stats for that month) and the previous month's. When someone saved an
    edited text, ``title``/``paragraphs``/``text`` are the edited ones, ``edited`` says by whom and
    when, and ``generated`` keeps the generated text."""
    scope = scope_of(request)
    try:
        briefing.month_bounds(month)
    except ValueError:
        raise ValidationError({"month": [_("月份格式应为 YYYY-MM")]})
    return briefing.current(scope, area_or_own(scope, area), month)
