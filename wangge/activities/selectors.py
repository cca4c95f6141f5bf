"""Reads of activities through the scope, and the people-served totals (服务人次)."""
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from wangge.accounts.scope import OutOfScope, Scope

from .models import Activity, ActivityKind, ActivityPhoto


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


def activity_totals(scope: Scope, *, using: str | None = None, **filters) -> dict:
    """Activities and people served, overall and per kind (``using``: the database to read from)."""
    rows = activities_for(scope, **filters).using(using).prefetch_related(None).order_by()
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


def activity_in_scope(scope: Scope, pk: int) -> Activity:
    """One activity in scope, with what its page shows; a 404 otherwise."""
    return scope.get_or_404(activities_for(scope).select_related("area", "created_by"), pk=pk)


def photo_of(scope: Scope, activity_pk: int, photo_pk: int) -> ActivityPhoto:
    """A photo, only through its own activity's scope (a photo of another activity,
    or of one outside the scope, is a 404 either way)."""
    activity = scope.get_or_404(Activity, pk=activity_pk)
    photo = activity.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise OutOfScope(_("未找到，或不在您的管辖范围内"))
    return photo


def service_records(activity: Activity) -> list:
    """The volunteers' service records made on the activity."""
    return list(activity.service_records.select_related("volunteer", "confirmed_by").order_by("volunteer__name", "id"))


def confirmed_hours(records) -> Decimal:
    return sum((r.hours for r in records if r.confirmed), Decimal(0))
