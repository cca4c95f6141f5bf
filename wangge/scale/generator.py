"""A synthetic city of any size with the demo city's proportions, written with bulk paths.

The demo city (wangge.demo) is 公主岭 as the article describes it, about
12,000 residents. This generator reuses its planners, so that households,
people, tags, ID numbers, case histories and visits follow the same rules, and
changes only what size needs:

- **The tree** grows with the residents: grids of about GRID_HOUSEHOLDS
  households, GRIDS_PER_COMMUNITY grids to a community, COMMUNITIES_PER_STREET
  communities to a street, each community with the estates of one of the demo
  city's communities (old, abandoned and newer estates in the same mix).
- **The city code** is CITY_CODE (229999), so the synthetic city never meets
  the demo city (220184) in one database.
- **Cases** are planned by the demo's case simulator (wangge.demo.cases) over
  ``years`` years ending at ``until``; cases reported lately are left where
  they stand then (open, in progress, awaiting verification or rating), which
  fills the work lists. The demo's article-specific cases and its open "tail"
  are left out.
- **Visits** (visits.py): sweeps to most households, care visits to the key
  populations at their policies' frequency in the recent months, the visit
  every visit- or patrol-found case came from, and blind spots.

**Planned in parallel, written in order.** The areas and accounts are written
first; then each community is planned on its own (people, cases, visits) from
generators seeded with ``seed`` and its code, in a pool of ``jobs`` planner
processes (forked: they inherit everything read so far and never touch the
database). Each hands its rows, encoded as small tuples (sink.Layout), to
this process, which writes them community by community in community order,
with PostgreSQL COPY (executemany on SQLite), in one transaction, and keeps
nothing of them, so memory stays flat at any size. The writer gives the ids
and what must be unique over the whole city:

- an ID number already given in an earlier community is drawn again (same
  region, birth date and sex, another sequence number: still GB 11643-valid);
- case numbers SQ-YYYY-NNNNNN run in reporting order within each community
  and on from the previous community's within each year (the planners number
  from 1, the writer adds the year's count so far, in the cases and in the
  notes and notifications that name them); tracking codes are checked likewise.

So the same ``seed`` and ``until`` give the same city for any number of jobs
(ids aside, if the database held rows before).
"""
from __future__ import annotations

import datetime
import itertools
import math
import multiprocessing
import os
import random
import re
import resource
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from wangge.accounts.models import Post, User
from wangge.accounts.roles import Role
from wangge.areas.codes import LEVEL_LENGTHS, Level, county_code
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases import routing
from wangge.cases.models import Case, CaseCounter, CaseEvent, Category, Holiday, Notification, Source
from wangge.demo import cases as demo_cases
from wangge.demo import city as demo_city
from wangge.demo import loader, population
from wangge.demo.geometry import Rect
from wangge.people.models import Resident, Tag
from wangge.people.validators import id_check_char
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import Need, Visit, VisitPlan

from . import visits as city_visits
from .sink import Layout, Sink

CITY_CODE = "229999"
CITY_NAME = "合成市"
# A made-up patch of the plain south-west of 长春, wide enough for a city of a million.
CITY_BOUNDS = Rect(south=43.30, west=124.60, north=43.60, east=125.00)

GRID_HOUSEHOLDS = 300
GRIDS_PER_COMMUNITY = 4
COMMUNITIES_PER_STREET = 4
# What the demo's household kinds give on average (measured: 2.4 people a household).
PEOPLE_PER_HOUSEHOLD = 2.4
# The figure: a city of a million reports about a third of a million problems a year.
CASES_PER_RESIDENT_YEAR = 1 / 3

ACCOUNT_PREFIX = "s"
PASSWORD = "wangge-scale-2026"


@dataclass(frozen=True)
class Size:
    residents: int
    households: int
    grids: int
    communities: int
    streets: int

    @classmethod
    def for_residents(cls, residents: int) -> Size:
        households = max(1, round(residents / PEOPLE_PER_HOUSEHOLD))
        grids = max(1, round(households / GRID_HOUSEHOLDS))
        communities = math.ceil(grids / GRIDS_PER_COMMUNITY)
        streets = math.ceil(communities / COMMUNITIES_PER_STREET)
        return cls(residents, households, grids, communities, streets)


