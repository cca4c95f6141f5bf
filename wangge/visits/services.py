"""Writes of visits: recording a visit with its needs, planning sweeps, and the
care-visit reminders. Each is one transaction.

Recording is built for phones that lose the signal:

- **Idempotent.** The phone makes ``client_id`` (a UUID) when the entry is made
  and sends it with every attempt; a ``client_id`` already recorded returns
  that visit unchanged (``created=False``), whatever the body says now.
- **Conflicts are refused, not overwritten.** With ``household_version`` (from
  the work list the phone loaded, selectors.version_of) the entry says what it
  saw. If since then someone else recorded a visit at that household, or its
  residents changed, nothing is written and HouseholdChanged carries the
  current state (a 409 for the API); the worker decides, and sends again with
  the new version to record anyway. The worker's own visits since do not count.
- **One transaction.** The visit, its needs and the cases raised from them
  (cases.services.report_case, source 走访发现 or 巡查) commit together or not at all.
"""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from wangge.accounts.roles import AREA_ROLES
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Household
from wangge.areas.selectors import estates_for
from wangge.cases import notifications
from wangge.cases.models import Category, Source
from wangge.cases.services import report_case, title_from

from . import selectors
from .models import (
    PEOPLE_KINDS,
    PLACE_KINDS,
    CareReminder,
    Kind,
    Need,
    Visit,
    VisitPlan,
)

MAX_NEEDS = 20
# How far ahead of the server's clock a phone's clock may run.
CLOCK_SKEW = datetime.timedelta(hours=1)


class HouseholdChanged(Exception):
    """The household changed after the phone loaded it; nothing was written."""

    def __init__(self, household: Household, version: str, since: list[Visit]):
        self.household, self.version, self.since = household, version, since
        super().__init__(_("该户在您记录之后有了变化，请查看后决定是否仍然提交"))


@dataclass(frozen=True)
class Recorded:
    visit: Visit
    created: bool


# --- recording a visit ------------------------------------------------------------------------
def record_visit(*, actor, data: dict, photos: dict[int, list] | None = None) -> Recorded:
    """Record a visit and its needs; raise the needs marked ``raise_case`` as cases.

    ``data`` uses the API's names: client_id, kind, a place (household, building,
    estate, or place with area), visited_at, met, summary, lat/lng, visitors
    (usernames besides the actor), household_version, and needs
    [{text, solved_on_spot, raise_case, category}]. ``photos`` maps a need's
    index to uploaded files for its case. Field errors raise ValidationError,
    with a need's fields named ``needs.<i>.<field>``.
    """
    scope = Scope.for_user(actor)
    client_id = _client_id(data)
    existing = _existing(scope, client_id)
    if existing is not None:
        return Recorded(existing, created=False)
    fields, visitors, needs = _clean(scope, actor, data)
    try:
        with transaction.atomic():
            if fields["household"] is not None and data.get("household_version"):
                _check_version(fields["household"], str(data["household_version"]), actor)
            visit = Visit.objects.create(client_id=client_id, recorded_by=actor, **fields)
            visit.visitors.set([actor, *visitors])
            for index, need in enumerate(needs):
                case = _raise(actor, visit, need, index, (photos or {}).get(index, ())) if need["raise_case"] else None
                Need.objects.create(
                    visit=visit, text=need["text"], category=need["category"],
                    solved_on_spot=need["solved_on_spot"], case=case,
                )
    except IntegrityError:
        # The same entry arrived twice at once and the other attempt committed first.
        existing = _existing(scope, client_id)
        if existing is None:
            raise
        return Recorded(existing, created=False)
    return Recorded(visit, created=True)


def _client_id(data: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(data.get("client_id") or ""))
    except ValueError:
        raise ValidationError({"client_id": [_("须为客户端生成的 UUID")]})


def _existing(scope: Scope, client_id: uuid.UUID) -> Visit | None:
    visit = Visit.objects.filter(client_id=client_id).first()
    if visit is None:
        return None
    if not scope.covers(visit.area_code):
        # A random UUID does not collide; this is someone else's entry replayed.
        raise ValidationError({"client_id": [_("该编号已被使用")]})
    return selectors.visits_for(scope).get(pk=visit.pk)


def _check_version(household: Household, seen: str, actor) -> None:
    current = selectors.household_version(household.pk)
    if seen == current:
        return
    seen_visit, _dot, seen_people = seen.partition(".")
    current_people = current.partition(".")[2]
    if not seen_visit.isdigit():
        raise ValidationError({"household_version": [_("无法识别的版本")]})
    since = selectors.visits_since(household, int(seen_visit))
    if seen_people != current_people or any(v.recorded_by_id != actor.pk for v in since):
        raise HouseholdChanged(household, current, since)


