"""The daily care-visit reminders, as a django-tasks task run by ``manage.py db_worker``.

Like the escalation job (wangge.cases.tasks), the task keeps itself going:
each run first queues the next one for tomorrow at REMINDER_TIME (so a failing
run does not break the chain), then sends. Reminders are recorded per resident,
due date and stage, so an extra run on the same day sends nothing twice.
"""
import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import services

REMINDER_TIME = datetime.time(8, 0)


@task()
def send_care_reminders_daily() -> int:
    # A backend that cannot defer would run tomorrow's round at once, forever.
    if send_care_reminders_daily.get_backend().supports_defer and not _queued():
        send_care_reminders_daily.using(run_after=next_run(timezone.localtime())).enqueue()
    return services.send_care_reminders()


def next_run(now: datetime.datetime) -> datetime.datetime:
    """Tomorrow at REMINDER_TIME, in the city's time zone."""
    tomorrow = now.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, REMINDER_TIME, tzinfo=timezone.get_current_timezone())


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    if _queued():
        return False
    send_care_reminders_daily.enqueue()
    return True


def _queued() -> bool:
    if not isinstance(send_care_reminders_daily.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=send_care_reminders_daily.module_path, status=TaskResultStatus.READY
    ).exists()
