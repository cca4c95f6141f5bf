"""Help tasks (求助任务): offered in a community or grid, taken by a volunteer (or
assigned by staff), completed with the actual hours as a service record that counts
once confirmed, cancelled, and escalated to the community when nobody takes them."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wangge.accounts.scope import OutOfScope, Scope
from wangge.cases.models import Notification
from wangge.volunteers import selectors, services, tasks
from wangge.volunteers.models import HelpTask, ServiceRecord, TaskStatus, Volunteer

NOON = datetime.datetime(2026, 6, 5, 12, 0, tzinfo=datetime.UTC)


def test_a_task_takes_the_place_of_the_resident_it_helps(city, head_scope):
    task = services.create_task(scope=head_scope, actor=city.community_head, data={
        "title": "代缴水电费", "resident": city.resident.pk, "needed_on": datetime.date(2026, 6, 6)})
    assert (task.area_code, task.household, task.status, task.created_by) == (
        city.grid.code, city.household, TaskStatus.OPEN, city.community_head)


def test_a_task_is_checked(city, head_scope):
    with pytest.raises(ValidationError) as error:
        services.create_task(scope=Scope.for_user(city.street_staff), actor=city.street_staff, data={
            "title": "", "area": city.street.code, "skill": "flying", "needed_on": None,
            "time_from": datetime.time(10), "time_to": datetime.time(9), "estimated_hours": "30"})
    assert set(error.value.message_dict) == {"title", "skill", "needed_on", "time_to", "estimated_hours", "area"}
    with pytest.raises(ValidationError) as error:  # the resident lives in another grid
        services.create_task(scope=head_scope, actor=city.community_head, data={
            "title": "代买菜", "area": city.grid.code, "resident": city.resident_b.pk,
            "needed_on": datetime.date(2026, 6, 6)})
    assert set(error.value.message_dict) == {"resident"}
    with pytest.raises(OutOfScope):
        services.create_task(scope=Scope.for_user(city.other_grid_worker), actor=city.other_grid_worker, data={
            "title": "越权", "area": city.grid.code, "needed_on": datetime.date(2026, 6, 6)})


def test_a_volunteer_takes_a_task_once(city, vol, make_task):
    task = make_task()
    vol_scope = Scope.for_user(vol.user)
    assert not vol_scope.codes  # a volunteer holds no area scope, yet sees the tasks on offer
    assert selectors.may_accept(vol.user, task)
    task = services.accept_task(scope=vol_scope, actor=vol.user, task=task, now=NOON)
    assert (task.status, task.volunteer, task.accepted_by, task.accepted_at) == (
        TaskStatus.ACCEPTED, vol, vol.user, NOON)
    other = Volunteer.objects.create(name="王", area=city.community)
    with pytest.raises(ValidationError) as error:
        services.accept_task(scope=Scope.for_user(city.community_head), actor=city.community_head, task=task,
                             volunteer=other)
    assert set(error.value.message_dict) == {"status"}


def test_staff_assign_only_a_volunteer_of_the_tasks_community(city, vol, make_task, head_scope):
    task = make_task()
    elsewhere = Volunteer.objects.create(name="周", area=city.other_community)
    with pytest.raises(ValidationError):
        services.accept_task(scope=Scope.for_user(city.city_admin), actor=city.city_admin, task=task,
                             volunteer=elsewhere)
    with pytest.raises(OutOfScope):  # a grid worker of another grid
        services.accept_task(scope=Scope.for_user(city.other_grid_worker), actor=city.other_grid_worker,
                             task=task, volunteer=vol)
    task = services.accept_task(scope=head_scope, actor=city.community_head, task=task, volunteer=vol)
    assert (task.volunteer, task.accepted_by) == (vol, city.community_head)


def test_a_volunteer_of_another_community_cannot_take_the_task(city, make_task):
    from wangge.testing import user

    outsider = user("vol2", "volunteer", city.other_community)
    Volunteer.objects.create(name="周", area=city.other_community, user=outsider)
    task = make_task()
    assert not selectors.tasks_for(outsider).exists()
    with pytest.raises(OutOfScope):
        services.accept_task(scope=Scope.for_user(outsider), actor=outsider, task=task)


def hours_of(volunteer) -> Decimal:
    return selectors.volunteers_for(Scope.of("220184"), include_inactive=True).get(pk=volunteer.pk).total_hours


def test_completing_records_the_hours_and_only_confirmed_hours_count(city, vol, make_task, head_scope):
    # Staff register the completion: the hours are confirmed by them as organisers.
    first = services.accept_task(scope=head_scope, actor=city.community_head, task=make_task(), volunteer=vol)
    first = services.complete_task(scope=head_scope, actor=city.community_head, task=first,
                                   data={"hours": "1.5", "date": datetime.date(2026, 6, 6)}, now=NOON.replace(day=7))
    record = first.record
    assert (first.status, record.volunteer, record.hours, record.date, record.activity) == (
        TaskStatus.DONE, vol, Decimal("1.5"), datetime.date(2026, 6, 6), "求助任务：代买药品")
    assert (record.confirmed_by, record.recorded_by, first.completed_by) == (
        city.community_head, city.community_head, city.community_head)

    # The volunteer reports their own task done: the hours wait for the organiser.
    vol_scope = Scope.for_user(vol.user)
    second = services.accept_task(scope=vol_scope, actor=vol.user, task=make_task(title="陪同就医"))
    second = services.complete_task(scope=vol_scope, actor=vol.user, task=second, data={"hours": 3})
    assert not second.record.confirmed
    assert hours_of(vol) == Decimal("1.5")
    assert selectors.hours_totals(head_scope)["unconfirmed_records"] == 1

    services.confirm_service(scope=head_scope, actor=city.community_head, record=second.record)
    assert hours_of(vol) == Decimal("4.5")
    assert ServiceRecord.objects.filter(volunteer=vol).count() == 2


def test_completion_is_checked(city, vol, make_task, head_scope):
    task = make_task()
    with pytest.raises(ValidationError) as error:  # nobody took it yet
        services.complete_task(scope=head_scope, actor=city.community_head, task=task, data={"hours": 1})
    assert set(error.value.message_dict) == {"status"}
    task = services.accept_task(scope=head_scope, actor=city.community_head, task=task, volunteer=vol)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.complete_task(scope=head_scope, actor=city.community_head, task=task,
                               data={"hours": "0", "date": tomorrow})
    assert set(error.value.message_dict) == {"hours", "date"}
    with pytest.raises(OutOfScope):  # another grid's worker, who is not the volunteer either
        services.complete_task(scope=Scope.for_user(city.other_grid_worker), actor=city.other_grid_worker,
                               task=task, data={"hours": 1})
    assert not ServiceRecord.objects.exists()


def test_cancelling_and_changing(city, vol, make_task, head_scope):
    task = services.update_task(scope=head_scope, task=make_task(), data={"title": "代买降压药", "skill": ""})
    assert (task.title, task.skill) == ("代买降压药", "")
    task = services.accept_task(scope=head_scope, actor=city.community_head, task=task, volunteer=vol)
    with pytest.raises(ValidationError):  # taken: no more changes
        services.update_task(scope=head_scope, task=task, data={"title": "改"})
    with pytest.raises(OutOfScope):  # the volunteer may not cancel it
        services.cancel_task(scope=Scope.for_user(vol.user), actor=vol.user, task=task)
    task = services.cancel_task(scope=head_scope, actor=city.community_head, task=task, reason="家属已代办")
    assert (task.status, task.cancel_reason) == (TaskStatus.CANCELLED, "家属已代办")
    with pytest.raises(ValidationError):
        services.cancel_task(scope=head_scope, actor=city.community_head, task=task)


# --- escalation --------------------------------------------------------------------------
def test_unaccepted_tasks_go_to_the_community_after_the_set_time(city, vol, make_task, settings, head_scope):
    settings.WANGGE_TASK_ACCEPT_HOURS = 24
    offered = NOON - datetime.timedelta(hours=30)
    late = services.create_task(scope=head_scope, actor=city.community_head, now=offered, data={
        "title": "代取快递", "area": city.grid_b.code, "needed_on": datetime.date(2026, 6, 6)})
    recent = services.create_task(scope=head_scope, actor=city.community_head, now=NOON - datetime.timedelta(hours=23),
                                  data={"title": "代买菜", "area": city.grid.code, "needed_on": datetime.date(2026, 6, 6)})
    taken = services.create_task(scope=head_scope, actor=city.community_head, now=offered,
                                 data={"title": "陪同就医", "area": city.grid.code, "needed_on": datetime.date(2026, 6, 6)})
    services.accept_task(scope=head_scope, actor=city.community_head, task=taken, volunteer=vol, now=offered)

    assert [t.pk for t in services.escalate_unaccepted(now=NOON)] == [late.pk]
    late.refresh_from_db()
    assert (late.status, late.escalated_at) == (TaskStatus.ESCALATED, NOON)
    assert HelpTask.objects.get(pk=recent.pk).status == TaskStatus.OPEN
    assert HelpTask.objects.get(pk=taken.pk).status == TaskStatus.ACCEPTED
    # The community's staff hear of it through the bell; the grid worker does not.
    [note] = Notification.objects.all()
    assert (note.user, note.case) == (city.community_head, None)
    assert "代取快递" in note.text and "24" in note.text
    # It comes first in the community's list, and stays on offer to volunteers.
    assert selectors.tasks_for(city.community_head).first() == late
    assert selectors.may_accept(vol.user, HelpTask.objects.get(pk=late.pk))
    # A run half an hour later finds nothing new; one an hour later, the next task due.
    assert services.escalate_unaccepted(now=NOON + datetime.timedelta(minutes=30)) == []
    assert [t.pk for t in services.escalate_unaccepted(now=NOON + datetime.timedelta(hours=1))] == [recent.pk]
    assert Notification.objects.count() == 2


def test_the_command_escalates_now_or_queues_the_periodic_job(city, make_task, capsys, settings):
    settings.WANGGE_TASK_ACCEPT_HOURS = 0
    make_task()
    call_command("escalate_tasks")
    assert "1 unaccepted task(s) escalated" in capsys.readouterr().out
    call_command("escalate_tasks", "--schedule")
    call_command("escalate_tasks", "--schedule")
    assert capsys.readouterr().out.splitlines() == [
        "queued the periodic task escalation", "the periodic task escalation is already queued"]


@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_background_task_runs_in_the_worker_and_schedules_its_next_run(city, make_task, settings):
    settings.WANGGE_TASK_ACCEPT_HOURS = 0
    settings.WANGGE_ESCALATION_INTERVAL_MINUTES = 30
    task = make_task()
    assert tasks.schedule() is True
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert HelpTask.objects.get(pk=task.pk).status == TaskStatus.ESCALATED
    done, waiting = (DBTaskResult.objects.filter(status=s) for s in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY))
    assert done.get().return_value == [task.pk]
    assert datetime.timedelta(minutes=29) < waiting.get().run_after - timezone.now() <= datetime.timedelta(minutes=30)
