"""Training courses (培训班) and the article's question about them: did the course change the way
people work? For the areas of the people who attended, every figure of figures.compute is taken
over equal periods before and after the course, side by side with the change.

Rules
  * A course is visible to users whose scope covers the area it was held for.
  * The attendees' areas are the areas of their posts (their scopes, accounts.scope), each area
    once, each its own row (a grid inside an attending community head's community too); an area
    the viewer's scope does not cover is left out (and counted in ``hidden``).
  * Before = the ``days`` days ending the day before the course starts; after = the ``days``
    days starting the day after it ends (default 90, at most 366). When the after period has not
    ended yet, ``after_complete`` is false: its figures are what has happened so far.
  * The change is after − before: a count's difference, or a rate's difference in fractions
    (0.125 = 12.5 percentage points), None when either side has no value.
  * Snapshot figures (overdue now, households and volunteers registered now, care visits overdue
    now) do not belong to a period and are left out; so are the breakdowns (by category, source,
    level, kind).
"""
from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from wangge.accounts.scope import OutOfScope, Scope
from wangge.areas.models import Area

from . import figures
from .models import Course

DEFAULT_DAYS = 90
MAX_DAYS = 366
# Figures that describe the moment they are computed, not a period (figures.py says which).
SNAPSHOTS = frozenset({"overdue_now", "households", "care_overdue_now", "volunteers"})
# Figures where a rise is good or bad news for residents; the rest are neither (more cases reported
# may mean more problems or more trust).
HIGHER_IS_BETTER = frozenset({
    "on_time_closure_rate", "closure_rate", "proactive_share", "response_rate", "resolution_rate",
    "satisfaction_rate", "visit_coverage", "solved_on_spot_rate", "proactive_cases", "households_visited",
    "solved_on_spot",
})
LOWER_IS_BETTER = frozenset({"rework_rate", "avg_handling_hours", "cases_reworked", "ratings_dissatisfied"})


def courses_for(scope: Scope) -> QuerySet[Course]:
    return scope.filter(Course).select_related("area", "created_by").prefetch_related("attendees")


def course_in_scope(scope: Scope, pk: int) -> Course:
    return scope.get_or_404(courses_for(scope), pk=pk)


def attendee_areas(course: Course) -> list[str]:
    """The area codes of the attendees' posts, each once, in code order."""
    codes = set()
    for person in course.attendees.all():
        codes |= Scope.for_user(person).codes
    return sorted(codes)


def periods(course: Course, days: int = DEFAULT_DAYS) -> tuple[tuple[datetime.date, datetime.date], ...]:
    before = (course.start_date - datetime.timedelta(days=days), course.start_date - datetime.timedelta(days=1))
    after = (course.end_date + datetime.timedelta(days=1), course.end_date + datetime.timedelta(days=days))
    return before, after


def figure_keys(sample: dict) -> list[str]:
    """The scalar figures of figures.compute, in the order of figures.LABELS, then any others."""
    scalar = [k for k, v in sample.items() if k not in SNAPSHOTS and (v is None or isinstance(v, (int, float)))
              and not isinstance(v, bool)]
    ordered = [k for k in figures.LABELS if k in scalar]
    return ordered + [k for k in scalar if k not in ordered]


def change(before, after, *, rate: bool):
    if before is None or after is None:
        return None
    delta = after - before
    return round(delta, 4) if rate or isinstance(delta, float) else delta


def verdict(key: str, delta) -> str | None:
    """"better", "worse", "same", or None when the figure is neither good nor bad news."""
    if delta is None or (key not in HIGHER_IS_BETTER and key not in LOWER_IS_BETTER):
        return None
    if delta == 0:
        return "same"
    return "better" if (delta > 0) == (key in HIGHER_IS_BETTER) else "worse"


def comparison(scope: Scope, course: Course, *, days: int = DEFAULT_DAYS, now: datetime.datetime | None = None) -> dict:
    """Each figure of each attendee area before and after the course:
    ``{"course", "days", "before": {"from","to"}, "after": {"from","to"}, "after_complete", "hidden",
    "areas": [{"area", "area_name", "figures": [{"key", "name", "before", "after", "change",
    "verdict", "rate"}]}]}``."""
    if not scope.covers(course.area_code):
        raise OutOfScope()
    days = max(1, min(int(days), MAX_DAYS))
    (b_from, b_to), (a_from, a_to) = periods(course, days)
    today = timezone.localdate(now) if now else timezone.localdate()
    codes = attendee_areas(course)
    visible = [code for code in codes if scope.covers(code)]
    names = dict(Area.objects.filter(code__in=visible).values_list("code", "name"))
    rows = []
    for code in visible:
        if code not in names:
            continue
        before = figures.compute(scope, code, b_from, b_to, now=now)
        after = figures.compute(scope, code, a_from, a_to, now=now)
        lines = []
        for key in figure_keys(before):
            rate = key in figures.RATE_KEYS
            delta = change(before[key], after.get(key), rate=rate)
            lines.append({
                "key": key, "name": figures.LABELS.get(key, key), "before": before[key], "after": after.get(key),
                "change": delta, "verdict": verdict(key, delta), "rate": rate,
            })
        rows.append({"area": code, "area_name": names[code], "figures": lines})
    return {
        "course": course.pk, "days": days,
        "before": {"from": b_from.isoformat(), "to": b_to.isoformat()},
        "after": {"from": a_from.isoformat(), "to": a_to.isoformat()},
        "after_complete": a_to < today,
        "hidden": len(codes) - len(visible),
        "areas": rows,
    }
