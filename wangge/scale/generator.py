"""A synthetic city of any size with the demo city's proportions, written with bulk paths.

The demo city (wangge.demo) is 公主岭 as the article describes it, about
12,000 residents. This generator reuses its planners, so that households,
people, tags, ID numbers and case histories follow the same rules, and
changes only what size needs:

- **The tree** grows with the residents: grids of about GRID_HOUSEHOLDS
  households, GRIDS_PER_COMMUNITY grids to a community, COMMUNITIES_PER_STREET
  communities to a street, each community with the estates of one of the demo
  city's communities (old, abandoned and newer estates in the same mix).
- **The city code** is CITY_CODE (229999), so the synthetic city never meets
  the demo city (220184) in one database.
- **Planning and writing go community by community**: the rows of one
  community are planned in memory, written (PostgreSQL COPY, or executemany
  on SQLite, see sink.py) and dropped, so memory stays flat at any size.
- **Cases** are planned by the demo's case simulator (wangge.demo.cases),
  one community at a time, over ``years`` years ending the day before
  ``until``; cases reported lately are left where they stand at ``until``
  (open, in progress, awaiting verification or rating), which fills the work
  lists. The demo's article-specific cases and its open "tail" are left out.
  Case numbers run in reporting order within each community's batch
  (SQ-YYYY-NNNNNN stays unique through the year counters).

Everything comes from generators seeded with ``seed`` in a fixed order: the
same arguments give the same city (ids aside, if the database held rows
before). Visits are not generated (see docs/performance.md).
"""
from __future__ import annotations

import datetime
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation

from wangge.accounts.models import Post, User
from wangge.accounts.roles import Role
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases.models import Case, CaseCounter, CaseEvent, Category, Holiday, Notification
from wangge.demo import cases as demo_cases
from wangge.demo import city as demo_city
from wangge.demo import loader, population
from wangge.demo.geometry import Rect
from wangge.people.models import Resident, Tag

from .sink import Sink

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
                 offices: demo_cases.Offices, shared: _Shared, quota: int):
        self.scale = 1.0
        self.now = demo_cases._second(now)
        self.rng = random.Random(seed)
        self.places = places
        self.offices = offices
        self.staff_of = {s.user.pk: s for s in offices.staff}
        self.clock = shared.clock
        self.categories = shared.categories
        self._routes = shared.routes
        self.sims = []
        self.trackings = shared.trackings
        self.years = years
        self.quota_total = quota

    def plan(self) -> demo_cases.CaseHistory:
        self._history()
        self.sims.sort(key=lambda s: s.case.reported_at)
        return demo_cases.CaseHistory(self.sims, self._number(), self.now)

    def _history(self) -> None:
        end = timezone.localtime(self.now, self.clock.tz).date()
        start = end - datetime.timedelta(days=365 * self.years)
        days = [start + datetime.timedelta(days=i) for i in range((end - start).days)]
        weights = [demo_cases.MONTHS[d.month] * (1.0 if self.clock.working(d) else 0.35) for d in days]
        grids = self.places.grids
        grid_weights = [len(self.places.households[g]) for g in grids]
        for _i in range(self.quota_total):
            grid = self.rng.choices(grids, grid_weights)[0]
            day = self.rng.choices(days, weights)[0]
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


@dataclass
class _Shared:
    clock: demo_cases.Clock
    categories: dict
    routes: dict = field(default_factory=dict)
    trackings: set = field(default_factory=set)


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
            f"cases {counts['cases']:,}  events {counts['events']:,}"
        )
        self.out.flush()

    def end(self) -> None:
        self.out.write("\n")


class CityExists(Exception):
    pass


def generate(*, residents: int, years: int, seed: int, until: datetime.date | None = None, progress=None,
             with_cases: bool = True) -> Counter:
    """Create the synthetic city; returns how many rows of each kind were written.

    The history runs up to 10:00 on ``until``, or up to this moment without it
    (then two runs differ in their recent cases).
    """
    if Area.objects.filter(code=CITY_CODE).exists():
        raise CityExists(f"the synthetic city {CITY_CODE} exists already; generate into a fresh database")
    with transaction.atomic(), translation.override("zh-hans"):
        return _Generation(residents, years, seed, until, progress, with_cases).run()