def area_tree(size: Size) -> list[demo_city.AreaSpec]:
    """City, streets, communities and grids, parents first; community n has the estates of demo community n mod 10."""
    demo_communities = [c for s in demo_city.STREETS for c in s.communities]
    tree = [demo_city.AreaSpec(CITY_CODE, CITY_NAME, Level.CITY, None)]
    grids_left, communities_left = size.grids, size.communities
    n = 0
    for s in range(1, size.streets + 1):
        street_code = f"{CITY_CODE}{s:03d}"
        tree.append(demo_city.AreaSpec(street_code, f"第{s}街道", Level.STREET, CITY_CODE))
        for c in range(1, min(COMMUNITIES_PER_STREET, communities_left) + 1):
            communities_left -= 1
            community_code = f"{street_code}{c:03d}"
            name = f"第{s}街道第{c}社区"
            estates = demo_communities[n % len(demo_communities)].estates
            n += 1
            tree.append(demo_city.AreaSpec(community_code, name, Level.COMMUNITY, street_code, estates))
            # Spread the grids evenly over the communities still to come.
            grids = min(grids_left, math.ceil(grids_left / (communities_left + 1)))
            grids_left -= grids
            tree.extend(
                demo_city.AreaSpec(f"{community_code}{g:03d}", f"{name}第{g}网格", Level.GRID, community_code)
                for g in range(1, grids + 1)
            )
    return tree


def lay_out(tree: list[demo_city.AreaSpec]) -> dict[str, Rect]:
    """As the demo's layout: streets as bands, communities and grids as tiles of their parent."""
    children: dict[str | None, list] = {}
    for spec in tree:
        children.setdefault(spec.parent_code, []).append(spec)
    rects = {CITY_CODE: CITY_BOUNDS}
    for spec in tree:
        kids = children.get(spec.code, [])
        if not kids:
            continue
        cells = rects[spec.code].tile(len(kids)) if spec.level != Level.CITY else rects[spec.code].bands(
            [len(children.get(k.code, [])) or 1 for k in kids])
        rects.update((k.code, cell) for k, cell in zip(kids, cells))
    return rects


def accounts(tree: list[demo_city.AreaSpec]) -> list[demo_city.DemoAccount]:
    """A grid worker per grid, a head and a worker per community, two staff per street, one city administrator."""
    rows = [demo_city.DemoAccount(f"{ACCOUNT_PREFIX}{CITY_CODE}_admin", "合成市管理员", Role.CITY_ADMIN, CITY_CODE)]
    for spec in tree:
        code = spec.code
        if spec.level == Level.GRID:
            rows.append(demo_city.DemoAccount(f"{ACCOUNT_PREFIX}{code}_grid", f"网格员{code[6:]}", Role.GRID_WORKER, code))
        elif spec.level == Level.COMMUNITY:
            rows.append(demo_city.DemoAccount(f"{ACCOUNT_PREFIX}{code}_head", f"书记{code[6:]}", Role.COMMUNITY_HEAD, code))
            rows.append(demo_city.DemoAccount(f"{ACCOUNT_PREFIX}{code}_staff", f"社工{code[6:]}", Role.COMMUNITY_STAFF,
                                              code))
        elif spec.level == Level.STREET:
            for n in (1, 2):
                rows.append(demo_city.DemoAccount(f"{ACCOUNT_PREFIX}{code}_street{n}", f"街道{code[6:]}-{n}",
                                                  Role.STREET_STAFF, code))
    return rows


# --- the people ------------------------------------------------------------------------


class PeoplePlanner(loader._Planner):
    """The demo's household and resident planner, fed one community at a time."""

    def __init__(self, rng: random.Random, ids: population.IdNumbers):
        super().__init__(rng, 1.0)
        self.ids = ids
        self.named = {}
        self.reserved_names = frozenset()

    def community(self, spec: demo_city.AreaSpec, grids: list[Area], rects: dict[str, Rect],
                  targets: dict[str, int]) -> loader.CityPlan:
        self.plan = loader.CityPlan()
        estates = [self._estate(spec.code, estate) for estate in spec.estates]
        for index, grid in enumerate(grids):
            self._populate_grid(grid, rects[grid.code], estates[index % len(estates)], spec.name, targets[grid.code])
        # An estate that got no grid (a community of fewer grids than estates) is left out.
        self.plan.estates = [e for e in estates if any(b.estate is e for b in self.plan.buildings)]
        self._place_estates(self.plan.estates)
        return self.plan


# --- the cases ---------------------------------------------------------------------------


class _Places(demo_cases.Places):
    """The demo's Places for one community of the synthetic city, from rows still in memory."""

    def __init__(self, areas: dict[str, Area], plan: loader.CityPlan):
        self.areas = areas
        self.buildings = {}
        self.households = {}
        self.units = {}
        self.members = {}
        for b in plan.buildings:
            self.buildings.setdefault(b.area_code, []).append(b)
        for h in plan.households:
            self.households.setdefault(h.area_code, []).append(h)
            units = self.units.setdefault(h.building.pk, [])
            if h.unit not in units:
                units.append(h.unit)
        ref = population.REFERENCE_DATE
        for r in plan.residents:
            born = r.birth_date
            age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
            self.members.setdefault(r.household.pk, []).append(demo_cases.Person(r.pk, r.name, r.phone, age))
        self.grids = sorted(code for code, a in areas.items() if a.level == Level.GRID)
        # Places reads these as defaultdicts.
        for name in ("buildings", "households", "units", "members"):
            d = getattr(self, name)
            setattr(self, name, _DefaultList(d))


