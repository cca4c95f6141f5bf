"""The visits (走访) of one community of the synthetic city: sweeps, care visits, the visits cases came from.

As the demo's visits (wangge.visits.demo), at any size and any number of years,
planned from plain data (no database: it runs in the generator's planner
processes) and returned as rows for the sink:

- **Sweep visits** by the grid's worker (on the community's sweep day, often
  with or by the community's staff) to most households: home visits, street
  chats and phone calls in the demo's proportions (SWEEP_KINDS); one in
  eight-odd brings up a small need solved on the spot (小事当场办). In the
  recent months (RECENT_DAYS before ``today``) every household but the blind
  spots gets one or two; the older history gets what is left of about
  VISITS_PER_RESIDENT_YEAR visits a resident a year (at least OLDER_SWEEPS a
  household a year), so the total stays near it over a few years.
- **Care visits** (关爱走访) to the households of key-population residents, at
  the shortest interval of their tags' care policies (weekly ones mostly by
  phone) over the last CARE_DAYS days, so that today's care list holds a realistic
  few; one key household in eight stopped being visited some weeks ago
  (overdue).
- **Case visits**: every case found on a visit or a patrol gets the visit it
  came from, at its place, by its reporter, a few minutes before it was
  reported, with the need that became it; so "cases raised from visits" is the
  case history's own figure.
- **Blind spots**: about one building in thirty is never visited, one
  household in sixteen neither, one in ten only in the older history (key
  households are looked after unless their whole building is forgotten).

Everything comes from the ``rng`` passed in, in a fixed order.
"""
from __future__ import annotations

import datetime
import math
import random
import uuid
from dataclasses import dataclass, field

from wangge.visits.demo import SMALL_NEEDS, SWEEP_KINDS
from wangge.visits.models import Kind

RECENT_DAYS = 90
CARE_DAYS = 60
VISITS_PER_RESIDENT_YEAR = 1.0
# A household gets one sweep in the recent months, sometimes two, and at least OLDER_SWEEPS a year before.
SECOND_SWEEP = 0.3
OLDER_SWEEPS = 0.5
UNVISITED_BUILDINGS = 1 / 30
UNVISITED_HOUSEHOLDS = 1 / 16
HISTORY_ONLY = 0.1
STOPPED_CARE = 1 / 8
SOLVED_ON_SPOT = 0.12
SWEEP_DAY_SHARE = 0.6
PUBLIC_PLACE = "网格内公共区域"


@dataclass(frozen=True)
class Home:
    """A household as the planner sees it: its index among the community's rows and where it is."""

    index: int
    building: int
    estate: int
    grid: str
    care_days: int | None  # the shortest care interval of its people, None when no one has one


@dataclass(frozen=True)
class FoundCase:
    """A case found on a visit or a patrol, by a member of staff."""

    index: int
    source: str  # "visit" or "patrol"
    household: int | None
    building: int | None
    estate: int | None
    area_code: str
    reported_at: datetime.datetime
    reporter: int
    description: str
    category: int


@dataclass
class VisitRows:
    """visits: (household, building, estate, place name, area code, visited at, kind, recorded by, client id);
    visitors: (visit, user); needs: (visit, case or None, text, category, solved on the spot)."""

    visits: list[tuple] = field(default_factory=list)
    visitors: list[tuple[int, int]] = field(default_factory=list)
    needs: list[tuple] = field(default_factory=list)
    care: int = 0
    sweeps: int = 0