class _Generation:
    def __init__(self, residents, years, seed, until, progress, with_cases):
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
        self.with_cases = with_cases

    def run(self) -> Counter:
        size = self.size
        tree = area_tree(size)
        rects = lay_out(tree)
        areas = self._areas(tree, rects)
        users = self._accounts(tree, areas)
        if self.with_cases:
            demo_cases.seed_holidays()
        shared = _Shared(
            clock=demo_cases.Clock(dict(Holiday.objects.values_list("date", "is_workday"))),
            categories={c.code: c for c in Category.objects.select_related("parent")},
            trackings=set(Case.objects.values_list("tracking", flat=True)),
        )
        tag_ids = dict(Tag.objects.values_list("code", "id"))
        ids = population.IdNumbers()
        ids._issued.update(Resident.objects.values_list("id_number", flat=True))
        people = PeoplePlanner(random.Random(f"{self.seed}:people"), ids)
        grid_codes = [s.code for s in tree if s.level == Level.GRID]
        rng = random.Random(f"{self.seed}:targets")
        weights = [rng.uniform(0.7, 1.3) for _ in grid_codes]
        targets = {c: max(1, round(size.households * w / sum(weights))) for c, w in zip(grid_codes, weights)}
        communities = [s for s in tree if s.level == Level.COMMUNITY]
        report = Progress(self.progress, len(communities)) if self.progress else None
        for done, spec in enumerate(communities, start=1):
            grids = [areas[s.code] for s in tree if s.parent_code == spec.code]
            plan = people.community(spec, grids, rects, targets)
            self._write_people(plan, tag_ids)
            if self.with_cases:
                self._cases(spec, areas, plan, users, shared)
            if report:
                report(done, self.counts)
        self.sink.finish()
        if report:
            report.end()
        return self.counts

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
        Post.objects.bulk_create([Post(user=users[a.username], role=a.role, area=areas[a.area_code], area_code=a.area_code) for a in rows],
                                 batch_size=1000)
        self.accounts = rows
        self.counts["accounts"] = len(rows)
        return users

    def _write_people(self, plan: loader.CityPlan, tag_ids: dict[str, int]) -> None:
        sink = self.sink
        sink.write(Estate, plan.estates)
        sink.write(Building, plan.buildings)
        sink.write(Household, plan.households)
        sink.write(Resident, plan.residents)
        through = Resident.tags.through
        sink.write(through, [through(resident_id=r.pk, tag_id=tag_ids[code], county_code=r.county_code)
                             for r, codes in plan.resident_tags for code in codes])
        self.counts.update(estates=len(plan.estates), buildings=len(plan.buildings),
                           households=len(plan.households), residents=len(plan.residents))

    def _cases(self, spec, areas, plan, users, shared) -> None:
        street = spec.parent_code
        wanted = {CITY_CODE, street, spec.code}
        mine = [a for a in self.accounts
                if a.area_code in wanted or (a.area_code.startswith(spec.code) and len(a.area_code) > len(spec.code))]
        offices = _offices(mine, users)
        local = {code: a for code, a in areas.items() if code in wanted or code.startswith(spec.code)}
        places = _Places(local, plan)
        quota = round(CASES_PER_RESIDENT_YEAR * self.years * len(plan.residents))
        planner = CasePlanner(seed=f"{self.seed}:cases:{spec.code}", now=self.now, years=self.years, places=places,
                              offices=offices, shared=shared, quota=quota)
        history = planner.plan()
        self._write_cases(history)

    def _write_cases(self, history: demo_cases.CaseHistory) -> None:
        sink = self.sink
        cases = [sim.case for sim in history.sims]
        sink.assign_ids(Case, cases)
        for sim in history.sims:
            sim.case.merged_into = sim.merged_into.case if sim.merged_into else None
            sim.case.updated_at = sim.events[-1].created_at
        sink.write(Case, cases, assigned=True)
        events = [e for sim in history.sims for e in sim.events]
        sink.write(CaseEvent, events)
        for year, last in history.counters.items():
            CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
        # The bell only for what is still open: the history's notifications were read long ago.
        open_history = demo_cases.CaseHistory([s for s in history.sims if s.case.status in demo_cases.ACTIVE],
                                              history.counters, history.now)
        for sim in open_history.sims:
            sim.tail = "open"
        notes = demo_cases._notifications(open_history)
        sink.write(Notification, notes)
        self.counts.update(cases=len(cases), events=len(events), notifications=len(notes))


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
    }
