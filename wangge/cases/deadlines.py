"""Working-day arithmetic for case deadlines, in the city's time zone (settings.TIME_ZONE).

A working day is Monday to Friday unless the Holiday table says otherwise: a
row with ``is_workday=False`` is a public holiday (国庆 10-01…10-07), one with
``is_workday=True`` a weekend day worked in exchange (调休上班).

A limit of N working days ends at the end of the N-th working day after the day
the clock starts; the starting day itself does not count, as "3个工作日内" is
read in government offices. So a case reported on a Friday afternoon with 3
working days is due at the end of Wednesday, and 0 working days means the end
of today. A limit in hours is clock hours: urgent safety cases don't wait for
Monday.
"""
import datetime
from collections.abc import Mapping

from django.utils import timezone

from .models import Holiday

END_OF_DAY = datetime.time(23, 59, 59)
# Holidays are read in windows of this many days (a working day is never more
# than about a fortnight away, even over 春节).
_WINDOW = 60


def _overrides(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    return dict(Holiday.objects.filter(date__range=(first, last)).values_list("date", "is_workday"))


def is_working_day(day: datetime.date, overrides: dict[datetime.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_working_days(day: datetime.date, n: int, holidays: Mapping[datetime.date, bool] | None = None) -> datetime.date:
    """The n-th working day after ``day`` (``day`` itself when n is 0). ``holidays``: every
    row of the Holiday table as {date: is_workday} (config.Config.holidays); without it
    the table is read in windows."""
    current, counted = day, 0
    window_end, overrides = (datetime.date.max, holidays) if holidays is not None else (day, {})
    while counted < n:
        current += datetime.timedelta(days=1)
        if current > window_end:
            window_end = current + datetime.timedelta(days=_WINDOW)
            overrides = _overrides(current, window_end)
        if is_working_day(current, overrides):
            counted += 1
    return current


def due(
    start: datetime.datetime, *, working_days: int | None = None, hours: int | None = None,
    holidays: Mapping[datetime.date, bool] | None = None,
) -> datetime.datetime:
    """The deadline for a time limit given in working days or in clock hours
    (``holidays`` as for add_working_days)."""
    if hours is not None:
        return start + datetime.timedelta(hours=hours)
    tz = timezone.get_default_timezone()
    last_day = add_working_days(timezone.localtime(start, tz).date(), working_days, holidays)
    return datetime.datetime.combine(last_day, END_OF_DAY, tzinfo=tz)