class Planner:
    def __init__(self, rng: random.Random, *, today: datetime.date, start: datetime.date, tz, working,
                 workers: dict[str, int], staff: list[int], sweep_weekdays: tuple[int, ...], categories: dict[str, int]):
        self.rng = rng
        self.today, self.start = today, start
        self.tz = tz
        self.working = working
        self.workers = workers
        self.staff = staff
        self.weekdays = sweep_weekdays
        self.needs = [(text, categories[code]) for text, code in SMALL_NEEDS]
        self.out = VisitRows()

    def plan(self, homes: list[Home], residents: int, years: int, cases: list[FoundCase]) -> VisitRows:
        recent = max(self.start, self.today - datetime.timedelta(days=RECENT_DAYS))
        never, history_only = self._blind_spots(homes)
        for case in cases:
            self._case_visit(case)
        care_start = max(self.start, self.today - datetime.timedelta(days=CARE_DAYS))
        for home in homes:
            if home.care_days and home.index not in never:
                self._care(home, care_start)
        # Sweeps fill what is left of the visits a resident a year: first the recent months (one or two a
        # household), then the older history (at least OLDER_SWEEPS a household a year).
        budget = VISITS_PER_RESIDENT_YEAR * residents * years - len(self.out.visits)
        reached = [h for h in homes if h.index not in never]
        recent_homes = [h for h in reached if h.index not in history_only]
        older_years = (recent - self.start).days / 365
        left = budget - (1 + SECOND_SWEEP) * len(recent_homes)
        older_mean = max(left / len(reached), OLDER_SWEEPS * older_years) if reached and older_years > 0 else 0.0
        for home in reached:
            if home.index not in history_only:
                for _i in range(1 + (self.rng.random() < SECOND_SWEEP)):
                    self._sweep(home, recent, self.today)
            for _i in range(self._poisson(older_mean)):
                self._sweep(home, self.start, recent)
        return self.out

    def _blind_spots(self, homes: list[Home]) -> tuple[set[int], set[int]]:
        rng = self.rng
        buildings = sorted({h.building for h in homes})
        forgotten = {b for b in buildings if rng.random() < UNVISITED_BUILDINGS}
        never, history_only = set(), set()
        for home in homes:
            if home.building in forgotten:
                never.add(home.index)
            elif home.care_days:
                continue
            elif rng.random() < UNVISITED_HOUSEHOLDS:
                never.add(home.index)
            elif rng.random() < HISTORY_ONLY:
                history_only.add(home.index)
        return never, history_only

    # --- the visits ---------------------------------------------------------------------
    def _sweep(self, home: Home, start: datetime.date, end: datetime.date) -> None:
        day = self._sweep_day(start, end)
        if day is None:
            return
        rng = self.rng
        kind = rng.choice(SWEEP_KINDS)
        visit = self._visit(home.index, home.building, home.estate, "", home.grid, self._moment(day), kind,
                            self._visitors(home.grid, sweep=day.isoweekday() in self.weekdays))
        self.out.sweeps += 1
        if rng.random() < SOLVED_ON_SPOT:
            text, category = rng.choice(self.needs)
            self.out.needs.append((visit, None, text, category, True))

    def _care(self, home: Home, start: datetime.date) -> None:
        rng, days = self.rng, home.care_days
        stop = self.today
        if rng.random() < STOPPED_CARE:
            stop = self.today - datetime.timedelta(days=rng.randint(days + 3, days + 30))
        day = start + datetime.timedelta(days=rng.randrange(days))
        while day < stop:
            kind = Kind.PHONE if days <= 7 and rng.random() < 0.6 else Kind.HOME
            self._visit(home.index, home.building, home.estate, "", home.grid, self._moment(day), kind,
                        self._visitors(home.grid, sweep=False))
            self.out.care += 1
            day += datetime.timedelta(days=max(1, days - rng.randint(0, 2)))

    def _case_visit(self, case: FoundCase) -> None:
        at = case.reported_at - datetime.timedelta(minutes=self.rng.randint(3, 40))
        if case.household is not None:
            kind = Kind.HOME if case.source == "visit" else Kind.STREET_CHAT
        else:
            kind = Kind.PATROL if case.source == "patrol" else Kind.STREET_CHAT
        place = "" if case.building is not None else PUBLIC_PLACE
        visit = self._visit(case.household, case.building, case.estate, place, case.area_code, at, kind,
                            [case.reporter])
        self.out.needs.append((visit, case.index, case.description, case.category, False))

    def _visit(self, household, building, estate, place, area_code, at, kind, visitors) -> int:
        client = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        self.out.visits.append((household, building, estate, place, area_code, at, str(kind), visitors[0], client))
        index = len(self.out.visits) - 1
        self.out.visitors.extend((index, user) for user in dict.fromkeys(visitors))
        return index

    # --- when and who -------------------------------------------------------------------
    def _sweep_day(self, start: datetime.date, end: datetime.date) -> datetime.date | None:
        """A working day in [start, end), most often the community's sweep day of that week."""
        span = (end - start).days
        if span <= 0:
            return None
        rng = self.rng
        for _attempt in range(10):
            day = start + datetime.timedelta(days=rng.randrange(span))
            if rng.random() < SWEEP_DAY_SHARE:
                day += datetime.timedelta(days=rng.choice(self.weekdays) - day.isoweekday())
            if start <= day < end and day < self.today and self.working(day):
                return day
        return None

    def _moment(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(self.rng.randint(9, 16), self.rng.randint(0, 59)),
                                         tzinfo=self.tz)

    def _visitors(self, grid: str, *, sweep: bool) -> list[int]:
        worker = self.workers.get(grid)
        staff = self.staff
        if sweep and staff and (worker is None or self.rng.random() < 0.35):
            # On a sweep day community staff come down to the grid, alone or with its worker.
            return [self.rng.choice(staff)] + ([worker] if worker and self.rng.random() < 0.5 else [])
        return [worker] if worker else staff[:1]

    def _poisson(self, mean: float) -> int:
        """Knuth's method: fine for the small means used here."""
        if mean <= 0:
            return 0
        limit, count, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count
