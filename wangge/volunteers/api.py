"""API: volunteers (phones masked), teams, service records and hours totals, help
tasks with their ranked candidates, and the hours certificate, all through the
caller's scope (a volunteer belongs to their community; a volunteer's own login
sees the tasks on offer there)."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized
from wangge.people.privacy import mask_phone

from . import selectors, services
from .certificate import certificate_response
from .matching import Fit, rank_volunteers
from .models import HelpTask, ServiceRecord, Team, Volunteer

router = Router(tags=["volunteers"])


class VolunteerOut(Schema):
    id: int
    name: str
    phone: str
    area: str
    resident: int | None
    skills: list[str]
    availability: str
    is_governance_partner: bool
    teams: list[int]
    total_hours: Decimal
    is_active: bool

    @staticmethod
    def from_volunteer(v: Volunteer) -> dict:
        return {
            "id": v.pk, "name": v.name, "phone": mask_phone(v.phone), "area": v.area_code,
            "resident": v.resident_id, "skills": v.skills, "availability": v.availability,
            "is_governance_partner": v.is_governance_partner, "teams": [t.pk for t in v.teams.all()],
            "total_hours": getattr(v, "total_hours", Decimal(0)), "is_active": v.is_active,
        }


class VolunteerIn(Schema):
    name: str = ""
    area: str
    phone: str = ""
    resident: int | None = None
    skills: list[str] = []
    availability: str = ""
    is_governance_partner: bool = False


class VolunteerPatch(Schema):
    name: str | None = None
    area: str | None = None
    phone: str | None = None
    resident: int | None = None
    skills: list[str] | None = None
    availability: str | None = None
    is_governance_partner: bool | None = None
    is_active: bool | None = None


class VolunteerFilters(Schema):
    area: str = ""
    skill: str = ""
    team: int | None = None
    governance_partner: bool | None = None
    q: str = ""


def _volunteer(request, pk: int) -> Volunteer:
    scope = scope_of(request)
    return scope.get_or_404(selectors.volunteers_for(scope, include_inactive=True), pk=pk)


@router.get("/volunteers", response=list[VolunteerOut])
@paginate
def list_volunteers(request, filters: Query[VolunteerFilters]):
    """Registered volunteers in scope with their confirmed hours; ``governance_partner`` picks 治理合伙人."""
    return Serialized(selectors.volunteers_for(scope_of(request), **filters.dict()), VolunteerOut.from_volunteer)


@router.get("/volunteers/{volunteer_id}", response=VolunteerOut)
def get_volunteer(request, volunteer_id: int):
    return VolunteerOut.from_volunteer(_volunteer(request, volunteer_id))


@router.post("/volunteers", response={201: VolunteerOut})
def register_volunteer(request, payload: VolunteerIn):
    volunteer = services.register_volunteer(scope=scope_of(request), data=payload.dict())
    return Status(201, VolunteerOut.from_volunteer(_volunteer(request, volunteer.pk)))


@router.patch("/volunteers/{volunteer_id}", response=VolunteerOut)
def update_volunteer(request, volunteer_id: int, payload: VolunteerPatch):
    volunteer = _volunteer(request, volunteer_id)
    services.update_volunteer(scope=scope_of(request), volunteer=volunteer, data=payload.dict(exclude_unset=True))
    return VolunteerOut.from_volunteer(_volunteer(request, volunteer_id))


# --- teams ---------------------------------------------------------------------------
class TeamOut(Schema):
    id: int
    name: str
    area: str
    leader: int | None
    leader_name: str
    members: list[int]
    member_count: int
    description: str
    is_active: bool

    @staticmethod
    def from_team(team: Team) -> dict:
        members = list(team.members.values_list("pk", flat=True))
        return {
            "id": team.pk, "name": team.name, "area": team.area_code, "leader": team.leader_id,
            "leader_name": team.leader.name if team.leader else "", "members": members,
            "member_count": len(members), "description": team.description, "is_active": team.is_active,
        }


class TeamIn(Schema):
    name: str
    area: str
    leader: int | None = None
    members: list[int] = []
    description: str = ""


class TeamPatch(Schema):
    name: str | None = None
    area: str | None = None
    leader: int | None = None
    members: list[int] | None = None
    description: str | None = None
    is_active: bool | None = None


@router.get("/teams", response=list[TeamOut], tags=["teams"])
@paginate
def list_teams(request, area: str = ""):
    return Serialized(selectors.teams_for(scope_of(request), area=area), TeamOut.from_team)


@router.get("/teams/{team_id}", response=TeamOut, tags=["teams"])
def get_team(request, team_id: int):
    return TeamOut.from_team(scope_of(request).get_or_404(Team, pk=team_id))


@router.post("/teams", response={201: TeamOut}, tags=["teams"])
def create_team(request, payload: TeamIn):
    return Status(201, TeamOut.from_team(services.create_team(scope=scope_of(request), data=payload.dict())))


@router.patch("/teams/{team_id}", response=TeamOut, tags=["teams"])
def update_team(request, team_id: int, payload: TeamPatch):
    scope = scope_of(request)
    team = scope.get_or_404(Team, pk=team_id)
    return TeamOut.from_team(services.update_team(scope=scope, team=team, data=payload.dict(exclude_unset=True)))


# --- service records and hours ----------------------------------------------------------
class RecordOut(Schema):
    id: int
    volunteer: int
    volunteer_name: str
    area: str
    team: int | None
    activity: str
    linked_activity: int | None
    date: datetime.date
    hours: Decimal
    note: str
    confirmed: bool
    confirmed_by: str | None
    confirmed_at: datetime.datetime | None

    @staticmethod
    def from_record(r: ServiceRecord) -> dict:
        return {
            "id": r.pk, "volunteer": r.volunteer_id, "volunteer_name": r.volunteer.name, "area": r.area_code,
            "team": r.team_id, "activity": r.activity, "linked_activity": r.linked_activity_id, "date": r.date,
            "hours": r.hours, "note": r.note,
            "confirmed": r.confirmed, "confirmed_by": str(r.confirmed_by) if r.confirmed_by else None,
            "confirmed_at": r.confirmed_at,
        }


class RecordIn(Schema):
    activity: str = ""
    linked_activity: int | None = None
    date: datetime.date
    hours: Decimal
    team: int | None = None
    note: str = ""
    confirm: bool = False


class RecordFilters(Schema):
    area: str = ""
    volunteer: int | None = None
    confirmed: bool | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class TeamHours(Schema):
    team: int
    name: str
    hours: Decimal
    records: int
    volunteers: int


class HoursOut(Schema):
    area: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    hours: Decimal
    records: int
    volunteers: int
    unconfirmed_records: int
    teams: list[TeamHours]


@router.get("/service-records", response=list[RecordOut], tags=["volunteers"])
@paginate
def list_records(request, filters: Query[RecordFilters]):
    return Serialized(selectors.records_for(scope_of(request), **filters.dict()), RecordOut.from_record)


@router.post("/volunteers/{volunteer_id}/records", response={201: RecordOut})
def record_service(request, volunteer_id: int, payload: RecordIn):
    """Record actual service time (no travel). Unconfirmed until the organiser confirms;
    ``confirm``: the recording organiser confirms at once. ``linked_activity``: the
    activity it was done in (once per volunteer; ``activity`` then defaults to its title)."""
    record = services.record_service(
        scope=scope_of(request), actor=request.user, volunteer=_volunteer(request, volunteer_id), data=payload.dict()
    )
    return Status(201, RecordOut.from_record(record))


@router.post("/service-records/{record_id}/confirm", response=RecordOut)
def confirm_record(request, record_id: int):
    scope = scope_of(request)
    record = scope.get_or_404(ServiceRecord.objects.select_related("volunteer"), pk=record_id)
    return RecordOut.from_record(services.confirm_service(scope=scope, actor=request.user, record=record))


@router.get("/volunteer-hours", response=HoursOut)
def volunteer_hours(request, area: str = "", date_from: datetime.date | None = None,
                    date_to: datetime.date | None = None):
    """志愿服务时长 in scope: confirmed hours, records and volunteers, overall and per team."""
    return selectors.hours_totals(scope_of(request), area=area, date_from=date_from, date_to=date_to)


# --- help tasks (求助任务) and matching -------------------------------------------------------
class TaskOut(Schema):
    id: int
    title: str
    description: str
    skill: str
    skill_name: str
    area: str
    area_name: str
    resident: int | None
    resident_name: str
    household: int | None
    address: str
    place: str
    team: int | None
    need: int | None
    needed_on: datetime.date
    time_from: datetime.time | None
    time_to: datetime.time | None
    estimated_hours: Decimal | None
    status: str
    status_name: str
    created_at: datetime.datetime
    volunteer: int | None
    volunteer_name: str
    accepted_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    hours: Decimal | None
    record: int | None
    record_confirmed: bool | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str

    @staticmethod
    def of(user):
        """The serialiser for one viewer: whom the task helps, and where, only for the
        staff of its area and the volunteer who took it."""
        def serialise(t: HelpTask) -> dict:
            person = selectors.shows_person(user, t)
            record = t.record
            return {
                "id": t.pk, "title": t.title, "description": t.description, "skill": t.skill,
                "skill_name": t.get_skill_display() if t.skill else "", "area": t.area_code,
                "area_name": t.area.name, "resident": t.resident_id if person else None,
                "resident_name": t.resident.name if person and t.resident else "",
                "household": t.household_id if person else None,
                "address": t.household.address if person and t.household else "", "place": t.place,
                "team": t.team_id, "need": t.need_id, "needed_on": t.needed_on, "time_from": t.time_from,
                "time_to": t.time_to, "estimated_hours": t.estimated_hours, "status": t.status,
                "status_name": t.get_status_display(), "created_at": t.created_at, "volunteer": t.volunteer_id,
                "volunteer_name": t.volunteer.name if t.volunteer else "", "accepted_at": t.accepted_at,
                "escalated_at": t.escalated_at, "completed_at": t.completed_at,
                "hours": record.hours if record else None, "record": t.record_id,
                "record_confirmed": record.confirmed if record else None, "cancelled_at": t.cancelled_at,
                "cancel_reason": t.cancel_reason,
            }
        return serialise


class TaskIn(Schema):
    title: str
    needed_on: datetime.date
    area: str = ""
    description: str = ""
    skill: str = ""
    resident: int | None = None
    household: int | None = None
    place: str = ""
    team: int | None = None
    need: int | None = None
    time_from: datetime.time | None = None
    time_to: datetime.time | None = None
    estimated_hours: Decimal | None = None


class TaskPatch(Schema):
    title: str | None = None
    needed_on: datetime.date | None = None
    area: str | None = None
    description: str | None = None
    skill: str | None = None
    resident: int | None = None
    household: int | None = None
    place: str | None = None
    team: int | None = None
    need: int | None = None
    time_from: datetime.time | None = None
    time_to: datetime.time | None = None
    estimated_hours: Decimal | None = None


class TaskFilters(Schema):
    status: str = ""
    area: str = ""


class CandidateOut(Schema):
    volunteer: int
    name: str
    phone: str
    skills: list[str]
    availability: str
    has_skill: bool
    same_grid: bool
    availability_fit: str
    recent_hours: Decimal
    recent_tasks: int
    reasons: list[str]


class AcceptIn(Schema):
    volunteer: int | None = None


class CompleteIn(Schema):
    hours: Decimal
    date: datetime.date | None = None
    note: str = ""


class CancelIn(Schema):
    reason: str = ""


FIT_NAMES = {Fit.YES: "yes", Fit.UNKNOWN: "unknown", Fit.NO: "no"}


def _task_out(request, task: HelpTask) -> dict:
    return TaskOut.of(request.user)(selectors.task_for(request.user, task.pk))


@router.get("/tasks", response=list[TaskOut], tags=["tasks"])
@paginate
def list_tasks(request, filters: Query[TaskFilters]):
    """求助任务 the caller sees (staff: their areas; volunteers: those on offer in their
    community and those they took), escalated and open first."""
    return Serialized(selectors.tasks_for(request.user, **filters.dict()), TaskOut.of(request.user))


@router.post("/tasks", response={201: TaskOut}, tags=["tasks"])
def create_task(request, payload: TaskIn):
    """Offer a task to the volunteers of a community or grid; ``area`` may be left out
    when a resident or household is given (theirs is used)."""
    task = services.create_task(scope=scope_of(request), actor=request.user, data=payload.dict())
    return Status(201, _task_out(request, task))


@router.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def get_task(request, task_id: int):
    return _task_out(request, selectors.task_for(request.user, task_id))


@router.patch("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def update_task(request, task_id: int, payload: TaskPatch):
    """Change a task while it is still unaccepted (open or escalated)."""
    task = selectors.task_for(request.user, task_id)
    services.update_task(scope=scope_of(request), task=task, data=payload.dict(exclude_unset=True))
    return _task_out(request, task)


@router.get("/tasks/{task_id}/candidates", response=list[CandidateOut], tags=["tasks"])
@paginate
def task_candidates(request, task_id: int):
    """The community's active volunteers in the order to ask them for this task, each
    with the reasons (skill, same grid, availability, recent load). A suggestion
    for one task, not a rating of anyone; only for staff of the task's area, and
    only volunteers they may see."""
    task = selectors.task_for(request.user, task_id)
    scope = scope_of(request)
    scope.require(task.area_code)
    return [
        {"volunteer": c.volunteer.pk, "name": c.volunteer.name, "phone": mask_phone(c.volunteer.phone),
         "skills": c.volunteer.skills, "availability": c.volunteer.availability, "has_skill": c.has_skill,
         "same_grid": c.same_grid, "availability_fit": FIT_NAMES[c.fit], "recent_hours": c.facts.recent_hours,
         "recent_tasks": c.facts.recent_tasks, "reasons": list(c.reasons)}
        for c in rank_volunteers(task, scope=scope)
    ]


@router.post("/tasks/{task_id}/accept", response=TaskOut, tags=["tasks"])
def accept_task(request, task_id: int, payload: AcceptIn):
    """接单: a volunteer takes the task (no body), or staff of its area assign one
    (``volunteer``: a volunteer of the task's community)."""
    task = selectors.task_for(request.user, task_id)
    volunteer = None
    if payload.volunteer is not None:
        volunteer = selectors.volunteers_for(scope_of(request), include_inactive=True).filter(
            pk=payload.volunteer).first()
        if volunteer is None and not Volunteer.objects.filter(pk=payload.volunteer, user=request.user).exists():
            raise ValidationError({"volunteer": [_("未找到该志愿者")]})
        if volunteer is not None and volunteer.user_id == request.user.pk:
            volunteer = None  # naming oneself is taking it oneself
    task = services.accept_task(scope=scope_of(request), actor=request.user, task=task, volunteer=volunteer)
    return _task_out(request, task)


@router.post("/tasks/{task_id}/complete", response=TaskOut, tags=["tasks"])
def complete_task(request, task_id: int, payload: CompleteIn):
    """The task is done: ``hours`` of actual service (no travel) become the volunteer's
    service record, confirmed when staff of the area register it."""
    task = selectors.task_for(request.user, task_id)
    task = services.complete_task(scope=scope_of(request), actor=request.user, task=task, data=payload.dict())
    return _task_out(request, task)


@router.post("/tasks/{task_id}/cancel", response=TaskOut, tags=["tasks"])
def cancel_task(request, task_id: int, payload: CancelIn):
    task = selectors.task_for(request.user, task_id)
    task = services.cancel_task(scope=scope_of(request), actor=request.user, task=task, reason=payload.reason)
    return _task_out(request, task)


# --- certificate -------------------------------------------------------------------------
@router.get("/volunteers/{volunteer_id}/certificate.pdf", tags=["volunteers"])
def volunteer_certificate(request, volunteer_id: int, date_from: datetime.date | None = None,
                          date_to: datetime.date | None = None):
    """志愿服务记录证明 (PDF): the volunteer's confirmed records in the period and their
    total hours, for staff whose scope covers the volunteer, or the volunteer."""
    volunteer = selectors.volunteer_for_record(request.user, volunteer_id)
    return certificate_response(volunteer, date_from=date_from, date_to=date_to, request=request)
