"""The daily care-visit reminders, as a django-tasks task run by ``manage.py db_worker``.

Like the escalation job (wangge.cases.tasks), the task keeps itself going:
each run first queues the next one for tomorrow at REMINDER_TIME (so a failing
run does not break the chain), then sends. Reminders are recorded per resident,
due date and stage, so an extra run on the same day sends nothing twice.
"""
import datetime

from django_tasks import task

from wangge import jobs

from . import services

REMINDER_TIME = datetime.time(8, 0)


@task()
def send_care_reminders_daily() -> int:
    jobs.queue_next(send_care_reminders_daily, jobs.tomorrow_at(REMINDER_TIME))
    return services.send_care_reminders()


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    return jobs.schedule(send_care_reminders_daily)