def _clean(scope: Scope, actor, data: dict) -> tuple[dict, list, list[dict]]:
    errors: dict[str, list[str]] = {}
    fields = _place(scope, data, errors)
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(
            _("不在可选值内：%(value)s（可选：%(options)s）") % {"value": kind, "options": ", ".join(Kind.values)}
        )
    else:
        allowed = PEOPLE_KINDS if fields.get("household") else PLACE_KINDS
        if fields.get("area_code") and kind not in allowed:
            errors.setdefault("kind", []).append(
                _("入户、电话只用于走访住户，巡查只用于楼栋、小区和公共场所")
            )
    fields["kind"] = kind
    fields["visited_at"] = _visited_at(data, errors)
    fields["met"] = _text(data, "met", 200, errors)
    fields["summary"] = _text(data, "summary", 2000, errors)
    fields.update(_point(data, errors))
    visitors = _visitors(data, actor, fields.get("area_code"), errors)
    needs = _needs(data, errors)
    if errors:
        raise ValidationError(errors)
    return fields, visitors, needs


def _place(scope: Scope, data: dict, errors: dict) -> dict:
    """Exactly one place: a household, a building, an estate, or a named public place in an area."""
    given = [name for name in ("household", "building", "estate", "place") if data.get(name)]
    fields = {"household": None, "building": None, "estate": None, "place_name": ""}
    if len(given) != 1:
        errors.setdefault("place", []).append(_("请选择一处走访地点：户、楼栋、小区或公共场所，只选一处"))
        return fields
    not_found = _("不存在，或不在您的管辖范围内")
    if given == ["household"]:
        household = scope.filter(Household).select_related("building__estate").filter(pk=_int(data["household"])).first()
        if household is None:
            errors.setdefault("household", []).append(not_found)
            return fields
        building = household.building
        fields.update(household=household, building=building, estate=building.estate, area_code=household.area_code)
    elif given == ["building"]:
        building = scope.filter(Building).select_related("estate").filter(pk=_int(data["building"])).first()
        if building is None:
            errors.setdefault("building", []).append(not_found)
            return fields
        fields.update(building=building, estate=building.estate, area_code=building.area_code)
    elif given == ["estate"]:
        estate = estates_for(scope).filter(pk=_int(data["estate"])).first()
        if estate is None:
            errors.setdefault("estate", []).append(not_found)
            return fields
        area = _area(scope, data, errors, default=estate.area_code)
        if area and not (area.code.startswith(estate.area_code) or estate.area_code.startswith(area.code)):
            errors.setdefault("area", []).append(_("小区不在该区域内"))
        fields.update(estate=estate, area_code=area.code if area else None)
    else:
        name = _text(data, "place", 100, errors)
        area = _area(scope, data, errors)
        fields.update(place_name=name, area_code=area.code if area else None)
    return fields


def _area(scope: Scope, data: dict, errors: dict, default: str = "") -> Area | None:
    code = str(data.get("area") or default)
    area = scope.filter(Area).filter(code=code).first() if code else None
    if area is None:
        errors.setdefault("area", []).append(_("请选择所在网格或社区（须在您的管辖范围内）"))
    return area


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(data: dict, name: str, max_length: int, errors: dict) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > max_length:
        errors.setdefault(name, []).append(_("不能超过 %(n)s 个字") % {"n": max_length})
    return value


def _visited_at(data: dict, errors: dict) -> datetime.datetime:
    """When the visit happened: the phone's time of entry (an offline entry arrives later), or now."""
    now = timezone.now()
    value = data.get("visited_at")
    if not value:
        return now
    moment = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
    if moment is None:
        day = parse_date(str(value))
        moment = datetime.datetime.combine(day, datetime.time(12)) if day else None
    if moment is None:
        errors.setdefault("visited_at", []).append(_("时间格式应为 ISO 8601，如 2026-07-01T09:30:00+08:00"))
        return now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + CLOCK_SKEW:
        errors.setdefault("visited_at", []).append(_("走访时间不能晚于现在"))
    return moment


def _point(data: dict, errors: dict) -> dict:
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        errors.setdefault("lat" if lat is None else "lng", []).append(_("经纬度须同时填写"))
        return {"lat": None, "lng": None}
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors.setdefault("lat", []).append(_("经纬度超出范围"))
    return {"lat": lat, "lng": lng}