class _DefaultList(dict):
    def __missing__(self, key):
        return []


class CasePlanner(demo_cases.Planner):
    """The demo's case planner over ``years`` years before ``now``, for one community, without the article's cases."""

    def __init__(self, *, seed: str, now: datetime.datetime, years: int, places: _Places,
                 offices: demo_cases.Offices, context: _Context, quota: int):
        self.scale = 1.0
        self.now = demo_cases._second(now)
        self.rng = random.Random(seed)
        self.places = places
        self.offices = offices
        self.staff_of = {s.user.pk: s for s in offices.staff}
        self.clock = context.clock
        self.categories = context.categories
        self._routes = context.routes
        self.sims = []
        self.trackings = set()  # unique within the community; the writer checks them over the city
        self.years = years
        self.quota_total = quota

    def plan(self) -> demo_cases.CaseHistory:
        self._history()
        self.sims.sort(key=lambda s: s.case.reported_at)
        return demo_cases.CaseHistory(self.sims, self._number(), self.now)

    def _number(self) -> dict[int, int]:
        """SQ-YYYY-NNNNNN from 1 in each year, in reporting order; the writer adds the earlier communities'."""
        counters: dict[int, int] = {}
        for sim in self.sims:
            year = timezone.localtime(sim.case.reported_at, self.clock.tz).year
            counters[year] = counters.get(year, 0) + 1
            sim.case.number = f"SQ-{year}-{counters[year]:06d}"
        for sim in self.sims:
            for fixup in sim.fixups:
                fixup.event.note = gettext(fixup.template) % {"number": fixup.other.case.number}
        return counters

    def _history(self) -> None:
        end = timezone.localtime(self.now, self.clock.tz).date()
        start = end - datetime.timedelta(days=365 * self.years)
        days = [start + datetime.timedelta(days=i) for i in range((end - start).days)]
        weights = [demo_cases.MONTHS[d.month] * (1.0 if self.clock.working(d) else 0.35) for d in days]
        grids = self.places.grids
        # Running sums once, not for every case: random.choices draws the same with cum_weights.
        grid_sums = list(itertools.accumulate(len(self.places.households[g]) for g in grids))
        day_sums = list(itertools.accumulate(weights))
        for _i in range(self.quota_total):
            grid = self.rng.choices(grids, cum_weights=grid_sums)[0]
            day = self.rng.choices(days, cum_weights=day_sums)[0]
            self._background(grid, day)

    def _background(self, grid: str, day: datetime.date) -> None:
        """As the demo's, with the case left where it stands at ``now``."""
        rng = self.rng
        working = self.clock.working(day)
        weights = demo_cases.SOURCES_AFTER if working else demo_cases.SOURCES_REST_DAY
        source = rng.choices(list(weights), list(weights.values()))[0]
        public = source == "resident" and rng.random() < 0.65
        t = self._report_time(day, source, public)
        code, subject, place = self._pick_subject(grid, t, source)
        plan = self._draw_plan(grid, code, source, subject)
        sim = self._new_case(grid, t, source, code, subject, place, plan, public=public)
        sim.drive(until=self.now)
        self.sims.append(sim)
        if plan.outcome == "resolved" and rng.random() < 0.03:
            self._duplicate(sim)

    def _duplicate(self, original) -> None:
        before = len(self.sims)
        super()._duplicate(original)
        if len(self.sims) > before and self.sims[-1].events[-1].created_at > self.now:
            raise demo_cases.PlanError("a duplicate's merge after now")

    def partner_for(self, code, grid, building) -> str:
        if demo_cases.texts.PARTNER_KINDS.get(code, "repair") == "police":
            return f"{CITY_NAME}公安局{self.places.street_name(grid)}派出所"
        return super().partner_for(code, grid, building)


# --- what every planner needs ------------------------------------------------------------------

COUNTY = county_code(CITY_CODE)
SWEEP_WEEKDAYS = (3,)  # every community's sweep: every Wednesday (每周三入户走访)


