"""Reads of visits that pages, the API, the reminder job and reports share.

Everything goes through the caller's Scope. The definitions of the figures
(coverage, blind spots, care due) live here and nowhere else; docs/visits.md
states them in words.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import Role
from wangge.accounts.scope import Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area, Building, Household
from wangge.areas.selectors import areas_for, buildings_for, households_for
from wangge.people.models import Resident, Tag
from wangge.people.selectors import residents_for, tag_reader

from . import care
from .models import PEOPLE_KINDS, CarePolicy, Kind, Need, Visit, VisitPlan

GRID_LENGTH = LEVEL_LENGTHS[Level.GRID]
COMMUNITY_LENGTH = LEVEL_LENGTHS[Level.COMMUNITY]
# Who "all staff" of a community are: everyone who works in it day to day.
STAFF_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.COMMUNITY_HEAD)
PLANNER_ROLES = (Role.COMMUNITY_STAFF, Role.COMMUNITY_HEAD, Role.STREET_STAFF, Role.CITY_ADMIN)


# --- time ----------------------------------------------------------------------
def day_bounds(start: datetime.date, end: datetime.date | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of ``start`` to the end of ``end`` (inclusive) in the city's time zone."""
    end = end or start
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    finish = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return begin, finish


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


# --- plans -----------------------------------------------------------------------
def plans_for(scope: Scope) -> QuerySet[VisitPlan]:
    """Plans of communities in scope, and the plans of the community a grid
    worker's grid lies in (they take part, so they may read them)."""
    communities = {code[:COMMUNITY_LENGTH] for code in scope.codes if len(code) > COMMUNITY_LENGTH}
    visible = scope.q("area_code") | Q(area_code__in=communities)
    return VisitPlan.objects.filter(visible).select_related("community").prefetch_related("grids", "participants")


def may_plan(user, community_code: str) -> bool:
    """Sweeps are planned by the community's staff, or by a street or the city above it."""
    codes = user.posts.filter(role__in=PLANNER_ROLES).values_list("area_code", flat=True)
    return any(community_code.startswith(code) for code in codes)


def planner_communities(user) -> list[Area]:
    """The communities the user may plan sweeps for."""
    scope = Scope.for_user(user)
    return [a for a in areas_for(scope, level=Level.COMMUNITY) if may_plan(user, a.code)]


def community_staff(community_codes) -> list:
    """Everyone with a staff post (STAFF_ROLES) inside the given communities."""
    inside = Q(pk__in=[])
    for code in community_codes:
        inside |= Q(posts__area_code__startswith=code)
    return list(
        get_user_model().objects.filter(inside, is_active=True, posts__role__in=STAFF_ROLES).distinct().order_by("pk")
    )


def plan_participants(plan: VisitPlan) -> list:
    """The people a plan sends out: the community's staff when ``all_staff``, else those chosen."""
    if not plan.all_staff:
        return [u for u in plan.participants.all() if u.is_active]
    return community_staff([plan.area_code])


def plan_grids(plan: VisitPlan) -> list[Area]:
    chosen = list(plan.grids.all())
    return chosen or list(Area.objects.filter(parent_id=plan.community_id, level=Level.GRID))


def plans_on(user, day: datetime.date) -> list[VisitPlan]:
    """The sweeps the user takes part in that occur on ``day``."""
    communities = {
        code[:COMMUNITY_LENGTH]
        for code in user.posts.filter(role__in=STAFF_ROLES).values_list("area_code", flat=True)
        if len(code) >= COMMUNITY_LENGTH
    }
    plans = VisitPlan.objects.filter(
        Q(participants=user) | Q(all_staff=True, area_code__in=communities), is_active=True
    ).select_related("community").prefetch_related("grids", "participants").distinct()
    return [plan for plan in plans if plan.occurs_on(day)]


def own_grids(user) -> list[str]:
    """The grids of the user's own posts (a grid worker's 责任网格)."""
    codes = user.posts.filter(role=Role.GRID_WORKER).values_list("area_code", flat=True)
    return sorted(code for code in codes if len(code) == GRID_LENGTH)


