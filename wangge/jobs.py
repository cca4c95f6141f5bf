"""Jobs that keep themselves going on the django-tasks database queue.

django-tasks has no scheduler, so a periodic job queues its own next run: each run
first calls :func:`queue_next` (before its work, so that a failing run does not break
the chain), then works. :func:`schedule` starts a chain and is safe to call at every
start of the app (scripts/serve, scripts/demo): it does nothing while a run is waiting.
Used by the escalation of cases (wangge.cases.tasks) and of help tasks
(wangge.volunteers.tasks), the care reminders (wangge.visits.tasks) and the care
tallies (wangge.stats.tasks).
"""
import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def queued(task) -> bool:
    """Is a run of ``task`` waiting in the database queue? (Other backends keep no queue to look at.)"""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()


def schedule(task) -> bool:
    """Queue a run of ``task`` now unless one is already waiting; True when one was queued."""
    if queued(task):
        return False
    task.enqueue()
    return True


def queue_next(task, run_after: datetime.datetime) -> None:
    """Queue the chain's next run at ``run_after``, unless one is waiting already.

    A backend that cannot defer (the immediate one, in development) would run the next round
    at once, forever: there each run is started by hand."""
    if task.get_backend().supports_defer and not queued(task):
        task.using(run_after=run_after).enqueue()


def tomorrow_at(time: datetime.time, now: datetime.datetime | None = None) -> datetime.datetime:
    """Tomorrow at ``time``, in the city's time zone."""
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, time, tzinfo=timezone.get_current_timezone())
