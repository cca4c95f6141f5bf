"""The figures (统计指标): the one place that defines them.

Every page, export and API endpoint reads its figures from :func:`compute`
(or :func:`monthly`), so a number on the dashboard, in Excel and from
``GET /api/v1/stats`` is the same number. docs/stats.md states each rule again
in words; change both together.

Rules common to all figures
  * An area means the area and all its descendants (its code is a prefix of theirs).
  * A period is ``[date_from, date_to]``, whole days in the city's time zone,
    both ends included.
  * Everything is read through the viewer's Scope; an area outside it is a 404.
  * A rate is a fraction between 0 and 1 rounded to 4 places, or ``None`` when
    its denominator is 0 (nothing to measure is not 0%).
  * Figures measure outcomes for residents (problems solved, on time, satisfied),
    never the activity of individual workers (减负): nothing here is per person.

Count figures are functions returning an aggregate expression; :func:`compute`
evaluates all of them in one query over the area's cases. Rates are functions
of those counts.

Where they are read (docs/scaling.md, "Read replicas"): every figure is read from
``wangge.db.reading()`` — the read replica when one is configured, the primary otherwise
and always inside a transaction — chosen once by :func:`compute` and passed down as
``using``, so that all the figures of one call come from the same database. Only the
lookup of the area itself (the 404) reads the primary.
"""
from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date

from wangge.accounts.scope import Scope
from wangge.activities import selectors as activity_selectors
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.cases.models import Case, CaseEvent, Rating, Source
from wangge.cases.states import ACTIVE, Action, Status
from wangge.db import reading
from wangge.people.models import Resident, Tag
from wangge.visits import care
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import PEOPLE_KINDS, Visit
from wangge.volunteers import selectors as volunteer_selectors

# 主动发现: what staff found themselves, before anyone complained.
PROACTIVE_SOURCES = (Source.VISIT, Source.PATROL)
# 基本满意 counts as 0.9 of 满意, as Beijing's 接诉即办 assessment does.
BASICALLY_SATISFIED_WEIGHT = 0.9
# Finished: 结案 and, after the reporter's rating, 已评价.
FINISHED = (Status.CLOSED, Status.RATED)
# Not cases in their own right: refused, or a duplicate merged into its original.
NOT_CASES = (Status.REJECTED, Status.MERGED)
# A period nobody asked for: the 30 days up to today (dashboard, map, export and API alike).
PERIOD_DAYS = 30


def period_asked(query) -> tuple[datetime.date, datetime.date]:
    """The period of a page's query string (``from``, ``to``: ISO dates), by default the
    PERIOD_DAYS days up to today; ends given the wrong way round are swapped."""
    end = parse_date(query.get("to") or "") or timezone.localdate()
    start = parse_date(query.get("from") or "") or end - datetime.timedelta(days=PERIOD_DAYS - 1)
    return (end, start) if start > end else (start, end)


@dataclass(frozen=True)
class Period:
    """The period's bounds as moments, and "now" for snapshot figures."""

    date_from: datetime.date
    date_to: datetime.date
    begin: datetime.datetime
    finish: datetime.datetime  # exclusive: the start of the day after date_to
    now: datetime.datetime

    @classmethod
    def of(cls, date_from: datetime.date, date_to: datetime.date, now: datetime.datetime | None = None) -> Period:
        begin, finish = visit_selectors.day_bounds(date_from, date_to)
        return cls(date_from, date_to, begin, finish, now or timezone.now())

    def within(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.begin, f"{field}__lt": self.finish})

    @property
    def due_until(self) -> datetime.datetime:
        """Deadlines count as due only once they have passed: a case due later today is not late yet."""
        return min(self.finish, self.now)


def ratio(numerator, denominator) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


# --- case counts (one aggregate query) -------------------------------------------------
def reported(p: Period) -> Q:
    """Reported in the period, not merged into another case."""
    return p.within("reported_at") & ~Q(status=Status.MERGED)


def accepted(p: Period) -> Q:
    return p.within("accepted_at")


def due(p: Period) -> Q:
    return Q(deadline__gte=p.begin, deadline__lt=p.due_until) & ~Q(status__in=NOT_CASES)


