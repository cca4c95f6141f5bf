"""Reads of volunteers, teams and service records through the scope. Totals count
confirmed records only (unconfirmed hours are claims, not service)."""
import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from wangge.accounts.scope import OutOfScope, Scope

from .models import UNACCEPTED, HelpTask, ServiceRecord, TaskStatus, Team, Volunteer

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


def hours_totals(scope: Scope, *, area: str = "", date_from=None, date_to=None, using: str | None = None) -> dict:
    """志愿服务时长: confirmed hours, records and distinct volunteers, overall and per team
    (``using``: the database to read from)."""
    rows = records_for(scope, area=area, confirmed=True, date_from=date_from, date_to=date_to).using(using)
    overall = rows.aggregate(hours=Coalesce(Sum("hours"), ZERO), records=Count("id"),
                             volunteers=Count("volunteer", distinct=True))
    pending = records_for(scope, area=area, confirmed=False, date_from=date_from, date_to=date_to).using(using).count()
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


# --- help tasks ------------------------------------------------------------------------
#: Lists show what needs someone first: escalated, then open, then in hand, then finished.
STATUS_ORDER = [TaskStatus.ESCALATED, TaskStatus.OPEN, TaskStatus.ACCEPTED, TaskStatus.DONE, TaskStatus.CANCELLED]


def own_communities(user) -> list[str]:
    """The communities where the user is an active registered volunteer (Volunteer.user)."""
    if user is None or not user.is_authenticated:
        return []
    return list(Volunteer.objects.filter(user=user, is_active=True).values_list("area_code", flat=True).distinct())


def visible_tasks_q(user) -> Q:
    """The tasks a user sees: those in their area scope; and, as a volunteer (no area
    scope needed), the tasks still on offer in the communities they are registered
    in, and the tasks they took."""
    q = Scope.for_user(user).q("area_code")
    if user is not None and user.is_authenticated:
        q |= Q(volunteer__user=user)
        for code in own_communities(user):
            q |= Q(status__in=UNACCEPTED, area_code__startswith=code)
    return q


def tasks_for(user, *, status: str = "", area: str = "") -> QuerySet[HelpTask]:
    rows = HelpTask.objects.filter(visible_tasks_q(user)).select_related(
        "area", "resident", "household", "volunteer", "team", "record"
    ).annotate(
        status_rank=Case(*[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
                         output_field=IntegerField())
    ).order_by("status_rank", "needed_on", "time_from", "id")
    if status:
        rows = rows.filter(status=status)
    if area:
        rows = rows.filter(area_code__startswith=area.strip())
    return rows


def task_for(user, pk: int) -> HelpTask:
    """One task the user sees, or a 404 (whether it exists elsewhere or not)."""
    task = tasks_for(user).filter(pk=pk).first()
    if task is None:
        raise OutOfScope(_("未找到，或不在您的管辖范围内"))
    return task


def manages(user, task: HelpTask) -> bool:
    """Staff whose area scope covers the task change, assign, complete and cancel it."""
    return Scope.for_user(user).covers(task.area_code)


def is_own(user, task: HelpTask) -> bool:
    return task.volunteer is not None and task.volunteer.user_id is not None and task.volunteer.user_id == user.pk


def shows_person(user, task: HelpTask) -> bool:
    """Whom the task helps and where (name, address) is shown to the staff of its
    area and to the volunteer who took it; a task on offer shows volunteers only what
    is to be done, when and in which area."""
    return manages(user, task) or is_own(user, task)


def may_accept(user, task: HelpTask) -> bool:
    return task.is_unaccepted and task.community_code in own_communities(user)


# --- certificate ---------------------------------------------------------------------
def certificate(volunteer: Volunteer, *, date_from: datetime.date | None = None,
                date_to: datetime.date | None = None) -> dict:
    """What a 志愿服务记录证明 states: the confirmed records in the period and their total."""
    rows = volunteer.records.filter(confirmed_at__isnull=False).order_by("date", "id")
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    rows = list(rows)
    return {
        "records": rows,
        "hours": sum((r.hours for r in rows), Decimal(0)),
        "date_from": date_from or (rows[0].date if rows else None),
        "date_to": date_to or (rows[-1].date if rows else None),
    }


def volunteer_for_record(user, pk: int) -> Volunteer:
    """A volunteer whose record the user may read: one in their area scope, or their
    own registration (a volunteer prints their own certificate)."""
    scope = Scope.for_user(user)
    rows = Volunteer.objects.select_related("area", "area__parent", "resident")
    volunteer = scope.filter(rows).filter(pk=pk).first()
    if volunteer is None and user.is_authenticated:
        volunteer = rows.filter(pk=pk, user=user).first()
    if volunteer is None:
        raise OutOfScope(_("未找到，或不在您的管辖范围内"))
    return volunteer


# --- registrations ---------------------------------------------------------------------
def registered_elsewhere(scope: Scope, resident_ids) -> set[int]:
    """Of the residents given, those registered as volunteers in a community outside
    the scope. The one read of registrations beyond the scope, for the rule "one
    resident, one registration" (the ledger's natural key, services._once): it tells
    only that a registration exists, never whose or where."""
    resident_ids = list(resident_ids)
    if not resident_ids:
        return set()
    linked = Volunteer.objects.filter(resident_id__in=resident_ids).values_list("resident_id", "area_code")
    return {resident_id for resident_id, code in linked if not scope.covers(code)}


def registered_residents(resident_ids) -> set[int]:
    """Of the residents given, those registered as volunteers anywhere (the register
    page marks them rather than offering them)."""
    resident_ids = list(resident_ids)
    if not resident_ids:
        return set()
    return set(Volunteer.objects.filter(resident_id__in=resident_ids).values_list("resident_id", flat=True))
