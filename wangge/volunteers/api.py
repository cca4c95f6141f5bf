"""API: volunteers (phones masked), teams, service records and hours totals, all
through the caller's scope (a volunteer belongs to their community)."""
import datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized
from wangge.people.privacy import mask_phone

from . import selectors, services
from .models import ServiceRecord, Team, Volunteer

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
            "team": r.team_id, "activity": r.activity, "date": r.date, "hours": r.hours, "note": r.note,
            "confirmed": r.confirmed, "confirmed_by": str(r.confirmed_by) if r.confirmed_by else None,
            "confirmed_at": r.confirmed_at,
        }


class RecordIn(Schema):
    activity: str
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
    ``confirm``: the recording organiser confirms at once."""
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
