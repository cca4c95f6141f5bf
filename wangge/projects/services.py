"""Writes of projects (民生项目): one function per verb, each one transaction.

The actor is the acting staff user; their scope decides which area a project may
belong to, and which cases, partners, volunteers and residents it may take (each
fetched through its own app's selectors). Every verb that touches a linked case
writes an event into that case's timeline through ``cases.services`` — the case
app stays the only writer of cases, and its state table (``cases.states``) the
only rule of how a case moves. ``at`` stamps the project's own rows (for loaders
replaying history); case events are stamped by the case services.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.areas.selectors import area_field
from wangge.cases import services as case_services
from wangge.cases.models import Category
from wangge.cases.selectors import case_in_scope, visible_cases
from wangge.cases.states import Status

from . import selectors
from .models import Project, ProjectCase, ProjectStatus

PROJECT_LEVELS = (Level.COMMUNITY, Level.STREET)


@dataclass
class CaseOutcome:
    """What closing a project did to one linked case: from which status to which, and,
    when it stopped short of closed, the state table's reason."""

    number: str
    title: str
    from_status: str
    to_status: str
    stopped: str = ""

    @property
    def moved(self) -> bool:
        return self.from_status != self.to_status


@dataclass
class Closing:
    project: Project
    cases: list[CaseOutcome]

    @property
    def stopped(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.stopped]


# --- checks -------------------------------------------------------------------------------
def _text(value, name: str, max_length: int, errors: dict, *, required: bool, message: str = "") -> str:
    value = (value or "").strip()
    if required and len(value) < 2:
        errors[name] = [message or _("必填")]
    elif len(value) > max_length:
        errors[name] = [_("不能超过 %(n)s 个字") % {"n": max_length}]
    return value


def _area(scope: Scope, code, errors: dict) -> Area | None:
    area = area_field(scope, code, errors, blank=_("请选择社区或街道"))
    if area is not None and area.level not in PROJECT_LEVELS:
        errors["area"] = [_("民生项目属于一个社区或街道")]
    return area


def _month(value, errors: dict) -> str:
    try:
        return selectors.check_month(value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return value or ""


def _category(code, errors: dict) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code).first()
    if category is None:
        errors["category"] = [_("未知分类：%(code)s") % {"code": code}]
    return category


def _rows(queryset, ids, name: str, errors: dict) -> list:
    ids = list(dict.fromkeys(int(i) for i in ids or [] if str(i).isdigit()))
    found = list(queryset.filter(pk__in=ids))
    missing = sorted(set(ids) - {row.pk for row in found})
    if missing:
        errors[name] = [_("未找到，或不在您的管辖范围内，或不服务本项目所在区域：%(ids)s") % {
            "ids": ", ".join(str(i) for i in missing)}]
    return found


