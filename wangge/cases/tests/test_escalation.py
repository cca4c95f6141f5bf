"""The escalation job: overdue cases go up one level with the reason 超期自动升级,
the new owner is notified, and the job keeps itself scheduled in the task queue."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wangge.cases import tasks
from wangge.cases.models import Case, Notification

PAST = timezone.now() - datetime.timedelta(hours=1)


@pytest.fixture
def overdue(city, make_case):
    return make_case(status="in_progress", owner_user=city.grid_worker, deadline=timezone.now() - datetime.timedelta(hours=1))


def test_the_command_escalates_overdue_cases_one_level(city, staff, overdue, make_case, capsys):
    on_time = make_case(status="in_progress")
    at_city = make_case(status="accepted", level="city", deadline=PAST)
    waiting_check = make_case(status="handled", deadline=PAST)
    unaccepted = make_case(status="reported", level="community", deadline=PAST)

    call_command("escalate_overdue")
    assert "2 overdue case(s) escalated" in capsys.readouterr().out

    overdue.refresh_from_db()
    assert (overdue.level, overdue.status, overdue.owner_kind, overdue.owner_area.code, overdue.escalated_count) == (
        "community", "dispatched", "office", "220184001001", 1)
    assert overdue.deadline > timezone.now() and overdue.version == 2
    event = overdue.events.get()
    assert (event.actor, event.actor_label, event.action, event.note) == (None, "系统", "escalate", "超期自动升级")
    assert (event.from_level, event.to_level) == ("grid", "community")
    # The community's staff hear of it; the grid worker does not.
    assert set(Notification.objects.filter(case=overdue).values_list("user__username", flat=True)) == {"head", "cs"}

    unaccepted.refresh_from_db()
    assert (unaccepted.level, unaccepted.status) == ("street", "reported")
    assert Notification.objects.get(case=unaccepted).user == city.street_staff
    for unchanged in (on_time, at_city, waiting_check):
        assert Case.objects.get(pk=unchanged.pk).version == 1

    # Escalated cases have a new deadline: a second run finds nothing.
    call_command("escalate_overdue")
    assert "0 overdue case(s) escalated" in capsys.readouterr().out


# The worker closes database connections between tasks, which only a test that
# really commits survives; such a test starts from the seeded rows it needs itself
# (serialized rollback cannot restore them once a browser test has run).
@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_background_task_runs_in_the_worker_and_schedules_its_next_run(city, overdue, settings):
    settings.WANGGE_ESCALATION_INTERVAL_MINUTES = 30
    assert tasks.schedule() is True
    assert tasks.schedule() is False  # already waiting: starting the app twice queues once
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    overdue.refresh_from_db()
    assert overdue.level == "community"
    done, waiting = (DBTaskResult.objects.filter(status=s) for s in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY))
    assert done.get().return_value == [overdue.number]
    next_run = waiting.get().run_after
    assert datetime.timedelta(minutes=29) < next_run - timezone.now() <= datetime.timedelta(minutes=30)


def test_the_command_can_queue_the_periodic_job(db, capsys):
    call_command("escalate_overdue", "--schedule")
    call_command("escalate_overdue", "--schedule")
    assert capsys.readouterr().out.splitlines() == [
        "queued the periodic escalation", "the periodic escalation is already queued",
    ]
    assert DBTaskResult.objects.count() == 1