def cases_reported(p: Period):
    """上报数 cases_reported: cases reported in the period (by reported_at), merged duplicates left out.
    Cases reported in the period, whatever their status now, except those merged into an original."""
    return Count("pk", filter=reported(p))


def cases_accepted(p: Period):
    """立案数 cases_accepted: cases accepted (立案) in the period, by accepted_at."""
    return Count("pk", filter=accepted(p))


def cases_closed(p: Period):
    """结案数 cases_closed: cases closed (结案) in the period, by closed_at; a case reopened
    afterwards (返工) no longer counts until it is closed again."""
    return Count("pk", filter=p.within("closed_at"))


def cases_due(p: Period):
    """应结案数 cases_due: cases whose current deadline (办理时限) fell in the period and has
    already passed, rejected and merged cases left out. The denominator of the closure rates."""
    return Count("pk", filter=due(p))


def cases_due_closed(p: Period):
    """已结案的应结案数 cases_due_closed: of cases_due, those closed now (closed or rated)."""
    return Count("pk", filter=due(p) & Q(closed_at__isnull=False))


def closed_on_time(p: Period):
    """按期结案数 closed_on_time: of cases_due, those closed no later than their deadline."""
    return Count("pk", filter=due(p) & Q(closed_at__isnull=False, closed_at__lte=F("deadline")))


def cases_reworked(p: Period):
    """返工数 cases_reworked: of cases accepted in the period, those reopened at least once
    (failed verification or a dissatisfied rating)."""
    return Count("pk", filter=accepted(p) & Q(reopened_count__gt=0))


def cases_resolved(p: Period):
    """解决数 cases_resolved: of cases accepted in the period, those finished now (closed or rated)."""
    return Count("pk", filter=accepted(p) & Q(status__in=FINISHED))


def cases_responded(p: Period):
    """响应数 cases_responded: of cases reported in the period, those answered: accepted (立案)
    or rejected with a reason (不予立案)."""
    return Count("pk", filter=reported(p) & (Q(accepted_at__isnull=False) | Q(status=Status.REJECTED)))


def proactive_cases(p: Period):
    """主动发现数 proactive_cases: of cases reported in the period, those found on a visit or a patrol."""
    return Count("pk", filter=reported(p) & Q(source__in=PROACTIVE_SOURCES))


def overdue_now(p: Period):
    """当前超期数 overdue_now: a snapshot, not bound to the period: cases waiting for or under
    work (reported, accepted, dispatched, in progress) whose deadline has passed now."""
    return Count("pk", filter=Q(status__in=ACTIVE, deadline__lt=p.now))


def ratings(p: Period):
    """评价数 ratings: cases rated in the period (by rated_at), by their latest rating."""
    return Count("pk", filter=p.within("rated_at") & ~Q(rating=""))


def ratings_satisfied(p: Period):
    """满意数 ratings_satisfied: of ratings, 满意."""
    return Count("pk", filter=p.within("rated_at") & Q(rating=Rating.SATISFIED))


def ratings_basically_satisfied(p: Period):
    """基本满意数 ratings_basically_satisfied: of ratings, 基本满意."""
    return Count("pk", filter=p.within("rated_at") & Q(rating=Rating.BASICALLY_SATISFIED))


def ratings_dissatisfied(p: Period):
    """不满意数 ratings_dissatisfied: of ratings, 不满意."""
    return Count("pk", filter=p.within("rated_at") & Q(rating=Rating.DISSATISFIED))


def avg_handling_hours(p: Period):
    """平均办理时长 avg_handling_hours: for cases closed in the period, the mean time from
    report to closure (结案), in hours rounded to 1 place; None without such cases."""
    return Avg(
        ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField()),
        filter=p.within("closed_at"),
    )


CASE_COUNTS = (
    cases_reported, cases_accepted, cases_closed, cases_due, cases_due_closed, closed_on_time,
    cases_reworked, cases_resolved, cases_responded, proactive_cases, overdue_now,
    ratings, ratings_satisfied, ratings_basically_satisfied, ratings_dissatisfied, avg_handling_hours,
)