def sweep_grids(plan: VisitPlan, user) -> list[Area]:
    """The grids a participant works on a sweep day (包联网格).

    Grid workers work their own grids. Those without one among the plan's grids
    (community staff) share the plan's grids in turn, by a fixed order of
    people and grids, so that two colleagues do not walk the same list.
    """
    grids = sorted(plan_grids(plan), key=lambda g: g.code)
    if not grids:
        return []
    codes = {g.code for g in grids}
    mine = [g for g in grids if g.code in set(own_grids(user))]
    if mine:
        return mine
    helpers = [p for p in plan_participants(plan) if not codes.intersection(own_grids(p))]
    if user not in helpers:
        helpers.append(user)
    index = helpers.index(user)
    shared = [g for i, g in enumerate(grids) if i % len(helpers) == index]
    return shared or [grids[index % len(grids)]]


# --- households: last visit and version ------------------------------------------------
def last_visit_at(before: datetime.datetime | None = None, *, household: str = "pk") -> Subquery:
    """The time of a household's latest visit (before ``before``), for annotations."""
    visits = Visit.objects.filter(household=OuterRef(household), kind__in=PEOPLE_KINDS)
    if before is not None:
        visits = visits.filter(visited_at__lt=before)
    return Subquery(visits.order_by("-visited_at").values("visited_at")[:1])


