"""Matching a help task to volunteers (志愿者匹配): a suggestion list for one task.

The list is only a suggestion of whom to ask first for *this* task; it is never
shown as a score of a person, and nothing is stored. The active volunteers
registered in the task's community are ordered by these keys, each one only
breaking the ties of the one before:

1. **skill** — has the task's required skill (a task without one: everybody has it);
2. **distance** — same grid first (the volunteer is linked to a resident whose
   household lies in the task's grid), then the rest of the community;
3. **availability** — the task's day and time fit the volunteer's 可服务时间
   text (see :func:`availability`); then volunteers whose text says nothing
   readable (or is empty); a text that clearly does not fit comes last;
4. **recent load** — fewest confirmed service hours in the last 30 days first,
   then fewest tasks accepted in the last 30 days (spreading the work, 减负);
5. name and id, so the order is stable.

:func:`rank` is a pure function over plain facts (tested on a hand-made set);
:func:`rank_volunteers` gathers those facts for a task from the database.
"""
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

LOAD_DAYS = 30
GRID_LENGTH = 15

WORKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
ALL_DAYS = frozenset(range(7))
DAY_DIGITS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
#: Words naming days of the week.
DAY_WORDS = {"工作日": WORKDAYS, "周末": WEEKEND, "双休日": WEEKEND, "节假日": WEEKEND}
#: Words naming parts of the day, as [start, end) hours.
PART_WORDS = {
    "上午": (6, 12), "早上": (6, 9), "中午": (11, 14), "下午": (12, 18), "傍晚": (17, 19),
    "晚上": (18, 22), "晚间": (18, 22), "白天": (8, 18),
}
#: Words meaning any time of the day ("全天"), or any day and time ("随时").
ALL_DAY_WORDS = ("全天",)
ANY_TIME_WORDS = ("随时", "不限", "均可", "都可以")
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
DAY_RANGE = re.compile(_DAY + r"\s*[至到~～\-—]+\s*(?:周|星期|礼拜)?([一二三四五六日天])")
ONE_DAY = re.compile(_DAY)


class Fit(IntEnum):
    """How a volunteer's availability fits the task; lower ranks first."""

    YES = 0
    UNKNOWN = 1
    NO = 2


def read_availability(text: str) -> tuple[frozenset[int] | None, list[tuple[int, int]] | None]:
    """The weekdays (0 = Monday) and hour windows a 可服务时间 text names; None for
    "does not say". 周一至周五 is a range; 周末/工作日/周六… name days;
    上午/下午/晚上/白天/全天… name parts of the day; 随时/不限 mean any day and time."""
    text = text or ""
    if any(word in text for word in ANY_TIME_WORDS):
        return ALL_DAYS, [(0, 24)]
    days: set[int] = set()
    for first, last in DAY_RANGE.findall(text):
        a, b = DAY_DIGITS[first], DAY_DIGITS[last]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    rest = DAY_RANGE.sub(" ", text)
    days.update(DAY_DIGITS[d] for d in ONE_DAY.findall(rest))
    for word, named in DAY_WORDS.items():
        if word in rest:
            days.update(named)
    parts = [(0, 24)] if any(word in text for word in ALL_DAY_WORDS) else []
    parts += [window for word, window in PART_WORDS.items() if word in text]
    return (frozenset(days) or None), (parts or None)


def availability(text: str, day: datetime.date, time_from: datetime.time | None = None,
                 time_to: datetime.time | None = None) -> Fit:
    """Does a volunteer's 可服务时间 fit a task on ``day`` (between the times, if given)?

    YES when every thing the text names fits: the day among the days it names (if
    it names any) and the task's time window overlapping one of its parts of the
    day (if it names any and the task has a time). UNKNOWN when the text names
    neither days nor times (empty, or 电话联系). NO otherwise."""
    days, parts = read_availability(text)
    if days is None and parts is None:
        return Fit.UNKNOWN
    if days is not None and day.weekday() not in days:
        return Fit.NO
    if parts is not None and time_from is not None:
        start = time_from.hour + time_from.minute / 60
        end = time_to.hour + time_to.minute / 60 if time_to and time_to > time_from else start
        fits = any((start < b and end > a) if end > start else (a <= start < b) for a, b in parts)
        if not fits:
            return Fit.NO
    return Fit.YES


@dataclass(frozen=True)
class TaskFacts:
    skill: str
    grid: str
    day: datetime.date
    time_from: datetime.time | None = None
    time_to: datetime.time | None = None


@dataclass(frozen=True)
class VolunteerFacts:
    id: int
    name: str
    skills: tuple[str, ...] = ()
    grid: str = ""
    availability: str = ""
    recent_hours: Decimal = Decimal(0)
    recent_tasks: int = 0
    volunteer: object = field(default=None, compare=False)