def counted(p: Period) -> Q:
    """The cases that can count in any of CASE_COUNTS: a timestamp of theirs in the period, or
    active and overdue now. Every other case adds 0 to every count and nothing to the average,
    so restricting the aggregate to these changes no figure; it lets the database read the
    period's cases through its indexes on those timestamps instead of all the area's cases
    (docs/performance.md, "Stats at city scale")."""
    return (
        p.within("reported_at") | p.within("accepted_at") | p.within("closed_at") | p.within("rated_at")
        | Q(deadline__gte=p.begin, deadline__lt=p.due_until) | Q(status__in=ACTIVE, deadline__lt=p.now)
    )


# --- rates -----------------------------------------------------------------------------
def on_time_closure_rate(f: dict) -> float | None:
    """按期结案率 on_time_closure_rate = closed_on_time / cases_due: of the cases whose deadline
    fell in the period (and has passed), the share closed by that deadline."""
    return ratio(f["closed_on_time"], f["cases_due"])


def closure_rate(f: dict) -> float | None:
    """结案率 closure_rate = cases_due_closed / cases_due: of the cases due in the period,
    the share closed now, on time or late."""
    return ratio(f["cases_due_closed"], f["cases_due"])


def rework_rate(f: dict) -> float | None:
    """返工率 rework_rate = cases_reworked / cases_accepted."""
    return ratio(f["cases_reworked"], f["cases_accepted"])


def proactive_share(f: dict) -> float | None:
    """主动发现率 proactive_share = proactive_cases / cases_reported: the share of cases found
    on visits and patrols rather than waiting for residents to come (坐等上门)."""
    return ratio(f["proactive_cases"], f["cases_reported"])


def response_rate(f: dict) -> float | None:
    """响应率 response_rate = cases_responded / cases_reported."""
    return ratio(f["cases_responded"], f["cases_reported"])


def resolution_rate(f: dict) -> float | None:
    """解决率 resolution_rate = cases_resolved / cases_accepted."""
    return ratio(f["cases_resolved"], f["cases_accepted"])


def satisfaction_rate(f: dict) -> float | None:
    """满意率 satisfaction_rate = (满意 + 0.9 × 基本满意) / ratings, the rule of Beijing's 接诉即办
    assessment: 基本满意 counts as 0.9 of 满意, 不满意 as 0."""
    weighted = f["ratings_satisfied"] + BASICALLY_SATISFIED_WEIGHT * f["ratings_basically_satisfied"]
    return ratio(weighted, f["ratings"])


RATES = (on_time_closure_rate, closure_rate, rework_rate, proactive_share, response_rate, resolution_rate,
         satisfaction_rate)


# --- breakdowns ------------------------------------------------------------------------
def escalated(cases: QuerySet[Case], p: Period) -> int:
    """升级数 escalated: cases escalated (升级) at least once in the period, by the escalation's time."""
    # The events follow the cases' database: a subquery cannot cross databases.
    events = CaseEvent.objects.using(cases.db).filter(
        action=Action.ESCALATE, created_at__gte=p.begin, created_at__lt=p.finish, case__in=cases.values("pk")
    )
    return events.values("case").distinct().count()


def by_category(cases: QuerySet[Case], p: Period) -> list[dict]:
    """分类 by_category: cases reported in the period per top-level category (a sub-class counts
    for its parent), most first: ``[{"code", "name", "count"}]``."""
    rows = cases.filter(reported(p)).annotate(
        top_code=Coalesce("category__parent__code", "category__code"),
        top_name=Coalesce("category__parent__name", "category__name"),
    ).values("top_code", "top_name").annotate(n=Count("pk")).order_by("-n", "top_code")
    return [{"code": r["top_code"], "name": r["top_name"], "count": r["n"]} for r in rows]


def by_source(cases: QuerySet[Case], p: Period) -> dict[str, int]:
    """来源 by_source: cases reported in the period per source (every source present, 0 if none)."""
    counts = dict(cases.filter(reported(p)).values_list("source").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in Source.values}


