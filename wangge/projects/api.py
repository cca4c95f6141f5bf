"""API: projects (民生项目) and the monthly suggestion list, through the scope.

A project outside the caller's scope answers 404 on every endpoint; cases are named
by their numbers (``SQ-2025-000123``), as everywhere in the API.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized

from . import selectors, services
from .models import Project, ProjectStatus

router = Router(tags=["projects"])


class LinkedCaseOut(Schema):
    number: str
    title: str
    area: str
    status: str
    status_name: str
    linked_by: str
    linked_at: datetime.datetime


class NamedOut(Schema):
    id: int
    name: str


class ProjectOut(Schema):
    id: int
    title: str
    area: str
    area_name: str
    month: str
    category: str | None
    category_name: str
    plan: str
    status: str
    status_name: str
    result: str
    cases: list[LinkedCaseOut]
    partners: list[NamedOut]
    volunteers: list[NamedOut]
    residents: list[int]
    created_by: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    started_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def from_project(p: Project) -> dict:
        return {
            "id": p.pk, "title": p.title, "area": p.area_code, "area_name": p.area.name, "month": p.month,
            "category": p.category.code if p.category_id else None,
            "category_name": p.category.full_label if p.category_id else "",
            "plan": p.plan, "status": p.status, "status_name": p.get_status_display(), "result": p.result,
            "cases": [
                {"number": link.case.number, "title": link.case.title, "area": link.case.area_code,
                 "status": link.case.status, "status_name": link.case.get_status_display(),
                 "linked_by": str(link.linked_by) if link.linked_by_id else "", "linked_at": link.linked_at}
                for link in p.links.all()
            ],
            "partners": [{"id": x.pk, "name": x.name} for x in p.partners.all()],
            "volunteers": [{"id": x.pk, "name": x.name} for x in p.volunteers.all()],
            "residents": [x.pk for x in p.residents.all()],
            "created_by": str(p.created_by) if p.created_by_id else "",
            "created_at": p.created_at, "updated_at": p.updated_at, "started_at": p.started_at,
            "closed_at": p.closed_at,
        }


class ProjectFilters(Schema):
    month: str = ""
    status: str = ""
    area: str = ""
    category: str = ""


class ProjectIn(Schema):
    title: str
    area: str
    month: str
    category: str = ""
    plan: str = ""
    cases: list[str] = Field(default_factory=list)
    partners: list[int] = Field(default_factory=list)
    volunteers: list[int] = Field(default_factory=list)
    residents: list[int] = Field(default_factory=list)


class ProjectPatch(Schema):
    title: str | None = None
    month: str | None = None
    category: str | None = None
    plan: str | None = None
    partners: list[int] | None = None
    volunteers: list[int] | None = None
    residents: list[int] | None = None
    status: str | None = None


class CasesIn(Schema):
    cases: list[str]


class CloseIn(Schema):
    result: str
    close_cases: bool = True


class CancelIn(Schema):
    reason: str


class OutcomeOut(Schema):
    number: str
    title: str
    from_status: str
    to_status: str
    stopped: str


class ClosingOut(Schema):
    project: ProjectOut
    cases: list[OutcomeOut]


class SuggestionFilters(Schema):
    month: str = ""
    area: str = ""
    category: str = ""
    min_cases: int = selectors.MIN_CLUSTER


class SuggestionOut(Schema):
    title: str
    area: str
    category: str
    category_name: str
    estate: int | None
    estate_name: str
    is_old: bool
    building: int | None
    building_name: str
    count: int
    cases: list[str]


def _one(request, pk: int) -> Project:
    return selectors.project_in_scope(scope_of(request), pk)


def _out(request, pk: int) -> dict:
    return ProjectOut.from_project(_one(request, pk))


@router.get("/projects", response=list[ProjectOut])
@paginate
def list_projects(request, filters: Query[ProjectFilters]):
    rows = selectors.with_links(selectors.projects_for(scope_of(request), **filters.dict()))
    return Serialized(rows, ProjectOut.from_project)


@router.get("/projects/suggestions", response=list[SuggestionOut])
@paginate
def list_suggestions(request, filters: Query[SuggestionFilters]):
    """Open cases of one category clustered by estate (or building), biggest first:
    candidates for this month's projects (``month`` defaults to the current one)."""
    data = filters.dict()
    month = selectors.check_month(data.pop("month") or selectors.current_month())
    return selectors.suggest_projects(scope_of(request), month, **data)


@router.post("/projects", response={201: ProjectOut})
def create_project(request, payload: ProjectIn):
    """立项; from a suggestion, pass its ``cases`` (and ``category``): each case's timeline says it joined."""
    project = services.create_project(actor=request.user, **payload.dict())
    return Status(201, _out(request, project.pk))


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request, project_id: int):
    return _out(request, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut)
def update_project(request, project_id: int, payload: ProjectPatch):
    """Change fields of an open project; ``partners``, ``volunteers`` and ``residents`` replace
    the lists; ``status: "in_progress"`` starts it (completing and cancelling have their own endpoints)."""
    project = _one(request, project_id)
    data = payload.dict(exclude_unset=True)
    status = data.pop("status", None)
    if status is not None and status != ProjectStatus.IN_PROGRESS:
        raise ValidationError({"status": [_("完成项目请用 /close，取消请用 /cancel；这里只能设为 in_progress")]})
    assigned = {name: data.pop(name) for name in ("partners", "volunteers", "residents") if name in data}
    fields = {k: v for k, v in data.items() if v is not None}
    with transaction.atomic():  # all of the change or none of it
        if fields:
            project = services.update_project(actor=request.user, project=project, **fields)
        for name, ids in assigned.items():
            getattr(services, f"assign_{name}")(actor=request.user, project=project, **{name: ids or []})
        if status:
            services.start_project(actor=request.user, project=project)
    return _out(request, project_id)


@router.post("/projects/{project_id}/cases", response=ProjectOut)
def link_cases(request, project_id: int, payload: CasesIn):
    """Link open cases (numbers) of the project's area; each case's timeline says it joined."""
    services.link_cases(actor=request.user, project=_one(request, project_id), cases=payload.cases)
    return _out(request, project_id)


@router.delete("/projects/{project_id}/cases/{number}", response=ProjectOut)
def unlink_case(request, project_id: int, number: str):
    services.unlink_case(actor=request.user, project=_one(request, project_id), case=number)
    return _out(request, project_id)


@router.post("/projects/{project_id}/close", response=ClosingOut)
def close_project(request, project_id: int, payload: CloseIn):
    """完成 with the result. With ``close_cases`` (the default) each open linked case is taken
    as far towards closed as the state table lets the caller; ``cases`` tells where each got
    to and, if it stopped short, why."""
    closing = services.close_project(actor=request.user, project=_one(request, project_id), **payload.dict())
    return {
        "project": _out(request, project_id),
        "cases": [{"number": c.number, "title": c.title, "from_status": c.from_status, "to_status": c.to_status,
                   "stopped": c.stopped} for c in closing.cases],
    }


@router.post("/projects/{project_id}/cancel", response=ProjectOut)
def cancel_project(request, project_id: int, payload: CancelIn):
    services.cancel_project(actor=request.user, project=_one(request, project_id), reason=payload.reason)
    return _out(request, project_id)
