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
from django_tasks import task

from wangge import jobs

from . import services


@task()
def escalate_overdue_periodically() -> list[str]:
    interval = datetime.timedelta(minutes=settings.WANGGE_ESCALATION_INTERVAL_MINUTES)
    jobs.queue_next(escalate_overdue_periodically, timezone.now() + interval)
    return services.escalate_overdue()


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    return jobs.schedule(escalate_overdue_periodically)