def by_level(cases: QuerySet[Case], p: Period) -> dict[str, int]:
    """层级 by_level: cases reported in the period per current handling level (grid … city)."""
    counts = dict(cases.filter(reported(p)).values_list("level").annotate(n=Count("pk")))
    return {value: counts.get(value, 0) for value in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.CITY)}


def visit_figures(scope: Scope, area: str, p: Period, *, using: str | None = None) -> dict:
    """Visit figures, as visits.selectors.coverage defines them (docs/visits.md):
    households (户数, registered now), households_visited (走访户数: households reached at least
    once in the period by a home visit, call or chat), visit_coverage (走访覆盖率 =
    households_visited / households), visits (走访次数) and visits_by_kind, needs_surfaced
    (发现问题数), solved_on_spot (当场解决数), needs_to_cases (转为诉求单数) and
    solved_on_spot_rate (当场解决率 = solved_on_spot / needs_surfaced)."""
    cov, = visit_selectors.coverage(scope, area, p.date_from, p.date_to, using=using or reading())
    return {
        "households": cov.households,
        "households_visited": cov.households_visited,
        "visit_coverage": None if cov.rate is None else round(cov.rate, 4),
        "visits": cov.visits,
        "visits_by_kind": {value: n for value, _label, n in cov.kind_counts()},
        "needs_surfaced": cov.needs,
        "solved_on_spot": cov.solved_on_spot,
        "needs_to_cases": cov.cases_raised,
        "solved_on_spot_rate": None if cov.solved_share is None else round(cov.solved_share, 4),
    }


# --- care visits (关爱走访) ------------------------------------------------------------------
# How far back a care visit can still set the first due date of a period: beyond a year, no
# interval in use (7 or 30 days) and no yearly occasion reaches into the period.
CARE_LOOKBACK = datetime.timedelta(days=400)
ONE_DAY = datetime.timedelta(days=1)


def care_dues(rules: list[care.Rule], *, visits: list[datetime.date], registered: datetime.date,
              start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, bool]]:
    """The care visits one resident owed on days from ``start`` to ``end``, each as
    ``(due date, done on time)``, by the rules of wangge/visits/care.py.

    ``visits`` are the days (sorted) of the home visits, calls and chats at the resident's
    household. Intervals: the shortest interval of the resident's rules applies (it is the
    one next_due would name). The first due date is the last visit before the period plus the
    interval (the day of registration when never visited); a due date is done on time when a
    visit falls after the previous one and on or before it, and the next due date counts from
    the latest such visit. A missed date is late, and the next one counts from the visit that
    finally came. Visiting more often than required does not make more due dates.
    Occasions (七一, 春节…): each occasion day in the period, from registration on, is one due
    date, done on time when a visit falls in its window (``lead_days`` before it up to the day).
    """
    out: list[tuple[datetime.date, bool]] = []
    intervals = [r.interval_days for r in rules if r.interval_days]
    if intervals:
        every = datetime.timedelta(days=min(intervals))
        before = bisect_left(visits, start)
        last = visits[before - 1] if before else None
        due = registered if last is None else last + every
        while due <= end:
            if due < start:
                # already overdue when the period began: the first visit in the period settles it
                if before >= len(visits) or visits[before] > end:
                    break
                last = visits[before]
            else:
                upto = bisect_right(visits, due)
                on_time = upto > (bisect_right(visits, last) if last else 0)
                out.append((due, on_time))
                if on_time:
                    last = visits[upto - 1]
                elif upto < len(visits):
                    last = visits[upto]
                else:
                    break
            before = bisect_right(visits, last)
            due = last + every
    leads: dict[datetime.date, int] = {}
    for rule in rules:
        for spec in rule.fixed_dates:
            for year in range(start.year, end.year + 1):
                day = care.occasion_on(spec, year)
                if day is not None and start <= day <= end and day >= registered:
                    leads[day] = max(leads.get(day, 0), rule.lead_days)
    for day, lead in leads.items():
        first = bisect_left(visits, day - datetime.timedelta(days=lead))
        out.append((day, first < len(visits) and visits[first] <= day))
    return sorted(out)


@dataclass(frozen=True)
class KeyResident:
    """What the care figures need of one key resident, read as plain values (no model
    instances: a city has hundreds of thousands of them)."""

    household: int
    registered: datetime.date
    birth_date: datetime.date
    stored: tuple[str, ...]  # the resident's stored tags that have an active care policy
    area_code: str = ""


