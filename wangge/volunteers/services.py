"""Writes of volunteers, teams and service records; each checks the target area
against the actor's scope (outside it: 404)."""
import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import OutOfScope, Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area, Household
from wangge.areas.selectors import area_field
from wangge.cases import notifications
from wangge.people.models import Resident
from wangge.validation import save_named

from .models import HelpTask, ServiceRecord, Skill, TaskStatus, Team, Volunteer

VOLUNTEER_FIELDS = ("name", "phone", "availability", "is_governance_partner", "is_active")


def _area(scope: Scope, code, errors: dict, *, community_or_above: bool = False) -> Area | None:
    area = area_field(scope, code, errors)
    if area is not None and community_or_above and len(area.code) > LEVEL_LENGTHS[Level.COMMUNITY]:
        errors["area"] = [_("志愿者登记在社区，请选择社区")]
    return area


def _skills(skills, errors: dict) -> list[str]:
    skills = list(dict.fromkeys(skills or []))
    unknown = [s for s in skills if s not in Skill.values]
    if unknown:
        errors["skills"] = [_("未知技能：%(skills)s") % {"skills": ", ".join(unknown)}]
    return skills


def _resident(scope: Scope, pk, errors: dict) -> Resident | None:
    if not pk:
        return None
    resident = scope.filter(Resident).filter(pk=pk).first()
    if resident is None:
        errors["resident"] = [_("未找到该居民")]
    return resident


def _check_resident(volunteer: Volunteer, errors: dict) -> None:
    """One resident, one registration (the ledger's natural key too): a resident
    registered already, here or in another community, is not registered again."""
    if volunteer.resident is None or "resident" in errors:
        return
    if Volunteer.objects.filter(resident=volunteer.resident).exclude(pk=volunteer.pk).exists():
        errors["resident"] = [_("该居民已登记为志愿者")]


def register_volunteer(*, scope: Scope, data: dict) -> Volunteer:
    """志愿者注册 in a community in scope, linked to a resident of it when they live
    here (without an area, the resident's community)."""
    errors: dict = {}
    resident = _resident(scope, data.get("resident"), errors)
    code = data.get("area") or (resident.area_code[:LEVEL_LENGTHS[Level.COMMUNITY]] if resident else "")
    area = _area(scope, code, errors, community_or_above=True)
    volunteer = Volunteer(area=area, **{f: data[f] for f in VOLUNTEER_FIELDS if data.get(f) is not None})
    volunteer.skills = _skills(data.get("skills"), errors)
    volunteer.resident = resident
    if volunteer.resident and not volunteer.name:
        volunteer.name = volunteer.resident.name
    _check_resident(volunteer, errors)
    return save_named(volunteer, errors, duplicate=_("该志愿者已登记"), blank=_("请填写姓名"))


def update_volunteer(*, scope: Scope, volunteer: Volunteer, data: dict) -> Volunteer:
    scope.require(volunteer.area_code)
    errors: dict = {}
    if data.get("area"):
        volunteer.area = _area(scope, data["area"], errors, community_or_above=True)
    for name in VOLUNTEER_FIELDS:
        if data.get(name) is not None:
            setattr(volunteer, name, data[name])
    if data.get("skills") is not None:
        volunteer.skills = _skills(data["skills"], errors)
    if "resident" in data:
        volunteer.resident = _resident(scope, data["resident"], errors)
        _check_resident(volunteer, errors)
    return save_named(volunteer, errors, duplicate=_("该志愿者已登记"), blank=_("请填写姓名"))


def _volunteer(scope: Scope, pk, errors: dict, name: str = "volunteer") -> Volunteer | None:
    if not pk:
        return None
    volunteer = scope.filter(Volunteer).filter(pk=pk).first()
    if volunteer is None:
        errors[name] = [_("未找到该志愿者")]
    return volunteer


def create_team(*, scope: Scope, data: dict) -> Team:
    errors: dict = {}
    team = Team(
        area=_area(scope, data.get("area"), errors), name=(data.get("name") or "").strip(),
        description=data.get("description") or "",
    )
    team.leader = _volunteer(scope, data.get("leader"), errors, "leader")
    members = [_volunteer(scope, pk, errors, "members") for pk in data.get("members") or []]
    with transaction.atomic():
        save_named(team, errors, duplicate=_("该区域已有同名服务队"))
        team.members.set([m for m in members if m] + ([team.leader] if team.leader else []))
    return team


