"""Reads of volunteers, teams and service records through the scope. Totals count
confirmed records only (unconfirmed hours are claims, not service)."""
import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from wangge.accounts.scope import Scope

from .models import ServiceRecord, Team, Volunteer

CONFIRMED = Q(records__confirmed_at__isnull=False)
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=10, decimal_places=1))


def volunteers_for(
    scope: Scope, *, area: str = "", skill: str = "", team: int | None = None,
    governance_partner: bool | None = None, q: str = "", include_inactive: bool = False,
) -> QuerySet[Volunteer]:
    rows = scope.filter(Volunteer).prefetch_related("teams").annotate(
        total_hours=Coalesce(Sum("records__hours", filter=CONFIRMED), ZERO)
    ).order_by("area_code", "name", "id")
    if not include_inactive:
        rows = rows.filter(is_active=True)
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    if skill:
        # JSON containment is not on SQLite; the skill code is matched as a quoted string.
        rows = rows.filter(skills__icontains=f'"{skill}"')
    if team:
        rows = rows.filter(teams=team)
    if governance_partner is not None:
        rows = rows.filter(is_governance_partner=governance_partner)
    if q:
        rows = rows.filter(name__contains=q.strip())
    return rows


def teams_for(scope: Scope, *, area: str = "") -> QuerySet[Team]:
    rows = scope.filter(Team).select_related("leader").annotate(member_count=Count("members", distinct=True)).order_by("area_code", "name")
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    return rows


def records_for(
    scope: Scope, *, area: str = "", volunteer: int | None = None, confirmed: bool | None = None,
    date_from: datetime.date | None = None, date_to: datetime.date | None = None,
) -> QuerySet[ServiceRecord]:
    rows = scope.filter(ServiceRecord).select_related("volunteer", "team", "confirmed_by")
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    if volunteer:
        rows = rows.filter(volunteer_id=volunteer)
    if confirmed is not None:
        rows = rows.filter(confirmed_at__isnull=not confirmed)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


def hours_totals(scope: Scope, *, area: str = "", date_from=None, date_to=None) -> dict:
    """志愿服务时长: confirmed hours, records and distinct volunteers, overall and per team."""
    rows = records_for(scope, area=area, confirmed=True, date_from=date_from, date_to=date_to)
    overall = rows.aggregate(hours=Coalesce(Sum("hours"), ZERO), records=Count("id"),
                             volunteers=Count("volunteer", distinct=True))
    pending = records_for(scope, area=area, confirmed=False, date_from=date_from, date_to=date_to).count()
    teams = (
        rows.exclude(team=None).values("team", "team__name")
        .annotate(hours=Sum("hours"), records=Count("id"), volunteers=Count("volunteer", distinct=True))
        .order_by("team__name")
    )
    return {
        "area": area,
        "date_from": date_from,
        "date_to": date_to,
        "hours": overall["hours"],
        "records": overall["records"],
        "volunteers": overall["volunteers"],
        "unconfirmed_records": pending,
        "teams": [
            {"team": t["team"], "name": t["team__name"], "hours": t["hours"], "records": t["records"],
             "volunteers": t["volunteers"]}
            for t in teams
        ],
    }