def _visitors(data: dict, actor, area_code: str | None, errors: dict) -> list:
    """Colleagues who came along: staff with a post over the place or inside its community."""
    names = [str(n).strip() for n in data.get("visitors") or [] if str(n).strip() and n != actor.username]
    if not names or not area_code:
        return []
    community = area_code[: selectors.COMMUNITY_LENGTH]
    users = list(get_user_model().objects.filter(username__in=names, is_active=True).prefetch_related("posts"))

    def works_here(user) -> bool:
        return any(
            post.role in AREA_ROLES and (area_code.startswith(post.area_code) or post.area_code.startswith(community))
            for post in user.posts.all()
        )

    found = {u.username: u for u in users if works_here(u)}
    missing = [n for n in names if n not in found]
    if missing:
        errors.setdefault("visitors", []).append(
            _("不是该社区的工作人员：%(names)s") % {"names": ", ".join(missing)}
        )
    return list(found.values())


def _needs(data: dict, errors: dict) -> list[dict]:
    raw = data.get("needs") or []
    if len(raw) > MAX_NEEDS:
        errors.setdefault("needs", []).append(_("一次最多记录 %(n)s 条诉求") % {"n": MAX_NEEDS})
        return []
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    needs = []
    for index, item in enumerate(raw):
        key = f"needs.{index}."
        text = str(item.get("text") or "").strip()
        if not text:
            errors.setdefault(key + "text", []).append(_("必填"))
        elif len(text) > 1000:
            errors.setdefault(key + "text", []).append(_("不能超过 %(n)s 个字") % {"n": 1000})
        solved, raise_case = bool(item.get("solved_on_spot")), bool(item.get("raise_case"))
        if solved == raise_case:
            errors.setdefault(key + "solved_on_spot", []).append(_("请选择“当场解决”或“转为诉求”，二选一"))
        code = str(item.get("category") or "")
        category = categories.get(code)
        if code and category is None:
            errors.setdefault(key + "category", []).append(_("未知分类：%(code)s") % {"code": code})
        elif raise_case and category is None:
            errors.setdefault(key + "category", []).append(_("转为诉求须选择分类"))
        needs.append({"text": text, "solved_on_spot": solved, "raise_case": raise_case, "category": category})
    return needs


def _raise(actor, visit: Visit, need: dict, index: int, photos):
    """The need as a case, its place and reporter filled in from the visit."""
    data = {
        "title": title_from(need["text"]),
        "description": need["text"],
        "category": need["category"].code,
        "source": Source.PATROL if visit.kind == Kind.PATROL else Source.VISIT,
        "area": visit.area_code,
        "building": visit.building_id,
        "household": visit.household_id,
        "lat": visit.lat,
        "lng": visit.lng,
    }
    try:
        return report_case(actor=actor, data=data, photos=photos)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"case": exc.messages}
        raise ValidationError({f"needs.{index}.{name}": messages for name, messages in errors.items()})


# --- sweeps -------------------------------------------------------------------------------------
@transaction.atomic
def create_plan(*, actor, data: dict) -> VisitPlan:
    """A community's staff (or a street or the city above it) plan a recurring sweep.

    ``data``: name, community (code), weekdays (ISO, 1=Monday), all_staff,
    participants (usernames, when not all staff), grids (codes; none = all),
    target_households, starts_on, ends_on.
    """
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("必填"))
    scope = Scope.for_user(actor)
    community = scope.filter(Area).filter(code=str(data.get("community") or ""), level=Level.COMMUNITY).first()
    if community is None:
        errors.setdefault("community", []).append(_("社区不存在，或不在您的管辖范围内"))
    elif not selectors.may_plan(actor, community.code):
        errors.setdefault("community", []).append(_("走访计划由社区工作人员制定"))
    days = [_int(d) for d in data.get("weekdays") or []]
    weekdays = sorted({d for d in days if d is not None and 1 <= d <= 7})
    if not weekdays or len(weekdays) != len(set(days)):
        errors.setdefault("weekdays", []).append(_("请选择走访日（1=周一 … 7=周日）"))
    target = _int(data.get("target_households"))
    if target is None or not 1 <= target <= 1000:
        errors.setdefault("target_households", []).append(_("每人每次目标户数应在 1 到 1000 之间"))
    starts_on, ends_on = _day(data, "starts_on", errors) or timezone.localdate(), _day(data, "ends_on", errors)
    if ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("结束日期不能早于开始日期"))
    grids, participants = [], []
    all_staff = bool(data.get("all_staff", True))
    if community is not None:
        codes = [str(c) for c in data.get("grids") or []]
        grids = list(Area.objects.filter(parent=community, level=Level.GRID, code__in=codes))
        if len(grids) != len(set(codes)):
            errors.setdefault("grids", []).append(_("网格须属于该社区"))
        if not all_staff:
            participants = _participants(data, community, errors)
    if errors:
        raise ValidationError(errors)
    plan = VisitPlan.objects.create(
        name=name, community=community, weekdays=weekdays, all_staff=all_staff, target_households=target,
        starts_on=starts_on, ends_on=ends_on, created_by=actor,
    )
    plan.grids.set(grids)
    plan.participants.set(participants)
    return plan


