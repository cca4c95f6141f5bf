"""API: sweeps, the caller's work list, visits (recorded idempotently by a
client-made id), care visits due, coverage and blind spots.

``POST /visits`` answers 201 when it records, 200 with the same visit when the
``client_id`` was recorded before, 409 with the household's current state when
it changed since the phone loaded it (see services.py), 422 naming the bad
fields (a need's as ``needs.<i>.<field>``). Everything is limited to the
caller's scope: a place or visit outside it answers 404 or is simply not listed.
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.selectors import root_areas
from wangge.pagination import Serialized

from . import selectors, services
from .models import Visit, VisitPlan

router = Router(tags=["visits"])


# --- plans ----------------------------------------------------------------------------
class PlanOut(Schema):
    id: int
    name: str
    community: str
    community_name: str
    weekdays: list[int]
    weekday_names: list[str]
    all_staff: bool
    participants: list[str]
    grids: list[str]
    target_households: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    is_active: bool


class PlanIn(Schema):
    name: str = ""
    community: str = ""
    weekdays: list[int] = []
    all_staff: bool = True
    participants: list[str] = []
    grids: list[str] = []
    target_households: int | None = None
    starts_on: str = ""
    ends_on: str = ""


def plan_json(plan: VisitPlan) -> dict:
    return {
        "id": plan.pk, "name": plan.name, "community": plan.area_code, "community_name": plan.community.name,
        "weekdays": sorted(plan.weekdays), "weekday_names": plan.weekday_labels, "all_staff": plan.all_staff,
        "participants": sorted(u.username for u in plan.participants.all()),
        "grids": sorted(g.code for g in plan.grids.all()), "target_households": plan.target_households,
        "starts_on": plan.starts_on, "ends_on": plan.ends_on, "is_active": plan.is_active,
    }


@router.get("/visit-plans", response=list[PlanOut])
@paginate
def list_plans(request):
    """Sweeps of the communities in scope (a grid worker sees their community's)."""
    return Serialized(selectors.plans_for(scope_of(request)), plan_json)


@router.post("/visit-plans", response={201: PlanOut})
def create_plan(request, payload: PlanIn):
    """Plan a recurring sweep (community staff and above): weekdays are ISO, 1 = Monday."""
    plan = services.create_plan(actor=request.user, data=payload.dict())
    return Status(201, plan_json(selectors.plans_for(scope_of(request)).get(pk=plan.pk)))


# --- care -------------------------------------------------------------------------------
class CareOut(Schema):
    resident: int
    name: str
    household: int
    address: str
    area: str
    tag: str
    tag_name: str
    tags: list[str]
    reason: str
    reason_name: str
    last_visit: datetime.datetime | None
    due_date: datetime.date
    overdue: bool


def care_json(row: selectors.CareRow) -> dict:
    return {
        "resident": row.resident.pk, "name": row.resident.name, "household": row.resident.household_id,
        "address": row.resident.household.address, "area": row.resident.area_code,
        "tag": row.due.tag, "tag_name": row.tag.name, "tags": [t.code for t in row.tags],
        "reason": row.due.reason, "reason_name": row.due.reason_label,
        "last_visit": row.last_visit, "due_date": row.due.date, "overdue": row.due.overdue,
    }


class CareFilters(Schema):
    area: str = ""
    date: datetime.date | None = None
    within: int = 0
    overdue: bool = False


@router.get("/care/due", response=list[CareOut])
@paginate
def care_due(request, filters: Query[CareFilters]):
    """Care visits due by ``date`` (today) + ``within`` days, or only the ``overdue`` ones, earliest first."""
    if not 0 <= filters.within <= 366:
        raise ValidationError({"within": [_("应在 0 到 366 之间")]})
    rows = selectors.care_due(
        scope_of(request), today=filters.date or timezone.localdate(), area=filters.area.strip(),
        within=filters.within, overdue_only=filters.overdue,
    )
    return [care_json(row) for row in rows]


# --- the work list ------------------------------------------------------------------------
class PlanBrief(Schema):
    id: int
    name: str
    target_households: int


class AreaBrief(Schema):
    code: str
    name: str


class WorkItemOut(Schema):
    household: int
    address: str
    building: int
    area: str
    residents: int
    last_visit: datetime.datetime | None
    days_since: int | None
    version: str
    care: list[CareOut]


class WorklistOut(Schema):
    date: datetime.date
    plans: list[PlanBrief]
    grids: list[AreaBrief]
    target: int | None
    count: int
    items: list[WorkItemOut]


def work_item_json(item: selectors.WorkItem) -> dict:
    return {
        "household": item.household.pk, "address": item.household.address, "building": item.household.building_id,
        "area": item.household.area_code, "residents": item.household.v_people, "last_visit": item.last_visit,
        "days_since": item.days_since, "version": item.version,
        "care": [care_json(row) for row in item.care],
    }


@router.get("/worklist", response=WorklistOut)
def worklist(request, date: datetime.date | None = None, area: str = "", limit: int = 100, offset: int = 0):
    """The caller's households for a day: due care visits on top, then the least
    recently visited. ``area`` (a grid or community in scope) looks at another place."""
    day = date or timezone.localdate()
    work = selectors.worklist(request.user, day, area=area.strip())
    page = work.items[max(offset, 0): max(offset, 0) + max(min(limit, 1000), 0)]
    return {
        "date": day,
        "plans": [{"id": p.pk, "name": p.name, "target_households": p.target_households} for p in work.plans],
        "grids": [{"code": g.code, "name": g.name} for g in work.grids],
        "target": work.target,
        "count": len(work.items),
        "items": [work_item_json(item) for item in page],
    }


# --- visits -------------------------------------------------------------------------------
class NeedIn(Schema):
    text: str = ""
    solved_on_spot: bool = False
    raise_case: bool = False
    category: str = ""


class VisitIn(Schema):
    client_id: str = ""
    kind: str = ""
    household: int | None = None
    building: int | None = None
    estate: int | None = None
    place: str = ""
    area: str = ""
    visited_at: str | None = None
    met: str = ""
    summary: str = ""
    lat: float | None = None
    lng: float | None = None
    visitors: list[str] = []
    household_version: str = ""
    needs: list[NeedIn] = []


class PlaceOut(Schema):
    household: int | None
    building: int | None
    estate: int | None
    name: str
    label: str


class PersonOut(Schema):
    username: str
    name: str


class NeedOut(Schema):
    id: int
    text: str
    category: str | None
    category_name: str | None
    solved_on_spot: bool
    case: str | None
    case_status: str | None


class VisitOut(Schema):
    id: int
    client_id: str
    kind: str
    kind_name: str
    visited_at: datetime.datetime
    area: str
    place: PlaceOut
    met: str
    summary: str
    lat: float | None
    lng: float | None
    visitors: list[PersonOut]
    recorded_by: str
    created_at: datetime.datetime
    needs: list[NeedOut]


class RecordedOut(VisitOut):
    household_version: str | None


class ConflictVisitOut(Schema):
    visited_at: datetime.datetime
    kind_name: str
    recorded_by: str
    summary: str
    needs: list[NeedOut]


class ConflictHouseholdOut(Schema):
    id: int
    address: str
    residents: list[str]
    visits_since: list[ConflictVisitOut]


class ConflictOut(Schema):
    detail: str
    version: str
    household: ConflictHouseholdOut


def _need_json(need) -> dict:
    return {
        "id": need.pk, "text": need.text,
        "category": need.category.code if need.category_id else None,
        "category_name": str(need.category) if need.category_id else None,
        "solved_on_spot": need.solved_on_spot,
        "case": need.case.number if need.case_id else None,
        "case_status": need.case.get_status_display() if need.case_id else None,
    }


def visit_json(visit: Visit) -> dict:
    return {
        "id": visit.pk, "client_id": str(visit.client_id), "kind": visit.kind, "kind_name": visit.get_kind_display(),
        "visited_at": visit.visited_at, "area": visit.area_code,
        "place": {
            "household": visit.household_id, "building": visit.building_id, "estate": visit.estate_id,
            "name": visit.place_name, "label": visit.place_label,
        },
        "met": visit.met, "summary": visit.summary, "lat": visit.lat, "lng": visit.lng,
        "visitors": [{"username": u.username, "name": str(u)} for u in visit.visitors.all()],
        "recorded_by": visit.recorded_by.username, "created_at": visit.created_at,
        "needs": [_need_json(need) for need in visit.needs.all()],
    }


def _conflict_json(exc: services.HouseholdChanged, scope: Scope) -> dict:
    residents = scope.filter(exc.household.residents.all()).order_by("pk")
    return {
        "detail": str(exc), "version": exc.version,
        "household": {
            "id": exc.household.pk, "address": exc.household.address,
            "residents": [r.name for r in residents],
            "visits_since": [
                {"visited_at": v.visited_at, "kind_name": v.get_kind_display(), "recorded_by": str(v.recorded_by),
                 "summary": v.summary, "needs": [_need_json(n) for n in v.needs.all()]}
                for v in exc.since
            ],
        },
    }


@router.post("/visits", response={200: RecordedOut, 201: RecordedOut, 409: ConflictOut})
def record_visit(request, payload: VisitIn):
    """Record a visit with its needs; the same ``client_id`` again returns the visit recorded the first time."""
    try:
        recorded = services.record_visit(actor=request.user, data=payload.dict())
    except services.HouseholdChanged as exc:
        return Status(409, _conflict_json(exc, scope_of(request)))
    visit = recorded.visit
    body = {
        **visit_json(visit),
        "household_version": selectors.household_version(visit.household_id) if visit.household_id else None,
    }
    return Status(201 if recorded.created else 200, body)


class VisitFilters(Schema):
    area: str = ""
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    household: int | None = None
    building: int | None = None
    visitor: str = ""
    needs: str = ""


@router.get("/visits", response=list[VisitOut])
@paginate
def list_visits(request, filters: Query[VisitFilters]):
    """Visits in scope, newest first. ``needs``: any, case or none."""
    return Serialized(selectors.search_visits(scope_of(request), **filters.dict()), visit_json)


# --- coverage and blind spots ----------------------------------------------------------------
class CoverageOut(Schema):
    area: str
    area_name: str
    households: int
    households_visited: int
    rate: float | None
    visits: int
    by_kind: dict[str, int]
    needs: int
    solved_on_spot: int
    solved_share: float | None
    cases_raised: int


class CoverageReport(Schema):
    area: str
    date_from: datetime.date
    date_to: datetime.date
    total: CoverageOut
    children: list[CoverageOut]


def coverage_json(row: selectors.Coverage) -> dict:
    return {
        "area": row.area.code, "area_name": row.area.name, "households": row.households,
        "households_visited": row.households_visited, "rate": row.rate, "visits": row.visits,
        "by_kind": {value: n for value, _label, n in row.kind_counts()}, "needs": row.needs,
        "solved_on_spot": row.solved_on_spot, "solved_share": row.solved_share, "cases_raised": row.cases_raised,
    }


def area_or_own(scope: Scope, area: str) -> str:
    """The area asked for, or the caller's one area when they have just one."""
    if area.strip():
        return area.strip()
    roots = list(root_areas(scope))
    if len(roots) != 1:
        raise ValidationError({"area": [_("请指定区域代码")]})
    return roots[0].code


@router.get("/visits/coverage", response=CoverageReport)
def coverage(request, area: str = "", date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """Coverage of an area and each of its children over a period (default: the last 30 days)."""
    scope = scope_of(request)
    code = area_or_own(scope, area)
    end = date_to or timezone.localdate()
    start = date_from or end - datetime.timedelta(days=29)
    if start > end:
        raise ValidationError({"date_from": [_("开始日期不能晚于结束日期")]})
    total = selectors.coverage(scope, code, start, end)[0]
    children = selectors.coverage(scope, code, start, end, by_children=True)
    return {"area": code, "date_from": start, "date_to": end, "total": coverage_json(total),
            "children": [coverage_json(row) for row in children]}


class StaleHouseholdOut(Schema):
    household: int
    address: str
    area: str
    last_visit: datetime.datetime | None


class BuildingOut(Schema):
    building: int
    name: str
    area: str
    lat: float | None
    lng: float | None
    households: int


class BuildingAgeOut(Schema):
    building: int
    name: str
    area: str
    lat: float | None
    lng: float | None
    last_visit: datetime.datetime | None
    age_days: int | None
    band: str


@router.get("/visits/blind-spots/households", response=list[StaleHouseholdOut])
@paginate
def stale_households(request, area: str = "", days: int = 90):
    """Households nobody visited in the last ``days`` days (never visited first)."""
    if not 1 <= days <= 3660:
        raise ValidationError({"days": [_("应在 1 到 3660 之间")]})
    scope = scope_of(request)
    rows = selectors.stale_households(scope, area=area_or_own(scope, area), days=days, today=timezone.localdate())
    return Serialized(rows, lambda h: {"household": h.pk, "address": h.address, "area": h.area_code,
                                       "last_visit": h.last_visit})


@router.get("/visits/blind-spots/buildings", response=list[BuildingOut])
@paginate
def unvisited_buildings(request, area: str = ""):
    """Buildings never visited (neither the building nor any household in it)."""
    scope = scope_of(request)
    rows = selectors.unvisited_buildings(scope, area=area_or_own(scope, area))
    return Serialized(rows, lambda b: {"building": b.pk, "name": str(b), "area": b.area_code, "lat": b.lat,
                                       "lng": b.lng, "households": b.household_count})


@router.get("/visits/buildings", response=list[BuildingAgeOut])
@paginate
def building_layer(request, area: str = ""):
    """Every building with the age of its last visit: the data of the map layer.
    ``band``: recent (≤30 days), aging (≤90), stale (older), never."""
    scope = scope_of(request)
    rows = selectors.building_layer(scope, area=area_or_own(scope, area), today=timezone.localdate())
    return [
        {"building": r.building.pk, "name": str(r.building), "area": r.building.area_code, "lat": r.building.lat,
         "lng": r.building.lng, "last_visit": r.last_visit, "age_days": r.age_days, "band": r.band}
        for r in rows
    ]


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request, visit_id: int):
    return visit_json(selectors.visit_in_scope(scope_of(request), visit_id))
