"""A year of sweeps and visits for the demo city (called by the demo loader).

What it writes, after the city and its case history exist:

- **Sweep plans** from the day of the training course: 东洼社区 every Wednesday
  and Friday, all staff (the article's 全员下沉网格); the other communities every
  Wednesday.
- **The history year** (the case history's, HISTORY_START to HISTORY_END):
  a few sweep visits to most households, more of them after the course, on the
  plans' weekdays; small needs solved on the spot (小事当场办), more often after
  the course. Every case the case history says was found on a visit or a
  patrol gets the visit it came from, at its place, by its reporter, a few
  minutes before it was reported, with the need that became it: so "cases
  raised from visits" is the case history's own figure, rising after the course.
- **The recent weeks** before ``today``: sweep visits, and care visits to the
  key populations at their policies' frequency, most by phone for the weekly
  ones, so that today's care list holds a realistic few. One key household in
  eight stopped being visited some weeks ago (overdue care visits).
- **Blind spots**: about one building in thirty is never visited at all, one
  household in sixteen neither, and one in ten only in the history year.

Everything comes from the ``rng`` passed in, so the same seed gives the same
visits; rows are written with bulk inserts.
"""
from __future__ import annotations

import datetime
import math
import random
import uuid
from collections import defaultdict

from django.utils import timezone

from wangge.accounts.models import Post
from wangge.accounts.roles import Role
from wangge.areas.codes import Level
from wangge.areas.models import Area, Household
from wangge.cases.models import Case, Category, Source
from wangge.demo.cases import COURSE_END, HISTORY_END, HISTORY_START
from wangge.people.models import Resident, Tag

from . import selectors
from .models import Kind, Need, Visit, VisitPlan

BATCH_SIZE = 1000
RECENT_DAYS = 120
SWEEP_COMMUNITY = "东洼社区"

# Small things settled on the doorstep: (text, category code).
SMALL_NEEDS = [
    ("帮高龄老人在手机上完成高龄补贴认证", "certificates"),
    ("帮忙做单元门钥匙卡扣", "unit_door"),
    ("讲解医保门诊报销政策", "medical_health"),
    ("代为预约社区医院上门体检", "medical_health"),
    ("登记居家养老助餐需求", "elderly_care"),
    ("告知低保年审所需材料", "social_assistance"),
    ("帮忙更换楼道灯泡", "corridor_light"),
    ("联系物业清理楼道杂物", "sanitation_blackspot"),
    ("提醒不要在楼道给电动车充电", "ebike_charging"),
    ("代开居住证明", "certificates"),
    ("介绍社区就业培训报名", "employment"),
    ("调解邻居间晾衣的小矛盾", "neighbour_dispute"),
]
SWEEP_KINDS = ([Kind.HOME] * 5) + ([Kind.STREET_CHAT] * 3) + [Kind.PHONE]


def load_demo_visits(
    rng: random.Random, today: datetime.date, *, history_start: datetime.date = HISTORY_START,
    history_end: datetime.date = HISTORY_END, course_day: datetime.date = COURSE_END,
) -> dict[str, int]:
    """Write the demo visits; returns how many plans, visits and needs were written."""
    return _Loader(rng, today, history_start, history_end, course_day).load()