def _participants(data: dict, community: Area, errors: dict) -> list:
    names = sorted({str(n).strip() for n in data.get("participants") or [] if str(n).strip()})
    if not names:
        errors.setdefault("participants", []).append(_("请选择参加人员，或选择全员参加"))
        return []
    users = list(get_user_model().objects.filter(
        username__in=names, is_active=True, posts__role__in=AREA_ROLES,
    ).distinct().prefetch_related("posts"))
    inside = [u for u in users if any(
        community.code.startswith(p.area_code) or p.area_code.startswith(community.code) for p in u.posts.all()
    )]
    missing = sorted(set(names) - {u.username for u in inside})
    if missing:
        errors.setdefault("participants", []).append(_("不是该社区的工作人员：%(names)s") % {"names": ", ".join(missing)})
    return inside


def _day(data: dict, name: str, errors: dict) -> datetime.date | None:
    value = data.get(name)
    if not value:
        return None
    day = value if isinstance(value, datetime.date) else parse_date(str(value))
    if day is None:
        errors.setdefault(name, []).append(_("日期格式应为 YYYY-MM-DD"))
    return day


@transaction.atomic
def set_plan_active(*, actor, plan_id: int, active: bool) -> VisitPlan:
    """Pause or resume a sweep; the same people who may plan it."""
    plan = Scope.for_user(actor).get_or_404(VisitPlan, pk=plan_id)
    if not selectors.may_plan(actor, plan.area_code):
        raise ValidationError({"plan": [_("走访计划由社区工作人员制定")]})
    plan.is_active = active
    plan.save(update_fields=["is_active"])
    return plan


# --- care reminders -----------------------------------------------------------------------------
def send_care_reminders(today: datetime.date | None = None) -> int:
    """Remind the grid worker of each resident whose care visit falls due today, or
    has become overdue, once per due date and stage; one message per person a day.
    A grid without a worker is reminded to its community's staff. Returns the
    number of messages sent."""
    today = today or timezone.localdate()
    everything = Scope.of(*Area.objects.filter(parent__isnull=True).values_list("code", flat=True))
    rows = selectors.care_due(everything, today=today)
    stage = {row.resident.pk: CareReminder.Stage.OVERDUE if row.due.overdue else CareReminder.Stage.DUE for row in rows}
    with transaction.atomic():
        sent = set(CareReminder.objects.filter(
            resident__in=list(stage), due_on__in={row.due.date for row in rows}
        ).values_list("resident_id", "due_on", "stage"))
        fresh = [row for row in rows if (row.resident.pk, row.due.date, stage[row.resident.pk]) not in sent]
        CareReminder.objects.bulk_create(
            [CareReminder(resident=row.resident, due_on=row.due.date, stage=stage[row.resident.pk]) for row in fresh],
            ignore_conflicts=True,
        )
        by_user: dict[int, tuple] = {}
        for row in fresh:
            for user in _care_recipients(row.resident.area_code):
                by_user.setdefault(user.pk, (user, []))[1].append(row)
        for user, user_rows in by_user.values():
            notifications.notify([user], case=None, text=_reminder_text(user_rows))
    return len(by_user)


def _care_recipients(area_code: str) -> list:
    grid = area_code[: selectors.GRID_LENGTH]
    if len(grid) == selectors.GRID_LENGTH:
        workers = list(notifications.office_users(grid, Level.GRID))
        if workers:
            return workers
    return list(notifications.office_users(area_code[: selectors.COMMUNITY_LENGTH], Level.COMMUNITY))


def _reminder_text(rows) -> str:
    def names(group) -> str:
        shown = "、".join(f"{r.resident.name}（{r.tag.name}·{r.due.reason_label}）" for r in group[:5])
        return shown + (_("等 %(n)s 人") % {"n": len(group)} if len(group) > 5 else "")

    due = [r for r in rows if not r.due.overdue]
    overdue = [r for r in rows if r.due.overdue]
    parts = []
    if due:
        parts.append(_("今日到期 %(n)s 人：%(names)s") % {"n": len(due), "names": names(due)})
    if overdue:
        parts.append(_("已超期 %(n)s 人：%(names)s") % {"n": len(overdue), "names": names(overdue)})
    return _("关爱走访提醒：") + "；".join(parts)
