"""Reads of cases that pages, the API and exports share. Staff reads go through
the scope; the public reads go by tracking code and show no personal data."""
import copy
import datetime
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.roles import AREA_ROLES
from wangge.accounts.scope import OutOfScope, Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area, Building, Household
from wangge.areas.selectors import areas_for, households_for, root_areas
from wangge.partners.selectors import partner_ids_of

from .models import Case, CaseEvent, CasePhoto, Category, OwnerKind, Source, Urgency
from .states import (
    ACTIVE,
    LEVEL_ROLES,
    LEVELS,
    OPEN,
    RANK,
    ROLE_LEVEL,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    office_code,
    photo_refusal,
    refusal,
)

WORK_LISTS = {
    "mine": gettext_lazy("我的诉求"),
    "queue": gettext_lazy("本级待办"),
    "overdue": gettext_lazy("已超期"),
    "due_soon": gettext_lazy("即将到期"),
    "awaiting_verification": gettext_lazy("待核查"),
    "awaiting_rating": gettext_lazy("待评价"),
}


def actor_for(user) -> Actor:
    """The acting user with their area posts, cached on the user object like its scope."""
    cached = getattr(user, "_wangge_case_actor", None)
    if cached is None:
        posts = tuple(user.posts.filter(role__in=AREA_ROLES).values_list("role", "area_code"))
        cached = Actor(user=user, posts=posts, partners=partner_ids_of(user))
        user._wangge_case_actor = cached
    return cached


def categories() -> list[Category]:
    """The active top classes, each with its active sub-classes in ``active_children``."""
    rows = list(Category.objects.filter(is_active=True))
    tops = [c for c in rows if c.parent_id is None]
    for top in tops:
        top.active_children = [c for c in rows if c.parent_id == top.pk]
    return tops


def cases_for(scope: Scope) -> QuerySet[Case]:
    return scope.filter(Case).select_related(
        "category", "category__parent", "grid", "owner_area", "owner_user", "merged_into", "reporter_user"
    )


def visible_q(user) -> Q:
    """The cases a user sees: those in their area scope, and those dispatched to a
    partner they act for (partner staff hold no area scope; this is all they see)."""
    scope = Scope.for_user(user)
    q = scope.q("area_code")
    partners = partner_ids_of(user)
    if partners:
        q |= Q(owner_kind=OwnerKind.PARTNER, owner_partner_org__in=partners)
    return q


