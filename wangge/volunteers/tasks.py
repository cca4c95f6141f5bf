"""The periodic job that escalates unaccepted help tasks to their community, as a
django-tasks task run by ``manage.py db_worker``.

Like the case escalation (wangge.cases.tasks), the task keeps itself going: each
run first queues the next one WANGGE_ESCALATION_INTERVAL_MINUTES later (so a
failing run does not break the chain), then escalates. :func:`schedule` starts
the chain and does nothing while a run is already waiting.
"""
import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import services


@task()
def escalate_tasks_periodically() -> list[int]:
    # A backend that cannot defer (the immediate one, in development) would run
    # the next round at once, forever; there each run is started by hand.
    if escalate_tasks_periodically.get_backend().supports_defer and not _queued():
        interval = datetime.timedelta(minutes=settings.WANGGE_ESCALATION_INTERVAL_MINUTES)
        escalate_tasks_periodically.using(run_after=timezone.now() + interval).enqueue()
    return [t.pk for t in services.escalate_unaccepted()]


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    if _queued():
        return False
    escalate_tasks_periodically.enqueue()
    return True


def _queued() -> bool:
    """Is a run waiting in the database queue? (Other backends keep no queue to look at.)"""
    if not isinstance(escalate_tasks_periodically.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=escalate_tasks_periodically.module_path, status=TaskResultStatus.READY
    ).exists()