class CarePopulation:
    """The key residents (关爱对象) of an area as the visits app defines them: residents with a
    household carrying a tag under an active care policy (visits.selectors.key_residents), their
    tags read as people.selectors.tag_reader reads them (the stored ones, plus the derived ones
    whose age the resident has reached on the day asked about)."""

    def __init__(self, scope: Scope, area: str, day: datetime.date, *, only: Q | None = None,
                 using: str | None = None):
        """``only``: a further filter on the residents (the care tallies read some places live);
        ``using``: the database to read them all from (by default ``reading()``), kept as ``db``
        for the visits read later."""
        self.db = using or reading()
        self.rules = visit_selectors.care_rules(using=self.db)
        self.derived = [tag for tag in Tag.objects.using(self.db).filter(min_age__isnull=False)
                        if tag.code in self.rules]
        residents = scope.filter(Resident.objects.using(self.db)).filter(area_code__startswith=area,
                                                                         household__isnull=False)
        if only is not None:
            residents = residents.filter(only)
        # Key on ``day`` includes the key residents of every earlier day: a derived tag (高龄老人),
        # once reached, stays; stored tags are not dated.
        self.key = visit_selectors.key_residents(residents, day).order_by()
        stored: dict[int, list[str]] = {}
        through = Resident.tags.through.objects.using(self.db).filter(
            resident__in=self.key.values("pk"), tag__code__in=list(self.rules)
        ).values_list("resident_id", "tag__code")
        for pk, code in through.iterator(chunk_size=10_000):
            stored.setdefault(pk, []).append(code)
        tz = timezone.get_current_timezone()
        rows = self.key.values_list("pk", "household_id", TruncDate("created_at", tzinfo=tz), "birth_date",
                                    "area_code")
        self.people = [KeyResident(household, registered, born, tuple(stored.get(pk, ())), code)
                       for pk, household, registered, born, code in rows.iterator(chunk_size=10_000)]
        self._cache: dict[tuple, list[care.Rule]] = {}
        self._latest: dict[datetime.date, list[tuple[str, datetime.date]]] = {}

    def rules_on(self, person: KeyResident, day: datetime.date) -> list[care.Rule]:
        """The care rules that apply to ``person`` on ``day``."""
        latest = self._latest.get(day)
        if latest is None:
            latest = self._latest[day] = [(tag.code, tag.latest_birth_date(day)) for tag in self.derived]
        derived = tuple(code for code, born_by in latest if person.birth_date <= born_by)
        key = (person.stored, derived)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = [self.rules[code] for code in (*person.stored, *derived)]
        return found

    def last_visits(self, before: datetime.datetime, *, upto: int | None = None) -> dict[int, datetime.date]:
        """Each key household's latest home visit, call or chat before ``before`` (as
        visits.selectors.last_visit_at), by local date; ``upto``: only visits recorded up to that id."""
        rows = Visit.objects.using(self.db).filter(
            household__in=self.key.values("household_id"), kind__in=PEOPLE_KINDS, visited_at__lt=before
        ).order_by()
        if upto is not None:
            rows = rows.filter(pk__lte=upto)
        rows = rows.values("household_id").annotate(last=Max("visited_at")).values_list("household_id", "last")
        return {household: visit_selectors.local_date(moment) for household, moment in rows.iterator(chunk_size=10_000)}


