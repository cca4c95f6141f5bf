"""Care reminders: on the due day and once overdue, to the grid's worker, never twice."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wangge.cases.notifications import for_user
from wangge.testing import resident
from wangge.visits import services, tasks

from .conftest import at

D = datetime.date


@pytest.fixture
def lonely(city, make_visit, tag_resident):
    """刘伊蕊 lives alone; her last visit was on 1 June, so she is due on 8 June."""
    tag_resident(city.resident, "living_alone", registered=D(2026, 1, 1))
    make_visit(city.household, by=city.grid_worker, when=at(D(2026, 6, 1)))
    return city.resident


@pytest.mark.django_db
def test_the_grid_worker_is_reminded_on_the_due_day_and_once_overdue(city, lonely):
    assert services.send_care_reminders(D(2026, 6, 7)) == 0
    assert services.send_care_reminders(D(2026, 6, 8)) == 1
    assert services.send_care_reminders(D(2026, 6, 8)) == 0  # a second run the same day
    assert services.send_care_reminders(D(2026, 6, 9)) == 1
    assert services.send_care_reminders(D(2026, 6, 10)) == 0
    texts = [n.text for n in for_user(city.grid_worker).order_by("pk")]
    assert texts == [
        "关爱走访提醒：今日到期 1 人：刘伊蕊（独居老人·定期走访）",
        "关爱走访提醒：已超期 1 人：刘伊蕊（独居老人·定期走访）",
    ]
    assert not for_user(city.community_head).exists()


@pytest.mark.django_db
def test_a_visit_moves_the_next_reminder(city, lonely, make_visit):
    services.send_care_reminders(D(2026, 6, 9))
    make_visit(city.household, by=city.grid_worker, when=at(D(2026, 6, 9), hour=15))
    assert services.send_care_reminders(D(2026, 6, 10)) == 0
    assert services.send_care_reminders(D(2026, 6, 16)) == 1


@pytest.mark.django_db
def test_a_grid_without_a_worker_is_reminded_to_the_community(city, tag_resident):
    tag_resident(city.resident_b, "disabled", registered=D(2026, 6, 1))
    assert services.send_care_reminders(D(2026, 6, 1)) == 1
    assert [n.text for n in for_user(city.community_head)] == ["关爱走访提醒：今日到期 1 人：王建国（残疾人·定期走访）"]


@pytest.mark.django_db
def test_many_residents_make_one_short_message(city, tag_resident):
    for i in range(7):
        tag_resident(resident(f"老人{i}", city.household), "living_alone", registered=D(2026, 6, 1))
    assert services.send_care_reminders(D(2026, 6, 1)) == 1
    text, = [n.text for n in for_user(city.grid_worker)]
    assert text.startswith("关爱走访提醒：今日到期 7 人：") and text.endswith("等 7 人")


@pytest.mark.django_db
def test_the_command_sends_for_a_given_day(city, lonely, capsys):
    call_command("care_reminders", "--date", "2026-06-08")
    assert "1 reminder(s) sent" in capsys.readouterr().out


def test_the_daily_task_runs_in_the_worker_and_queues_tomorrows_run(seeded_transactional_db, city, lonely):
    assert tasks.schedule() is True
    assert tasks.schedule() is False
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    done, waiting = (DBTaskResult.objects.filter(status=s) for s in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY))
    assert done.get().return_value == 1  # today 刘伊蕊 is long overdue
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert timezone.localtime(waiting.get().run_after) == datetime.datetime.combine(
        tomorrow, tasks.REMINDER_TIME, tzinfo=timezone.get_current_timezone()
    )