@dataclass(frozen=True)
class Candidate:
    facts: VolunteerFacts
    has_skill: bool
    same_grid: bool
    fit: Fit
    reasons: tuple[str, ...]

    @property
    def volunteer(self):
        return self.facts.volunteer

    @property
    def unfit(self) -> bool:
        """The volunteer's own 可服务时间 says the task's time does not suit them."""
        return self.fit == Fit.NO

    def sort_key(self):
        f = self.facts
        return (not self.has_skill, not self.same_grid, int(self.fit), f.recent_hours, f.recent_tasks, f.name, f.id)


def _reasons(task: TaskFacts, v: VolunteerFacts, has_skill: bool, same_grid: bool, fit: Fit) -> tuple[str, ...]:
    from .models import Skill

    if not task.skill:
        skill = _("任务不限技能")
    else:
        label = Skill(task.skill).label
        skill = (_("有所需技能：%(skill)s") if has_skill else _("无所需技能：%(skill)s")) % {"skill": label}
    place = _("住在同一网格") if same_grid else _("同一社区")
    if fit == Fit.YES:
        when = _("可服务时间相符：%(text)s") % {"text": v.availability}
    elif fit == Fit.NO:
        when = _("可服务时间不符：%(text)s") % {"text": v.availability}
    elif v.availability.strip():
        when = _("可服务时间未注明日期或时段：%(text)s") % {"text": v.availability}
    else:
        when = _("未填写可服务时间")
    load = _("近%(days)s天已确认服务 %(hours)s 小时、接单 %(tasks)s 次") % {
        "days": LOAD_DAYS, "hours": v.recent_hours, "tasks": v.recent_tasks}
    return skill, place, when, load


def rank(task: TaskFacts, volunteers: Iterable[VolunteerFacts]) -> list[Candidate]:
    """The volunteers in the order to ask them, each with the reasons for its place."""
    candidates = []
    for v in volunteers:
        has_skill = not task.skill or task.skill in v.skills
        same_grid = bool(task.grid) and v.grid == task.grid
        fit = availability(v.availability, task.day, task.time_from, task.time_to)
        candidates.append(Candidate(v, has_skill, same_grid, fit, _reasons(task, v, has_skill, same_grid, fit)))
    return sorted(candidates, key=Candidate.sort_key)


def task_grid(task) -> str:
    """The grid a task lies in: its own area, else its household's, else its resident's."""
    for code in (task.area_code, task.household.area_code if task.household_id else "",
                 task.resident.area_code if task.resident_id else ""):
        if code and len(code) == GRID_LENGTH:
            return code
    return ""


def volunteer_grid(volunteer) -> str:
    """The grid a volunteer lives in, through the resident they are linked to."""
    resident = volunteer.resident
    if resident is None:
        return ""
    code = resident.household.area_code if resident.household_id else resident.area_code
    return code if len(code) == GRID_LENGTH else ""


def rank_volunteers(task, *, scope=None, now: datetime.datetime | None = None) -> list[Candidate]:
    """The active volunteers of the task's community, ranked for the task (see the
    module's docstring). With ``scope``, only the volunteers it may see."""
    from .models import HelpTask, ServiceRecord, TaskStatus, Volunteer

    now = now or timezone.now()
    since = now - datetime.timedelta(days=LOAD_DAYS)
    rows = Volunteer.objects.filter(is_active=True, area_code=task.community_code).select_related(
        "resident__household")
    if scope is not None:
        rows = scope.filter(rows)
    volunteers = list(rows)
    ids = [v.pk for v in volunteers]
    hours = dict(
        ServiceRecord.objects.filter(volunteer__in=ids, confirmed_at__isnull=False,
                                     date__gt=timezone.localtime(now).date() - datetime.timedelta(days=LOAD_DAYS))
        .values("volunteer").annotate(total=Sum("hours")).values_list("volunteer", "total")
    )
    tasks = dict(
        HelpTask.objects.filter(Q(volunteer__in=ids, accepted_at__gt=since, accepted_at__lte=now)
                                & ~Q(status=TaskStatus.CANCELLED))
        .values("volunteer").annotate(n=Count("id")).values_list("volunteer", "n")
    )
    facts = TaskFacts(skill=task.skill, grid=task_grid(task), day=task.needed_on,
                      time_from=task.time_from, time_to=task.time_to)
    return rank(facts, (
        VolunteerFacts(
            id=v.pk, name=v.name, skills=tuple(v.skills or ()), grid=volunteer_grid(v), availability=v.availability,
            recent_hours=hours.get(v.pk) or Decimal(0), recent_tasks=tasks.get(v.pk, 0), volunteer=v,
        )
        for v in volunteers
    ))