def care_visit_figures(scope: Scope, area: str, p: Period, *, using: str | None = None) -> dict:
    """Care visits to key populations (关爱走访), as the visits app defines them (care policies,
    wangge/visits/care.py; docs/visits.md):

    * care_visits_due (关爱走访应访次数): the due dates of key residents (with a household, under an
      active care policy) that fell in the period and have passed (up to yesterday), see care_dues;
    * care_visits_on_time (按时走访次数): of those, the ones done on or before their date;
    * care_on_time_rate (关爱走访按时率) = care_visits_on_time / care_visits_due;
    * care_overdue_now (关爱走访超期人数): a snapshot, not bound to the period: key residents whose
      care visit is overdue today (the care list's 已超期: visits.selectors.care_due with
      ``overdue_only``, counted here from plain values; a test holds the two equal).

    Read from the care tallies where they hold (wangge/stats/tallies.py: per place, precomputed
    nightly for the usual periods, each checked against every change since), live elsewhere; the
    tallies, their checks and the live part all from the one database ``using`` (by default
    ``reading()``).
    """
    from wangge.stats import tallies

    due, on_time, overdue = tallies.care_counts(scope, area, p, using=using)
    return {
        "care_visits_due": due,
        "care_visits_on_time": on_time,
        "care_on_time_rate": ratio(on_time, due),
        "care_overdue_now": overdue,
    }


def care_by_place(scope: Scope, area: str, p: Period, *, only: Q | None = None,
                  population: CarePopulation | None = None, using: str | None = None) -> dict[str, list[int]]:
    """The care figures computed live, per resident's area code: ``{code: [due, on_time, overdue]}``
    (the definitions are care_visit_figures'). ``only`` restricts the residents further. Everything
    is read from the population's database (``using``, by default ``reading()``)."""
    today = timezone.localdate(p.now)
    end = min(p.date_to, today - ONE_DAY)
    population = population or CarePopulation(scope, area, today, only=only, using=using)
    out: dict[str, list[int]] = {}
    if end >= p.date_from and population.people:
        visits: dict[int, list[datetime.date]] = {}
        begin, finish = visit_selectors.day_bounds(p.date_from - CARE_LOOKBACK, end)
        rows = scope.filter(Visit.objects.using(population.db)).filter(
            area_code__startswith=area, household__isnull=False, kind__in=PEOPLE_KINDS,
            visited_at__gte=begin, visited_at__lt=finish,
        ).filter(household__in=population.key.values("household_id"))
        # Days, not moments: care_dues compares days only, so a day visited twice counts as once.
        day = TruncDate("visited_at", tzinfo=timezone.get_current_timezone())
        rows = rows.order_by().values_list("household_id", day).distinct()
        for household, visited_on in rows.iterator(chunk_size=10_000):
            visits.setdefault(household, []).append(visited_on)
        for days in visits.values():
            days.sort()
        for person in population.people:
            applying = population.rules_on(person, end)
            if not applying:
                continue
            counts = out.setdefault(person.area_code, [0, 0, 0])
            for _day, done in care_dues(applying, visits=visits.get(person.household, []),
                                        registered=person.registered, start=p.date_from, end=end):
                counts[0] += 1
                counts[1] += done
    for code, n in overdue_by_place(population, today).items():
        out.setdefault(code, [0, 0, 0])[2] += n
    return out


def overdue_by_place(population: CarePopulation, today: datetime.date, *, upto: int | None = None) -> dict[str, int]:
    """Key residents overdue today, per area code (``upto``: as if only the visits recorded up to
    that id existed)."""
    _begin, end_of_today = visit_selectors.day_bounds(today)
    last = population.last_visits(end_of_today, upto=upto)
    out: dict[str, int] = {}
    for person in population.people:
        next_due = care.next_due(population.rules_on(person, today), last=last.get(person.household),
                                 registered=person.registered, today=today)
        if next_due is not None and next_due.overdue:
            out[person.area_code] = out.get(person.area_code, 0) + 1
    return out


def care_live(scope: Scope, area: str, p: Period, *, using: str | None = None) -> tuple[int, int, int]:
    """(due, on time, overdue now) of the whole area, computed live."""
    found = care_by_place(scope, area, p, using=using)
    return tuple(sum(c[i] for c in found.values()) for i in range(3))


