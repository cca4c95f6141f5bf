"""The nightly care tallies (wangge.stats.tallies.refresh), as a django-tasks task run by
``manage.py db_worker``.

Like the care reminders (wangge.visits.tasks), the task keeps itself going: each run first queues
the next one for tomorrow at TALLY_TIME (so a failing run does not break the chain), then
computes. A run missed or failed costs only speed: without today's tallies the care figures are
computed live.
"""
import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import tallies

TALLY_TIME = datetime.time(0, 20)


@task()
def refresh_care_tallies_daily() -> int:
    # A backend that cannot defer would run tomorrow's round at once, forever.
    if refresh_care_tallies_daily.get_backend().supports_defer and not _queued():
        refresh_care_tallies_daily.using(run_after=next_run(timezone.localtime())).enqueue()
    return tallies.refresh()


def next_run(now: datetime.datetime) -> datetime.datetime:
    """Tomorrow at TALLY_TIME, in the city's time zone."""
    tomorrow = now.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, TALLY_TIME, tzinfo=timezone.get_current_timezone())


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    if _queued():
        return False
    refresh_care_tallies_daily.enqueue()
    return True


def _queued() -> bool:
    if not isinstance(refresh_care_tallies_daily.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=refresh_care_tallies_daily.module_path, status=TaskResultStatus.READY
    ).exists()
