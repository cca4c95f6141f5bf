"""Reads of activities through the scope, and the people-served totals (服务人次)."""
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from wangge.accounts.scope import Scope

from .models import Activity, ActivityKind


def activities_for(scope: Scope, *, area: str = "", kind: str = "", partner: int | None = None,
                   series: str = "", date_from=None, date_to=None) -> QuerySet[Activity]:
    rows = scope.filter(Activity).select_related("category").prefetch_related("partners", "volunteers", "residents")
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    if kind:
        rows = rows.filter(kind=kind)
    if partner:
        rows = rows.filter(partners=partner)
    if series:
        rows = rows.filter(series=series)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


def activity_totals(scope: Scope, **filters) -> dict:
    rows = activities_for(scope, **filters).prefetch_related(None).order_by()
    overall = rows.aggregate(activities=Count("id"), participants=Coalesce(Sum("participants"), 0))
    per_kind = {r["kind"]: r for r in rows.values("kind").annotate(activities=Count("id"),
                                                                      participants=Sum("participants"))}
    return {
        **overall,
        "kinds": [
            {"kind": kind, "name": str(label), "activities": per_kind[kind]["activities"],
             "participants": per_kind[kind]["participants"]}
            for kind, label in ActivityKind.choices if kind in per_kind
        ],
    }