def _cases(actor, project: Project, numbers, errors: dict) -> list:
    """The cases asked for, each open, seen by the actor, in the project's area and held by
    no other open project; otherwise the field error names each refused number."""
    numbers = list(dict.fromkeys((n or "").strip().upper() for n in numbers or [] if (n or "").strip()))
    if not numbers:
        return []
    found = {c.number: c for c in selectors.linkable_cases(actor, project).filter(number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    seen = {c.number: c for c in visible_cases(actor).filter(number__in=missing)}
    holders = selectors.open_project_of(c.pk for c in seen.values())
    problems = []
    for number in missing:
        holder = holders.get(seen[number].pk) if number in seen else None
        if holder is not None and holder.pk == project.pk:
            problems.append(_("%(number)s 已在本项目中") % {"number": number})
        elif holder is not None:
            problems.append(_("%(number)s 已在民生项目《%(title)s》中") % {"number": number, "title": holder.title})
        else:
            problems.append(_("%(number)s 不存在、不在本项目区域或您的管辖范围内，或已办结") % {"number": number})
    if problems:
        errors["cases"] = problems
    return [found[n] for n in numbers if n in found]


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _require_open(project: Project) -> None:
    if not project.is_open:
        raise ValidationError({"status": [_("项目已%(status)s，不能再修改") % {"status": project.get_status_display()}]})


def _note_cases(actor, project: Project, note: str, numbers=None) -> None:
    numbers = numbers if numbers is not None else project.links.order_by("linked_at", "id").values_list(
        "case__number", flat=True)
    for number in list(numbers):
        case_services.record_project_event(actor=actor, number=number, note=note)


def _joined(project: Project) -> str:
    return _("加入民生项目《%(title)s》") % {"title": project.title}


# --- verbs ------------------------------------------------------------------------------------
def create_project(
    *, actor, title: str, area: str, month: str, category: str = "", plan: str = "", cases=(), partners=(),
    volunteers=(), residents=(), at: datetime.datetime | None = None,
) -> Project:
    """立项: a project of a community or street in the actor's scope, for a month. From a
    suggestion, ``cases`` are its case numbers: each is linked and its timeline says so."""
    scope = Scope.for_user(actor)
    errors: dict = {}
    area_obj = _area(scope, area, errors)
    now = at or timezone.now()
    project = Project(
        title=_text(title, "title", 100, errors, required=True, message=_("请填写项目名称")),
        area=area_obj,
        month=_month(month, errors),
        category=_category(category, errors),
        plan=_text(plan, "plan", 4000, errors, required=False),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    if area_obj is None:
        raise ValidationError(errors)
    project.area_code = area_obj.code
    links = {
        "partners": _rows(selectors.partner_choices(scope, actor, project), partners, "partners", errors),
        "volunteers": _rows(selectors.volunteer_choices(scope, project), volunteers, "volunteers", errors),
        "residents": _rows(selectors.resident_choices(scope, project), residents, "residents", errors),
    }
    linked = _cases(actor, project, cases, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project.save()
        for name, rows in links.items():
            getattr(project, name).set(rows)
        _link(actor, project, linked, now)
    return project


def _link(actor, project: Project, cases: list, now) -> list[ProjectCase]:
    links = ProjectCase.objects.bulk_create(
        [ProjectCase(project=project, case=case, linked_by=actor, linked_at=now) for case in cases]
    )
    _note_cases(actor, project, _joined(project), [case.number for case in cases])
    return links


def update_project(
    *, actor, project: Project, title: str | None = None, month: str | None = None, category: str | None = None,
    plan: str | None = None, at: datetime.datetime | None = None,
) -> Project:
    """Change the name, month, category or plan of an open project (None: unchanged; "" clears
    the category and the plan)."""
    Scope.for_user(actor).require(project.area_code)
    errors: dict = {}
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        if title is not None:
            project.title = _text(title, "title", 100, errors, required=True, message=_("请填写项目名称"))
        if month is not None:
            project.month = _month(month, errors)
        if category is not None:
            project.category = _category(category, errors)
        if plan is not None:
            project.plan = _text(plan, "plan", 4000, errors, required=False)
        if errors:
            raise ValidationError(errors)
        project.updated_at = at or timezone.now()
        project.save()
    return project


def link_cases(*, actor, project: Project, cases, at: datetime.datetime | None = None) -> list[ProjectCase]:
    """Add open cases (numbers) of the project's area; each case's timeline says it joined."""
    Scope.for_user(actor).require(project.area_code)
    errors: dict = {}
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        linked = _cases(actor, project, cases, errors)
        if not linked and not errors:
            errors["cases"] = [_("请选择要关联的诉求")]
        if errors:
            raise ValidationError(errors)
        now = at or timezone.now()
        links = _link(actor, project, linked, now)
        project.updated_at = now
        project.save(update_fields=["updated_at"])
    return links


def unlink_case(*, actor, project: Project, case: str, at: datetime.datetime | None = None) -> None:
    """Let a case go (it was not this project's after all); its timeline says so."""
    Scope.for_user(actor).require(project.area_code)
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        link = project.links.filter(case__number=(case or "").strip().upper()).select_related("case").first()
        if link is None:
            raise ValidationError({"case": [_("该诉求不在本项目中")]})
        link.delete()
        case_services.record_project_event(
            actor=actor, number=link.case.number, note=_("移出民生项目《%(title)s》") % {"title": project.title}
        )
        project.updated_at = at or timezone.now()
        project.save(update_fields=["updated_at"])


def _assign(project: Project, name: str, queryset, ids, at) -> Project:
    errors: dict = {}
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        rows = _rows(queryset, ids, name, errors)
        if errors:
            raise ValidationError(errors)
        getattr(project, name).set(rows)
        project.updated_at = at or timezone.now()
        project.save(update_fields=["updated_at"])
    return project


def assign_partners(*, actor, project: Project, partners, at: datetime.datetime | None = None) -> Project:
    """The partners doing the work: each one the actor sees that serves the project's area.
    Replaces the list (an empty list clears it)."""
    scope = Scope.for_user(actor)
    scope.require(project.area_code)
    return _assign(project, "partners", selectors.partner_choices(scope, actor, project), partners, at)


def assign_volunteers(*, actor, project: Project, volunteers, at: datetime.datetime | None = None) -> Project:
    """The volunteers taking part: registered in the project's area. Replaces the list."""
    scope = Scope.for_user(actor)
    scope.require(project.area_code)
    return _assign(project, "volunteers", selectors.volunteer_choices(scope, project), volunteers, at)


def assign_residents(*, actor, project: Project, residents, at: datetime.datetime | None = None) -> Project:
    """The residents involved (e.g. the households under the leaking roof). Replaces the list."""
    scope = Scope.for_user(actor)
    scope.require(project.area_code)
    return _assign(project, "residents", selectors.resident_choices(scope, project), residents, at)


def start_project(*, actor, project: Project, at: datetime.datetime | None = None) -> Project:
    """开始实施: planned → in progress."""
    Scope.for_user(actor).require(project.area_code)
    with transaction.atomic():
        project = _lock(project)
        if project.status != ProjectStatus.PLANNED:
            raise ValidationError({"status": [_("只有已立项的项目可以开始实施")]})
        project.status = ProjectStatus.IN_PROGRESS
        project.started_at = project.updated_at = at or timezone.now()
        project.save()
    return project


# The step that moves a case forward from each open status, and the note it carries.
FORWARD = {
    Status.REPORTED: (case_services.accept_case, False),
    Status.ACCEPTED: (case_services.start_case, False),
    Status.DISPATCHED: (case_services.start_case, False),
    Status.IN_PROGRESS: (case_services.handle_case, True),
    Status.HANDLED: (case_services.verify_case, True),
    Status.VERIFIED: (case_services.close_case, True),
}


def _move_forward(actor, project: Project, number: str, result: str) -> CaseOutcome:
    """Take the case as far towards closed as the state table lets the actor, one verb at a
    time; the first refusal stops it, and its reason is reported."""
    case = case_in_scope(actor, number)
    outcome = CaseOutcome(number=case.number, title=case.title, from_status=case.status, to_status=case.status)
    while case.status in FORWARD:
        verb, carries_result = FORWARD[case.status]
        note = result if carries_result else _("民生项目《%(title)s》") % {"title": project.title}
        try:
            case = verb(actor=actor, number=case.number, version=case.version, note=note)
        except ValidationError as exc:
            outcome.stopped = "；".join(exc.messages)
            break
    outcome.to_status = case.status
    return outcome


def close_project(
    *, actor, project: Project, result: str, close_cases: bool = True, at: datetime.datetime | None = None,
) -> Closing:
    """完成: the project is done with this result. Every linked case gets an event saying so;
    with ``close_cases`` each one still open is taken forward through the case verbs
    (accept → start → handle → verify → close) with the result as the note, as far as the
    state table lets the actor — a case it refuses (say, handled by the actor, who may not
    verify their own work) stays where it got to and is reported. All in one transaction."""
    Scope.for_user(actor).require(project.area_code)
    errors: dict = {}
    result = _text(result, "result", 4000, errors, required=True, message=_("请填写实施结果"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        now = at or timezone.now()
        project.status, project.result = ProjectStatus.COMPLETED, result
        project.closed_at = project.updated_at = now
        project.closed_by = actor
        if project.started_at is None:
            project.started_at = now
        project.save()
        numbers = list(project.links.order_by("linked_at", "id").values_list("case__number", flat=True))
        _note_cases(actor, project, _("民生项目《%(title)s》已完成：%(result)s") % {
            "title": project.title, "result": result}, numbers)
        outcomes = []
        for number in numbers:
            if close_cases:
                outcomes.append(_move_forward(actor, project, number, result))
            else:
                case = case_in_scope(actor, number)
                outcomes.append(CaseOutcome(case.number, case.title, case.status, case.status))
    return Closing(project=project, cases=outcomes)


def cancel_project(*, actor, project: Project, reason: str, at: datetime.datetime | None = None) -> Project:
    """取消, with the reason: the cases stay as they are, free for another project; each
    linked case's timeline says the project was cancelled."""
    Scope.for_user(actor).require(project.area_code)
    errors: dict = {}
    reason = _text(reason, "reason", 500, errors, required=True, message=_("请说明取消的原因"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _lock(project)
        _require_open(project)
        project.status, project.result = ProjectStatus.CANCELLED, reason
        project.closed_at = project.updated_at = at or timezone.now()
        project.closed_by = actor
        project.save()
        _note_cases(actor, project, _("民生项目《%(title)s》已取消：%(reason)s") % {
            "title": project.title, "reason": reason})
    return project

