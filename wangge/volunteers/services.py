"""Writes of volunteers, teams and service records; each checks the target area
against the actor's scope (outside it: 404)."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area
from wangge.people.models import Resident

from .models import ServiceRecord, Skill, Team, Volunteer

VOLUNTEER_FIELDS = ("name", "phone", "availability", "is_governance_partner", "is_active")


def _area(scope: Scope, code, errors: dict, *, community_or_above: bool = False) -> Area | None:
    code = (code or "").strip()
    if not code:
        errors["area"] = [_("请选择区域")]
        return None
    scope.require(code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        errors["area"] = [_("未知区域：%(code)s") % {"code": code}]
    elif community_or_above and len(code) > LEVEL_LENGTHS[Level.COMMUNITY]:
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


def _finish(obj, errors: dict):
    if not (obj.name or "").strip():
        errors["name"] = [_("请填写名称")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"name": [_("该区域已有同名服务队")]})
    return obj


def register_volunteer(*, scope: Scope, data: dict) -> Volunteer:
    """志愿者注册 in a community in scope, linked to a resident of it when they live here."""
    errors: dict = {}
    area = _area(scope, data.get("area"), errors, community_or_above=True)
    volunteer = Volunteer(area=area, **{f: data[f] for f in VOLUNTEER_FIELDS if data.get(f) is not None})
    volunteer.skills = _skills(data.get("skills"), errors)
    volunteer.resident = _resident(scope, data.get("resident"), errors)
    if volunteer.resident and not volunteer.name:
        volunteer.name = volunteer.resident.name
    return _finish(volunteer, errors)


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
    return _finish(volunteer, errors)


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
        _finish(team, errors)
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
        _finish(team, errors)
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
    it as organisers may confirm it at once (``confirm``: true)."""
    scope.require(volunteer.area_code)
    errors: dict = {}
    date = data.get("date")
    if date is None:
        errors["date"] = [_("请填写服务日期")]
    elif date > timezone.localdate():
        errors["date"] = [_("服务日期不能晚于今天")]
    hours = _hours(data.get("hours"), errors)
    activity = (data.get("activity") or "").strip()
    if not activity:
        errors["activity"] = [_("请填写服务项目")]
    team = None
    if data.get("team"):
        team = scope.filter(Team).filter(pk=data["team"]).first()
        if team is None:
            errors["team"] = [_("未找到该服务队")]
    if errors:
        raise ValidationError(errors)
    record = ServiceRecord(
        volunteer=volunteer, team=team, activity=activity[:200], date=date, hours=hours,
        note=(data.get("note") or "")[:500], recorded_by=actor,
    )
    if data.get("confirm"):
        _check_confirmer(record, actor)
        record.confirmed_by, record.confirmed_at = actor, timezone.now()
    record.save()
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
