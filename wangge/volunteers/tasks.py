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
from django_tasks import task

from wangge import jobs

from . import services


@task()
def escalate_tasks_periodically() -> list[int]:
    interval = datetime.timedelta(minutes=settings.WANGGE_ESCALATION_INTERVAL_MINUTES)
    jobs.queue_next(escalate_tasks_periodically, timezone.now() + interval)
    return [t.pk for t in services.escalate_unaccepted()]


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    return jobs.schedule(escalate_tasks_periodically)