def update_team(*, scope: Scope, team: Team, data: dict) -> Team:
    scope.require(team.area_code)
    errors: dict = {}
    if data.get("area"):
        team.area = _area(scope, data["area"], errors)
    for name in ("name", "description", "is_active"):
        if data.get(name) is not None:
            setattr(team, name, data[name])
    if "leader" in data:
        team.leader = _volunteer(scope, data["leader"], errors, "leader")
    members = None
    if data.get("members") is not None:
        members = [_volunteer(scope, pk, errors, "members") for pk in data["members"]]
    with transaction.atomic():
        save_named(team, errors, duplicate=_("该区域已有同名服务队"))
        if members is not None:
            team.members.set([m for m in members if m])
        if team.leader:
            team.members.add(team.leader)
    return team


def _hours(value, errors: dict) -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError):
        errors["hours"] = [_("请填写服务时长")]
        return None
    if not (Decimal(0) < hours <= Decimal(24)):
        errors["hours"] = [_("服务时长应在 0.1 至 24 小时之间（实际服务时间，不含路程）")]
    return hours


def record_service(*, scope: Scope, actor, volunteer: Volunteer, data: dict) -> ServiceRecord:
    """A service record, unconfirmed until the organiser confirms it. Staff who record
    it as organisers may confirm it at once (``confirm``: true).

    ``linked_activity`` (an activity id in scope) ties the record to the activity it
    was done in, once per volunteer; ``activity`` (what was done) then defaults to
    the activity's title."""
    scope.require(volunteer.area_code)
    errors: dict = {}
    date = data.get("date")
    if date is None:
        errors["date"] = [_("请填写服务日期")]
    elif date > timezone.localdate():
        errors["date"] = [_("服务日期不能晚于今天")]
    hours = _hours(data.get("hours"), errors)
    linked = None
    if data.get("linked_activity"):
        from wangge.activities.models import Activity

        linked = scope.filter(Activity).filter(pk=data["linked_activity"]).first()
        if linked is None:
            errors["linked_activity"] = [_("未找到该服务活动")]
        elif linked.service_records.filter(volunteer=volunteer).exists():
            errors["linked_activity"] = [_("已登记过该志愿者在本次活动的服务时长")]
    activity = (data.get("activity") or "").strip() or (linked.title if linked else "")
    if not activity and "linked_activity" not in errors:
        errors["activity"] = [_("请填写服务项目")]
    team = None
    if data.get("team"):
        team = scope.filter(Team).filter(pk=data["team"]).first()
        if team is None:
            errors["team"] = [_("未找到该服务队")]
    if errors:
        raise ValidationError(errors)
    record = ServiceRecord(
        volunteer=volunteer, team=team, activity=activity[:200], linked_activity=linked, date=date, hours=hours,
        note=(data.get("note") or "")[:500], recorded_by=actor,
    )
    if data.get("confirm"):
        _check_confirmer(record, actor)
        record.confirmed_by, record.confirmed_at = actor, timezone.now()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same volunteer recorded on the same activity at the same moment
        raise ValidationError({"linked_activity": [_("已登记过该志愿者在本次活动的服务时长")]})
    return record


def _check_confirmer(record: ServiceRecord, actor) -> None:
    if record.volunteer.user_id is not None and record.volunteer.user_id == actor.pk:
        raise ValidationError({"confirm": [_("不能确认自己的服务时长")]})


def confirm_service(*, scope: Scope, actor, record: ServiceRecord) -> ServiceRecord:
    """The organiser confirms the hours (组织方确认); confirming twice changes nothing."""
    scope.require(record.area_code)
    if record.confirmed:
        return record
    _check_confirmer(record, actor)
    record.confirmed_by, record.confirmed_at = actor, timezone.now()
    record.save(update_fields=["confirmed_by", "confirmed_at"])
    return record


# --- help tasks (求助任务) ---------------------------------------------------------------
TASK_TEXT_FIELDS = {"title": 100, "description": 2000, "place": 200}
TASK_FIELDS = (*TASK_TEXT_FIELDS, "skill", "area", "resident", "household", "team", "need", "needed_on",
               "time_from", "time_to", "estimated_hours")