def with_versions(households: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate what a household's version is made of (see household_version)."""
    latest = Visit.objects.filter(household=OuterRef("pk")).order_by("-id").values("id")[:1]
    return households.annotate(
        v_visit=Subquery(latest), v_people=Count("residents", distinct=True), v_stamp=Max("residents__updated_at")
    )


def version_of(household: Household) -> str:
    """``<latest visit id>.<residents>.<latest change of a resident>``.

    The phone keeps the version it saw when it loaded the work list and sends it
    with an entry made offline; services.record_visit compares it with this to
    tell whether the household changed meanwhile (another visit was recorded,
    or people moved in, out or were edited). An edit of the address alone is
    not covered: households carry no change stamp of their own.
    """
    stamp = household.v_stamp.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f") if household.v_stamp else "0"
    return f"{household.v_visit or 0}.{household.v_people}.{stamp}"


def household_version(household_id: int) -> str:
    return version_of(with_versions(Household.objects.filter(pk=household_id)).get())


# --- care visits -----------------------------------------------------------------------------
@dataclass
class CareRow:
    """A resident with a care visit outstanding: when, for which tag and why."""

    resident: Resident
    tags: list[Tag]
    due: care.Due
    last_visit: datetime.datetime | None

    @property
    def tag(self) -> Tag:
        return next(t for t in self.tags if t.code == self.due.tag)


def care_rules(*, using: str | None = None) -> dict[str, care.Rule]:
    """The active care rules by tag code (``using``: the database to read them from)."""
    return {p.tag.code: p.rule for p in CarePolicy.objects.using(using).filter(is_active=True).select_related("tag")}


def key_residents(residents: QuerySet[Resident], today: datetime.date) -> QuerySet[Resident]:
    """Residents carrying a tag that has an active care policy (derived tags by birth date); the
    policies are read from the residents' database."""
    policies = list(CarePolicy.objects.using(residents.db).filter(is_active=True).select_related("tag"))
    stored = [p.tag_id for p in policies if not p.tag.is_derived]
    wanted = Q(pk__in=Resident.objects.filter(tags__in=stored).values("pk"))
    for policy in policies:
        if policy.tag.is_derived:
            wanted |= Q(birth_date__lte=policy.tag.latest_birth_date(today))
    return residents.filter(wanted) if policies else residents.none()


def care_due(
    scope: Scope, *, today: datetime.date, area: str = "", grids=(), within: int = 0, overdue_only: bool = False,
) -> list[CareRow]:
    """Care visits due by ``today + within`` (or only those overdue), earliest first.

    Residents without a household are left out: care visits are recorded at a home.
    """
    residents = residents_for(scope).filter(household__isnull=False)
    if area:
        residents = residents.filter(area_code__startswith=area)
    if grids:
        residents = residents.filter(area_code__in=list(grids))
    _begin, end_of_today = day_bounds(today)
    residents = key_residents(residents, today).annotate(
        last_visit=last_visit_at(end_of_today, household="household_id")
    ).select_related("household")
    rules, tags_of = care_rules(), tag_reader(today)
    horizon = today + datetime.timedelta(days=within)
    rows = []
    for resident in residents:
        tags = [t for t in tags_of(resident) if t.code in rules]
        due = care.next_due(
            [rules[t.code] for t in tags], last=local_date(resident.last_visit),
            registered=local_date(resident.created_at), today=today,
        )
        if due is None or (due.date > horizon) or (overdue_only and not due.overdue):
            continue
        rows.append(CareRow(resident=resident, tags=tags, due=due, last_visit=resident.last_visit))
    return sorted(rows, key=lambda r: (r.due.date, r.resident.area_code, r.resident.household.address, r.resident.pk))


@dataclass
class GridCare:
    """A grid's outstanding care visits: what the community looks at per grid worker."""

    grid: Area
    workers: list[str]
    due_today: int = 0
    overdue: int = 0


def care_by_grid(scope: Scope, *, area: str, today: datetime.date) -> list[GridCare]:
    """Due-today and overdue care visits per grid under ``area``, in grid order (never ranked)."""
    grids = {g.code: GridCare(grid=g, workers=[]) for g in areas_for(scope, level=Level.GRID).filter(code__startswith=area)}
    posts = get_user_model().objects.filter(
        is_active=True, posts__role=Role.GRID_WORKER, posts__area_code__in=list(grids)
    ).values_list("posts__area_code", "display_name", "username")
    for code, display_name, username in posts:
        if code in grids:
            grids[code].workers.append(display_name or username)
    for row in care_due(scope, today=today, area=area):
        entry = grids.get(row.resident.area_code[:GRID_LENGTH])
        if entry is not None:
            if row.due.overdue:
                entry.overdue += 1
            else:
                entry.due_today += 1
    return [grids[code] for code in sorted(grids)]


# --- the work list ---------------------------------------------------------------------------
@dataclass
class WorkItem:
    household: Household
    last_visit: datetime.datetime | None
    days_since: int | None
    version: str
    care: list[CareRow] = field(default_factory=list)

    @property
    def care_due_on(self) -> datetime.date | None:
        return min((row.due.date for row in self.care), default=None)


@dataclass
class Worklist:
    date: datetime.date
    plans: list[VisitPlan]
    grids: list[Area]
    items: list[WorkItem]

    @property
    def target(self) -> int | None:
        """Households each participant aims at today: the largest target of today's sweeps."""
        return max((p.target_households for p in self.plans), default=None)


def worklist(user, day: datetime.date, *, area: str = "") -> Worklist:
    """The households a person works on ``day``: due care visits on top (earliest
    due first), then the least recently visited (never visited first).

    The grids are the person's own and those of the sweeps they take part in
    that day (sweep_grids); ``area`` (a grid or community in scope) replaces
    them, for staff looking at a place of their choice.
    """
    scope = Scope.for_user(user)
    plans = plans_on(user, day)
    if area:
        grids = list(areas_for(scope, level=Level.GRID).filter(code__startswith=area))
    else:
        codes = set(own_grids(user))
        for plan in plans:
            codes.update(g.code for g in sweep_grids(plan, user))
        grids = list(areas_for(scope, level=Level.GRID).filter(code__in=codes))
    codes = [g.code for g in grids]
    _begin, end_of_day = day_bounds(day)
    households = with_versions(households_for(scope).filter(area_code__in=codes)).annotate(
        last_visit=last_visit_at(end_of_day)
    )
    care_rows = defaultdict(list)
    for row in care_due(scope, today=day, grids=codes):
        care_rows[row.resident.household_id].append(row)
    items = [
        WorkItem(
            household=h, last_visit=h.last_visit, version=version_of(h), care=care_rows.get(h.pk, []),
            days_since=(day - local_date(h.last_visit)).days if h.last_visit else None,
        )
        for h in households
    ]
    never = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    items.sort(key=lambda i: (
        i.care_due_on is None, i.care_due_on or day, i.last_visit or never, i.household.address, i.household.pk,
    ))
    return Worklist(date=day, plans=plans, grids=sorted(grids, key=lambda g: g.code), items=items)


# --- visits ----------------------------------------------------------------------------------
def visits_for(scope: Scope) -> QuerySet[Visit]:
    return scope.filter(Visit).select_related(
        "household", "building", "building__estate", "estate", "recorded_by"
    ).prefetch_related("visitors", Prefetch("needs", Need.objects.select_related("category__parent", "case")))


def search_visits(
    scope: Scope, *, area: str = "", kind: str = "", date_from: datetime.date | None = None,
    date_to: datetime.date | None = None, household: int | None = None, building: int | None = None,
    visitor: str = "", needs: str = "",
) -> QuerySet[Visit]:
    """Visits in scope, newest first. ``needs``: "any" (surfaced a need), "case"
    (raised a case), "none". Unknown values raise ValidationError naming the filter."""
    errors = {}
    if kind and kind not in Kind.values:
        errors["kind"] = [_("不在可选值内：%(value)s") % {"value": kind}]
    if needs and needs not in ("any", "case", "none"):
        errors["needs"] = [_("不在可选值内：%(value)s") % {"value": needs}]
    if errors:
        raise ValidationError(errors)
    visits = visits_for(scope)
    if area:
        visits = visits.filter(area_code__startswith=area.strip())
    if kind:
        visits = visits.filter(kind=kind)
    if date_from:
        visits = visits.filter(visited_at__gte=day_bounds(date_from)[0])
    if date_to:
        visits = visits.filter(visited_at__lt=day_bounds(date_to)[1])
    if household:
        visits = visits.filter(household_id=household)
    if building:
        visits = visits.filter(building_id=building)
    if visitor:
        visits = visits.filter(visitors__username=visitor)
    if needs == "any":
        visits = visits.filter(Exists(Need.objects.filter(visit=OuterRef("pk"))))
    elif needs == "case":
        visits = visits.filter(Exists(Need.objects.filter(visit=OuterRef("pk"), case__isnull=False)))
    elif needs == "none":
        visits = visits.exclude(Exists(Need.objects.filter(visit=OuterRef("pk"))))
    return visits


def visit_in_scope(scope: Scope, pk: int) -> Visit:
    return scope.get_or_404(visits_for(scope), pk=pk)


def visits_since(household: Household, visit_id: int) -> list[Visit]:
    """Visits to a household recorded after the one with ``visit_id``: what a conflict shows."""
    return list(
        Visit.objects.filter(household=household, pk__gt=visit_id).select_related("recorded_by")
        .prefetch_related("needs", "needs__case").order_by("visited_at")
    )


# --- coverage and blind spots ------------------------------------------------------------------
@dataclass
class Coverage:
    """The figures of one area over one period (definitions in docs/visits.md)."""

    area: Area
    households: int = 0
    households_visited: int = 0
    visits: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    needs: int = 0
    solved_on_spot: int = 0
    cases_raised: int = 0

    @property
    def rate(self) -> float | None:
        """走访覆盖率: households reached at least once / all households."""
        return self.households_visited / self.households if self.households else None

    @property
    def solved_share(self) -> float | None:
        """当场解决率: needs solved on the spot / needs surfaced."""
        return self.solved_on_spot / self.needs if self.needs else None

    def kind_counts(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_kind.get(value, 0)) for value, label in Kind.choices]


