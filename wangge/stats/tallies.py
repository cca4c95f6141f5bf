"""Care tallies (关爱走访预汇总): the care-visit figures precomputed per area code, exact or not used.

At city scale the care figures read every key resident of the city (hundreds of thousands) and
apply the care rules to each in Python: seconds. The nightly job (:func:`refresh`, scheduled by
``manage.py care_tallies --schedule``) computes them once per day for the usual periods (the 30
days up to today, this month, last month), per area code of the residents (:class:`CareTally`).
:func:`care_counts` sums the tallies of the places under the area asked about that still hold and
computes the others live, so the numbers are always those of the live reading
(figures.care_by_place); test_fast_paths.py compares the two after every kind of change.

A tally of place ``c``, computed as of ``today`` at versions and ids ``V``, no longer holds when:

* ``c``'s CareStamp version changed: raised by the signals below, in the transaction of the
  change, for a visit edited or deleted (its place and its household's residents' places), a visit
  entered for an earlier day, a resident saved or deleted (old and new place), a tag link added or
  removed; the ``""`` stamp (all places) for care policies and tags;
* a visit recorded since (id above ``last_visit``) dated before today touches ``c`` (its place or
  its household's residents'): bulk writes send no signals. A visit of today changes only
  care_overdue_now, which is corrected for its household's residents (before and after it);
* a tag link or resident created since (ids above ``last_tag`` / ``last_resident``) lies in ``c``;
* a ledger import was committed or undone since (bulk updates of residents): every tally;
* ``mixed``: a household of ``c``'s key residents has visits recorded under another place (then the
  figures of an area depend on which of those visits it covers).

A row missing for a place, or any of the above, means: computed live.

One database for a tally and what vouches for it (docs/scaling.md, "Read replicas"): the job
reads the stamps, the ids and the data it tallies from the primary, where it writes. A read
(:func:`care_counts`) takes the tallies, the stamps and ids that check them, the import log and
the places it computes live all from the one database ``using`` (by default
``wangge.db.reading()``: the read replica when one is configured). A streaming replica is the
primary as it was a moment ago, every commit whole and in order, so the checks hold there as they
do on the primary; mixing the two could vouch for a tally with a stamp the tally's data has not
caught up with (or the other way round), so they are never mixed.
"""
from __future__ import annotations

import datetime

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.areas.models import Area
from wangge.db import reading
from wangge.people.models import Resident, ResidentTag, Tag
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import PEOPLE_KINDS, CarePolicy, Visit

from . import figures
from .models import CareStamp, CareTally

ALL = ""  # the stamp of every place: care policies and tags
ONE_DAY = datetime.timedelta(days=1)


def periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The periods the job tallies: the dashboard's default (PERIOD_DAYS up to today), this month
    so far, and last month."""
    first = today.replace(day=1)
    last_month_end = first - ONE_DAY
    found = [(today - datetime.timedelta(days=figures.PERIOD_DAYS - 1), today), (first, today),
             (last_month_end.replace(day=1), last_month_end)]
    return list(dict.fromkeys(found))


# --- the job ---------------------------------------------------------------------------------
def refresh(now: datetime.datetime | None = None) -> int:
    """Compute the tallies of every place for :func:`periods` as of today; drop older ones.
    Returns the number of tallies written. Everything is read from the primary (the stamps and ids
    first, then the data), as the tallies are written there."""
    primary = DEFAULT_DB_ALIAS
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Read the versions and ids before the data: a change committed meanwhile then shows as newer.
    stamps = dict(CareStamp.objects.values_list("area_code", "version"))
    marks = _marks()
    written = 0
    for root in Area.objects.filter(parent__isnull=True).order_by("code"):
        scope = Scope.of(root.code)
        population = figures.CarePopulation(scope, root.code, today, using=primary)
        codes = set(Area.objects.filter(code__startswith=root.code).values_list("code", flat=True))
        codes.update(person.area_code for person in population.people)
        mixed = _mixed(population, min(start for start, _end in periods(today)) - figures.CARE_LOOKBACK)
        rows = []
        for start, end in periods(today):
            found = figures.care_by_place(scope, root.code, figures.Period.of(start, end, now), population=population,
                                          using=primary)
            rows += [
                CareTally(area_code=code, date_from=start, date_to=end, as_of=today,
                          due=found.get(code, (0, 0, 0))[0], on_time=found.get(code, (0, 0, 0))[1],
                          overdue=found.get(code, (0, 0, 0))[2], version=stamps.get(code, 0),
                          policies=stamps.get(ALL, 0), mixed=code in mixed, computed_at=now, **marks)
                for code in codes
            ]
        with transaction.atomic():
            CareTally.objects.filter(area_code__startswith=root.code, as_of=today).delete()
            CareTally.objects.bulk_create(rows, batch_size=5000)
        written += len(rows)
    CareTally.objects.filter(as_of__lt=today).delete()
    return written


def _marks() -> dict:
    return {
        "last_visit": Visit.objects.aggregate(n=Max("pk"))["n"] or 0,
        "last_tag": ResidentTag.objects.aggregate(n=Max("pk"))["n"] or 0,
        "last_resident": Resident.objects.aggregate(n=Max("pk"))["n"] or 0,
    }


def _mixed(population: figures.CarePopulation, since: datetime.date) -> set[str]:
    """Places with a key resident whose household has a visit (since ``since``) recorded under
    another place."""
    households: dict[int, set[str]] = {}
    for person in population.people:
        households.setdefault(person.household, set()).add(person.area_code)
    begin, _finish = visit_selectors.day_bounds(since)
    rows = Visit.objects.using(population.db).filter(
        household__in=population.key.values("household_id"), kind__in=PEOPLE_KINDS, visited_at__gte=begin
    ).order_by().values_list("household_id", "area_code").distinct()
    mixed = set()
    for household, code in rows.iterator(chunk_size=10_000):
        mixed.update(c for c in households.get(household, ()) if not code.startswith(c))
    return mixed


# --- the read --------------------------------------------------------------------------------
def care_counts(scope: Scope, area: str, p: figures.Period, *, using: str | None = None) -> tuple[int, int, int]:
    """(care_visits_due, care_visits_on_time, care_overdue_now) of ``area``: the tallies that hold,
    plus the other places live, all read from ``using`` (by default ``reading()``)."""
    db = using or reading()
    held = holding(scope, area, p, using=db)
    if held is None:
        return figures.care_live(scope, area, p, using=db)
    valid, others, today_visits, last_visit = held
    today = timezone.localdate(p.now)
    due = sum(r.due for r in valid.values())
    on_time = sum(r.on_time for r in valid.values())
    overdue = sum(r.overdue for r in valid.values())
    if others:
        live = figures.care_by_place(scope, area, p, only=Q(area_code__in=sorted(others)), using=db)
        due += sum(c[0] for c in live.values())
        on_time += sum(c[1] for c in live.values())
        overdue += sum(c[2] for c in live.values())
    if today_visits and valid:
        # Visits of today since the tally: only who is overdue now changes, for their households.
        population = figures.CarePopulation(scope, area, today, only=Q(household__in=sorted(today_visits),
                                                                        area_code__in=sorted(valid)), using=db)
        overdue += sum(figures.overdue_by_place(population, today).values())
        overdue -= sum(figures.overdue_by_place(population, today, upto=last_visit).values())
    return due, on_time, overdue


def holding(scope: Scope, area: str, p: figures.Period, *, using: str | None = None):
    """The tallies under ``area`` for ``p`` that still hold (by area code), the area codes to read
    live, the households visited today since the tallies, and the last visit id they saw; None
    when no tally can be used. The tallies and every check of them are read from ``using`` (by
    default ``reading()``), the database the live part is then read from."""
    db = using or reading()
    today = timezone.localdate(p.now)
    rows = list(CareTally.objects.using(db).filter(as_of=today, date_from=p.date_from, date_to=p.date_to,
                                                   area_code__startswith=area))
    marks = {(r.last_visit, r.last_tag, r.last_resident, r.computed_at) for r in rows}
    if len(marks) != 1 or _imports_since(rows[0].computed_at, using=db):
        return None
    last_visit, last_tag, last_resident, _at = marks.pop()
    stamps = dict(CareStamp.objects.using(db).filter(Q(area_code__startswith=area) | Q(area_code=ALL))
                  .values_list("area_code", "version"))
    valid = {r.area_code: r for r in rows
             if not r.mixed and r.version == stamps.get(r.area_code, 0) and r.policies == stamps.get(ALL, 0)}
    begin_today, _end = visit_selectors.day_bounds(today)
    late: set[int] = set()
    today_visits: set[int] = set()
    new_visits = Visit.objects.using(db).filter(pk__gt=last_visit, household__isnull=False, kind__in=PEOPLE_KINDS)
    for household, code, moment in new_visits.values_list("household_id", "area_code", "visited_at"):
        if moment >= begin_today:
            today_visits.add(household)
        else:
            late.add(household)
            valid.pop(code, None)
    touched = Resident.objects.using(db).filter(household__in=late).values_list("area_code", flat=True)
    new_tags = ResidentTag.objects.using(db).filter(pk__gt=last_tag).values_list("resident__area_code", flat=True)
    new_people = Resident.objects.using(db).filter(pk__gt=last_resident).values_list("area_code", flat=True)
    stale = set(touched) | set(new_tags) | set(new_people)
    for code in stale:
        valid.pop(code, None)
    others = ({r.area_code for r in rows} | set(scope.filter(Area.objects.using(db)).filter(code__startswith=area)
                                                .values_list("code", flat=True)) | stale) - set(valid)
    return valid, others, today_visits, last_visit


def _imports_since(moment: datetime.datetime, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Was a ledger import committed or undone since ``moment``? (It writes residents in bulk.)"""
    if not apps.is_installed("wangge.ledger"):
        return False
    record = apps.get_model("ledger", "ImportRecord")
    return record.objects.using(using).filter(Q(committed_at__gte=moment) | Q(undone_at__gte=moment)).exists()