# --- services: activities, volunteers, projects ----------------------------------------------
def service_figures(scope: Scope, area: str, p: Period, *, using: str | None = None) -> dict:
    """What residents were served with, from the activities and volunteers apps:

    * activities (服务活动场次): service activities held in the period (by their date) by the area
      or below (activities.selectors.activity_totals);
    * people_served (服务人次): the people served those activities record, summed;
    * volunteers (在册志愿者): a snapshot, not bound to the period: volunteers registered in the
      area and active now (volunteers.selectors.volunteers_for);
    * volunteers_serving (参与服务志愿者): volunteers with confirmed service in the period;
    * volunteer_hours (志愿服务时长): confirmed hours of service in the period, rounded to 1 place
      (unconfirmed records are claims, not service; volunteers.selectors.hours_totals).
    """
    db = using or reading()
    acts = activity_selectors.activity_totals(scope, area=area, date_from=p.date_from, date_to=p.date_to, using=db)
    hours = volunteer_selectors.hours_totals(scope, area=area, date_from=p.date_from, date_to=p.date_to, using=db)
    return {
        "activities": acts["activities"],
        "people_served": acts["participants"],
        "volunteers": volunteer_selectors.volunteers_for(scope, area=area).using(db).order_by().count(),
        "volunteers_serving": hours["volunteers"],
        "volunteer_hours": round(float(hours["hours"]), 1),
    }


PROJECTS_APP = "wangge.projects"


def projects_completed(scope: Scope, area: str, p: Period, *, using: str | None = None) -> int | None:
    """完成项目数 projects_completed: projects (民生项目, the monthly conversion of residents'
    demands into projects) of the area or below that were completed in the period, by the time
    they were marked completed (projects.selectors.projects_for). None while the projects app
    is not installed: a figure not measured is not 0."""
    if not apps.is_installed(PROJECTS_APP):
        return None
    from wangge.projects import selectors as project_selectors
    from wangge.projects.models import ProjectStatus

    done = project_selectors.projects_for(scope, status=ProjectStatus.COMPLETED, area=area).using(using or reading())
    return done.filter(p.within("closed_at")).order_by().count()

# --- the whole set -------------------------------------------------------------------------
def area_cases(scope: Scope, area: str, *, using: str | None = None) -> QuerySet[Case]:
    """The cases of ``area`` and below in scope, read from ``using`` (by default ``reading()``:
    the replica when there is one)."""
    return scope.filter(Case.objects.using(using or reading())).filter(area_code__startswith=area)


def compute(
    scope: Scope, area: str, date_from: datetime.date, date_to: datetime.date, *, now: datetime.datetime | None = None
) -> dict:
    """All figures of ``area`` (with its descendants) over ``[date_from, date_to]``, as one dict
    with stable English keys. OutOfScope (404) for an area the scope does not cover.

    The area (and so the 404) is read from the primary; every figure from ``reading()``, the
    read replica when one is configured."""
    scope.require(area)
    place = scope.get_or_404(Area, code=area)
    db = reading()
    p = Period.of(date_from, date_to, now)
    cases = area_cases(scope, area, using=db)
    counts = cases.filter(counted(p)).aggregate(**{fn.__name__: fn(p) for fn in CASE_COUNTS})
    hours = counts.pop("avg_handling_hours")
    result = {
        "area": place.code, "area_name": place.name, "level": place.level,
        "from": date_from.isoformat(), "to": date_to.isoformat(),
        **counts,
        "avg_handling_hours": _hours(hours),
        "escalated": escalated(cases, p),
    }
    result.update({fn.__name__: fn(result) for fn in RATES})
    result.update({
        "by_category": by_category(cases, p),
        "by_source": by_source(cases, p),
        "by_level": by_level(cases, p),
    })
    result.update(visit_figures(scope, area, p, using=db))
    result.update(care_visit_figures(scope, area, p, using=db))
    result.update(service_figures(scope, area, p, using=db))
    result["projects_completed"] = projects_completed(scope, area, p, using=db)
    return result


def children(scope: Scope, area: str, date_from: datetime.date, date_to: datetime.date, *, now=None) -> list[dict]:
    """:func:`compute` for each child area in scope, in code order (the children read from
    ``reading()``, each child's own lookup from the primary, as in compute)."""
    scope.require(area)
    kids = Area.objects.using(reading()).filter(parent__code=area).order_by("code")
    return [compute(scope, kid.code, date_from, date_to, now=now) for kid in scope.filter(kids)]


def _hours(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value) / 3_600_000_000, 1)  # microseconds, as some backends return a duration


