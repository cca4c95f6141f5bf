"""The nightly care tallies (wangge.stats.tallies.refresh), as a django-tasks task run by
``manage.py db_worker``.

Like the care reminders (wangge.visits.tasks), the task keeps itself going: each run first queues
the next one for tomorrow at TALLY_TIME (so a failing run does not break the chain), then
computes. A run missed or failed costs only speed: without today's tallies the care figures are
computed live.
"""
import datetime

from django_tasks import task

from wangge import jobs

from . import tallies

TALLY_TIME = datetime.time(0, 20)


@task()
def refresh_care_tallies_daily() -> int:
    jobs.queue_next(refresh_care_tallies_daily, jobs.tomorrow_at(TALLY_TIME))
    return tallies.refresh()


def schedule() -> bool:
    """Queue a run now unless one is already waiting; True when one was queued."""
    return jobs.schedule(refresh_care_tallies_daily)