def _layouts() -> dict[str, Layout]:
    """How each table's rows travel from the planners to the writer (see sink.py)."""
    tags = Resident.tags.through
    return {
        "estates": Layout(Estate, ids=True),
        "buildings": Layout(Building, refs={"estate": Estate}, ids=True, county=COUNTY),
        "households": Layout(Household, refs={"building": Building}, ids=True, county=COUNTY),
        "residents": Layout(Resident, refs={"household": Household}, keys=("id_number", "id_last4"), ids=True,
                            county=COUNTY),
        "tags": Layout(tags, refs={"resident": Resident}, county=COUNTY),
        "cases": Layout(Case, refs={"household": Household, "building": Building, "merged_into": Case,
                                    "reporter_resident": Resident}, keys=("number", "tracking"), ids=True,
                        county=COUNTY),
        "events": Layout(CaseEvent, refs={"case": Case}, county=COUNTY),
        "notifications": Layout(Notification, refs={"case": Case}, county=COUNTY),
        "visits": Layout(Visit, refs={"household": Household, "building": Building, "estate": Estate}, ids=True,
                         county=COUNTY),
        "visitors": Layout(Visit.visitors.through, refs={"visit": Visit}),
        "needs": Layout(Need, refs={"visit": Visit, "case": Case}),
    }


@dataclass
class _Context:
    """Everything the planners read, made before they fork (so they inherit it and never query)."""

    seed: int
    years: int
    now: datetime.datetime
    with_cases: bool
    with_visits: bool
    communities: list[demo_city.AreaSpec]
    grids_of: dict[str, list[Area]]
    rects: dict[str, Rect]
    areas: dict[str, Area]
    accounts: list[demo_city.DemoAccount]
    users: dict[str, User]
    targets: dict[str, int]
    clock: demo_cases.Clock
    categories: dict[str, Category]
    routes: dict
    tag_ids: dict[str, int]
    care_days: dict[str, int]  # stored tag code → care interval (days)
    derived_care: list[tuple[datetime.date, int]]  # (latest birth date, interval) of the age-derived tags
    layouts: dict[str, Layout]

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now, self.clock.tz).date()

    @property
    def start(self) -> datetime.date:
        return self.today - datetime.timedelta(days=365 * self.years)

    @property
    def registered(self) -> datetime.datetime:
        """When the residents were registered: the day before the history starts."""
        return datetime.datetime.combine(self.start - datetime.timedelta(days=1), datetime.time(9, 0),
                                         tzinfo=self.clock.tz)


_CONTEXT: _Context | None = None


@dataclass
class Batch:
    """One community's rows, encoded (sink.Layout), and the year counts of its case numbers."""

    index: int
    rows: dict[str, list[tuple]]
    counters: dict[int, int] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)


def plan_community(index: int) -> Batch:
    """Plan the ``index``-th community from its own seeded generators; no database."""
    ctx = _CONTEXT
    with translation.override("zh-hans"):
        spec = ctx.communities[index]
        people = PeoplePlanner(random.Random(f"{ctx.seed}:people:{spec.code}"), population.IdNumbers())
        plan = people.community(spec, ctx.grids_of[spec.code], ctx.rects, ctx.targets)
        for table in (plan.estates, plan.buildings, plan.households, plan.residents):
            for i, obj in enumerate(table):
                obj.pk = i  # the row's index in the community: what refs carry (sink.Layout)
        L, stamp = ctx.layouts, ctx.registered
        batch = Batch(index, {})
        rows = batch.rows
        rows["estates"] = [L["estates"].encode(e) for e in plan.estates]
        rows["buildings"] = [L["buildings"].encode(b) for b in plan.buildings]
        rows["households"] = [L["households"].encode(h) for h in plan.households]
        rows["residents"] = [L["residents"].encode(r, stamp) for r in plan.residents]
        tags = L["tags"]
        rows["tags"] = [(r.pk, tags.tail([COUNTY, ctx.tag_ids[code]]))
                        for r, codes in plan.resident_tags for code in codes]
        batch.counts.update(estates=len(plan.estates), buildings=len(plan.buildings),
                            households=len(plan.households), residents=len(plan.residents))
        history = _plan_cases(ctx, spec, plan) if ctx.with_cases else None
        if history is not None:
            _encode_cases(ctx, history, batch)
        if ctx.with_visits:
            _plan_visits(ctx, spec, plan, history, batch)
    return batch


def _plan_cases(ctx: _Context, spec: demo_city.AreaSpec, plan: loader.CityPlan) -> demo_cases.CaseHistory:
    street = spec.parent_code
    wanted = {CITY_CODE, street, spec.code}
    mine = [a for a in ctx.accounts
            if a.area_code in wanted or (a.area_code.startswith(spec.code) and len(a.area_code) > len(spec.code))]
    offices = _offices(mine, ctx.users)
    local = {code: a for code, a in ctx.areas.items() if code in wanted or code.startswith(spec.code)}
    places = _Places(local, plan)
    quota = round(CASES_PER_RESIDENT_YEAR * ctx.years * len(plan.residents))
    planner = CasePlanner(seed=f"{ctx.seed}:cases:{spec.code}", now=ctx.now, years=ctx.years, places=places,
                          offices=offices, context=ctx, quota=quota)
    history = planner.plan()
    for i, sim in enumerate(history.sims):
        sim.case.pk = i
    return history