def visible_cases(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.filter(visible_q(user)).select_related(
        "category", "category__parent", "grid", "owner_area", "owner_user", "merged_into", "reporter_user"
    )


def search_cases(
    user, *, work_list: str = "", status: str = "", category: str = "", source: str = "", urgency: str = "",
    area: str = "", date_from: datetime.date | None = None, date_to: datetime.date | None = None,
) -> QuerySet[Case]:
    """Cases in the user's scope, narrowed by a work list and filters.

    ``category`` matches a class and its sub-classes; ``area`` is a code prefix;
    the dates bound the day of reporting (in the city's time zone). An unknown
    list or value raises ValidationError naming the filter.
    """
    cases = visible_cases(user)
    if work_list:
        cases = _work_list(cases, user, work_list)
    errors = {}
    for name, value, choices in (("status", status, Status), ("source", source, Source), ("urgency", urgency, Urgency)):
        if value and value not in choices.values:
            errors[name] = [_("不在可选值内：%(value)s") % {"value": value}]
    if errors:
        raise ValidationError(errors)
    if status:
        cases = cases.filter(status=status)
    if source:
        cases = cases.filter(source=source)
    if urgency:
        cases = cases.filter(urgency=urgency)
    if category:
        cases = cases.filter(Q(category__code=category) | Q(category__parent__code=category))
    if area:
        cases = cases.filter(area_code__startswith=area.strip())
    if date_from:
        cases = cases.filter(reported_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(reported_at__date__lte=date_to)
    return cases


def list_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases of a work list page with only what its lines show: number, title, status,
    level, deadline, category (with its class) and grid. Three joins instead of seven:
    PostgreSQL plans a join of eight tables in milliseconds, longer than it runs it."""
    return cases.select_related(None).select_related("category__parent", "grid").only(
        "number", "title", "status", "level", "deadline", "category__name", "category__name_en",
        "category__parent__name", "category__parent__name_en", "grid__name",
    )


def _work_list(cases: QuerySet[Case], user, name: str) -> QuerySet[Case]:
    now = timezone.now()
    if name == "mine":
        mine = Q(owner_user=user)
        if partner_ids_of(user):
            mine |= Q(owner_kind=OwnerKind.PARTNER, owner_partner_org__in=partner_ids_of(user))
        return cases.filter(mine, status__in=OPEN)
    if name == "queue":
        # Everything at the level of one of my posts, in that post's area, still to be done.
        posts = actor_for(user).posts
        return cases.filter(_any_of(Q(level=ROLE_LEVEL[role], area_code__startswith=code) for role, code in posts),
                            status__in=ACTIVE)
    if name == "overdue":
        return cases.filter(status__in=ACTIVE, deadline__lt=now).order_by("deadline")
    if name == "due_soon":
        soon = now + datetime.timedelta(hours=settings.WANGGE_CASE_DUE_SOON_HOURS)
        return cases.filter(status__in=ACTIVE, deadline__gte=now, deadline__lt=soon).order_by("deadline")
    if name == "awaiting_verification":
        # What my posts may verify (states.Who.VERIFIER), less what I handled myself.
        posts = actor_for(user).posts
        verifiable = _any_of(
            Q(area_code__startswith=code, level__in=LEVELS[: RANK[ROLE_LEVEL[role]] + 1])
            for role, code in posts
            if RANK[ROLE_LEVEL[role]] >= RANK[Level.COMMUNITY]
        )
        handled_by_me = CaseEvent.objects.filter(action=Action.HANDLE, actor=user).values("case")
        return cases.filter(verifiable, status=Status.HANDLED).exclude(pk__in=handled_by_me)
    if name == "awaiting_rating":
        return cases.filter(status=Status.CLOSED)
    raise ValidationError({"list": [_("未知列表：%(name)s（可选：%(options)s）") % {
        "name": name, "options": ", ".join(WORK_LISTS),
    }]})


def _any_of(qs) -> Q:
    qs = list(qs)
    return reduce(or_, qs) if qs else Q(pk__in=[])


def case_in_scope(user, number: str) -> Case:
    """One case the user sees (see visible_q), or a 404 whether it exists elsewhere or not."""
    case = visible_cases(user).filter(number=number).first()
    if case is None:
        raise OutOfScope(_("未找到，或不在您的管辖范围内"))
    return case


def case_photo(user, number: str, photo_id: int) -> CasePhoto:
    """A photo of a case in scope: a photo of a case the user may not see does not exist for them."""
    photo = case_in_scope(user, number).photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404(_("未找到该照片"))
    return photo


def events_of(case: Case) -> QuerySet[CaseEvent]:
    return case.events.prefetch_related("photos").order_by("seq")


def handled_by_of(case: Case) -> int | None:
    """The user who recorded the latest handling (核查 is never theirs)."""
    return case.events.filter(action=Action.HANDLE).order_by("-seq").values_list("actor_id", flat=True).first()


def allowed_actions(case: Case, user) -> list[str]:
    """The actions the user may take on the case now, for showing only the buttons that work."""
    actor = actor_for(user)
    handled_by = handled_by_of(case) if case.status == Status.HANDLED else None
    allowed = [
        action for action, transition in TRANSITIONS.items()
        if refusal(transition, case, actor, handled_by_id=handled_by) is None
    ]
    if photo_refusal(case) is None:
        allowed.append(Action.PHOTO.value)
    return allowed


def may_accept_and_start(case: Case, user) -> bool:
    """受理并处置 in one go: the user may accept the case now and, once it is
    accepted, start it (the state table decides both, as for two separate taps)."""
    actor = actor_for(user)
    if refusal(TRANSITIONS[Action.ACCEPT], case, actor) is not None:
        return False
    accepted = copy.copy(case)
    accepted.status = Status.ACCEPTED
    return refusal(TRANSITIONS[Action.START], accepted, actor) is None


def dispatch_candidates(case: Case) -> QuerySet:
    """People a case may be dispatched to: the staff of its offices at its level and
    below (services.dispatch_case checks the choice again)."""
    posts = _any_of(
        Q(posts__role__in=LEVEL_ROLES[level], posts__area_code=office_code(case.area_code, level))
        for level in LEVELS[: RANK[case.level] + 1]
    )
    return get_user_model().objects.filter(posts, is_active=True).distinct().order_by("username")


# --- what the pages offer to choose from ---------------------------------------------
def filter_areas(user) -> list[Area]:
    """The work lists' area filter: the user's own areas and one level below."""
    scope = Scope.for_user(user)
    options = []
    for root in root_areas(scope):
        options.append(root)
        if root.level != Level.GRID:
            options.extend(areas_for(scope, parent=root.code))
    return options


def reporting_grids(user) -> QuerySet[Area]:
    """The grids a staff member may report a case in."""
    return areas_for(Scope.for_user(user), level=Level.GRID)


def own_grid(user) -> str:
    """The code of the user's own grid (a grid worker's post), to pre-select; "" without one."""
    return next((code for _role, code in actor_for(user).posts if len(code) == LEVEL_LENGTHS[Level.GRID]), "")


def reporting_buildings(user, limit: int) -> list[Building] | None:
    """The buildings of the user's grids for the report form, or None when there
    are more than ``limit`` (a drop-down of a whole street's buildings helps nobody)."""
    buildings = Scope.for_user(user).filter(Building).select_related("estate")
    rows = list(buildings.order_by("area_code", "estate__name", "name")[: limit + 1])
    return None if len(rows) > limit else rows


def household_in_scope(user, pk) -> Household | None:
    """The household a report starts from (a link on the household page), if the user sees it."""
    return households_for(Scope.for_user(user)).filter(pk=pk).first()


# --- public (no account) ---------------------------------------------------------
def public_case(tracking: str) -> Case:
    case = Case.objects.select_related("category", "category__parent").filter(
        tracking=(tracking or "").strip().upper()
    ).first()
    if case is None:
        raise Http404(_("未找到该诉求，请核对查询码"))
    return case


def office_names(case: Case) -> dict[str, str]:
    """The name of the office at each level above the case's grid: what residents are shown instead of people."""
    codes = {office_code(case.area_code, level): level for level in LEVELS}
    return {codes[code]: name for code, name in Area.objects.filter(code__in=codes).values_list("code", "name")}


def public_timeline(case: Case) -> list[dict]:
    """Each event as a resident may see it: when, what, the resulting status and
    the office in charge; never who (staff or resident) and never the notes."""
    offices = office_names(case)
    return [
        {
            "at": event.created_at,
            "action": event.action,
            "action_name": str(Action(event.action).label),
            "status": event.to_status,
            "status_name": str(Status(event.to_status).label),
            "level": event.to_level,
            "office": offices.get(event.to_level, ""),
        }
        for event in case.events.order_by("seq")
    ]


def public_places() -> list[Area]:
    """Streets, communities and grids by name and code, for a resident to say where.
    The list of a city's grids is public information; nothing else about them is shown."""
    places = Area.objects.filter(level__in=(Level.STREET, Level.COMMUNITY, Level.GRID))
    return list(places.only("code", "name", "level"))