def coverage(
    scope: Scope, code: str, start: datetime.date, end: datetime.date, *, by_children: bool = False,
    using: str | None = None,
) -> list[Coverage]:
    """Coverage of the area ``code`` from ``start`` to ``end`` (inclusive), or of
    each of its children. One grouped query per figure, whatever the number of areas.
    ``using``: the database the figures are read from (the stats pass a read replica's);
    the areas themselves are read from the primary."""
    area = scope.get_or_404(Area, code=code)
    areas = list(areas_for(scope, parent=code)) if by_children else [area]
    if not areas:
        return []
    length = len(areas[0].code)
    rows = {a.code: Coverage(area=a) for a in areas}
    begin, finish = day_bounds(start, end)

    def grouped(queryset, field_name: str, **aggregates):
        return queryset.annotate(prefix=Substr(field_name, 1, length)).values("prefix").annotate(**aggregates)

    households = households_for(scope, area=code).using(using)
    for row in grouped(households, "area_code", n=Count("pk")):
        if row["prefix"] in rows:
            rows[row["prefix"]].households = row["n"]
    visits = scope.filter(Visit.objects.using(using)).filter(area_code__startswith=code, visited_at__gte=begin,
                                                             visited_at__lt=finish)
    reached = visits.filter(household__isnull=False, kind__in=PEOPLE_KINDS)
    for row in grouped(reached, "area_code", n=Count("household", distinct=True)):
        if row["prefix"] in rows:
            rows[row["prefix"]].households_visited = row["n"]
    by_kind = visits.annotate(prefix=Substr("area_code", 1, length)).values("prefix", "kind").annotate(n=Count("pk"))
    for row in by_kind:
        if row["prefix"] in rows:
            entry = rows[row["prefix"]]
            entry.by_kind[row["kind"]] = row["n"]
            entry.visits += row["n"]
    needs = Need.objects.using(visits.db).filter(visit__in=visits.values("pk"))
    for row in grouped(needs, "visit__area_code", n=Count("pk"),
                       solved=Count("pk", filter=Q(solved_on_spot=True)),
                       cases=Count("pk", filter=Q(case__isnull=False))):
        if row["prefix"] in rows:
            entry = rows[row["prefix"]]
            entry.needs, entry.solved_on_spot, entry.cases_raised = row["n"], row["solved"], row["cases"]
    return [rows[a.code] for a in areas]


