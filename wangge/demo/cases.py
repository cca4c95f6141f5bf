"""A year of case history for the demo city, and a few dozen open cases for the work lists.

**The history** covers the twelve months before 七一 2025 (HISTORY_START to
HISTORY_END, the article's day, which ``population.REFERENCE_DATE`` uses for
ages too): about HISTORY_CASES cases at scale 1.0, fixed, the same on every
machine and every day. **The open tail** (TAIL) is placed relative to the
load time ``now``, so that the work lists (overdue, due soon, awaiting
verification, awaiting rating) have something in them whenever the demo is
loaded; pass ``now`` to get the same tail twice.

Each case is played through a small simulator that applies the same rules as
``wangge.cases.services``: every step is asked of ``states.refusal`` with the
demo account who takes it, changes the row the way the service verb does
(owner, level, stamps, rework, deadlines from ``routing.route`` at the level
of the moment) and appends the event whose ``seq`` is the version it
produced. The services themselves can't write history: they stamp
``timezone.now()``. Rows are then written with bulk inserts.

The escalation job is taken to have run every JOB_EVERY throughout the
history: a case still active when its deadline passes is escalated by the
system (超期自动升级) within that time, and its new level takes it from
there. In the open tail the job last ran JOB_PAUSE before the load, so cases
that fell overdue since then are still on the overdue list, waiting for it
(``scripts/demo`` runs it right after loading; ``manage.py escalate_overdue``
runs it by hand). City-level cases cannot go higher and stay overdue.

The article's figures appear as written at scale 1.0 (and scaled, at least
one, below): 刘伊蕊's leaking roof found on a visit in 京华社区; ten more
problems 京华社区 found and solved after the course; 32 disputes 金融社区
settled in 2025; 16 engineering problems 东洼社区 took to the street; 24
clean-ups of its abandoned estate by partner organisations; 红心物业联盟's
parking and 适老化 work in 金融社区. The share of problems found on visits and
patrols (主动发现) rises after the course (COURSE_END).

A case sent to a partner by name is linked to the organisation
(``owner_partner_org``) when exactly one partner of that name serves its grid,
as ``services.dispatch_case`` does, and that partner's staff are told; the
partners (resources.py) are loaded first. A few open cases wait for 红心物业联盟
to start them (its staff account is ``demo_partner``).

**Projects (民生项目)**, "每月将居民诉求转化为具体项目": 金融社区's roof repair of
老国税小区 (its leaking roofs of May 2025, with 红心物业联盟 and two volunteers,
completed in June) and 东风社区's stairwell lighting of April 2025 (with 红卫士's
governance partners) in the history; and 金融社区's unit doors of 工行小区,
under way at ``now``. A project's cases are made safe within their deadlines
(the handling) and wait for the community's check; the project's events in
their timelines (Action.PROJECT, no status change, as
``services.record_project_event``), the verification and the closing carry its
result, as ``projects.services.close_project`` would. The project rows are
written with the cases, with planned times, since the services stamp the clock.

Holidays of 2024 and 2025 (the State Council's notices) are entered when
missing, so deadlines skip 国庆 and 春节 as they would have.
"""
from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.db import models, router
from django.db.models import OuterRef, Subquery
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases import deadlines, routing
from wangge.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Category,
    Holiday,
    Notification,
    OwnerKind,
    Rating,
    Source,
    Urgency,
)
from wangge.cases.services import (
    STAMPS,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    owner_label,
)
from wangge.cases.states import (
    ACTIVE,
    LEVEL_ROLES,
    RANK,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    lands_on_owner,
    level_above,
    office_code,
    refusal,
)
from wangge.partners.models import Partner, PartnerMembership
from wangge.people.models import Resident
from wangge.projects.models import Project, ProjectCase, ProjectStatus
from wangge.volunteers.models import Volunteer

from . import case_texts as texts
from . import city, population

SEED = "20250701:cases"
BATCH_SIZE = 500

HISTORY_START = datetime.date(2024, 7, 1)
HISTORY_END = datetime.date(2025, 7, 1)  # exclusive: 七一 2025, the article's day
# "一个月前……全市社区工作者专题培训班圆满结束": the new way of working starts here.
COURSE_END = datetime.date(2025, 6, 1)
HISTORY_CASES = 3000
# Each community's share of the history is at least this many cases, at any scale.
MIN_PER_COMMUNITY = 4

JOB_EVERY = datetime.timedelta(minutes=30)
# Long enough that, loaded on a Monday morning, the overdue list still has Friday's cases.
JOB_PAUSE = datetime.timedelta(hours=72)
SYSTEM_NOTE = "超期自动升级"
# What 红心物业联盟 takes on in 金融社区 (its services: 小修小补, 停车秩序, 物业纠纷…): the open cases waiting for it.
ALLIANCE_CASES = ("unit_door", "corridor_light", "parking", "roof_leak")

DAY_START = datetime.time(8, 30)
DAY_END = datetime.time(17, 30)
_MIDNIGHT = datetime.time(0)
_ONE_DAY = datetime.timedelta(days=1)

# The open tail: what the work lists show, and how many of each at scale 1.0 (at least one at any scale;
# a kind that nothing fits at the moment of loading, in the middle of a long holiday say, is left out).
# kind: (cases, hours before ``now`` the report may lie)
TAIL = {
    "reported": (6, (0.1, 5)),
    "accepted": (5, (2, 96)),
    "dispatched": (6, (3, 120)),
    "in_progress": (10, (4, 120)),
    "due_soon": (6, (1, 160)),
    "overdue": (8, (30, 400)),
    "escalated_by_job": (4, (72, 500)),
    "escalated_by_hand": (3, (48, 400)),
    "handled": (6, (24, 240)),
    "verified": (3, (48, 300)),
    "closed": (8, (72, 400)),
    "reopened": (3, (72, 400)),
    "dissatisfied": (2, (120, 500)),
    "stuck_at_city": (1, (600, 1100)),
    "rated": (6, (200, 500)),
    "merged": (3, (1, 200)),
}

# The State Council's holiday notices for 2024 and 2025: (date, name, worked in exchange).
HOLIDAYS = [
    (datetime.date(2024, 1, 1), "元旦", False),
    *((datetime.date(2024, 2, d), "春节", False) for d in range(10, 18)),
    (datetime.date(2024, 2, 4), "春节调休", True), (datetime.date(2024, 2, 18), "春节调休", True),
    *((datetime.date(2024, 4, d), "清明节", False) for d in (4, 5, 6)),
    (datetime.date(2024, 4, 7), "清明节调休", True),
    *((datetime.date(2024, 5, d), "劳动节", False) for d in range(1, 6)),
    (datetime.date(2024, 4, 28), "劳动节调休", True), (datetime.date(2024, 5, 11), "劳动节调休", True),
    (datetime.date(2024, 6, 10), "端午节", False),
    *((datetime.date(2024, 9, d), "中秋节", False) for d in (15, 16, 17)),
    (datetime.date(2024, 9, 14), "中秋节调休", True),
    *((datetime.date(2024, 10, d), "国庆节", False) for d in range(1, 8)),
    (datetime.date(2024, 9, 29), "国庆节调休", True), (datetime.date(2024, 10, 12), "国庆节调休", True),
    (datetime.date(2025, 1, 1), "元旦", False),
    *((datetime.date(2025, 1, d), "春节", False) for d in (28, 29, 30, 31)),
    *((datetime.date(2025, 2, d), "春节", False) for d in (1, 2, 3, 4)),
    (datetime.date(2025, 1, 26), "春节调休", True), (datetime.date(2025, 2, 8), "春节调休", True),
    *((datetime.date(2025, 4, d), "清明节", False) for d in (4, 5, 6)),
    *((datetime.date(2025, 5, d), "劳动节", False) for d in range(1, 6)),
    (datetime.date(2025, 4, 27), "劳动节调休", True),
    (datetime.date(2025, 5, 31), "端午节", False), (datetime.date(2025, 6, 1), "端午节", False),
    (datetime.date(2025, 6, 2), "端午节", False),
    *((datetime.date(2025, 10, d), "国庆节、中秋节", False) for d in range(1, 9)),
    (datetime.date(2025, 9, 28), "国庆节调休", True), (datetime.date(2025, 10, 11), "国庆节调休", True),
]

# Top classes' shares of all cases, and each sub-class's share within its class.
CATEGORY_WEIGHTS = {
    "elderly_care": 0.20 * 0.35, "social_assistance": 0.20 * 0.2, "medical_health": 0.20 * 0.15,
    "employment": 0.20 * 0.1, "certificates": 0.20 * 0.2,
    "road_damage": 0.14 * 0.25, "drainage": 0.14 * 0.25, "street_light": 0.14 * 0.2,
    "water_supply": 0.14 * 0.15, "heating": 0.14 * 0.15,
    "fire_hazard": 0.10 * 0.35, "ebike_charging": 0.10 * 0.3, "manhole_cover": 0.10 * 0.15,
    "falling_objects": 0.10 * 0.2,
    "garbage": 0.18 * 0.35, "construction_waste": 0.18 * 0.25, "sanitation_blackspot": 0.18 * 0.25,
    "noise": 0.18 * 0.15,
    "neighbour_dispute": 0.08 * 0.45, "family_dispute": 0.08 * 0.2, "property_dispute": 0.08 * 0.2,
    "wage_dispute": 0.08 * 0.15,
    "roof_leak": 0.26 * 0.25, "unit_door": 0.26 * 0.25, "corridor_light": 0.26 * 0.2, "elevator": 0.26 * 0.1,
    "parking": 0.26 * 0.2,
    "other": 0.04,
}
# Seasons in 公主岭: heating from late October to early April, rain in June–August, the thaw in March–April.
SEASONS = {
    "heating": {10: 2, 11: 3.5, 12: 3.5, 1: 3.5, 2: 3.5, 3: 3, 4: 1.5, 5: 0.05, 6: 0.05, 7: 0.05, 8: 0.05, 9: 0.1},
    "roof_leak": {6: 2.5, 7: 2.5, 8: 2.5, 5: 1.3, 9: 1.3, 11: 0.4, 12: 0.4, 1: 0.4, 2: 0.4, 3: 0.4},
    "drainage": {6: 2.2, 7: 2.2, 8: 2.2, 4: 1.5, 12: 0.3, 1: 0.3, 2: 0.3},
    "road_damage": {3: 2.2, 4: 2.2},
    "construction_waste": {4: 1.3, 5: 1.3, 6: 1.3, 7: 1.3, 8: 1.3, 9: 1.3, 10: 1.3, 12: 0.5, 1: 0.5, 2: 0.5},
    "falling_objects": {12: 1.6, 1: 1.6, 2: 1.6, 3: 1.6},
    "street_light": {11: 1.3, 12: 1.3, 1: 1.3, 2: 1.3},
    "noise": {6: 1.5, 7: 1.5, 8: 1.5},
    "ebike_charging": {6: 1.3, 7: 1.3, 8: 1.3, 9: 1.3},
    "fire_hazard": {12: 1.3, 1: 1.3, 2: 1.3},
    "garbage": {6: 1.3, 7: 1.3, 8: 1.3},
}
MONTHS = {7: 1.15, 8: 1.15, 9: 1.0, 10: 1.0, 11: 1.0, 12: 0.9, 1: 0.85, 2: 0.7, 3: 0.95, 4: 1.0, 5: 1.05, 6: 1.1}
# Some communities bring up more: 东洼's all-staff visits every Wednesday and Friday, 金融's 1359 system.
COMMUNITY_ACTIVITY = {"东洼社区": 1.3, "京华社区": 1.1, "金融社区": 1.1}

# Sources on working days before and after the course, and on rest days.
SOURCES_BEFORE = {"visit": 0.34, "patrol": 0.13, "resident": 0.24, "hotline": 0.15, "partner": 0.07, "assigned": 0.07}
SOURCES_AFTER = {"visit": 0.48, "patrol": 0.17, "resident": 0.17, "hotline": 0.09, "partner": 0.05, "assigned": 0.04}
SOURCES_REST_DAY = {"resident": 0.62, "hotline": 0.34, "patrol": 0.04}