def _encode_cases(ctx: _Context, history: demo_cases.CaseHistory, batch: Batch) -> None:
    L = ctx.layouts
    cases, events = L["cases"], L["events"]
    case_rows, event_rows = [], []
    for sim in history.sims:
        case = sim.case
        case.merged_into = sim.merged_into.case if sim.merged_into else None
        case.updated_at = sim.events[-1].created_at
        case_rows.append(cases.encode(case))
        event_rows.extend(events.encode(e) for e in sim.events)
    # The bell only for what is still open: the history's notifications were read long ago.
    open_history = demo_cases.CaseHistory([s for s in history.sims if s.case.status in demo_cases.ACTIVE],
                                          history.counters, history.now)
    for sim in open_history.sims:
        sim.tail = "open"
    notes = demo_cases._notifications(open_history)
    batch.rows["cases"] = case_rows
    batch.rows["events"] = event_rows
    batch.rows["notifications"] = [L["notifications"].encode(n) for n in notes]
    batch.counters = history.counters
    batch.counts.update(cases=len(case_rows), events=len(event_rows), notifications=len(notes))


def _plan_visits(ctx: _Context, spec: demo_city.AreaSpec, plan: loader.CityPlan,
                 history: demo_cases.CaseHistory | None, batch: Batch) -> None:
    care: dict[int, int] = {}
    for resident, codes in plan.resident_tags:
        days = [ctx.care_days[code] for code in codes if code in ctx.care_days]
        days += [interval for latest, interval in ctx.derived_care if resident.birth_date <= latest]
        if days:
            household = resident.household.pk
            care[household] = min(care.get(household, 999), *days)
    homes = [city_visits.Home(h.pk, h.building.pk, h.building.estate.pk, h.area_code, care.get(h.pk))
             for h in plan.households]
    found = []
    for sim in history.sims if history else ():
        case = sim.case
        if case.source in (Source.VISIT, Source.PATROL) and case.reporter_user_id:
            building = case.building
            found.append(city_visits.FoundCase(
                case.pk, case.source, case.household.pk if case.household else None,
                building.pk if building else None, building.estate.pk if building else None, case.area_code,
                case.reported_at, case.reporter_user_id, case.description, case.category_id,
            ))
    workers, staff = {}, []
    for a in ctx.accounts:
        if a.area_code.startswith(spec.code):
            if a.role == Role.GRID_WORKER:
                workers.setdefault(a.area_code, ctx.users[a.username].pk)
            elif a.role in (Role.COMMUNITY_HEAD, Role.COMMUNITY_STAFF) and a.area_code == spec.code:
                staff.append(ctx.users[a.username].pk)
    planner = city_visits.Planner(
        random.Random(f"{ctx.seed}:visits:{spec.code}"), today=ctx.today, start=ctx.start, tz=ctx.clock.tz,
        working=ctx.clock.working, workers=workers, staff=staff, sweep_weekdays=SWEEP_WEEKDAYS,
        categories={code: c.pk for code, c in ctx.categories.items()},
    )
    out = planner.plan(homes, len(plan.residents), ctx.years, found)
    L = ctx.layouts
    visits, visitors, needs = L["visits"], L["visitors"], L["needs"]
    assert visits.tail_names == ["county_code", "client_id", "place_name", "area_code", "visited_at", "kind", "met",
                                 "summary", "lat", "lng", "recorded_by", "created_at"], visits.tail_names
    batch.rows["visits"] = [
        (household, building, estate,
         visits.tail([COUNTY, client, place, area, at, kind, "", "", None, None, user, at]))
        for household, building, estate, place, area, at, kind, user, client in out.visits
    ]
    batch.rows["visitors"] = [(visit, visitors.tail([user])) for visit, user in out.visitors]
    batch.rows["needs"] = [(visit, case, needs.tail([text, category, solved]))
                           for visit, case, text, category, solved in out.needs]
    batch.counts.update(visits=len(out.visits), care_visits=out.care, needs=len(out.needs))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _BackendClock:
    """CPU seconds of this connection's PostgreSQL backend (read from /proc: a server on this machine)."""

    def __init__(self):
        self.pid, self.start = None, 0.0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.start = self._read()

    def _read(self) -> float | None:
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float | None:
        end = self._read() if self.pid else None
        return end - self.start if end is not None and self.start is not None else None