def stale_households(scope: Scope, *, area: str, days: int, today: datetime.date) -> QuerySet[Household]:
    """Blind spots: households under ``area`` nobody has visited in the last ``days``
    days (or ever), never visited first, then the longest ago."""
    cutoff, end_of_today = day_bounds(today - datetime.timedelta(days=days - 1))[0], day_bounds(today)[1]
    households = households_for(scope, area=area).annotate(last_visit=last_visit_at(end_of_today))
    return households.filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff)).order_by(
        F("last_visit").asc(nulls_first=True), "address", "pk"
    )


def unvisited_buildings(scope: Scope, *, area: str) -> QuerySet[Building]:
    """Blind spots: buildings under ``area`` with no visit ever, to the building or any household in it."""
    return buildings_for(scope, area=area).filter(~Exists(Visit.objects.filter(building=OuterRef("pk")))).annotate(
        household_count=Count("households")
    ).order_by("area_code", "estate__name", "name")


# Ages of the last visit (days) that colour the building layer.
AGE_BANDS = ((30, "recent"), (90, "aging"), (None, "stale"))


@dataclass
class BuildingAge:
    building: Building
    last_visit: datetime.datetime | None
    age_days: int | None
    band: str


def building_layer(scope: Scope, *, area: str, today: datetime.date) -> list[BuildingAge]:
    """Every building under ``area`` with the age of its last visit, for the map layer."""
    _begin, end_of_today = day_bounds(today)
    last = Subquery(
        Visit.objects.filter(building=OuterRef("pk"), visited_at__lt=end_of_today)
        .order_by("-visited_at").values("visited_at")[:1]
    )
    rows = []
    for building in buildings_for(scope, area=area).annotate(last_visit=last):
        age = (today - local_date(building.last_visit)).days if building.last_visit else None
        band = "never" if age is None else next(name for limit, name in AGE_BANDS if limit is None or age <= limit)
        rows.append(BuildingAge(building=building, last_visit=building.last_visit, age_days=age, band=band))
    return rows