# The actors without an account, one of each (an Actor never changes).
_RESIDENT = Actor.resident()
_SYSTEM = Actor.system()


class PlanError(Exception):
    """The planner tried something the state table refuses: a bug in the planner, never silently written."""


def seed_holidays() -> None:
    """Enter the 2024–2025 holidays that are missing; rows already there (an administrator's) win."""
    Holiday.objects.bulk_create(
        [Holiday(date=day, name=name, is_workday=workday) for day, name, workday in HOLIDAYS],
        ignore_conflicts=True,
    )


def load(*, scale: float, accounts: list[city.DemoAccount], now: datetime.datetime | None = None) -> int:
    """Plan and write the case history; returns how many cases were written. Call inside the city's transaction."""
    seed_holidays()
    plan = plan_cases(scale=scale, accounts=accounts, now=now or timezone.now())
    write(plan)
    return len(plan.sims)


# --- time ---------------------------------------------------------------------------


class Clock:
    """Office hours (08:30–17:30 on working days, as the Holiday table says) in the city's time zone."""

    def __init__(self, overrides: dict[datetime.date, bool]):
        self.tz = timezone.get_default_timezone()
        self.overrides = overrides
        # Worked out once a day: a million cases ask about the same thousand days (the table doesn't change).
        self._working: dict[datetime.date, bool] = {}
        self._hours: dict[datetime.date, tuple[datetime.datetime, datetime.datetime, datetime.datetime]] = {}
        self._counted: dict[tuple[datetime.date, int], datetime.date] = {}

    def local(self, day: datetime.date, at: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, at, tzinfo=self.tz)

    def working(self, day: datetime.date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = deadlines.is_working_day(day, self.overrides)
        return working

    def _day(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
        """(midnight, office opens, office closes) of a day, local."""
        hours = self._hours.get(day)
        if hours is None:
            hours = self._hours[day] = (self.local(day, _MIDNIGHT), self.local(day, DAY_START), self.local(day, DAY_END))
        return hours

    def working_days_after(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``day`` (``day`` itself when n is 0), as deadlines.add_working_days."""
        key = (day, n)
        last = self._counted.get(key)
        if last is None:
            last, counted = day, 0
            while counted < n:
                last += _ONE_DAY
                counted += self.working(last)
            self._counted[key] = last
        return last

    def open_at(self, t: datetime.datetime) -> datetime.datetime:
        """The first office moment at or after t."""
        t = t.astimezone(self.tz)
        day = t.date()
        while True:
            if self.working(day):
                _midnight, start, end = self._day(day)
                if t < start:
                    return start
                if t < end:
                    return t
            day += _ONE_DAY
            t = self._day(day)[0]

    def after(self, t: datetime.datetime, minutes: float) -> datetime.datetime:
        """t plus this many minutes of office time."""
        t = self.open_at(t)
        while True:
            end = self._day(t.date())[2]
            left = (end - t).total_seconds() / 60
            if minutes <= left:
                return t + datetime.timedelta(minutes=minutes)
            minutes -= left
            t = self.open_at(end)

    def minutes_between(self, a: datetime.datetime, b: datetime.datetime) -> float:
        total, t = 0.0, self.open_at(a)
        while t < b:
            closes = self._day(t.date())[2]
            end = min(closes, b)
            total += (end - t).total_seconds() / 60
            t = self.open_at(closes)
        return total


def _second(t: datetime.datetime) -> datetime.datetime:
    return t.replace(microsecond=0)


# --- unsaved rows, many of them ------------------------------------------------------------


def new_row(model: type[models.Model], **values) -> models.Model:
    """``model(**values)`` for the planners' unsaved rows, a few times cheaper.

    The same instance as Model.__init__ makes (asserted by the demo's tests): every concrete
    field's attribute set, from ``values`` or the field's default; a related object
    passed by field name sets the ``_id`` attribute and is cached on the instance, so a
    row written later points at it once it has its id; the instance's (and the related
    object's) database is the router's. Models with init signals or one-to-one fields take
    Model.__init__. Unknown names raise TypeError.
    """
    spec = _ROW_SPECS.get(model)
    if spec is None:
        spec = _ROW_SPECS[model] = _RowSpec(model)
    if spec.slow:
        return model(**values)
    obj = model.__new__(model)
    state = ModelState()
    data = obj.__dict__
    data["_state"] = state
    data.update(spec.fixed)
    for name, attname, default in spec.computed:
        if name not in values and attname not in values:
            data[attname] = default()
    related = spec.related
    for name, value in values.items():
        link = related.get(name)
        if link is None:
            if name not in spec.attnames:
                raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
            data[name] = value
            continue
        attname, target = link
        if value is None:
            data[attname] = None
        else:
            if state.db is None:
                state.db = spec.db
            if value._state.db is None:
                value._state.db = router.db_for_write(type(value))
            data[attname] = getattr(value, target)
        state.fields_cache[name] = value
    return obj


class _RowSpec:
    """What new_row needs to know of a model, worked out once."""

    def __init__(self, model: type[models.Model]):
        opts = model._meta
        self.slow = (pre_init.has_listeners(model) or post_init.has_listeners(model)
                     or any(f.one_to_one for f in opts.concrete_fields))
        self.db = router.db_for_write(model)
        self.fixed: dict = {}
        self.computed: list[tuple[str, str, Callable]] = []
        self.related: dict[str, tuple[str, str]] = {}
        self.attnames = {f.attname for f in opts.concrete_fields}
        for f in opts.concrete_fields:
            if f.has_default() and callable(f.default):
                self.computed.append((f.name, f.attname, f.get_default))
            else:
                self.fixed[f.attname] = f.get_default()
            if f.is_relation:
                self.related[f.name] = (f.attname, f.target_field.attname)


_ROW_SPECS: dict[type, _RowSpec] = {}


# --- who works where ------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    user: User
    role: str
    area_code: str

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, posts=((self.role, self.area_code),))


class Offices:
    """The demo accounts by the office they work in."""

    def __init__(self, accounts: list[city.DemoAccount]):
        users = User.objects.in_bulk([a.username for a in accounts], field_name="username")
        self.staff = [Staff(users[a.username], a.role, a.area_code) for a in accounts]
        self.grid_worker: dict[str, Staff] = {}
        self.heads: dict[str, Staff] = {}
        self.community_staff: dict[str, Staff] = {}
        self.street: dict[str, list[Staff]] = defaultdict(list)
        self.city_admin: Staff | None = None
        for s in self.staff:
            if s.role == Role.GRID_WORKER:
                self.grid_worker.setdefault(s.area_code, s)
            elif s.role == Role.COMMUNITY_HEAD:
                self.heads.setdefault(s.area_code, s)
            elif s.role == Role.COMMUNITY_STAFF:
                self.community_staff.setdefault(s.area_code, s)
            elif s.role == Role.STREET_STAFF:
                self.street[s.area_code].append(s)
            elif s.role == Role.CITY_ADMIN and s.area_code == city.CITY_CODE:
                self.city_admin = self.city_admin or s
        self._actors = {s.user.pk: s.actor for s in self.staff}
        self._labels: dict[int, str] = {}

    def actor(self, staff: Staff) -> Actor:
        return self._actors[staff.user.pk]

    def label(self, staff: Staff, area_code: str) -> str:
        if staff.user.pk not in self._labels:
            self._labels[staff.user.pk] = self.actor(staff).label(area_code)
        return self._labels[staff.user.pk]

    def community(self, grid_code: str) -> tuple[Staff, Staff]:
        code = office_code(grid_code, Level.COMMUNITY)
        return self.heads[code], self.community_staff[code]

    def streets(self, grid_code: str) -> list[Staff]:
        return self.street[office_code(grid_code, Level.STREET)]

    def at_level(self, grid_code: str, level: str) -> list[Staff]:
        """The staff of the office at this level above the grid."""
        if level == Level.GRID:
            return [self.grid_worker[grid_code]]
        if level == Level.COMMUNITY:
            return list(self.community(grid_code))
        if level == Level.STREET:
            return self.streets(grid_code)
        return [self.city_admin]

    def office_users(self, office: str, level: str) -> list[User]:
        """As notifications.office_users: posts of the level's roles on exactly that area (don't change the list)."""
        users = self._office_users.get((office, level))
        if users is None:
            users = self._office_users[office, level] = [
                s.user for s in self.staff if s.area_code == office and s.role in LEVEL_ROLES[level]]
        return users

    @functools.cached_property
    def _office_users(self) -> dict[tuple[str, str], list[User]]:
        # Filled as asked (wangge.scale builds its Offices without __init__).
        return {}


# --- the places and people ----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    phone: str
    age: int


class Places:
    """The demo city's grids, buildings, households and residents, read once."""

    def __init__(self):
        prefix = {"area_code__startswith": city.CITY_CODE}
        self.areas = {a.code: a for a in Area.objects.filter(code__startswith=city.CITY_CODE)}
        estates = {e.pk: e for e in Estate.objects.filter(**prefix)}
        self.buildings: dict[str, list[Building]] = defaultdict(list)
        building_by_id = {}
        for b in Building.objects.filter(**prefix).order_by("id"):
            b.estate = estates.get(b.estate_id)
            self.buildings[b.area_code].append(b)
            building_by_id[b.pk] = b
        self.households: dict[str, list[Household]] = defaultdict(list)
        self.units: dict[int, list[str]] = defaultdict(list)
        for h in Household.objects.filter(**prefix).order_by("id"):
            h.building = building_by_id[h.building_id]
            self.households[h.area_code].append(h)
            if h.unit not in self.units[h.building_id]:
                self.units[h.building_id].append(h.unit)
        self.members: dict[int, list[Person]] = defaultdict(list)
        rows = Resident.objects.filter(**prefix).order_by("id").values_list("id", "household_id", "name", "phone",
                                                                             "birth_date")
        for pk, household_id, name, phone, born in rows:
            age = population.REFERENCE_DATE.year - born.year - (
                (population.REFERENCE_DATE.month, population.REFERENCE_DATE.day) < (born.month, born.day))
            self.members[household_id].append(Person(pk, name, phone, age))
        self.grids = [code for code, a in self.areas.items() if a.level == Level.GRID]
        self.grids.sort()

    def community_name(self, grid_code: str) -> str:
        return self.areas[office_code(grid_code, Level.COMMUNITY)].name

    def street_name(self, grid_code: str) -> str:
        return self.areas[office_code(grid_code, Level.STREET)].name


# --- one case as it runs its course -----------------------------------------------


@dataclass
class CasePlan:
    """How a case will go: decided when it is reported, read by the simulator at each step."""

    outcome: str = "resolved"  # resolved | rejected | merged
    paths: dict[str, str] = field(default_factory=dict)  # level -> self | partner | worker | office
    hand: list[str] = field(default_factory=list)  # levels it will be escalated to by hand, in order
    hand_reasons: list[str] = field(default_factory=list)
    slow: int = 0  # times its owner lets the deadline pass (the job then escalates it)
    fail_verify: int = 0
    dissatisfied: int = 0
    rating: str = Rating.SATISFIED
    rating_comment: str = ""
    resident_rates: bool = False
    partner: str = ""
    handled_note: str = ""
    reject_reason: str = ""
    quick_accept: bool = False
    start_at_once: bool = False
    acceptor: Staff | None = None
    verifier: Staff | None = None
    merge_into: Sim | None = None
    merge_at: datetime.datetime | None = None
    merger: Staff | None = None


@dataclass
class Fixup:
    """A note that names another case's number, filled in once numbers are given out."""

    event: CaseEvent
    template: str
    other: Sim


@dataclass
class Notice:
    event: CaseEvent
    users: list[User]


class Sim:
    """One case and its events, changed exactly as wangge.cases.services would change them."""

    def __init__(self, planner: Planner, case: Case, plan: CasePlan, *, tail: str = ""):
        self.p = planner
        self.case = case
        self.plan = plan
        self.tail = tail  # the open-tail kind, or "" for history
        self.events: list[CaseEvent] = []
        self.fixups: list[Fixup] = []
        self.notices: list[Notice] = []
        self.handled_by: int | None = None
        self.fire_at: datetime.datetime | None = None
        self.pending_dispatch = False
        self.merged_into: Sim | None = None
        self.invalid = False

    # -- the engine (as services._apply / _record) --
    @property
    def last_at(self) -> datetime.datetime:
        """When the case last changed."""
        return self.events[-1].created_at

    def report(self, t: datetime.datetime, staff: Staff | None) -> None:
        case = self.case
        level = self.p.route(case.category).start_level
        case.level = level
        case.owner_area = self.p.places.areas[office_code(case.area_code, level)]
        case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.OFFICE, None, ""
        case.status = Status.REPORTED
        case.reported_at = t
        case.version = 1
        self._deadline(t)
        actor = self.p.offices.actor(staff) if staff else _RESIDENT
        self._record(Action.REPORT, actor, staff, ("", ""), "", t)
        self.pending_dispatch = True

    def act(self, action: str, t: datetime.datetime, staff: Staff | None, note: str = "",
            change: Callable[[], None] | None = None, status: str | None = None) -> CaseEvent:
        case = self.case
        actor = self.p.offices.actor(staff) if staff else _RESIDENT
        transition = TRANSITIONS[action]
        reason = refusal(transition, case, actor, handled_by_id=self.handled_by if action == Action.VERIFY else None)
        if reason:
            raise PlanError(f"{case.title}: {action} by {staff.user.username if staff else '居民'}: {reason}")
        before = (case.status, case.level)
        if change is not None:
            change()
        case.status = status or transition.to_status(case.status)
        if case.status != before[0] and case.status in STAMPS:
            setattr(case, STAMPS[case.status], t)
        return self._record(action, actor, staff, before, note, t)

    def _record(self, action, actor: Actor, staff: Staff | None, before, note: str, t) -> CaseEvent:
        case = self.case
        if self.events:
            if t <= self.events[-1].created_at:
                raise PlanError(f"{case.title}: {action} at {t} is not after the previous event")
            case.version += 1
        label = self.p.offices.label(staff, case.area_code) if staff else actor.label(case.area_code)
        event = new_row(
            CaseEvent, case=case, seq=case.version, actor=actor.user, actor_label=label, action=action,
            from_status=before[0], to_status=case.status, from_level=before[1], to_level=case.level,
            owner_label=owner_label(case), note=note, created_at=t,
        )
        self.events.append(event)
        if lands_on_owner(action, case.status):
            if case.owner_kind == OwnerKind.USER:
                users = [case.owner_user]
            else:
                users = self.p.offices.office_users(case.owner_area.code, case.level)
                if case.owner_kind == OwnerKind.PARTNER and case.owner_partner_org is not None:
                    users = users + self.p.partner_users.get(case.owner_partner_org.pk, [])
            users = [u for u in users if actor.user is None or u.pk != actor.user.pk]
            self.notices.append(Notice(event, users))
        return event

    def _deadline(self, t: datetime.datetime) -> None:
        self.case.deadline = self.p.deadline(self.case.category, self.case.level, t)
        # The job runs every JOB_EVERY: it finds the case overdue within that time of the deadline.
        self.fire_at = _second(self.case.deadline + datetime.timedelta(seconds=self.p.rng.uniform(60, 1740)))

    def _move(self, level: str) -> None:
        self.case.level = level
        self.case.owner_area = self.p.places.areas[office_code(self.case.area_code, level)]

    def _to_office(self) -> None:
        self.case.owner_kind, self.case.owner_user, self.case.owner_partner = OwnerKind.OFFICE, None, ""
        self.case.owner_partner_org = None

    def _rework(self, t) -> None:
        case = self.case
        case.reopened_count += 1
        case.handled_at = case.verified_at = case.closed_at = None
        self._deadline(t)

    def escalate(self, t, staff: Staff | None, reason: str) -> None:
        def change():
            self._move(level_above(self.case.level))
            self._to_office()
            self.case.escalated_count += 1
            self._deadline(t)

        if staff is None:  # the job
            case = self.case
            before = (case.status, case.level)
            change()
            case.status = TRANSITIONS[Action.ESCALATE].to_status(case.status)
            self._record(Action.ESCALATE, _SYSTEM, None, before, _(SYSTEM_NOTE), t)
        else:
            self.act(Action.ESCALATE, t, staff, reason, change)
        self.pending_dispatch = True

    def dispatch(self, t, staff: Staff, *, to_user: Staff | None = None, to_level: str = "", to_partner: str = "",
                 note: str = "") -> None:
        def change():
            case = self.case
            if to_user is not None:
                covers = case.area_code.startswith(to_user.area_code)
                fitting = [RANK[_role_level(to_user.role)]] if covers else []
                fitting = [r for r in fitting if r <= RANK[case.level]]
                if not fitting:
                    raise PlanError(f"{case.title}: cannot dispatch to {to_user.user.username}")
                self._move(_LEVELS[max(fitting)])
                case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.USER, to_user.user, ""
                case.owner_partner_org = None
            elif to_level:
                if RANK[to_level] > RANK[case.level]:
                    raise PlanError(f"{case.title}: dispatch upwards")
                self._move(to_level)
                self._to_office()
            else:
                # As services.dispatch_case by name: linked to the organisation when exactly one of that name
                # serves the grid, so its staff see the case.
                case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.PARTNER, None, to_partner
                case.owner_partner_org = self.p.partner_org(to_partner, case.area_code)

        self.act(Action.DISPATCH, t, staff, note, change)
        self.pending_dispatch = bool(to_level)

    def start(self, t, staff: Staff, note: str = "") -> None:
        def change():
            if self.case.owner_kind == OwnerKind.OFFICE:
                self.case.owner_kind, self.case.owner_user = OwnerKind.USER, staff.user

        self.act(Action.START, t, staff, note, change)

    def handle(self, t, staff: Staff, note: str) -> None:
        self.act(Action.HANDLE, t, staff, note)
        self.handled_by = staff.user.pk

    def reopen(self, t, staff: Staff, reason: str) -> None:
        self.act(Action.REOPEN, t, staff, reason, lambda: self._rework(t))

    def rate(self, t, staff: Staff | None, rating: str, comment: str) -> None:
        dissatisfied = rating == Rating.DISSATISFIED

        def change():
            case = self.case
            case.rating, case.rating_comment, case.rated_at = rating, comment, t
            if dissatisfied:
                self._rework(t)

        label = str(Rating(rating).label)
        note = f"{label}：{comment}" if comment else label
        self.act(Action.RATE, t, staff, note, change, Status.IN_PROGRESS if dissatisfied else None)

    def merge(self, t, staff: Staff, original: Sim) -> None:
        """Merge this duplicate into ``original``; the original gets its own event at the same time."""

        def change():
            status, level, owner = original.state_at(t)
            if status in (Status.MERGED, Status.REJECTED):
                raise PlanError("merging into a merged or rejected case")
            absorbed = new_row(
                CaseEvent, case=original.case, seq=0, actor=staff.user, actor_label=self.p.offices.label(staff, self.case.area_code),
                action=Action.MERGE, from_status=status, to_status=status, from_level=level, to_level=level,
                owner_label=owner, note="", created_at=t,
            )
            original.insert(absorbed)
            original.fixups.append(Fixup(absorbed, "合并重复诉求 %(number)s", self))

        event = self.act(Action.MERGE, t, staff, "", change)
        self.fixups.append(Fixup(event, "合并至 %(number)s", original))
        self.merged_into = original

    def project_event(self, t, staff: Staff, note: str) -> CaseEvent:
        """As services.record_project_event: a note in the timeline; no status, level or owner changes."""
        case = self.case
        return self._record(Action.PROJECT, self.p.offices.actor(staff), staff, (case.status, case.level), note, t)

    def state_at(self, t) -> tuple[str, str, str]:
        last = [e for e in self.events if e.created_at <= t][-1]
        return last.to_status, last.to_level, last.owner_label

    def insert(self, event: CaseEvent) -> None:
        times = [e.created_at for e in self.events]
        index = bisect.bisect_right(times, event.created_at)
        if index < len(times) and times[index] == event.created_at:
            raise PlanError("two events of one case at the same second")
        self.events.insert(index, event)
        for seq, e in enumerate(self.events, start=1):
            e.seq = seq
        self.case.version = len(self.events)

    # -- the course of the case --
    def drive(self, *, until: datetime.datetime | None = None, stop: Callable[[Sim], bool] | None = None,
              job_stop: datetime.datetime | None = None) -> None:
        """Take the planned steps until the case is finished, ``stop`` says so, or the next step lies after ``until``.

        Before each step the job has its turn: an active case below the city whose
        deadline passed is escalated by the system, unless the job had stopped by then.
        """
        while True:
            stopped = bool(stop and stop(self))
            step = None if stopped else self.next_step()
            t = step[0] if step else until
            if t is None:
                return
            case = self.case
            if (case.status in ACTIVE and case.level != Level.CITY and self.fire_at < t
                    and (job_stop is None or self.fire_at < job_stop)
                    and (until is None or self.fire_at <= until)):
                if stopped:
                    # Left waiting where ``stop`` wanted it, the case would have met the job: not that kind of case.
                    self.invalid = True
                    return
                self.escalate(self.fire_at, None, "")
                if self.plan.slow:
                    self.plan.slow -= 1
                continue
            if step is None or (until is not None and t > until):
                return
            step[1](t)

    def next_step(self):
        """(when, what) of the next step, or None when the case is finished."""
        case, plan, rng, offices = self.case, self.plan, self.p.rng, self.p.offices
        status, level, grid = case.status, case.level, case.area_code
        urgent = self.p.route(case.category, level).hours is not None

        def soon(lo, hi, t=None):
            """A time lo–hi minutes of office time (clock minutes for urgent cases) after t, within the deadline."""
            t = t or self.last_at
            if urgent:
                when = t + datetime.timedelta(minutes=rng.uniform(lo, hi))
            else:
                when = self.p.clock.after(t, rng.uniform(lo, hi))
            return self._in_time(_second(when))

        if status == Status.REPORTED:
            if plan.outcome == "merged":
                return plan.merge_at, lambda t: self.merge(t, plan.merger, plan.merge_into)
            if plan.outcome == "rejected":
                staff = self._leveller()
                return soon(30, 600), lambda t: self.act(Action.REJECT, t, staff, plan.reject_reason)
            staff = plan.acceptor if plan.acceptor and self._may(Action.ACCEPT, plan.acceptor) else self._leveller()
            if plan.quick_accept and len(self.events) == 1:
                when = self._in_time(_second(self.last_at + datetime.timedelta(minutes=rng.uniform(3, 40))))
            else:
                when = soon(15, 420)
            note = rng.choice(texts.ACCEPT_NOTES)
            return when, lambda t: self.act(Action.ACCEPT, t, staff, note)

        while plan.hand and RANK[plan.hand[0]] <= RANK[level]:
            plan.hand.pop(0)  # the job got it there first
            if plan.hand_reasons:
                plan.hand_reasons.pop(0)
        if (status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS) and plan.hand
                and RANK[plan.hand[0]] > RANK[level] and (status == Status.IN_PROGRESS or rng.random() < 0.5)):
            reason = plan.hand_reasons.pop(0) if plan.hand_reasons else rng.choice(
                texts.ESCALATE_REASONS[plan.hand[0]])
            plan.hand.pop(0)
            staff = self._worker()
            return soon(30, 900), lambda t: self.escalate(t, staff, reason)
        if status in (Status.ACCEPTED, Status.DISPATCHED) and case.owner_kind == OwnerKind.OFFICE and self.pending_dispatch:
            path = self._path(level)
            if path != "self":
                acceptor = plan.acceptor
                staff = acceptor if acceptor and self._may(Action.DISPATCH, acceptor) else self._leveller()
                if path == "partner":
                    partner = plan.partner or self.p.partner_for(case.category.code, grid, case.building)
                    note = rng.choice(texts.DISPATCH_PARTNER_NOTES).format(partner=partner)
                    return soon(5, 240), lambda t: self.dispatch(t, staff, to_partner=partner, note=note)
                if path == "worker":
                    worker = offices.grid_worker[grid]
                    note = rng.choice(texts.DISPATCH_USER_NOTES)
                    return soon(5, 240), lambda t: self.dispatch(t, staff, to_user=worker, note=note)
                below = _LEVELS[RANK[level] - 1]
                note = rng.choice(texts.DISPATCH_OFFICE_NOTES)
                return soon(5, 240), lambda t: self.dispatch(t, staff, to_level=below, note=note)
            self.pending_dispatch = False
        if status in (Status.ACCEPTED, Status.DISPATCHED):
            staff = self._worker()
            note = rng.choice(texts.START_NOTES)
            last = self.events[-1]
            if plan.start_at_once and last.action == Action.ACCEPT and last.actor == staff.user:
                # 受理并处置 (services.accept_and_start_case): the finder takes it on and starts with one tap.
                return self.last_at + datetime.timedelta(seconds=rng.randint(1, 3)), lambda t: self.start(t, staff)
            return soon(20, 900), lambda t: self.start(t, staff, note)
        if status == Status.IN_PROGRESS:
            staff = self._worker()
            note = plan.handled_note
            if plan.slow:
                return self._late(), lambda t: self.handle(t, staff, note)
            return self._handling_time(urgent), lambda t: self.handle(t, staff, note)
        if status == Status.HANDLED:
            staff = self._verifier()
            if plan.fail_verify:
                plan.fail_verify -= 1
                reason = rng.choice(texts.REOPEN_REASONS)
                return soon(60, 1500), lambda t: self.reopen(t, staff, reason)
            note = rng.choice(texts.VERIFY_NOTES)
            return self._prompt(soon(60, 1500)), lambda t: self.act(Action.VERIFY, t, staff, note)
        if status == Status.VERIFIED:
            staff = plan.verifier if plan.verifier and self._may(Action.CLOSE, plan.verifier) else self._verifier()
            note = rng.choice(texts.CLOSE_NOTES)
            return self._prompt(soon(5, 400)), lambda t: self.act(Action.CLOSE, t, staff, note)
        if status == Status.CLOSED:
            if plan.dissatisfied:
                plan.dissatisfied -= 1
                rating, comment = Rating.DISSATISFIED, rng.choice(texts.DISSATISFIED_COMMENTS)
            else:
                rating, comment = plan.rating, plan.rating_comment
            if plan.resident_rates:
                when = self._resident_time(self.last_at + datetime.timedelta(minutes=rng.uniform(60, 4 * 24 * 60)))
                return when, lambda t: self.rate(t, None, rating, comment)
            staff = plan.verifier if plan.verifier and self._may(Action.RATE, plan.verifier) else self._verifier()
            return soon(60, 3000), lambda t: self.rate(t, staff, rating, comment)
        return None

    def _in_time(self, when: datetime.datetime) -> datetime.datetime:
        """Keep a step that is not meant to be late before the job would find the case overdue."""
        case = self.case
        if case.status not in ACTIVE or case.level == Level.CITY or when < case.deadline:
            return when
        earliest = self.last_at + datetime.timedelta(minutes=1)
        room = (case.deadline - earliest).total_seconds()
        return _second(earliest + datetime.timedelta(seconds=max(0.0, room) * self.p.rng.uniform(0.2, 0.9)))

    def _prompt(self, when: datetime.datetime) -> datetime.datetime:
        """After the course, the community verifies and closes a handled case before its deadline when
        there is time left (the way of working the course taught: 按期结案); before it, whenever it came to it."""
        case, start = self.case, self.last_at
        if (case.reported_at.date() < COURSE_END or when < case.deadline
                or case.deadline - start < datetime.timedelta(minutes=2)):
            return when
        return _second(start + (case.deadline - start) / 2)

    def _late(self) -> datetime.datetime:
        """A step its owner leaves until after the deadline (the job comes first)."""
        return _second(max(self.case.deadline, self.last_at) + datetime.timedelta(hours=self.p.rng.uniform(2, 60)))

    def _handling_time(self, urgent: bool) -> datetime.datetime:
        """Handling takes a share of the time left: clock hours for urgent cases, office time for the rest."""
        rng, start, deadline = self.p.rng, self.last_at, self.case.deadline
        share = rng.triangular(0.05, 0.9, 0.3)
        if urgent:
            when = start + (deadline - start) * share
        else:
            minutes = self.p.clock.minutes_between(start, deadline)
            when = self.p.clock.after(start, minutes * share) if minutes > 30 else start + (deadline - start) * share
        return self._in_time(_second(max(when, start + datetime.timedelta(minutes=5))))

    def _resident_time(self, t: datetime.datetime) -> datetime.datetime:
        """Residents rate between 07:00 and 22:00."""
        local = t.astimezone(self.p.clock.tz)
        if local.hour < 7:
            local = local.replace(hour=7 + int(self.p.rng.uniform(0, 3)))
        elif local.hour >= 22:
            local = (local + datetime.timedelta(days=1)).replace(hour=8 + int(self.p.rng.uniform(0, 4)))
        return _second(local)

    # -- who --
    def _may(self, action: str, staff: Staff) -> bool:
        return refusal(TRANSITIONS[action], self.case, self.p.offices.actor(staff),
                       handled_by_id=self.handled_by) is None

    def _leveller(self) -> Staff:
        """Someone at the case's level for accept, reject, dispatch and merge."""
        staff = self.p.offices.at_level(self.case.area_code, self.case.level)
        return staff[0] if len(staff) == 1 or self.p.rng.random() < 0.6 else staff[1]

    def _worker(self) -> Staff:
        """The owner, or the owning office's own staff (the community worker before the head)."""
        case = self.case
        if case.owner_kind == OwnerKind.USER:
            return self.p.staff_of[case.owner_user.pk]
        staff = self.p.offices.at_level(case.area_code, case.level)
        if case.level == Level.COMMUNITY:
            return staff[1] if self.p.rng.random() < 0.7 else staff[0]
        return staff[0]

    def _verifier(self) -> Staff:
        """Community level or above, no lower than the case, never the one who handled it."""
        case, offices = self.case, self.p.offices
        if self.plan.verifier and self._may(Action.VERIFY if case.status == Status.HANDLED else Action.RATE,
                                            self.plan.verifier):
            return self.plan.verifier
        if case.level in (Level.GRID, Level.COMMUNITY):
            head, staff = offices.community(case.area_code)
            candidates = [head, staff] if self.p.rng.random() < 0.6 else [staff, head]
        elif case.level == Level.STREET:
            first, second = offices.streets(case.area_code)[:2]
            candidates = [second, first, offices.city_admin]
        else:
            candidates = [offices.city_admin]
        return next(s for s in candidates if s.user.pk != self.handled_by)

    def _path(self, level: str) -> str:
        if level not in self.plan.paths:
            self.plan.paths[level] = self.p.draw_path(self, level)
        return self.plan.paths[level]


_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET, Level.CITY)
# Where each sub-class's problems usually are (its first wording's place).
_PLACES = {code: next(s.place for s in texts.SUBJECTS if s.category == code) for code in CATEGORY_WEIGHTS}
# Each sub-class's wordings, in the order of texts.SUBJECTS.
_SUBJECTS: dict[str, list[texts.Subject]] = defaultdict(list)
for _subject in texts.SUBJECTS:
    _SUBJECTS[_subject.category].append(_subject)


def _public_title(description: str) -> str:
    """As services._clean_public: residents write no title, the description's first line serves."""
    first_line = description.splitlines()[0].strip()
    return first_line if len(first_line) <= 30 else first_line[:29] + "…"


def _role_level(role: str) -> str:
    return {Role.GRID_WORKER: Level.GRID, Role.COMMUNITY_STAFF: Level.COMMUNITY, Role.COMMUNITY_HEAD: Level.COMMUNITY,
            Role.STREET_STAFF: Level.STREET, Role.CITY_ADMIN: Level.CITY}[role]


# --- the whole plan -------------------------------------------------------------------


@dataclass
class ProjectPlan:
    """A 民生项目 as the community set it up: its linked cases (their events are planned with them), the
    partners and volunteers doing the work, and when it was set up, started and finished."""

    text: texts.ProjectText
    area: Area
    category: str
    created_by: Staff
    created_at: datetime.datetime
    sims: list[Sim]
    partners: list[Partner]
    volunteers: list[int]
    residents: list[int]
    status: str = ProjectStatus.PLANNED
    result: str = ""
    started_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None

    @property
    def month(self) -> str:
        return timezone.localtime(self.created_at).strftime("%Y-%m")


@dataclass
class CaseHistory:
    sims: list[Sim]
    counters: dict[int, int]
    now: datetime.datetime
    projects: list[ProjectPlan] = field(default_factory=list)


def plan_cases(*, scale: float, accounts: list[city.DemoAccount], now: datetime.datetime) -> CaseHistory:
    """Every case, its events, its number and the year counters; touches the database only to read."""
    with translation.override("zh-hans"):
        return Planner(scale, accounts, now).plan()


@dataclass
class Place:
    building: Building | None = None
    household: Household | None = None
    person: Person | None = None
    estate: Estate | None = None
    unit: str = ""


class Planner:
    """Plans every case of the demo city from one seeded generator, in a fixed order."""

    # The partner organisations by name, and the staff acting for each (read in __init__; a planner that
    # skips it, such as wangge.scale's, links no case to an organisation).
    partners: ClassVar[dict[str, list[Partner]]] = {}
    partner_users: ClassVar[dict[int, list[User]]] = {}

    def __init__(self, scale: float, accounts: list[city.DemoAccount], now: datetime.datetime):
        self.scale = scale
        self.now = _second(now)
        self.rng = random.Random(SEED)
        self.places = Places()
        self.offices = Offices(accounts)
        self.staff_of = {s.user.pk: s for s in self.offices.staff}
        self.clock = Clock(dict(Holiday.objects.values_list("date", "is_workday")))
        self.categories = {c.code: c for c in Category.objects.select_related("parent")}
        self._routes: dict = {}
        self.sims: list[Sim] = []
        self.trackings = set(Case.objects.values_list("tracking", flat=True))
        self.partners = defaultdict(list)
        for partner in Partner.objects.filter(is_active=True).order_by("pk"):
            self.partners[partner.name].append(partner)
        self.partner_users = defaultdict(list)
        for membership in PartnerMembership.objects.filter(user__is_active=True).select_related("user").order_by("pk"):
            self.partner_users[membership.partner_id].append(membership.user)
        self.projects: list[ProjectPlan] = []

    def partner_org(self, name: str, area_code: str) -> Partner | None:
        """As partners.selectors.partner_named_for_case: the one partner of that name serving the grid, if one."""
        serving = [p for p in self.partners.get(name, ()) if area_code.startswith(p.area_code)]
        return serving[0] if len(serving) == 1 else None

    # -- routing, cached: the rules don't change during a load --
    def route(self, category: Category, level: str = "") -> routing.Route:
        key = (category.pk, level)
        if key not in self._routes:
            self._routes[key] = routing.route(category, level)
        return self._routes[key]

    def deadline(self, category: Category, level: str, t: datetime.datetime) -> datetime.datetime:
        """As routing.Route.deadline, with the Holiday table read once (the tests check every deadline against it)."""
        route = self.route(category, level)
        if route.hours is not None:
            return route.deadline(t)
        day = self.clock.working_days_after(t.astimezone(self.clock.tz).date(), route.working_days)
        return datetime.datetime.combine(day, deadlines.END_OF_DAY, tzinfo=self.clock.tz)

    # -- the plan --
    def plan(self) -> CaseHistory:
        self._history()
        self._articles_cases()
        self._projects()
        self._tail()
        self.sims.sort(key=lambda s: s.case.reported_at)
        counters = self._number()
        return CaseHistory(self.sims, counters, self.now, self.projects)

    def _history(self) -> None:
        communities = [code for code, a in self.places.areas.items() if a.level == Level.COMMUNITY]
        communities.sort()
        weights = {
            code: len([g for g in self.places.grids if g.startswith(code)])
            * COMMUNITY_ACTIVITY.get(self.places.areas[code].name, 1.0)
            for code in communities
        }
        total = HISTORY_CASES * self.scale
        self.quota = {
            code: max(MIN_PER_COMMUNITY, round(total * w / sum(weights.values()))) for code, w in weights.items()
        }
        self.named = Counter()  # the article's cases per community, taken off its quota
        for name, counts in (("金融社区", (32, 3, 1)), ("东洼社区", (16, 24)), ("京华社区", (10, 1))):
            code = self._community(name)
            self.named[code] = min(self.quota[code] - MIN_PER_COMMUNITY, sum(self._scaled(n) for n in counts))
        days = [HISTORY_START + datetime.timedelta(days=i) for i in range((HISTORY_END - HISTORY_START).days)]
        day_weights = [
            MONTHS[d.month] * (1.0 if self.clock.working(d) else 0.35) * (1.25 if d >= COURSE_END else 1.0)
            for d in days
        ]
        # Drawn with the running sums rng.choices(population, weights) would compute on each call.
        day_sums = list(itertools.accumulate(day_weights))
        for code in communities:
            grids = [g for g in self.places.grids if g.startswith(code)]
            grid_sums = list(itertools.accumulate(len(self.places.households[g]) for g in grids))
            for _i in range(self.quota[code] - self.named[code]):
                grid = self.rng.choices(grids, cum_weights=grid_sums)[0]
                day = self.rng.choices(days, cum_weights=day_sums)[0]
                self._background(grid, day)

    def _scaled(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def _community(self, name: str) -> str:
        return next(code for code, a in self.places.areas.items() if a.level == Level.COMMUNITY and a.name == name)

    def _background(self, grid: str, day: datetime.date) -> None:
        rng = self.rng
        working = self.clock.working(day)
        weights = (SOURCES_AFTER if day >= COURSE_END else SOURCES_BEFORE) if working else SOURCES_REST_DAY
        source = rng.choices(list(weights), list(weights.values()))[0]
        community = self.places.community_name(grid)
        if source == Source.VISIT and community == "东洼社区":
            day = self._wednesday_or_friday(day)
        public = source == Source.RESIDENT and rng.random() < 0.65
        t = self._report_time(day, source, public)
        code, subject, place = self._pick_subject(grid, t, source)
        plan = self._draw_plan(grid, code, source, subject)
        sim = self._new_case(grid, t, source, code, subject, place, plan, public=public)
        sim.drive()
        self.sims.append(sim)
        if plan.outcome == "resolved" and rng.random() < 0.03:
            self._duplicate(sim)

    def _wednesday_or_friday(self, day: datetime.date) -> datetime.date:
        """东洼社区's staff go down to their grids every Wednesday and Friday."""
        for shift in (0, 1, -1, 2, -2, 3, -3):
            d = day + datetime.timedelta(days=shift)
            if d.weekday() in (2, 4) and self.clock.working(d) and HISTORY_START <= d < HISTORY_END:
                return d
        return day

    def _report_time(self, day: datetime.date, source: str, public: bool = False) -> datetime.datetime:
        """Staff record in office hours (on rest days, the duty hours); residents write in on the public page till late."""
        rng = self.rng
        if public:
            minutes = rng.triangular(6 * 60 + 30, 22 * 60, 19 * 60)
        elif source in (Source.VISIT, Source.PATROL, Source.PARTNER, Source.ASSIGNED) and self.clock.working(day):
            minutes = rng.uniform(8 * 60 + 40, 16 * 60 + 50)
        else:
            minutes = rng.uniform(8 * 60, 18 * 60)
        return _second(self.clock.local(day, datetime.time(0)) + datetime.timedelta(minutes=minutes))

    def _pick_subject(self, grid: str, t: datetime.datetime, source: str, codes: tuple[str, ...] = (),
                      exclude: Callable[[str], bool] | None = None):
        """A sub-class by season and source, a wording of it and a place in the grid that fits."""
        rng = self.rng
        local = t.astimezone(self.clock.tz)
        community = self.places.community_name(grid)
        # The same draw as rng.choices(candidates, weights): the running sums are what it would compute.
        key = (codes, source, local.month)
        drawn = self._subject_weights.get(key)
        if drawn is None:
            candidates = list(codes or CATEGORY_WEIGHTS)
            weights = [self._affinity(code, source) * SEASONS.get(code, {}).get(local.month, 1.0)
                       * CATEGORY_WEIGHTS[code] for code in candidates]
            drawn = self._subject_weights[key] = (candidates, list(itertools.accumulate(weights)))
        candidates, cum_weights = drawn
        for _attempt in range(40):
            code = rng.choices(candidates, cum_weights=cum_weights)[0]
            if exclude and exclude(code):
                continue
            if (community == "金融社区" and self._top_class(code) == "disputes"
                    and datetime.date(2025, 1, 1) <= local.date() < HISTORY_END):
                continue  # 金融社区's disputes of 2025 are the article's 32 (Planner._articles_cases)
            subject = rng.choice(_SUBJECTS[code])
            place = self._place(grid, subject)
            if place is not None:
                return code, subject, place
        raise PlanError(f"no subject fits grid {grid}")

    # Worked out once per planner (wangge.scale's planners skip __init__, so these fill themselves).
    @functools.cached_property
    def _subject_weights(self) -> dict:
        return {}

    @functools.cached_property
    def _places_fitting(self) -> dict:
        return {}

    @functools.cached_property
    def _top_classes(self) -> dict[str, str]:
        return {code: c.parent.code if c.parent_id else "" for code, c in self.categories.items()}

    def _top_class(self, code: str) -> str:
        """The code of the sub-class's class ("" for a class)."""
        return self._top_classes[code]

    def _affinity(self, code: str, source: str) -> float:
        place = _PLACES[code]
        if source == Source.VISIT:
            return {texts.HOME: 1.8, texts.BUILDING: 1.0, texts.OPEN_AIR: 0.6}[place]
        if source == Source.PATROL:
            return {texts.HOME: 0.15, texts.BUILDING: 1.2, texts.OPEN_AIR: 2.0}[place]
        if source == Source.HOTLINE:
            return {"heating": 3, "water_supply": 2, "noise": 2, "garbage": 1.5}.get(code, 0.8)
        if source == Source.PARTNER:
            return 3.0 if texts.PARTNER_KINDS.get(code) in texts.PARTNER_SOURCES else 0.05
        if source == Source.RESIDENT:
            return {"noise": 2, "neighbour_dispute": 1.5, "roof_leak": 1.3}.get(code, 1.0)
        return 1.0

    def _place(self, grid: str, subject: texts.Subject, estate_name: str = "") -> Place | None:
        rng, needs = self.rng, subject.needs
        home = subject.place == texts.HOME
        key = (grid, needs, estate_name, home)
        fitting = self._places_fitting.get(key)
        if fitting is None:
            fitting = self._places_fitting[key] = self._fitting(grid, needs, estate_name, home)
        buildings, households = fitting
        if not buildings:
            return None
        if home:
            if not households:
                return None
            household = rng.choice(households)
            people = self.places.members[household.pk]
            if "elderly" in needs:
                person = rng.choice([p for p in people if p.age >= 70])
            else:
                person = rng.choice([p for p in people if p.age >= 18] or people)
            return Place(household.building, household, person, household.building.estate, household.unit)
        building = rng.choice(buildings)
        unit = rng.choice(self.places.units[building.pk] or ["1"])
        return Place(building, None, None, building.estate, unit)

    def _fitting(self, grid: str, needs, estate_name: str, home: bool) -> tuple[list[Building], list[Household]]:
        """The grid's buildings that suit a wording's needs, and (for a problem at home) the households to
        choose from, in the order of the grid's lists; the places don't change while a plan is made."""

        def fits(building: Building) -> bool:
            estate = building.estate
            return (
                (not estate_name or estate.name == estate_name)
                and ("old" not in needs or estate.is_old)
                and ("abandoned" not in needs or estate.is_abandoned)
                and ("company" not in needs or bool(estate.property_company))
                and ("high" not in needs or (building.floors or 0) >= 11)
            )

        buildings = [b for b in self.places.buildings[grid] if fits(b)]
        households: list[Household] = []
        if buildings and home:
            households = [h for h in self.places.households[grid] if fits(h.building) and self.places.members[h.pk]]
            if "top" in needs:
                households = [h for h in households if h.floor == h.building.floors] or households
            if "elderly" in needs:
                households = [h for h in households if any(p.age >= 70 for p in self.places.members[h.pk])]
        return buildings, households

    def _draw_plan(self, grid: str, code: str, source: str, subject: texts.Subject) -> CasePlan:
        rng = self.rng
        plan = CasePlan()
        category = self.categories[code]
        start = self.route(category).start_level
        dongwa_works = self.places.community_name(grid) == "东洼社区" and start == Level.COMMUNITY
        r = rng.random()
        if r < 0.04:
            plan.outcome = "rejected"
            reasons = texts.REJECT_REASONS
            if subject.place == texts.HOME and self._top_class(code):
                top = self._top_class(code)
                reasons += texts.REJECT_REASONS_DISPUTE if top == "disputes" else texts.REJECT_REASONS_HOME
            plan.reject_reason = rng.choice(reasons)
        r = rng.random()
        if start == Level.GRID:
            plan.hand = ["community"] if r < 0.045 else ["community", "street"] if r < 0.055 else []
        elif not dongwa_works:
            plan.hand = ["street"] if r < 0.06 else []
        plan.slow = 1 if rng.random() < 0.055 and not dongwa_works else 0
        plan.fail_verify = 1 if rng.random() < 0.035 else 0
        plan.dissatisfied = 1 if rng.random() < 0.03 else 0
        plan.rating = Rating.SATISFIED if rng.random() < 0.87 else Rating.BASICALLY_SATISFIED
        comments = texts.SATISFIED_COMMENTS if plan.rating == Rating.SATISFIED else texts.BASIC_COMMENTS
        plan.rating_comment = rng.choice(comments)
        plan.quick_accept = source in (Source.VISIT, Source.PATROL)
        plan.start_at_once = plan.quick_accept and rng.random() < 0.5
        if source in (Source.HOTLINE, Source.ASSIGNED, Source.PARTNER) and start == Level.GRID:
            # The community receives these and sends them to the grid worker.
            plan.acceptor = self.offices.community(grid)[rng.random() < 0.5]
            plan.paths[Level.GRID] = "worker"
        return plan

    def draw_path(self, sim: Sim, level: str) -> str:
        """How an office gets a case done: itself, through a partner, its grid worker, or the office below."""
        rng = self.rng
        has_partner = texts.PARTNER_KINDS.get(sim.case.category.code) is not None
        if level == Level.GRID:
            return "partner" if has_partner and rng.random() < 0.38 else "self"
        if level == Level.COMMUNITY:
            if sim.plan.hand:
                return "partner" if has_partner and rng.random() < 0.4 else "self"
            return rng.choices(["self", "partner", "worker"], [0.45, 0.35 if has_partner else 0, 0.2])[0]
        if level == Level.STREET:
            return rng.choices(["partner", "self", "office"], [0.6 if has_partner else 0, 0.25, 0.15])[0]
        return "office"

    def partner_for(self, code: str, grid: str, building: Building | None) -> str:
        """The partner organisation an office would send a case of this sub-class in this place to."""
        kind = texts.PARTNER_KINDS.get(code, "repair")
        community, street = self.places.community_name(grid), self.places.street_name(grid)
        estate = building.estate if building is not None else None
        if kind == "company":
            if estate is not None and estate.property_company:
                return estate.property_company
            return texts.JINRONG_PARTNER if community == "金融社区" else texts.PARTNERS["repair"]
        if kind == "police":
            return texts.POLICE[street]
        if kind == "mediation" and community == "金融社区":
            return self.rng.choice(texts.JINRONG_MEDIATORS)
        if kind == "sanitation" and community == "曙光社区":
            return texts.SHUGUANG_REFUSE
        return texts.PARTNERS[kind].format(community=community)

    def _new_case(self, grid: str, t: datetime.datetime, source: str, code: str, subject: texts.Subject,
                  place: Place, plan: CasePlan, *, reporter: Staff | None = None, public: bool | None = None,
                  tail: str = "") -> Sim:
        """The case as reported, with its first event; ``public``: a resident on the public page."""
        rng, offices = self.rng, self.offices
        category = self.categories[code]
        area = self.places.areas[grid]
        head, community_staff = offices.community(grid)
        if public is None:
            public = source == Source.RESIDENT and rng.random() < 0.65
        if reporter is None and not public:
            reporter = {
                Source.VISIT: offices.grid_worker[grid] if rng.random() < 0.85 else community_staff,
                Source.PATROL: offices.grid_worker[grid] if rng.random() < 0.8 else community_staff,
                Source.RESIDENT: offices.grid_worker[grid] if rng.random() < 0.6 else community_staff,
                Source.HOTLINE: community_staff,
                Source.PARTNER: community_staff if rng.random() < 0.6 else head,
                Source.ASSIGNED: offices.streets(grid)[0] if rng.random() < 0.8 else offices.city_admin,
            }[source]
        if self.places.community_name(grid) == "东洼社区" and source == Source.VISIT and reporter is not None:
            # Every Wednesday and Friday all of 东洼's staff are out in the grids.
            reporter = rng.choice([offices.grid_worker[grid], offices.grid_worker[grid], head, community_staff])
        case = new_row(
            Case, tracking=self._tracking(), category=category, source=source, grid=area, area_code=grid,
            urgency=self._urgency(code, public),
        )
        # The partner the texts name is the one the case goes to, if it goes to one.
        partner = plan.partner = plan.partner or self.partner_for(code, grid, place.building)
        fmt = {
            "estate": place.estate.name if place.estate else "", "building": place.building.name if place.building else "",
            "unit": place.unit, "address": place.household.address if place.household else "",
            "name": place.person.name if place.person else "", "age": place.person.age if place.person else "",
            "company": place.estate.property_company if place.estate else "",
            "community": self.places.community_name(grid), "partner": partner,
        }
        description = subject.description.format(**fmt)
        if source == Source.PARTNER and texts.PARTNER_KINDS.get(code) in texts.PARTNER_SOURCES:
            description = texts.PARTNER_SOURCES[texts.PARTNER_KINDS[code]] + description
        if public:
            case.title = _public_title(description)
        else:
            case.title = subject.title.format(**fmt)
        case.description = description
        plan.handled_note = plan.handled_note or subject.handled.format(**fmt)
        if place.building is not None:
            case.lat, case.lng = place.building.lat, place.building.lng
        if not public:
            if subject.place != texts.OPEN_AIR:
                case.building = place.building
            if subject.place == texts.HOME:
                case.household = place.household
                if source in (Source.VISIT, Source.RESIDENT, Source.HOTLINE) and place.person:
                    case.reporter_resident_id = place.person.id
            case.reporter_user = reporter.user
        elif rng.random() < 0.5:
            case.lat = case.lng = None  # the resident did not share a location
        if source in (Source.RESIDENT, Source.HOTLINE):
            person = place.person or self._someone_in(grid)
            case.reporter_phone = person.phone or self._phone()
        plan.resident_rates = public and rng.random() < 0.7
        sim = Sim(self, case, plan, tail=tail)
        sim.report(t, reporter)
        return sim

    def _duty_hours(self, t: datetime.datetime) -> bool:
        """When staff take reports by phone or at the office, rest days included (值班)."""
        return 8 <= t.astimezone(self.clock.tz).hour < 18

    def _someone_in(self, grid: str) -> Person:
        household = self.rng.choice(self.places.households[grid])
        return self.rng.choice(self.places.members[household.pk])

    def _phone(self) -> str:
        return population.phone(self.rng, 40) or self._phone()

    def _urgency(self, code: str, public: bool) -> str:
        if public:
            return Urgency.NORMAL
        if self._top_class(code) == "public_safety":
            return self.rng.choices([Urgency.NORMAL, Urgency.URGENT, Urgency.EMERGENCY], [0.3, 0.6, 0.1])[0]
        return Urgency.URGENT if self.rng.random() < 0.07 else Urgency.NORMAL

    def _tracking(self) -> str:
        while True:
            code = "".join(self.rng.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))
            if code not in self.trackings:
                self.trackings.add(code)
                return code

    def _duplicate(self, original: Sim) -> None:
        """Another resident reports the same problem; the office merges it into the first report."""
        rng = self.rng
        handled = next((e.created_at for e in original.events if e.action == Action.HANDLE), None)
        if handled is None:
            return
        t = _second(original.case.reported_at + datetime.timedelta(hours=rng.uniform(1, 48)))
        if t >= handled - datetime.timedelta(hours=1):
            return
        case = original.case
        plan = CasePlan(outcome="merged", merge_into=original)
        source = rng.choice([Source.RESIDENT, Source.RESIDENT, Source.HOTLINE])
        public = source == Source.RESIDENT and rng.random() < 0.65
        if not self._duty_hours(t):
            source, public = Source.RESIDENT, True
        subject = next(s for s in texts.SUBJECTS if s.category == case.category.code)
        place = Place(case.building, case.household, None, case.building.estate if case.building_id else None, "")
        sim = self._new_case(case.area_code, t, source, case.category.code, subject, place, plan, public=public)
        sim.case.title, sim.case.description = case.title, "又有居民反映：" + case.description
        if sim.case.reporter_user_id is None:
            sim.case.title = _public_title(sim.case.description)
        plan.merger = sim._leveller()
        merge_at = self.clock.after(t, rng.uniform(10, 240))
        if self.route(case.category, sim.case.level).hours is not None:
            merge_at = t + datetime.timedelta(minutes=rng.uniform(10, 90))
        plan.merge_at = _second(merge_at)
        if plan.merge_at >= min(sim.case.deadline, handled) or any(
                e.created_at == plan.merge_at for e in original.events):
            return
        sim.drive()
        self.sims.append(sim)

    # -- the article's own cases --
    def _articles_cases(self) -> None:
        rng, offices = self.rng, self.offices
        jinghua, jinrong, dongwa = (self._community(n) for n in ("京华社区", "金融社区", "东洼社区"))

        # 刘伊蕊's leaking roof, found by 李静 on her rounds after the course, handled, rated 满意.
        grid = next(g for g in self.places.grids if g.startswith(jinghua))
        household = self.places.households[grid][0]
        person = next(p for p in self.places.members[household.pk] if p.name == "刘伊蕊")
        place = Place(household.building, household, person, household.building.estate, household.unit)
        plan = CasePlan(paths={Level.GRID: "self"}, quick_accept=True, verifier=offices.heads[jinghua],
                        rating=Rating.SATISFIED, rating_comment=texts.LIU_YIRUI_RATING)
        t = self.clock.local(datetime.date(2025, 6, 11), datetime.time(9, 40, 12))
        sim = self._new_case(grid, t, Source.VISIT, "roof_leak", texts.LIU_YIRUI, place, plan,
                             reporter=offices.grid_worker[grid], public=False)
        sim.drive()
        self.sims.append(sim)

        # 京华社区 after the course: more problems found on the rounds and solved (10余件 with 刘伊蕊's).
        grids = [g for g in self.places.grids if g.startswith(jinghua)]
        for i in range(self._scaled(10)):
            day = self._working_day_between(COURSE_END, datetime.date(2025, 6, 27))
            code = texts.JINGHUA_AFTER_COURSE[i % 3]
            self._named(grids, day, rng.choice([Source.VISIT, Source.VISIT, Source.PATROL]), code,
                        CasePlan(rating=Rating.SATISFIED))

        # 金融社区 settled 32 disputes in 2025, with counsellors, lawyers and mediators.
        grids = [g for g in self.places.grids if g.startswith(jinrong)]
        disputes = ("neighbour_dispute", "neighbour_dispute", "family_dispute", "property_dispute", "wage_dispute")
        for i in range(self._scaled(32)):
            day = self._working_day_between(datetime.date(2025, 1, 2), datetime.date(2025, 6, 13))
            code = disputes[i % len(disputes)]
            partner = "公益律师服务团" if code == "wage_dispute" else rng.choice(texts.JINRONG_MEDIATORS)
            self._named(grids, day, rng.choice([Source.VISIT, Source.RESIDENT, Source.HOTLINE]), code,
                        CasePlan(paths={Level.GRID: "partner"}, partner=partner))
        # 红心物业联盟: parking in 城区中队小区 and 适老化改造 in 老国税小区.
        for i in range(self._scaled(3)):
            day = self._working_day_between(datetime.date(2024, 9, 2), datetime.date(2025, 5, 30))
            self._named(None, day, Source.VISIT, "parking", CasePlan(paths={Level.GRID: "partner"},
                        partner=texts.JINRONG_PARTNER), subject=texts.JINRONG_PARKING,
                        estate=(jinrong, texts.JINRONG_PARKING_ESTATE))
        self._named(None, datetime.date(2024, 10, 16), Source.VISIT, "elderly_care",
                    CasePlan(hand=["community"], hand_reasons=["需社区协调红心物业联盟统一改造"],
                             paths={Level.COMMUNITY: "partner"}, partner=texts.JINRONG_PARTNER),
                    subject=texts.JINRONG_AGE_FRIENDLY, estate=(jinrong, texts.JINRONG_AGE_FRIENDLY_ESTATE))

        # 东洼社区: 16 engineering problems taken to the street, and 24 clean-ups of its abandoned estate.
        for i in range(self._scaled(16)):
            day = self._working_day_between(HISTORY_START, datetime.date(2025, 6, 6))
            subject = texts.DONGWA_ENGINEERING[i % len(texts.DONGWA_ENGINEERING)]
            estate = ("东洼小区", "铁路小区", "机务段家属楼")[i % 3]
            reason = texts.DONGWA_TO_STREET[i % len(texts.DONGWA_TO_STREET)]
            self._named(None, day, rng.choice([Source.VISIT, Source.RESIDENT, Source.HOTLINE]), subject.category,
                        CasePlan(hand=["street"], hand_reasons=[reason], paths={Level.STREET: "partner"}),
                        subject=subject, estate=(dongwa, estate))
        for i in range(self._scaled(24)):
            day = self._working_day_between(HISTORY_START, datetime.date(2025, 6, 20))
            self._named(None, day, rng.choice([Source.VISIT, Source.PATROL]), "sanitation_blackspot",
                        CasePlan(paths={Level.GRID: "partner"}, partner=texts.DONGWA_PARTY_PARTNERS[i % 3]),
                        subject=texts.DONGWA_CLEANUP, estate=(dongwa, "东洼小区"))

    def _working_day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        while True:
            day = first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))
            if self.clock.working(day):
                return day

    def _named(self, grids: list[str] | None, day: datetime.date, source: str, code: str, plan: CasePlan, *,
               subject: texts.Subject | None = None, estate: tuple[str, str] | None = None) -> Sim:
        """One of the article's cases, in one of ``grids`` (or of an estate): resolved and rated as the plan says."""
        sim = self._named_case(grids, day, source, code, plan, subject=subject, estate=estate)
        sim.drive()
        self.sims.append(sim)
        return sim

    def _named_case(self, grids: list[str] | None, day: datetime.date, source: str, code: str, plan: CasePlan, *,
                    subject: texts.Subject | None = None, estate: tuple[str, str] | None = None,
                    tail: str = "") -> Sim:
        """The case ``_named`` reports, before it runs its course."""
        rng = self.rng
        estate_name = ""
        if estate is not None:
            community, estate_name = estate
            grids = [g for g in self.places.grids if g.startswith(community)
                     and any(b.estate.name == estate_name for b in self.places.buildings[g])]
        for _attempt in range(40):
            grid = rng.choice(grids)
            chosen = subject or rng.choice([s for s in texts.SUBJECTS if s.category == code])
            place = self._place(grid, chosen, estate_name)
            if place is not None:
                break
        else:
            raise PlanError(f"no place for {code} in {grid}")
        plan.quick_accept = source in (Source.VISIT, Source.PATROL)
        plan.resident_rates = False
        if not plan.rating_comment and plan.rating == Rating.SATISFIED:
            plan.rating_comment = rng.choice(texts.SATISFIED_COMMENTS)
        if plan.hand and plan.hand[0] == "street":
            plan.acceptor = self.offices.community(grid)[0]
        t = self._report_time(day, source)
        return self._new_case(grid, t, source, code, chosen, place, plan, public=False, tail=tail)

    # -- 民生项目 --
    def _projects(self) -> None:
        """The monthly projects of the history: related cases of one estate become one piece of work.

        A project's cases are made safe within their deadlines (临时处置, recorded as the handling, so the
        escalation job has no reason to touch them) and wait for the community's check; the community
        links them when it sets the project up, and when the project is done each case gets the
        project's event, then is verified and closed with its result, as projects.services.close_project
        does, and rated on the return call.
        """
        jinrong, dongfeng = self._community("金融社区"), self._community("东风社区")
        self._history_project(
            texts.JINRONG_ROOF_PROJECT, texts.JINRONG_ROOF, (jinrong, "老国税小区"), max(3, self._scaled(6)),
            reported=(datetime.date(2025, 5, 6), datetime.date(2025, 5, 14)), created=datetime.date(2025, 5, 22),
            started=datetime.date(2025, 5, 26), done=datetime.date(2025, 6, 12),
            sources=(Source.VISIT, Source.VISIT, Source.RESIDENT, Source.HOTLINE),
            paths={Level.GRID: "partner"}, partner=texts.JINRONG_PARTNER, team=("适老助老服务队", 2),
        )
        self._history_project(
            texts.DONGFENG_LIGHTS_PROJECT, texts.DONGFENG_LIGHTS, (dongfeng, "东风小区"), max(3, self._scaled(4)),
            reported=(datetime.date(2025, 4, 7), datetime.date(2025, 4, 15)), created=datetime.date(2025, 4, 22),
            started=datetime.date(2025, 4, 23), done=datetime.date(2025, 4, 29),
            sources=(Source.VISIT, Source.PATROL, Source.RESIDENT),
            paths={Level.GRID: "self"}, partner=texts.PARTNERS["repair"], team=("红卫士", 3),
        )

    def _history_project(self, text: texts.ProjectText, subject: texts.Subject, estate: tuple[str, str], count: int,
                         *, reported: tuple[datetime.date, datetime.date], created: datetime.date,
                         started: datetime.date, done: datetime.date, sources: tuple[str, ...],
                         paths: dict[str, str], partner: str, team: tuple[str, int]) -> None:
        rng = self.rng
        community = estate[0]
        sims = self._project_cases(subject, estate, count, reported, sources, paths, partner, until=None,
                                   rating_comment=text.rating)
        head = self.offices.heads[community]
        created_at = max(
            _second(self.clock.local(created, datetime.time(9, 0)) + datetime.timedelta(minutes=rng.uniform(0, 420))),
            _second(self.clock.after(max(s.last_at for s in sims), 30)),
        )
        project = self._project(text, subject, community, head, created_at, sims, partner, team)
        project.started_at = _second(self.clock.local(started, datetime.time(8, 40))
                                     + datetime.timedelta(minutes=rng.uniform(0, 120)))
        t = _second(self.clock.local(done, datetime.time(14, 0)) + datetime.timedelta(minutes=rng.uniform(0, 150)))
        project.status, project.result, project.closed_at = ProjectStatus.COMPLETED, self._result(text, sims), t
        note = _("民生项目《%(title)s》已完成：%(result)s") % {"title": text.title, "result": project.result}
        for sim in sims:
            sim.project_event(t, head, note)
            sim.act(Action.VERIFY, t + datetime.timedelta(seconds=1), head, project.result)
            sim.act(Action.CLOSE, t + datetime.timedelta(seconds=2), head, project.result)
            sim.drive()  # the return call and its rating
            if sim.case.status != Status.RATED:
                raise PlanError(f"{sim.case.title}: not rated after the project")
            self.sims.append(sim)

    def _project_cases(self, subject: texts.Subject, estate: tuple[str, str], count: int,
                       reported: tuple[datetime.date, datetime.date], sources: tuple[str, ...],
                       paths: dict[str, str], partner: str, *, until: datetime.datetime | None,
                       job_stop: datetime.datetime | None = None, tail: str = "", rating_comment: str = "") -> list[Sim]:
        """``count`` cases of one estate (one to a household or stairwell), each run until it is made safe
        (handled), before ``until`` if given; fewer if the days given leave no room."""
        rng, sims, places = self.rng, [], set()
        for _attempt in range(count * 12):
            if len(sims) == count:
                break
            day = self._working_day_between(*reported)
            plan = CasePlan(paths=dict(paths), partner=partner, rating=Rating.SATISFIED, rating_comment=rating_comment)
            sim = self._named_case(None, day, rng.choice(sources), subject.category, plan, subject=subject,
                                   estate=estate, tail=tail)
            case = sim.case
            where = case.household_id or (case.building_id, case.description)
            if where in places:
                continue
            sim.drive(until=until, stop=lambda s: s.case.status == Status.HANDLED, job_stop=job_stop)
            if sim.invalid or case.status != Status.HANDLED or case.escalated_count or (
                    until is not None and sim.last_at >= until):
                continue
            places.add(where)
            sims.append(sim)
        return sims

    def _project(self, text: texts.ProjectText, subject: texts.Subject, community: str, head: Staff,
                 created_at: datetime.datetime, sims: list[Sim], partner: str, team: tuple[str, int]) -> ProjectPlan:
        """The project as set up: its cases linked (an event in each timeline), its partner and volunteers."""
        note = _("加入民生项目《%(title)s》") % {"title": text.title}
        for sim in sims:
            sim.project_event(created_at, head, note)
        team_name, wanted = team
        members = list(Volunteer.objects.filter(area_code=community, is_active=True, teams__name=team_name)
                       .order_by("pk").only("pk", "skills"))
        fitting = [v for v in members if "repair" in v.skills] or members
        volunteers = sorted(v.pk for v in self.rng.sample(fitting, min(wanted, len(fitting))))
        residents = sorted({s.case.reporter_resident_id for s in sims if s.case.reporter_resident_id})
        project = ProjectPlan(
            text=text, area=self.places.areas[community], category=subject.category, created_by=head,
            created_at=created_at, sims=sims, partners=self.partners.get(partner, [])[:1], volunteers=volunteers,
            residents=residents,
        )
        self.projects.append(project)
        return project

    @staticmethod
    def _result(text: texts.ProjectText, sims: list[Sim]) -> str:
        names = sorted({s.case.building.name for s in sims if s.case.building is not None},
                       key=lambda n: int("".join(c for c in n if c.isdigit()) or 0))
        estate = next(s.case.building.estate.name for s in sims if s.case.building is not None)
        return text.result.format(buildings=estate + "、".join(names))

    def _open_project(self, job_stop: datetime.datetime) -> None:
        """金融社区's project of these weeks, under way at the time of loading: its cases were made safe and
        wait for the community's check; nothing is left out if the days before ``now`` leave no room."""
        rng, now = self.rng, self.now
        jinrong = self._community("金融社区")
        working_days, day = [], timezone.localtime(now, self.clock.tz).date()
        while len(working_days) < 5:
            day -= datetime.timedelta(days=1)
            if self.clock.working(day):
                working_days.append(day)
        created_day = rng.choice(working_days[1:4])
        created_at = _second(self.clock.local(created_day, datetime.time(9, 0))
                             + datetime.timedelta(minutes=rng.uniform(0, 420)))
        reported = (created_day - datetime.timedelta(days=20), created_day - datetime.timedelta(days=1))
        sims = self._project_cases(
            texts.JINRONG_DOORS, (jinrong, "工行小区"), max(3, self._scaled(4)), reported,
            (Source.VISIT, Source.PATROL, Source.RESIDENT), {Level.GRID: "partner"}, texts.JINRONG_PARTNER,
            until=created_at, job_stop=job_stop, tail="project",
        )
        if len(sims) < 2:
            return
        head = self.offices.heads[jinrong]
        project = self._project(texts.JINRONG_DOORS_PROJECT, texts.JINRONG_DOORS, jinrong, head, created_at, sims,
                                texts.JINRONG_PARTNER, ("环境美化队", 2))
        started = _second(self.clock.after(created_at, rng.uniform(60, 900)))
        if started < now:
            project.status, project.started_at = ProjectStatus.IN_PROGRESS, started
        self.sims.extend(sims)

    # -- the open tail, relative to now --
    def _tail(self) -> None:
        job_stop = self.now - JOB_PAUSE
        headline = [a.area_code for a in city.HEADLINE_ACCOUNTS if a.role == Role.GRID_WORKER]
        weights = [len(self.places.households[g]) for g in self.places.grids]
        tail_sims: list[Sim] = []
        for kind, (count, window) in TAIL.items():
            for i in range(self._scaled(count)):
                grid = headline[i] if i < len(headline) else self.rng.choices(self.places.grids, weights)[0]
                if kind == "merged":
                    self._tail_duplicate(tail_sims, grid, window)
                elif sim := self._tail_case(kind, grid, window, job_stop):
                    tail_sims.append(sim)
        # 红心物业联盟 has a few of 金融社区's cases waiting for it to start (its staff see them: demo_partner).
        jinrong = [g for g in self.places.grids if g.startswith(self._community("金融社区"))]
        for i in range(max(2, self._scaled(3))):
            if sim := self._tail_case("dispatched", jinrong[i % len(jinrong)], TAIL["dispatched"][1], job_stop,
                                      only=ALLIANCE_CASES, partner=texts.JINRONG_PARTNER):
                tail_sims.append(sim)
        self.sims.extend(tail_sims)
        self._open_project(job_stop)

    def _tail_case(self, kind: str, grid: str, window: tuple[float, float], job_stop, *, only: tuple[str, ...] = (),
                   partner: str = "") -> Sim | None:
        """An open case of this kind in the grid (of the sub-classes ``only``, dispatched to ``partner``, if given)."""
        rng, now = self.rng, self.now
        predicates = _tail_predicates(now, job_stop)
        for attempt in range(200):
            if kind == "due_soon" and attempt >= 30:
                window = (0.5, 7)  # safety cases have 8 clock hours: on a weekend only they fall due so soon
            # A day in the window, then a time of day that suits who reports (as in the history).
            day = timezone.localtime(now - datetime.timedelta(hours=rng.uniform(*window)), self.clock.tz).date()
            sources = SOURCES_AFTER if self.clock.working(day) else SOURCES_REST_DAY
            source = rng.choices(list(sources), list(sources.values()))[0]
            public = source == Source.RESIDENT and rng.random() < 0.65
            t = self._report_time(day, source, public)
            if attempt >= 100:
                # Early in the morning little fits a short window: someone wrote in during the night.
                t = _second(now - datetime.timedelta(hours=rng.uniform(*window)))
                source, public = Source.RESIDENT, True
            if not now - datetime.timedelta(hours=window[1]) <= t <= now - datetime.timedelta(hours=window[0]):
                continue
            codes: tuple[str, ...] = ()
            if kind in ("due_soon", "overdue") and attempt >= 30:
                codes = ("fire_hazard", "ebike_charging", "manhole_cover", "falling_objects")
            elif kind == "stuck_at_city":
                codes = ("wage_dispute", "neighbour_dispute", "noise")
            elif kind == "escalated_by_hand":
                # Engineering the community takes to the street (东洼's way): the street's queue has some.
                codes = ("road_damage", "drainage", "water_supply", "street_light")
            if only:
                codes = only
            exclude = None
            if kind == "escalated_by_job":
                # A grid's case the job took to the community: the community's queue has some.
                exclude = self._starts_above_grid
            code, subject, place = self._pick_subject(grid, t, source, codes, exclude)
            plan = self._tail_plan(kind, grid, code, source)
            if partner:
                plan.partner = partner
            sim = self._new_case(grid, t, source, code, subject, place, plan, public=public, tail=kind)
            sim.drive(until=now, stop=_TAIL_STOPS.get(kind), job_stop=job_stop)
            if not sim.invalid and predicates[kind](sim):
                return sim
        return None  # nothing of this kind fits the moment (the middle of a long holiday, say): left out

    def _starts_above_grid(self, code: str) -> bool:
        return self.route(self.categories[code]).start_level != Level.GRID

    def _tail_plan(self, kind: str, grid: str, code: str, source: str) -> CasePlan:
        """An open case goes without surprises: only what its kind needs."""
        rng = self.rng
        plan = CasePlan(quick_accept=source in (Source.VISIT, Source.PATROL))
        start = self.route(self.categories[code]).start_level
        plan.rating = Rating.SATISFIED if rng.random() < 0.85 else Rating.BASICALLY_SATISFIED
        plan.rating_comment = rng.choice(texts.SATISFIED_COMMENTS)
        if source in (Source.HOTLINE, Source.ASSIGNED, Source.PARTNER) and start == Level.GRID:
            plan.acceptor = self.offices.community(grid)[rng.random() < 0.5]
            plan.paths[Level.GRID] = "worker"
        if kind == "dispatched":
            plan.paths[start] = "partner" if texts.PARTNER_KINDS.get(code) else "worker"
        elif kind in ("overdue", "escalated_by_job"):
            plan.slow = 1
        elif kind == "stuck_at_city":
            plan.slow = 4
            plan.paths = {Level.GRID: "self", Level.COMMUNITY: "self", Level.STREET: "self"}
        elif kind == "escalated_by_hand":
            plan.hand = ["street"] if start == Level.COMMUNITY else ["community"]
            plan.paths[plan.hand[0]] = "self"
        elif kind == "reopened":
            plan.fail_verify = 1
        elif kind == "dissatisfied":
            plan.dissatisfied = 1
        return plan

    def _tail_duplicate(self, tail_sims: list[Sim], grid: str, window) -> None:
        rng, now = self.rng, self.now
        originals = [s for s in tail_sims if s.case.status in ACTIVE and s.case.area_code == grid] or [
            s for s in tail_sims if s.case.status in ACTIVE]
        for _attempt in range(40 if originals else 0):
            original = rng.choice(originals)
            case = original.case
            earliest = max(case.reported_at + datetime.timedelta(minutes=30), now - datetime.timedelta(hours=window[1]))
            latest = now - datetime.timedelta(hours=window[0])
            if earliest >= latest:
                continue
            t = _second(earliest + (latest - earliest) * rng.random())
            subject = next(s for s in texts.SUBJECTS if s.category == case.category.code)
            place = Place(case.building, case.household, None, case.building.estate if case.building_id else None, "")
            plan = CasePlan(outcome="merged", merge_into=original)
            sim = self._new_case(case.area_code, t, Source.RESIDENT, case.category.code, subject, place, plan,
                                 public=True, tail="merged")
            sim.case.description = "又有居民反映：" + case.description
            sim.case.title = _public_title(sim.case.description)
            plan.merger = sim._leveller()
            plan.merge_at = _second(t + datetime.timedelta(minutes=rng.uniform(10, 120)))
            # The original must not be overdue yet when the duplicate is merged into it: the job has
            # stopped for the open tail, so an overdue original would wait unescalated, and an office
            # that merges into it would have seen that. Deadlines only move later, so its first one
            # is the safe bound.
            original_due = self.deadline(case.category, self.route(case.category).start_level, case.reported_at)
            if plan.merge_at >= min(now, sim.case.deadline, original_due) or any(
                    e.created_at == plan.merge_at for e in original.events):
                continue
            sim.drive(until=now)
            if sim.case.status == Status.MERGED:
                tail_sims.append(sim)
                return
        # No open case to duplicate at this moment: left out.

    # -- numbers --
    def _number(self) -> dict[int, int]:
        """SQ-YYYY-NNNNNN in the order of reporting, after what the year's counter had already given out."""
        counters = dict(CaseCounter.objects.values_list("year", "last"))
        for sim in self.sims:
            year = sim.case.reported_at.astimezone(self.clock.tz).year
            counters[year] = counters.get(year, 0) + 1
            sim.case.number = f"SQ-{year}-{counters[year]:06d}"
        for sim in self.sims:
            for fixup in sim.fixups:
                fixup.event.note = _(fixup.template) % {"number": fixup.other.case.number}
        return counters