def _task_values(scope: Scope, task: HelpTask, data: dict) -> None:
    """Set the given fields of a task, checking each; raises one ValidationError for all."""
    from wangge.visits.models import Need

    errors: dict = {}
    for name, length in TASK_TEXT_FIELDS.items():
        if data.get(name) is not None:
            setattr(task, name, str(data[name]).strip()[:length])
    if not task.title:
        errors["title"] = [_("请填写任务")]
    if data.get("skill") is not None:
        task.skill = data["skill"] or ""
        if task.skill and task.skill not in Skill.values:
            errors["skill"] = [_("未知技能：%(skills)s") % {"skills": task.skill}]
    if "resident" in data:
        task.resident = _resident(scope, data["resident"], errors)
    if "household" in data:
        task.household = None
        if data["household"]:
            task.household = scope.filter(Household).filter(pk=data["household"]).first()
            if task.household is None:
                errors["household"] = [_("未找到该户")]
    if task.household is None and task.resident is not None and task.resident.household_id:
        task.household = task.resident.household
    if data.get("area"):
        task.area = _area(scope, data["area"], errors)
    elif task.area_id is None:
        # The place of the person helped is the task's place when none is named.
        code = task.household.area_code if task.household else (task.resident.area_code if task.resident else "")
        if code:
            task.area = _area(scope, code, errors)
        else:
            errors["area"] = [_("请选择区域")]
    if task.area_id and "area" not in errors:
        code = task.area.code
        if len(code) < LEVEL_LENGTHS[Level.COMMUNITY]:
            errors["area"] = [_("求助任务属于一个社区或网格，请选择社区或网格")]
        for name, obj in (("resident", task.resident), ("household", task.household)):
            if obj is not None and name not in errors and not (obj.area_code.startswith(code)
                                                               or code.startswith(obj.area_code)):
                errors[name] = [_("不在任务所在区域内")]
                break  # a household taken from the resident is the same mistake
    if "team" in data:
        task.team = None
        if data["team"]:
            task.team = scope.filter(Team).filter(pk=data["team"]).first()
            if task.team is None:
                errors["team"] = [_("未找到该服务队")]
    if "need" in data:
        task.need = None
        if data["need"]:
            task.need = scope.filter(Need).filter(pk=data["need"]).first()
            if task.need is None:
                errors["need"] = [_("未找到该走访诉求")]
    for name in ("needed_on", "time_from", "time_to"):
        if name in data:
            setattr(task, name, data[name])
    if task.needed_on is None:
        errors["needed_on"] = [_("请填写需要的日期")]
    if task.time_from and task.time_to and task.time_to <= task.time_from:
        errors["time_to"] = [_("结束时间应晚于开始时间")]
    if "estimated_hours" in data:
        task.estimated_hours = None
        if data["estimated_hours"] not in (None, ""):
            task.estimated_hours = _hours(data["estimated_hours"], errors)
            if "hours" in errors:
                errors["estimated_hours"] = errors.pop("hours")
    if errors:
        raise ValidationError(errors)


def create_task(*, scope: Scope, actor, data: dict, now: datetime.datetime | None = None) -> HelpTask:
    """Offer a task (求助任务) to the volunteers of a community or grid in scope. The
    area may be left out when a resident or household is named: theirs is used.
    ``now`` sets the time of offering (for loaders of past data)."""
    task = HelpTask(created_by=actor, created_at=now or timezone.now())
    _task_values(scope, task, {name: data[name] for name in TASK_FIELDS if name in data})
    task.save()
    return task


def update_task(*, scope: Scope, task: HelpTask, data: dict) -> HelpTask:
    """Change a task while nobody has accepted it yet."""
    scope.require(task.area_code)
    if not task.is_unaccepted:
        raise ValidationError({"status": [_("任务已有人接单或已结束，不能再修改")]})
    _task_values(scope, task, {name: data[name] for name in TASK_FIELDS if name in data})
    task.save()
    return task


def _locked(task: HelpTask) -> HelpTask:
    """The task's current row, locked until the transaction ends (two volunteers
    tapping 接单 at once: the second sees it taken)."""
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return HelpTask.objects.select_for_update().get(pk=task.pk)