# --- trends --------------------------------------------------------------------------------
def month_starts(last: datetime.date, months: int) -> list[datetime.date]:
    first = last.replace(day=1)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def monthly(scope: Scope, area: str, last: datetime.date, months: int = 12, *, now=None) -> list[dict]:
    """Per calendar month, the ``months`` months up to the one holding ``last``: cases_reported,
    proactive_cases, cases_closed, cases_due, closed_on_time and their rates, with the same rules as
    :func:`compute` (a month = the period from its first to its last day). A few grouped queries."""
    scope.require(area)
    starts = month_starts(last, months)
    first, end = starts[0], (starts[-1] + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    p = Period.of(first, end, now)
    cases = area_cases(scope, area)
    tz = timezone.get_current_timezone()
    rows = {s: {"month": s.strftime("%Y-%m"), "cases_reported": 0, "proactive_cases": 0, "cases_closed": 0,
                "cases_due": 0, "closed_on_time": 0} for s in starts}

    def add(queryset, field: str, **aggregates):
        grouped = queryset.annotate(m=TruncMonth(field, tzinfo=tz)).values("m").annotate(**aggregates)
        for row in grouped:
            key = row.pop("m")
            key = key.date() if isinstance(key, datetime.datetime) else key
            if key in rows:
                for name, value in row.items():
                    rows[key][name] += value

    add(cases.filter(reported(p)), "reported_at", cases_reported=Count("pk"),
        proactive_cases=Count("pk", filter=Q(source__in=PROACTIVE_SOURCES)))
    add(cases.filter(p.within("closed_at")), "closed_at", cases_closed=Count("pk"))
    add(cases.filter(due(p)), "deadline", cases_due=Count("pk"),
        closed_on_time=Count("pk", filter=Q(closed_at__isnull=False, closed_at__lte=F("deadline"))))
    out = []
    for s in starts:
        row = rows[s]
        row["proactive_share"] = ratio(row["proactive_cases"], row["cases_reported"])
        row["on_time_closure_rate"] = ratio(row["closed_on_time"], row["cases_due"])
        out.append(row)
    return out


# --- names ---------------------------------------------------------------------------------
# The Chinese name of each scalar figure, in the order exports and docs list them.
LABELS = {
    "cases_reported": "上报数",
    "cases_accepted": "立案数",
    "cases_closed": "结案数",
    "cases_due": "应结案数",
    "cases_due_closed": "应结案中已结案数",
    "closed_on_time": "按期结案数",
    "on_time_closure_rate": "按期结案率",
    "closure_rate": "结案率",
    "cases_reworked": "返工数",
    "rework_rate": "返工率",
    "avg_handling_hours": "平均办理时长（小时）",
    "overdue_now": "当前超期数",
    "escalated": "升级数",
    "proactive_cases": "主动发现数",
    "proactive_share": "主动发现率",
    "cases_responded": "响应数",
    "response_rate": "响应率",
    "cases_resolved": "解决数",
    "resolution_rate": "解决率",
    "ratings": "评价数",
    "ratings_satisfied": "满意",
    "ratings_basically_satisfied": "基本满意",
    "ratings_dissatisfied": "不满意",
    "satisfaction_rate": "满意率",
    "households": "户数",
    "households_visited": "走访户数",
    "visit_coverage": "走访覆盖率",
    "visits": "走访次数",
    "needs_surfaced": "发现问题数",
    "solved_on_spot": "当场解决数",
    "needs_to_cases": "转为诉求单数",
    "solved_on_spot_rate": "当场解决率",
    "care_visits_due": "关爱走访应访次数",
    "care_visits_on_time": "按时走访次数",
    "care_on_time_rate": "关爱走访按时率",
    "care_overdue_now": "关爱走访超期人数",
    "activities": "服务活动场次",
    "people_served": "服务人次",
    "volunteers": "在册志愿者",
    "volunteers_serving": "参与服务志愿者",
    "volunteer_hours": "志愿服务时长（小时）",
    "projects_completed": "完成项目数",
}
RATE_KEYS = frozenset(
    {fn.__name__ for fn in RATES} | {"visit_coverage", "solved_on_spot_rate", "care_on_time_rate"}
)