def _tail_predicates(now: datetime.datetime, job_stop: datetime.datetime) -> dict[str, Callable[[Sim], bool]]:
    soon = now + datetime.timedelta(hours=24)

    def active(s: Sim) -> bool:
        return s.case.status in ACTIVE

    def by_system(s: Sim) -> bool:
        return any(e.action == Action.ESCALATE and e.actor is None for e in s.events)

    def by_hand(s: Sim) -> bool:
        return any(e.action == Action.ESCALATE and e.actor is not None for e in s.events)

    return {
        "reported": lambda s: s.case.status == Status.REPORTED and s.case.deadline > now,
        "accepted": lambda s: s.case.status == Status.ACCEPTED and s.case.deadline > now,
        "dispatched": lambda s: s.case.status == Status.DISPATCHED and s.case.deadline > now and not by_system(s),
        "in_progress": lambda s: s.case.status == Status.IN_PROGRESS and s.case.deadline > soon,
        "due_soon": lambda s: active(s) and now < s.case.deadline <= soon,
        "overdue": lambda s: (active(s) and job_stop < s.case.deadline < now and s.case.level != Level.CITY),
        "escalated_by_job": lambda s: active(s) and by_system(s) and s.case.deadline > now,
        "escalated_by_hand": lambda s: active(s) and by_hand(s) and s.case.deadline > now,
        "handled": lambda s: s.case.status == Status.HANDLED,
        "verified": lambda s: s.case.status == Status.VERIFIED,
        "closed": lambda s: s.case.status == Status.CLOSED,
        "reopened": lambda s: (s.case.status == Status.IN_PROGRESS and s.case.reopened_count >= 1
                               and s.case.deadline > now),
        "dissatisfied": lambda s: (s.case.status == Status.IN_PROGRESS and s.case.rating == Rating.DISSATISFIED
                                   and s.case.deadline > now),
        "stuck_at_city": lambda s: active(s) and s.case.level == Level.CITY and s.case.deadline < now,
        "rated": lambda s: s.case.status == Status.RATED,
    }