def accept_task(*, scope: Scope, actor, task: HelpTask, volunteer: Volunteer | None = None,
                now: datetime.datetime | None = None) -> HelpTask:
    """A volunteer takes the task (接单). Without ``volunteer`` the actor takes it
    through their own volunteer registration in the task's community; with one,
    staff whose scope covers the task assign that volunteer of the community."""
    with transaction.atomic():
        task = _locked(task)
        if volunteer is not None:
            scope.require(task.area_code)
            if not (scope.covers(volunteer.area_code) and volunteer.is_active
                    and volunteer.area_code == task.community_code):
                raise ValidationError({"volunteer": [_("只能指派本社区在册的志愿者")]})
        else:
            volunteer = Volunteer.objects.filter(user=actor, is_active=True, area_code=task.community_code).first()
            if volunteer is None:
                if not scope.covers(task.area_code):
                    raise OutOfScope(_("未找到，或不在您的管辖范围内"))
                raise ValidationError({"volunteer": [_("请选择志愿者")]})
        if not task.is_unaccepted:
            raise ValidationError({"status": [_("该任务已有人接单或已结束")]})
        task.status, task.volunteer, task.accepted_by = TaskStatus.ACCEPTED, volunteer, actor
        task.accepted_at = now or timezone.now()
        task.save(update_fields=["status", "volunteer", "accepted_by", "accepted_at"])
    return task


def complete_task(*, scope: Scope, actor, task: HelpTask, data: dict,
                  now: datetime.datetime | None = None) -> HelpTask:
    """The task is done: its hours become the volunteer's service record (actual
    service time, no travel). Staff of the task's area who register completion
    confirm the hours as organisers; a volunteer reporting their own task done
    leaves the record for the organiser to confirm (nobody confirms their own hours)."""
    now = now or timezone.now()
    errors: dict = {}
    hours = _hours(data.get("hours"), errors)
    day = data.get("date") or timezone.localtime(now).date()
    if day > timezone.localtime(now).date():
        errors["date"] = [_("服务日期不能晚于今天")]
    with transaction.atomic():
        task = _locked(task)
        own = task.volunteer is not None and task.volunteer.user_id == actor.pk
        if not (own or scope.covers(task.area_code)):
            raise OutOfScope(_("未找到，或不在您的管辖范围内"))
        if task.status != TaskStatus.ACCEPTED:
            errors["status"] = [_("只有已接单的任务才能完成")]
        if errors:
            raise ValidationError(errors)
        record = ServiceRecord(
            volunteer=task.volunteer, team=task.team, activity=(_("求助任务：%(title)s") % {"title": task.title})[:200],
            date=day, hours=hours, note=(data.get("note") or "")[:500], recorded_by=actor,
        )
        if not own:
            record.confirmed_by, record.confirmed_at = actor, now
        record.save()
        task.status, task.record, task.completed_by, task.completed_at = TaskStatus.DONE, record, actor, now
        task.save(update_fields=["status", "record", "completed_by", "completed_at"])
    return task


def cancel_task(*, scope: Scope, actor, task: HelpTask, reason: str = "",
                now: datetime.datetime | None = None) -> HelpTask:
    """Staff of the task's area withdraw it (no longer needed), before it is done."""
    scope.require(task.area_code)
    with transaction.atomic():
        task = _locked(task)
        if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            raise ValidationError({"status": [_("任务已结束")]})
        task.status, task.cancelled_at, task.cancel_reason = TaskStatus.CANCELLED, now or timezone.now(), reason[:300]
        task.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    return task


def escalate_unaccepted(*, now: datetime.datetime | None = None) -> list[HelpTask]:
    """Tasks still open WANGGE_TASK_ACCEPT_HOURS after they were offered go to their
    community (超时转社区): marked escalated, and the community's staff told in one
    in-app message each. They stay on offer to volunteers. Returns the tasks."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.WANGGE_TASK_ACCEPT_HOURS)
    with transaction.atomic():
        tasks = list(HelpTask.objects.select_for_update().filter(status=TaskStatus.OPEN, created_at__lte=cutoff)
                     .order_by("area_code", "created_at", "id"))
        by_community: dict[str, list[HelpTask]] = {}
        for task in tasks:
            task.status, task.escalated_at = TaskStatus.ESCALATED, now
            by_community.setdefault(task.community_code, []).append(task)
        HelpTask.objects.bulk_update(tasks, ["status", "escalated_at"])
        for community, rows in by_community.items():
            titles = "、".join(f"{t.title}（{t.needed_on:%m-%d}）" for t in rows[:5])
            more = _("等 %(n)s 项") % {"n": len(rows)} if len(rows) > 5 else ""
            notifications.notify(
                notifications.office_users(community, Level.COMMUNITY), case=None,
                text=_("求助任务超过 %(hours)s 小时无人接单，已转社区：%(titles)s") % {
                    "hours": settings.WANGGE_TASK_ACCEPT_HOURS, "titles": titles + more},
            )
    return tasks
