"""Care-visit arithmetic (关爱走访): when a resident of a key population is next due.

A rule (one per tag, from CarePolicy) has an interval in days, fixed
occasions (``"07-01"`` for 七一, ``"spring_festival"`` for 春节), or both.

- **Interval.** Due ``interval_days`` after the last care visit; a resident
  never visited is due from the day they were registered.
- **Occasion.** The current occasion is the latest one whose window has opened
  (the window opens ``lead_days`` before the day: 节前走访). It is met by a
  care visit on or after the window opened; unmet, it is due on its day. An
  unmet occasion stays due until the next occasion's window opens. Occasions
  before the resident was registered are not owed.

A resident with several tags is due at the earliest of their rules' dates;
one visit to the household meets all of them. Due today is not overdue; the
day after, it is. Only dates are compared, in the city's time zone.

The Spring Festival follows the lunar calendar, so its dates are listed here
year by year (from the published calendar); a year missing from the table
has no Spring Festival occasion until its line is added here.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEFAULT_LEAD_DAYS = 14

SPRING_FESTIVAL = {
    2024: datetime.date(2024, 2, 10),
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
}

OCCASION_NAMES = {"spring_festival": _("春节"), "07-01": _("七一"), "10-01": _("国庆"), "08-01": _("八一")}
INTERVAL = "interval"

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def is_valid_occasion(spec) -> bool:
    if spec == "spring_festival":
        return True
    match = _MONTH_DAY.match(str(spec))
    if not match:
        return False
    try:
        datetime.date(2024, int(match[1]), int(match[2]))  # a leap year: 02-29 is a valid day
    except ValueError:
        return False
    return True


def occasion_on(spec: str, year: int) -> datetime.date | None:
    """The day of an occasion in a year; None when unknown (a lunar date outside the
    table) or impossible (29 February in a common year)."""
    if spec == "spring_festival":
        return SPRING_FESTIVAL.get(year)
    month, day = (int(part) for part in spec.split("-"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def reason_label(reason: str) -> str:
    """What a due date is for: 定期 for the interval, the occasion's name otherwise."""
    if reason == INTERVAL:
        return str(_("定期走访"))
    return str(OCCASION_NAMES.get(reason, reason))


@dataclass(frozen=True)
class Rule:
    tag: str
    interval_days: int | None
    fixed_dates: tuple[str, ...] = ()
    lead_days: int = DEFAULT_LEAD_DAYS


@dataclass(frozen=True)
class Due:
    date: datetime.date
    tag: str
    reason: str  # INTERVAL, or the occasion's spec
    overdue: bool
    days_late: int = 0

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


def current_occasion(spec: str, lead_days: int, today: datetime.date) -> datetime.date | None:
    """The latest occasion whose window (``lead_days`` before it) has opened by ``today``."""
    days = [occasion_on(spec, year) for year in (today.year - 1, today.year, today.year + 1)]
    opened = [day for day in days if day is not None and day - datetime.timedelta(days=lead_days) <= today]
    return max(opened, default=None)


def rule_due(rule: Rule, *, last: datetime.date | None, registered: datetime.date, today: datetime.date) -> Due | None:
    """The earliest outstanding date of one rule, or None when nothing is outstanding."""
    candidates: list[tuple[datetime.date, str]] = []
    if rule.interval_days:
        start = registered if last is None else last + datetime.timedelta(days=rule.interval_days)
        candidates.append((start, INTERVAL))
    for spec in rule.fixed_dates:
        day = current_occasion(spec, rule.lead_days, today)
        if day is None or day < registered:
            continue
        opens = day - datetime.timedelta(days=rule.lead_days)
        if last is None or last < opens:
            candidates.append((day, spec))
    if not candidates:
        return None
    date, reason = min(candidates)
    return Due(date=date, tag=rule.tag, reason=reason, overdue=date < today, days_late=max((today - date).days, 0))


def next_due(rules, *, last: datetime.date | None, registered: datetime.date, today: datetime.date) -> Due | None:
    """The earliest outstanding date over all rules that apply to a resident."""
    dues = [due for rule in rules if (due := rule_due(rule, last=last, registered=registered, today=today))]
    return min(dues, key=lambda d: (d.date, d.tag), default=None)