# Where each kind of open case is left: the step it waits for is not taken yet.
_TAIL_STOPS: dict[str, Callable[[Sim], bool]] = {
    "reported": lambda s: s.case.status == Status.REPORTED,
    "accepted": lambda s: s.case.status == Status.ACCEPTED,
    "dispatched": lambda s: s.case.status == Status.DISPATCHED,
    "in_progress": lambda s: s.case.status == Status.IN_PROGRESS,
    "due_soon": lambda s: s.case.status == Status.IN_PROGRESS,
    "overdue": lambda s: s.case.status == Status.IN_PROGRESS,
    "escalated_by_job": lambda s: s.case.status == Status.IN_PROGRESS and s.case.escalated_count >= 1,
    "escalated_by_hand": lambda s: s.case.status == Status.IN_PROGRESS and s.case.escalated_count >= 1,
    "handled": lambda s: s.case.status == Status.HANDLED,
    "verified": lambda s: s.case.status == Status.VERIFIED,
    "closed": lambda s: s.case.status == Status.CLOSED,
    "reopened": lambda s: s.case.status == Status.IN_PROGRESS and s.case.reopened_count >= 1,
    "dissatisfied": lambda s: s.case.status == Status.IN_PROGRESS and s.case.rating == Rating.DISSATISFIED,
    "stuck_at_city": lambda s: s.case.level == Level.CITY,
}


