"""Reads of projects through the scope, the cases they may take, and the monthly
suggestion list: open cases of one category clustered by estate or building.

Other apps' rows come through their own selectors (cases, partners, volunteers,
people), so their scope rules apply here unchanged.
"""
from __future__ import annotations

import datetime
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.cases.models import Case
from wangge.cases.selectors import cases_for, visible_cases
from wangge.cases.states import OPEN
from wangge.partners.selectors import partners_for
from wangge.people.selectors import residents_for
from wangge.volunteers.selectors import volunteers_for

from .models import MONTH_RE, OPEN_STATUSES, Project, ProjectCase, ProjectStatus

# "Three or more leaking-roof cases in one old estate": below this a cluster is not suggested.
MIN_CLUSTER = 3


# --- months -----------------------------------------------------------------------------
def current_month(now: datetime.datetime | None = None) -> str:
    return timezone.localtime(now or timezone.now()).strftime("%Y-%m")


def check_month(month: str, name: str = "month") -> str:
    month = (month or "").strip()
    if not re.match(MONTH_RE, month):
        raise ValidationError({name: [_("月份格式应为 YYYY-MM，如 2025-06")]})
    return month


def month_bounds(month: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the month and of the next, in the city's time zone."""
    year, mon = (int(part) for part in check_month(month).split("-"))
    begin = datetime.datetime(year, mon, 1)
    finish = datetime.datetime(year + mon // 12, mon % 12 + 1, 1)
    tz = timezone.get_current_timezone()
    return timezone.make_aware(begin, tz), timezone.make_aware(finish, tz)


def shift_month(month: str, months: int) -> str:
    year, mon = (int(part) for part in check_month(month).split("-"))
    index = year * 12 + mon - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- projects -----------------------------------------------------------------------------
def projects_for(
    scope: Scope, *, month: str = "", status: str = "", area: str = "", category: str = "",
) -> QuerySet[Project]:
    """Projects in scope, newest month first. ``category`` matches a class and its sub-classes."""
    errors = {}
    if month and not re.match(MONTH_RE, month.strip()):
        errors["month"] = [_("月份格式应为 YYYY-MM，如 2025-06")]
    if status and status not in ProjectStatus.values:
        errors["status"] = [_("不在可选值内：%(value)s") % {"value": status}]
    if errors:
        raise ValidationError(errors)
    rows = scope.filter(Project).select_related("area", "category", "category__parent", "created_by").annotate(
        case_count=Count("links", distinct=True)
    ).order_by("-month", "-created_at", "-id")
    if month:
        rows = rows.filter(month=month.strip())
    if status:
        rows = rows.filter(status=status)
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    if category:
        rows = rows.filter(Q(category__code=category) | Q(category__parent__code=category))
    return rows


def with_links(rows: QuerySet[Project]) -> QuerySet[Project]:
    """Everything a project's page or API object shows, fetched in a few queries."""
    links = ProjectCase.objects.select_related("case", "case__category", "case__grid", "linked_by").order_by(
        "linked_at", "id"
    )
    return rows.prefetch_related(Prefetch("links", queryset=links), "partners", "volunteers", "residents")


def project_in_scope(scope: Scope, pk) -> Project:
    """One project in scope, or a 404 whether it exists elsewhere or not."""
    return scope.get_or_404(with_links(projects_for(scope)), pk=pk)


def projects_of_case(scope: Scope, case: Case) -> QuerySet[Project]:
    """The projects in scope that took up a case, the one under way first."""
    return scope.filter(Project).filter(links__case=case).order_by("-started_at", "-created_at")


def open_project_of(case_ids) -> dict[int, Project]:
    """For each case id, the open project (planned or in progress) that holds it, in any area:
    a case is in at most one open project."""
    links = ProjectCase.objects.filter(case_id__in=list(case_ids), project__status__in=OPEN_STATUSES)
    return {link.case_id: link.project for link in links.select_related("project")}


# --- what a project may take and be given -------------------------------------------------------
def linkable_cases(user, project: Project) -> QuerySet[Case]:
    """Open cases the user sees in the project's area that no open project holds."""
    return (
        visible_cases(user)
        .filter(area_code__startswith=project.area_code, status__in=OPEN)
        .exclude(project_links__project__status__in=OPEN_STATUSES)
    )


def case_candidates(user, project: Project, *, limit: int = 20) -> list[Case]:
    """Cases to offer on the project's page: its category first, then the oldest."""
    rows = linkable_cases(user, project)
    if project.category_id:
        rows = rows.filter(Q(category=project.category_id) | Q(category__parent=project.category_id))
    return list(rows.order_by("reported_at")[:limit])


def partner_choices(scope: Scope, user, project: Project):
    """Partners the user sees that serve the project's area (linked to it, above or below it)."""
    return partners_for(scope, user, area=project.area_code).order_by("name")


def volunteer_choices(scope: Scope, project: Project, *, q: str = "", skill: str = ""):
    """The project area's registered volunteers the user sees."""
    return volunteers_for(scope, area=project.area_code, q=q, skill=skill)


def resident_choices(scope: Scope, project: Project):
    return residents_for(scope).filter(area_code__startswith=project.area_code)


# --- suggestions -------------------------------------------------------------------------
def _common_area(codes: list[str]) -> str:
    """The community the cases share, else their street (projects belong to one of those)."""
    for level in (Level.COMMUNITY, Level.STREET):
        prefixes = {code[: LEVEL_LENGTHS[level]] for code in codes}
        if len(prefixes) == 1:
            return prefixes.pop()
    return ""


def suggest_projects(
    scope: Scope, month: str, *, area: str = "", category: str = "", min_cases: int = MIN_CLUSTER,
) -> list[dict]:
    """Open cases reported by the end of ``month`` that no open project holds, grouped by
    category and estate (小区; by building for a building outside any estate); clusters
    of at least ``min_cases``, biggest first (then oldest first), each with its case
    numbers and a proposed title. Cases placed in no building are not clustered."""
    _begin, finish = month_bounds(month)
    rows = (
        cases_for(scope)
        .filter(status__in=OPEN, reported_at__lt=finish)
        .exclude(project_links__project__status__in=OPEN_STATUSES)
    )
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    if category:
        rows = rows.filter(Q(category__code=category) | Q(category__parent__code=category))
    values = rows.order_by("reported_at", "id").values_list(
        "number", "area_code", "reported_at", "category__code", "category__name",
        "building_id", "building__name", "building__estate_id", "building__estate__name", "building__estate__is_old",
        "household__building_id", "household__building__name", "household__building__estate_id",
        "household__building__estate__name", "household__building__estate__is_old",
    )
    clusters: dict[tuple, dict] = {}
    members: dict[tuple, list] = defaultdict(list)
    for (number, code, reported_at, category_code, category_name, b_id, b_name, e_id, e_name, e_old,
         hb_id, hb_name, he_id, he_name, he_old) in values:
        if b_id is None:
            b_id, b_name, e_id, e_name, e_old = hb_id, hb_name, he_id, he_name, he_old
        if b_id is None:
            continue
        key = (category_code, "estate", e_id) if e_id else (category_code, "building", b_id)
        if key not in clusters:
            place = e_name if e_id else b_name
            clusters[key] = {
                "category": category_code, "category_name": category_name,
                "estate": e_id, "estate_name": e_name or "", "is_old": bool(e_old),
                "building": None if e_id else b_id, "building_name": "" if e_id else b_name,
                "place": place, "oldest": reported_at,
            }
        members[key].append((number, code))
    suggestions = []
    for key, cluster in clusters.items():
        cases = members[key]
        if len(cases) < max(min_cases, 2):
            continue
        cluster.update(
            cases=[number for number, _code in cases],
            count=len(cases),
            area=_common_area([code for _number, code in cases]),
            title=_("%(place)s%(category)s集中整治") % {"place": cluster["place"], "category": cluster["category_name"]},
        )
        suggestions.append(cluster)
    suggestions.sort(key=lambda c: (-c["count"], c["oldest"]))
    return suggestions