# --- what no longer holds: the signals -----------------------------------------------------------
def bump(codes) -> None:
    """Raise the CareStamp version of these area codes (in the caller's transaction)."""
    codes = sorted({code for code in codes if code is not None})
    if not codes:
        return
    CareStamp.objects.bulk_create([CareStamp(area_code=code) for code in codes], ignore_conflicts=True)
    CareStamp.objects.filter(area_code__in=codes).update(version=F("version") + 1)


def _household_places(*households) -> set[str]:
    ids = [h for h in households if h is not None]
    return set(Resident.objects.filter(household__in=ids).values_list("area_code", flat=True)) if ids else set()


def _visit_before(sender, instance: Visit, **kwargs):
    instance._care_before = (
        Visit.objects.filter(pk=instance.pk).values_list("household_id", "area_code").first() if instance.pk else None
    )


def _visit_saved(sender, instance: Visit, created: bool, **kwargs):
    if created and visit_selectors.local_date(instance.visited_at) >= timezone.localdate():
        return  # a visit of today: found by its id (care_counts), it changes only who is overdue now
    household, code = getattr(instance, "_care_before", None) or (None, None)
    bump({instance.area_code, code} | _household_places(instance.household_id, household))


def _visit_deleted(sender, instance: Visit, **kwargs):
    bump({instance.area_code} | _household_places(instance.household_id))


def _resident_before(sender, instance: Resident, **kwargs):
    instance._care_before = (
        Resident.objects.filter(pk=instance.pk).values_list("area_code", flat=True).first() if instance.pk else None
    )


def _resident_changed(sender, instance: Resident, **kwargs):
    bump({instance.area_code, getattr(instance, "_care_before", None)})


def _link_changed(sender, instance: ResidentTag, **kwargs):
    bump(Resident.objects.filter(pk=instance.resident_id).values_list("area_code", flat=True))


def _tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        bump({instance.area_code})
    elif pk_set:
        bump(Resident.objects.filter(pk__in=pk_set).values_list("area_code", flat=True))
    else:
        bump({ALL})


def _rules_changed(sender, **kwargs):
    bump({ALL})


def connect() -> None:
    """Called once from StatsConfig.ready."""
    pre_save.connect(_visit_before, sender=Visit, dispatch_uid="care_tally_visit_before")
    post_save.connect(_visit_saved, sender=Visit, dispatch_uid="care_tally_visit_saved")
    post_delete.connect(_visit_deleted, sender=Visit, dispatch_uid="care_tally_visit_deleted")
    pre_save.connect(_resident_before, sender=Resident, dispatch_uid="care_tally_resident_before")
    post_save.connect(_resident_changed, sender=Resident, dispatch_uid="care_tally_resident_saved")
    post_delete.connect(_resident_changed, sender=Resident, dispatch_uid="care_tally_resident_deleted")
    post_save.connect(_link_changed, sender=ResidentTag, dispatch_uid="care_tally_link_saved")
    post_delete.connect(_link_changed, sender=ResidentTag, dispatch_uid="care_tally_link_deleted")
    m2m_changed.connect(_tags_changed, sender=Resident.tags.through, dispatch_uid="care_tally_tags")
    for model in (CarePolicy, Tag):
        post_save.connect(_rules_changed, sender=model, dispatch_uid=f"care_tally_{model.__name__}_saved")
        post_delete.connect(_rules_changed, sender=model, dispatch_uid=f"care_tally_{model.__name__}_deleted")
