"""The periodic escalation job, as a django-tasks task run by ``manage.py db_worker``.

django-tasks has no scheduler, so the task keeps itself going: each run first
queues the next one WANGGE_ESCALATION_INTERVAL_MINUTES later (so a failing run
does not break the chain), then escalates. :func:`schedule` starts the chain
and is safe to call at every start of the app: it does nothing while a run is
already waiting.
"""
import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import services


@task()
def escalate_overdue_periodically() -> list[str]:
    # A backend that cannot defer (the immediate one, in development) would run
    # the next round at once, forever; there each run is started by hand.
    if escalate_overdue_periodically.get_backend().supports_defer and not _queued():
        interval = datetime.timedelta(minutes=settings.WANGGE_ESCALATION_INTERVAL_MINUTES)
        escalate_overdue_periodically.using(run_after=timezone.now() + interval).enqueue()
    return services.escalate_overdue()


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    if _queued():
        return False
    escalate_overdue_periodically.enqueue()
    return True


def _queued() -> bool:
    """Is a run waiting in the database queue? (Other backends keep no queue to look at.)"""
    if not isinstance(escalate_overdue_periodically.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=escalate_overdue_periodically.module_path, status=TaskResultStatus.READY
    ).exists()