def _child_start() -> None:
    """A planner never touches the database: the connection it inherited belongs to the writer."""

    def refuse(execute, sql, params, many, context):
        raise RuntimeError(f"a planner process queried the database: {sql[:200]}")

    connection.execute_wrappers.append(refuse)


# --- the whole run ---------------------------------------------------------------------------


class Progress:
    def __init__(self, out=None, total: int = 0):
        self.out = out or sys.stderr
        self.total = total
        self.started = time.monotonic()

    def __call__(self, done: int, counts: Counter) -> None:
        elapsed = time.monotonic() - self.started
        self.out.write(
            f"\r[{elapsed:7.1f}s] communities {done}/{self.total}  residents {counts['residents']:,}  "
            f"cases {counts['cases']:,}  events {counts['events']:,}  visits {counts['visits']:,}"
        )
        self.out.flush()

    def end(self, cpu: dict[str, float] | None = None) -> None:
        self.out.write("\n")
        if cpu:
            self.out.write("CPU seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()) + "\n")


class CityExists(Exception):
    pass


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def generate(*, residents: int, years: int, seed: int, until: datetime.date | None = None, progress=None,
             with_cases: bool = True, with_visits: bool = True, jobs: int | None = None) -> Counter:
    """Create the synthetic city; returns how many rows of each kind were written.

    The history runs up to 10:00 on ``until``, or up to this moment without it
    (then two runs differ in their recent cases). ``jobs`` planner processes
    (default: one per CPU; 1 plans in this process) plan the communities.
    """
    if Area.objects.filter(code=CITY_CODE).exists():
        raise CityExists(f"the synthetic city {CITY_CODE} exists already; generate into a fresh database")
    with transaction.atomic(), translation.override("zh-hans"):
        return _Generation(residents, years, seed, until, progress, with_cases, with_visits,
                           jobs or default_jobs()).run()


class _Generation:
    def __init__(self, residents, years, seed, until, progress, with_cases, with_visits, jobs):
        self.size = Size.for_residents(residents)
        self.years = years
        self.seed = seed
        tz = timezone.get_default_timezone()
        if until is None:
            self.now = timezone.localtime().replace(microsecond=0)
        else:
            self.now = datetime.datetime.combine(until, datetime.time(10, 0), tzinfo=tz)
        self.sink = Sink()
        self.counts: Counter = Counter()
        self.progress = progress
        self.with_cases = with_cases and years > 0
        self.with_visits = with_visits and years > 0
        self.jobs = max(1, jobs)
        # CPU seconds of the planners, the writer (this process's COPY side) and the database backend.
        self.cpu = {"planners": 0.0, "writer": 0.0, "database": None}

    def run(self) -> Counter:
        global _CONTEXT
        ctx = self._context()
        writer = _Writer(self.sink, ctx, self.counts)
        report = Progress(self.progress, len(ctx.communities)) if self.progress else None
        database = _BackendClock()
        _CONTEXT = ctx
        try:
            for done, batch in enumerate(self._batches(len(ctx.communities)), start=1):
                started = time.process_time()
                writer.write(batch)
                self.cpu["writer"] += time.process_time() - started
                if report:
                    report(done, self.counts)
        finally:
            _CONTEXT = None
        writer.finish()
        self.sink.finish()
        self.cpu["database"] = database.seconds()
        if report:
            report.end({k: v for k, v in self.cpu.items() if v is not None})
        return self.counts

    def _batches(self, n: int):
        """The communities' batches in community order, planned here (one job) or by a pool of planners."""
        if self.jobs == 1 or n == 1:
            for index in range(n):
                started = time.process_time()
                batch = plan_community(index)
                self.cpu["planners"] += time.process_time() - started
                yield batch
            return
        # Fork: the planners inherit the context; at most two batches a planner wait for the writer.
        before = _children_cpu()
        with multiprocessing.get_context("fork").Pool(min(self.jobs, n), initializer=_child_start) as pool:
            pending, submitted = deque(), 0
            window = 2 * self.jobs
            while submitted < n or pending:
                while submitted < n and len(pending) < window:
                    pending.append(pool.apply_async(plan_community, (submitted,)))
                    submitted += 1
                yield pending.popleft().get()
            pool.close()
            pool.join()
        self.cpu["planners"] += _children_cpu() - before

    def _context(self) -> _Context:
        size = self.size
        tree = area_tree(size)
        rects = lay_out(tree)
        areas = self._areas(tree, rects)
        users = self._accounts(tree, areas)
        if self.with_cases:
            demo_cases.seed_holidays()
        categories = {c.code: c for c in Category.objects.select_related("parent")}
        route = routing.router()
        routes = {(c.pk, level): route(c, level) for c in categories.values() for level in ("", *LEVEL_LENGTHS)}
        grid_codes = [s.code for s in tree if s.level == Level.GRID]
        rng = random.Random(f"{self.seed}:targets")
        weights = [rng.uniform(0.7, 1.3) for _ in grid_codes]
        targets = {c: max(1, round(size.households * w / sum(weights))) for c, w in zip(grid_codes, weights)}
        communities = [s for s in tree if s.level == Level.COMMUNITY]
        grids_of = {}
        for s in tree:
            if s.level == Level.GRID:
                grids_of.setdefault(s.parent_code, []).append(areas[s.code])
        ctx = _Context(
            seed=self.seed, years=self.years, now=self.now, with_cases=self.with_cases,
            with_visits=self.with_visits, communities=communities, grids_of=grids_of, rects=rects, areas=areas,
            accounts=self.accounts, users=users, targets=targets,
            clock=demo_cases.Clock(dict(Holiday.objects.values_list("date", "is_workday"))),
            categories=categories, routes=routes, tag_ids=dict(Tag.objects.values_list("code", "id")),
            care_days={}, derived_care=[], layouts=_layouts(),
        )
        rules = visit_selectors.care_rules()
        for tag in Tag.objects.filter(code__in=list(rules)):
            days = rules[tag.code].interval_days
            if not days:
                continue
            if tag.is_derived:
                ctx.derived_care.append((tag.latest_birth_date(ctx.today), days))
            else:
                ctx.care_days[tag.code] = days
        if self.with_visits:
            self._sweep_plans(ctx)
        return ctx

    def _areas(self, tree, rects) -> dict[str, Area]:
        areas: dict[str, Area] = {}
        for spec in tree:
            lat, lng = rects[spec.code].centre
            areas[spec.code] = Area(code=spec.code, name=spec.name, level=spec.level,
                                    parent=areas.get(spec.parent_code), boundary=rects[spec.code].polygon(),
                                    lat=lat, lng=lng)
        for level in (Level.CITY, Level.STREET, Level.COMMUNITY, Level.GRID):
            Area.objects.bulk_create([a for a in areas.values() if a.level == level], batch_size=1000)
        self.counts["areas"] = len(areas)
        return areas

    def _accounts(self, tree, areas) -> dict[str, User]:
        rows = accounts(tree)
        password = make_password(PASSWORD)
        users = [User(username=a.username, display_name=a.display_name, password=password,
                      is_staff=a.role == Role.CITY_ADMIN) for a in rows]
        User.objects.bulk_create(users, batch_size=1000)
        users = User.objects.in_bulk([a.username for a in rows], field_name="username")
        Post.objects.bulk_create([Post(user=users[a.username], role=a.role, area=areas[a.area_code],
                                       area_code=a.area_code) for a in rows], batch_size=1000)
        self.accounts = rows
        self.counts["accounts"] = len(rows)
        return users

    def _sweep_plans(self, ctx: _Context) -> None:
        """Every community's sweep (每周三入户走访, all staff) since the history began."""
        staff = {a.area_code: ctx.users[a.username] for a in ctx.accounts if a.role == Role.COMMUNITY_STAFF}
        plans = [VisitPlan(name="每周三入户走访", community=ctx.areas[spec.code], area_code=spec.code,
                           weekdays=list(SWEEP_WEEKDAYS), all_staff=True, target_households=20,
                           starts_on=ctx.start, created_by=staff[spec.code])
                 for spec in ctx.communities]
        VisitPlan.objects.bulk_create(plans, batch_size=1000)
        self.counts["visit_plans"] = len(plans)


_NUMBER = re.compile(r"SQ-(\d{4})-(\d{6})")


class _Writer:
    """Writes the batches in community order: ids, case numbers, and ID numbers and tracking codes unique
    over the city (see the module's docstring)."""

    def __init__(self, sink: Sink, ctx: _Context, counts: Counter):
        self.sink, self.ctx, self.counts = sink, ctx, counts
        self.layouts = ctx.layouts
        self.id_numbers = set(Resident.objects.values_list("id_number", flat=True))
        self.trackings = set(Case.objects.values_list("tracking", flat=True))
        self.years = dict(CaseCounter.objects.values_list("year", "last"))  # numbers given out so far, per year
        self.redrawn = 0

    def write(self, batch: Batch) -> None:
        sink, L, rows = self.sink, self.layouts, batch.rows
        code = self.ctx.communities[batch.index].code
        first = {model: sink.next_id(model) for model in (Estate, Building, Household, Resident, Case, Visit)}

        def put(name: str, fix=None) -> None:
            if name in rows:
                layout = L[name]
                sink.put(layout, rows[name], [first[m] for m in layout.ref_models], fix)

        put("estates")
        put("buildings")
        put("households")
        put("residents", self._id_fixer(code))
        put("tags")
        if "cases" in rows:
            years = self.years
            base = {year: years.get(year, 0) for year in batch.counters}
            put("cases", self._case_fixer(code, base))
            rows["events"] = self._renumbered(rows["events"], base)
            rows["notifications"] = self._renumbered(rows["notifications"], base)
            put("events")
            put("notifications")
            for year, n in batch.counters.items():
                years[year] = years.get(year, 0) + n
        put("visits")
        put("visitors")
        put("needs")
        self.counts.update(batch.counts)

    def finish(self) -> None:
        for year, last in self.years.items():
            CaseCounter.objects.update_or_create(year=year, defaults={"last": last})

    def _id_fixer(self, code: str):
        """Keep an ID number given in an earlier community from being given twice: draw its sequence again."""
        seen = self.id_numbers
        rng = None

        def fix(keys):
            nonlocal rng
            number = keys[0]
            if number not in seen:
                seen.add(number)
                return keys
            rng = rng or random.Random(f"{self.ctx.seed}:ids:{code}")
            sexes = "13579" if int(number[16]) % 2 else "02468"
            while number in seen:
                first17 = f"{number[:14]}{rng.randint(0, 99):02d}{rng.choice(sexes)}"
                number = first17 + id_check_char(first17)
            seen.add(number)
            self.redrawn += 1
            return (number, number[-4:])

        return fix

    def _case_fixer(self, code: str, base: dict[int, int]):
        seen = self.trackings
        rng = None

        def fix(keys):
            nonlocal rng
            number, tracking = keys
            year = int(number[3:7])
            number = f"SQ-{year}-{base[year] + int(number[8:]):06d}"
            if tracking in seen:
                rng = rng or random.Random(f"{self.ctx.seed}:trackings:{code}")
                while tracking in seen:
                    tracking = "".join(rng.choice(demo_cases.TRACKING_ALPHABET)
                                       for _i in range(demo_cases.TRACKING_LENGTH))
            seen.add(tracking)
            return (number, tracking)

        return fix

    @staticmethod
    def _renumbered(rows: list[tuple], base: dict[int, int]) -> list[tuple]:
        """Rows whose text names a case by its number (merge notes, notifications), with the city's numbers."""

        def number(match: re.Match) -> str:
            year = int(match[1])
            return f"SQ-{year}-{base.get(year, 0) + int(match[2]):06d}"

        def text(value):
            return _NUMBER.sub(number, value) if isinstance(value, str) and "SQ-" in value else value

        out = []
        for row in rows:
            tail = row[-1]
            if isinstance(tail, str):
                if "SQ-" in tail:
                    row = (*row[:-1], text(tail))
            elif any(isinstance(v, str) and "SQ-" in v for v in tail):
                row = (*row[:-1], tuple(text(v) for v in tail))
            out.append(row)
        return out


def _offices(accounts_: list[demo_city.DemoAccount], users: dict[str, User]) -> demo_cases.Offices:
    """The demo's Offices without its query: the users are already in hand."""
    offices = demo_cases.Offices.__new__(demo_cases.Offices)
    offices.staff = [demo_cases.Staff(users[a.username], a.role, a.area_code) for a in accounts_]
    offices.grid_worker, offices.heads, offices.community_staff = {}, {}, {}
    offices.street = {}
    offices.city_admin = None
    for s in offices.staff:
        if s.role == Role.GRID_WORKER:
            offices.grid_worker.setdefault(s.area_code, s)
        elif s.role == Role.COMMUNITY_HEAD:
            offices.heads.setdefault(s.area_code, s)
        elif s.role == Role.COMMUNITY_STAFF:
            offices.community_staff.setdefault(s.area_code, s)
        elif s.role == Role.STREET_STAFF:
            offices.street.setdefault(s.area_code, []).append(s)
        elif s.role == Role.CITY_ADMIN:
            offices.city_admin = offices.city_admin or s
    offices._actors = {s.user.pk: s.actor for s in offices.staff}
    offices._labels = {}
    return offices


def city_counts() -> dict[str, int]:
    """Rows of the synthetic city, by kind."""
    in_city = {"area_code__startswith": CITY_CODE}
    return {
        "areas": Area.objects.filter(code__startswith=CITY_CODE).count(),
        "estates": Estate.objects.filter(**in_city).count(),
        "buildings": Building.objects.filter(**in_city).count(),
        "households": Household.objects.filter(**in_city).count(),
        "residents": Resident.objects.filter(**in_city).count(),
        "cases": Case.objects.filter(**in_city).count(),
        "events": CaseEvent.objects.filter(case__area_code__startswith=CITY_CODE).count(),
        "visits": Visit.objects.filter(**in_city).count(),
    }