class _Loader:
    def __init__(self, rng, today, history_start, history_end, course_day):
        self.rng, self.today = rng, today
        self.history = (history_start, history_end)
        self.course_day = course_day
        self.tz = timezone.get_current_timezone()
        self.visits: list[Visit] = []
        self.visitors: list[list] = []
        self.needs: list[tuple[int, Need]] = []  # (index of the visit, need)

    # --- who works where ------------------------------------------------------------
    def _staff(self) -> None:
        self.grid_worker, self.community_staff = {}, defaultdict(list)
        posts = Post.objects.select_related("user").filter(user__is_active=True).order_by("pk")
        for post in posts:
            if post.role == Role.GRID_WORKER:
                self.grid_worker.setdefault(post.area_code, post.user)
            elif post.role in (Role.COMMUNITY_HEAD, Role.COMMUNITY_STAFF):
                self.community_staff[post.area_code].append(post.user)

    def load(self) -> dict[str, int]:
        self._staff()
        self.categories = dict(Category.objects.values_list("code", "pk"))
        communities = list(Area.objects.filter(level=Level.COMMUNITY).order_by("code"))
        plans = self._plans(communities)
        self.weekdays = {plan.area_code: plan.weekdays for plan in plans}
        households = list(Household.objects.select_related("building").order_by("pk"))
        intervals = self._care_intervals()
        never, history_only = self._blind_spots(households, key=set(intervals))
        for household in households:
            if household.pk in never:
                continue
            self._sweeps(household, *self.history)
            if household.pk not in history_only:
                self._sweeps(household, self.today - datetime.timedelta(days=RECENT_DAYS), self.today, at_most=2)
        self._care(intervals, skipped=never)
        self._case_visits()
        self._write()
        return {"plans": len(plans), "visits": len(self.visits), "needs": len(self.needs)}

    def _plans(self, communities: list[Area]) -> list[VisitPlan]:
        plans = []
        for community in communities:
            staff = self.community_staff.get(community.code)
            if not staff:
                continue
            weekdays = [3, 5] if community.name == SWEEP_COMMUNITY else [3]
            name = "每周三、周五全员下沉网格" if weekdays == [3, 5] else "每周三入户走访"
            plans.append(VisitPlan(
                name=name, community=community, area_code=community.code, weekdays=weekdays, all_staff=True,
                target_households=20, starts_on=self.course_day, created_by=staff[0],
            ))
        return VisitPlan.objects.bulk_create(plans)

    def _blind_spots(self, households: list[Household], key: set[int]) -> tuple[set[int], set[int]]:
        """Households never visited, and visited only in the history year. Key households
        are looked after (their care visits) unless their whole building is forgotten."""
        buildings = sorted({h.building_id for h in households})
        unvisited = {b for b in buildings if self.rng.random() < 1 / 30}
        never, history_only = set(), set()
        for household in households:
            if household.building_id in unvisited:
                never.add(household.pk)
            elif household.pk in key:
                continue
            elif self.rng.random() < 1 / 16:
                never.add(household.pk)
            elif self.rng.random() < 0.1:
                history_only.add(household.pk)
        return never, history_only

    # --- visits -----------------------------------------------------------------------
    def _moment(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(self.rng.randint(9, 16), self.rng.randint(0, 59)), tzinfo=self.tz
        )

    def _sweep_day(self, community: str, start: datetime.date, end: datetime.date) -> datetime.date | None:
        """A working day in [start, end): after the course, one of the community's sweep days."""
        if end <= start:
            return None
        for _attempt in range(20):
            day = start + datetime.timedelta(days=self.rng.randrange(max((end - start).days, 1)))
            if day >= self.course_day and community in self.weekdays:
                if day.isoweekday() in self.weekdays[community]:
                    return day
            elif day.isoweekday() <= 5:
                return day
        return None

    def _sweeps(self, household: Household, start: datetime.date, end: datetime.date, at_most: int = 0) -> None:
        """Sweep visits to a household: about two a year before the course, one a month after it."""
        community = household.area_code[:12]
        before = max((min(end, self.course_day) - start).days, 0)
        after = max((end - max(start, self.course_day)).days, 0)
        periods = [(start, min(end, self.course_day))] * self._poisson(before * 2 / 365)
        periods += [(max(start, self.course_day), end)] * self._poisson(after / 30)
        if at_most:
            periods = (periods or [(start, end)])[:at_most]
        for period in periods:
            day = self._sweep_day(community, *period)
            if day is None or day >= self.today:
                continue
            kind = self.rng.choice(SWEEP_KINDS)
            visitors = self._visitors(household.area_code, sweep=day >= self.course_day)
            index = self._visit(household, day, kind, visitors)
            if self.rng.random() < (0.12 if day >= self.course_day else 0.04):
                text, code = self.rng.choice(SMALL_NEEDS)
                self.needs.append((index, Need(text=text, category_id=self.categories[code], solved_on_spot=True)))

    def _care(self, interval: dict[int, int], *, skipped: set[int]) -> None:
        """Care visits in the recent weeks, at each key household's shortest interval."""
        start = self.today - datetime.timedelta(days=RECENT_DAYS)
        households = Household.objects.select_related("building").in_bulk(list(interval))
        for pk in sorted(interval):
            if pk in skipped:
                continue
            household, days = households[pk], interval[pk]
            # One in eight stopped being visited a few weeks ago: their care visit is overdue.
            stop = self.today - datetime.timedelta(days=self.rng.randint(days + 3, days + 30)) \
                if self.rng.random() < 1 / 8 else self.today
            day = start + datetime.timedelta(days=self.rng.randrange(days))
            while day < stop:
                kind = Kind.PHONE if days <= 7 and self.rng.random() < 0.6 else Kind.HOME
                self._visit(household, day, kind, self._visitors(household.area_code, sweep=False))
                day += datetime.timedelta(days=max(1, days - self.rng.randint(0, 2)))

    def _care_intervals(self) -> dict[int, int]:
        rules = selectors.care_rules()
        intervals: dict[int, int] = {}
        tags = {t.code: t for t in Tag.objects.filter(code__in=list(rules))}
        stored = [t for t in tags.values() if not t.is_derived]
        through = Resident.tags.through.objects.filter(tag__in=stored, resident__household__isnull=False)
        for household, code in through.values_list("resident__household_id", "tag__code"):
            if rules[code].interval_days:
                intervals[household] = min(intervals.get(household, 999), rules[code].interval_days)
        for tag in (t for t in tags.values() if t.is_derived):
            latest = tag.latest_birth_date(self.today)
            for household in Resident.objects.filter(birth_date__lte=latest, household__isnull=False).values_list(
                "household_id", flat=True
            ):
                if rules[tag.code].interval_days:
                    intervals[household] = min(intervals.get(household, 999), rules[tag.code].interval_days)
        return intervals

    def _visitors(self, grid: str, *, sweep: bool) -> list:
        worker = self.grid_worker.get(grid)
        staff = self.community_staff.get(grid[:12], [])
        if sweep and staff and (worker is None or self.rng.random() < 0.35):
            # On a sweep day community staff come down to the grid, alone or with its worker.
            return [self.rng.choice(staff)] + ([worker] if worker and self.rng.random() < 0.5 else [])
        return [worker] if worker else staff[:1]

    def _visit(self, household, day, kind, visitors, *, at=None, building=None, place_name="", area_code="") -> int:
        building = building or (household.building if household else None)
        self.visits.append(Visit(
            client_id=uuid.UUID(int=self.rng.getrandbits(128), version=4),
            household=household, building=building, estate_id=building.estate_id if building else None,
            place_name=place_name, area_code=area_code or (household or building).area_code,
            visited_at=at or self._moment(day), kind=kind, recorded_by=visitors[0],
        ))
        self.visitors.append(visitors)
        return len(self.visits) - 1

    def _case_visits(self) -> None:
        """The visit each visit- or patrol-found case came from, with the need that became it."""
        linked = Need.objects.filter(case__isnull=False).values("case_id")
        cases = Case.objects.filter(source__in=(Source.VISIT, Source.PATROL), reporter_user__isnull=False).exclude(
            pk__in=linked).select_related("household__building", "building").order_by("pk")
        for case in cases:
            at = case.reported_at - datetime.timedelta(minutes=self.rng.randint(3, 40))
            if case.household_id:
                kind = Kind.HOME if case.source == Source.VISIT else Kind.STREET_CHAT
                index = self._visit(case.household, None, kind, [case.reporter_user], at=at)
            else:
                kind = Kind.PATROL if case.source == Source.PATROL else Kind.STREET_CHAT
                index = self._visit(None, None, kind, [case.reporter_user], at=at, building=case.building,
                                    place_name="" if case.building_id else "网格内公共区域", area_code=case.area_code)
            self.needs.append((index, Need(text=case.description, category_id=case.category_id, case=case)))

    def _poisson(self, mean: float) -> int:
        """Knuth's method: fine for the small means used here."""
        limit, count, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count

    # --- writing ------------------------------------------------------------------------
    def _write(self) -> None:
        Visit.objects.bulk_create(self.visits, batch_size=BATCH_SIZE)
        through = Visit.visitors.through
        through.objects.bulk_create(
            [through(visit_id=visit.pk, user_id=user.pk)
             for visit, people in zip(self.visits, self.visitors) for user in {u.pk: u for u in people}.values()],
            batch_size=BATCH_SIZE,
        )
        for index, need in self.needs:
            need.visit_id = self.visits[index].pk
        Need.objects.bulk_create([need for _index, need in self.needs], batch_size=BATCH_SIZE)