# --- writing ----------------------------------------------------------------------------


def write(history: CaseHistory) -> None:
    """Insert the cases, their events, the year counters and the open cases' notifications."""
    cases = [sim.case for sim in history.sims]
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    for sim in history.sims:
        sim.case.merged_into = sim.merged_into.case if sim.merged_into else None
        sim.case.updated_at = sim.events[-1].created_at
    CaseEvent.objects.bulk_create([e for sim in history.sims for e in sim.events], batch_size=BATCH_SIZE)
    # What bulk_update(cases, ["merged_into", "updated_at"]) wrote, a few times faster: the duplicates' links,
    # and each case's last change, which is its last event (updated_at is auto_now: bulk_create stamped the clock).
    Case.objects.bulk_update([c for c in cases if c.merged_into is not None], ["merged_into"], batch_size=BATCH_SIZE)
    last_change = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values("created_at")[:1]
    for start in range(0, len(cases), BATCH_SIZE):
        Case.objects.filter(pk__in=[c.pk for c in cases[start:start + BATCH_SIZE]]).update(
            updated_at=Subquery(last_change))
    for year, last in history.counters.items():
        CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
    Notification.objects.bulk_create(_notifications(history), batch_size=BATCH_SIZE)
    _write_projects(history)


def _write_projects(history: CaseHistory) -> None:
    """The projects, their linked cases, partners, volunteers and residents (the cases' events are written)."""
    categories = dict(Category.objects.values_list("code", "pk"))
    rows = []
    for plan in history.projects:
        rows.append(Project(
            title=plan.text.title, area=plan.area, area_code=plan.area.code, month=plan.month,
            category_id=categories[plan.category], plan=plan.text.plan, status=plan.status, result=plan.result,
            created_by=plan.created_by.user, created_at=plan.created_at,
            updated_at=plan.closed_at or plan.started_at or plan.created_at, started_at=plan.started_at,
            closed_at=plan.closed_at, closed_by=plan.created_by.user if plan.closed_at else None,
        ))
    Project.objects.bulk_create(rows)
    ProjectCase.objects.bulk_create([
        ProjectCase(project=row, case=sim.case, linked_by=plan.created_by.user, linked_at=plan.created_at)
        for row, plan in zip(rows, history.projects) for sim in plan.sims
    ])
    for name, ids, column in (("partners", lambda p: [x.pk for x in p.partners], "partner_id"),
                              ("volunteers", lambda p: p.volunteers, "volunteer_id"),
                              ("residents", lambda p: p.residents, "resident_id")):
        through = getattr(Project, name).through
        through.objects.bulk_create([through(project_id=row.pk, **{column: pk})
                                     for row, plan in zip(rows, history.projects) for pk in ids(plan)])


def _notifications(history: CaseHistory) -> list[Notification]:
    """The bell as the services would have rung it for the open tail (the history's were read long ago and
    are left out); what is older than a day has been read."""
    rng = random.Random(f"{SEED}:notifications")
    rows = []
    for sim in history.sims:
        if not sim.tail:
            continue
        for notice in sim.notices:
            event, case = notice.event, sim.case
            text = _("诉求 %(number)s「%(title)s」：%(action)s") % {
                "number": case.number, "title": case.title, "action": Action(event.action).label,
            }
            if event.note:
                text += f"（{event.note}）"
            for user in notice.users:
                read_at = None
                if event.created_at < history.now - datetime.timedelta(hours=24):
                    read_at = _second(event.created_at + datetime.timedelta(minutes=rng.uniform(5, 600)))
                rows.append(Notification(user=user, case=case, text=text[:300], created_at=event.created_at,
                                         read_at=read_at))
    return rows
