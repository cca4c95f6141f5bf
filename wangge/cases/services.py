"""Writes of the case loop: one function per verb, each one transaction.

Every verb on an existing case runs through :func:`_apply`, which

1. locks the case row, found through the actor's scope (an unseen case is a 404);
2. compares the version the caller saw (a stale one raises CaseVersionConflict, a 409);
3. asks the state table (states.refusal): a refusal is a ValidationError with the reason (422);
4. changes the row, bumps its version and appends one CaseEvent (its ``seq`` is
   the version it produced) with the photos that came with it;
5. notifies the owner when the work lands on them (states.lands_on_owner).

All of it commits together or not at all. Staff verbs take the acting user;
the escalation job acts as the system and residents act through the tracking
code, both without a version (they change only what the table lets them).
"""
import datetime
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import AREA_ROLES
from wangge.accounts.scope import OutOfScope, Scope, posts_of
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Household
from wangge.partners.selectors import partner_for_case, partner_ids_of, partner_named_for_case, partner_users
from wangge.people.models import Resident
from wangge.people.validators import validate_phone

from . import config, geo, notifications, routing
from .models import (
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Holiday,
    OwnerKind,
    Rating,
    RoutingRule,
    Source,
    Urgency,
)
from .photos import check as check_photos
from .selectors import actor_for, handled_by_of, visible_q
from .states import (
    ACTIVE,
    LEVELS,
    RANK,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    lands_on_owner,
    level_above,
    office_code,
    photo_refusal,
    refusal,
)

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
TRACKING_LENGTH = 10
STAMPS = {
    Status.ACCEPTED: "accepted_at",
    Status.HANDLED: "handled_at",
    Status.VERIFIED: "verified_at",
    Status.CLOSED: "closed_at",
}


class CaseVersionConflict(Exception):
    """The case changed after the caller read it; nothing was written."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(_("该诉求已被他人更新，请刷新后重试"))


# --- reporting ---------------------------------------------------------------
def report_case(*, actor, data: dict, photos=()) -> Case:
    """A staff member reports a case in a grid in their scope.

    ``data`` uses the API's names: title, description, category (code), source,
    area (grid code); optional building and household (ids in that grid), lat and
    lng, urgency, reporter_phone, reporter_resident (id). Raises ValidationError
    naming every bad field.
    """
    conf = config.current()
    fields = _clean_report(data, Scope.for_user(actor), conf)
    fields["reporter_user"] = actor
    return _create(_reporter(actor), fields, photos, conf)


def report_public(*, data: dict, photos=()) -> Case:
    """A resident reports without an account: category, description, phone, and
    either ``area`` (a grid code) or ``lat``/``lng`` inside a mapped grid."""
    conf = config.current()
    return _create(Actor.resident(), _clean_public(data, conf), photos, conf)


def report_from_client(
    *, category: Category, grid: Area, description: str, title: str = "", household=None, lat=None, lng=None,
    phone: str = "",
) -> Case:
    """A resident's report that another system has already checked and placed
    (an Open311 client): its own rules decide what is required, so the phone is
    optional and the description may be as long as that standard allows."""
    fields = {
        "category": category,
        "grid": grid,
        "household": household,
        "building": household.building if household else None,
        "lat": lat,
        "lng": lng,
        "title": title or title_from(description, fallback=category.name),
        "description": description,
        "source": Source.RESIDENT,
        "urgency": Urgency.NORMAL,
        "reporter_phone": phone,
    }
    return _create(Actor.resident(), fields, ())


TITLE_LENGTH = 30


def title_from(description: str, fallback: str = "") -> str:
    """Residents write a description, not a title: its first line, shortened, serves as one."""
    lines = description.strip().splitlines()
    first_line = lines[0].strip() if lines else ""
    if not first_line:
        return fallback
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


def _reporter(user) -> Actor:
    """The reporting user as the case loop's Actor, built from the posts their scope has
    just read (accounts.scope.posts_of: one query for both) and cached on the user, as
    selectors.actor_for does."""
    if getattr(user, "_wangge_case_actor", None) is None and user.is_authenticated and user.is_active:
        posts = tuple((role, code) for role, code in posts_of(user) if role in AREA_ROLES)
        user._wangge_case_actor = Actor(user=user, posts=posts, partners=partner_ids_of(user))
    return actor_for(user)


def _create(actor: Actor, fields: dict, uploads, conf: config.Config | None = None) -> Case:
    """Write the case and its report event. The case returned carries ``history``: that
    event with its photos, as written (the API answers from it without reading them back)."""
    checked = check_photos(uploads, existing=0, limit=_photo_limit(actor))
    now = timezone.now()
    category, grid = fields["category"], fields["grid"]
    route = routing.router(conf)
    level = route(category).start_level
    deadline = route(category, level).deadline(now)
    owner_area = grid if level == Level.GRID else _office(grid.code, level)
    number = _next_number(now)  # before the transaction: see _next_number
    with transaction.atomic():
        case = Case(
            **fields,
            number=number,
            tracking=_new_tracking(),
            level=level,
            owner_area=owner_area,
            status=Status.REPORTED,
            deadline=deadline,
            reported_at=now,
        )
        event = _record(case, actor, Action.REPORT, ("", ""), note="", files=checked, created=True)
    case.history = [(event, event.written_photos)]
    return case


def _clean_report(data: dict, scope: Scope, conf: config.Config | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    fields = {
        "title": _text(data, "title", 100, errors),
        "description": _text(data, "description", 2000, errors),
        "category": _category(data, errors, conf),
        "source": _choice(data, "source", Source, errors),
        "urgency": _choice(data, "urgency", Urgency, errors, default=Urgency.NORMAL),
        "grid": _grid(scope.filter(Area), data, errors),
        "reporter_phone": _phone(data, "reporter_phone", errors, required=False),
    }
    fields.update(_point(data, errors))
    grid = fields["grid"]
    fields["building"] = _place(scope.filter(Building), data, "building", grid, errors, _("楼栋"))
    fields["household"] = _place(scope.filter(Household), data, "household", grid, errors, _("户"))
    building, household = fields["building"], fields["household"]
    if building and household and household.building_id != building.pk:
        errors.setdefault("household", []).append(_("该户不在所选楼栋"))
    fields["reporter_resident"] = None
    if data.get("reporter_resident"):
        fields["reporter_resident"] = scope.filter(Resident).filter(pk=data["reporter_resident"]).first()
        if fields["reporter_resident"] is None:
            errors.setdefault("reporter_resident", []).append(_("居民不存在，或不在您的管辖范围内"))
    if errors:
        raise ValidationError(errors)
    return fields


def _clean_public(data: dict, conf: config.Config | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    description = _text(data, "description", 1000, errors)
    fields = {
        "description": description,
        "category": _category(data, errors, conf),
        "reporter_phone": _phone(data, "phone", errors, required=True),
        "source": Source.RESIDENT,
        "urgency": Urgency.NORMAL,
    }
    fields.update(_point(data, errors))
    if data.get("area"):
        fields["grid"] = _grid(Area.objects.all(), data, errors)
    elif fields["lat"] is not None and "lat" not in errors and "lng" not in errors:
        fields["grid"] = geo.grid_at(fields["lat"], fields["lng"])
        if fields["grid"] is None:
            errors.setdefault("area", []).append(_("无法根据位置确定所在网格，请选择所在社区和网格"))
    else:
        errors.setdefault("area", []).append(_("请选择所在网格，或允许获取位置"))
    if errors:
        raise ValidationError(errors)
    fields["title"] = title_from(description)
    return fields


def _text(data: dict, name: str, max_length: int, errors: dict) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        errors.setdefault(name, []).append(_("必填"))
    elif len(value) > max_length:
        errors.setdefault(name, []).append(_("不能超过 %(n)s 个字") % {"n": max_length})
    return value


def _choice(data: dict, name: str, choices, errors: dict, default: str = "") -> str:
    value = data.get(name) or default
    if value not in choices.values:
        errors.setdefault(name, []).append(
            _("不在可选值内：%(value)s（可选：%(options)s）") % {"value": value, "options": ", ".join(choices.values)}
        )
    return value


def _category(data: dict, errors: dict, conf: config.Config | None) -> Category | None:
    category = (conf or config.current()).category(data.get("category") or "")
    if category is None:
        errors.setdefault("category", []).append(_("未知分类：%(code)s") % {"code": data.get("category") or ""})
    return category


def _grid(areas, data: dict, errors: dict) -> Area | None:
    grid = areas.filter(code=str(data.get("area") or ""), level=Level.GRID).first()
    if grid is None:
        errors.setdefault("area", []).append(_("网格不存在，或不在您的管辖范围内（须为15位网格代码）"))
    return grid


def _point(data: dict, errors: dict) -> dict:
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        errors.setdefault("lat" if lat is None else "lng", []).append(_("经纬度须同时填写"))
    if lat is not None and not -90 <= lat <= 90:
        errors.setdefault("lat", []).append(_("纬度应在 -90 到 90 之间"))
    if lng is not None and not -180 <= lng <= 180:
        errors.setdefault("lng", []).append(_("经度应在 -180 到 180 之间"))
    return {"lat": lat, "lng": lng}


def _place(rows, data: dict, name: str, grid: Area | None, errors: dict, label: str):
    if not data.get(name) or grid is None:
        return None
    place = rows.filter(pk=data[name], area_code=grid.code).first()
    if place is None:
        errors.setdefault(name, []).append(_("%(place)s不在该网格内，或不在您的管辖范围内") % {"place": label})
    return place


def _phone(data: dict, name: str, errors: dict, *, required: bool) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        if required:
            errors.setdefault(name, []).append(_("请留下联系电话，以便回访"))
        return ""
    try:
        return validate_phone(value)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return value


def _next_number(now) -> str:
    """SQ-2026-000123: the year and a sequence per year, the year's counter row raised by one.

    Called before the report's transaction opens, the raise is a transaction of
    its own: the counter row is locked for one UPDATE, not for the whole report,
    so reports of a city no longer wait for each other. (A report that then fails
    leaves a gap, as a database sequence would; numbers stay unique and
    increasing.) Inside a caller's transaction it joins that transaction.
    """
    year = timezone.localtime(now).year
    last = _raise_counter(year)
    if last is None:  # the year's first case
        CaseCounter.objects.bulk_create([CaseCounter(year=year)], ignore_conflicts=True)
        last = _raise_counter(year)
    return f"SQ-{year}-{last:06d}"


def _raise_counter(year: int) -> int | None:
    """The year's counter raised by one, or None when the year has no counter row yet."""
    if connection.vendor == "postgresql":  # one statement, one round trip
        table, last, key = (connection.ops.quote_name(name) for name in (CaseCounter._meta.db_table, "last", "year"))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {last} = {last} + 1 WHERE {key} = %s RETURNING {last}", [year])
            row = cursor.fetchone()
        return row[0] if row else None
    counters = CaseCounter.objects.filter(year=year)
    with transaction.atomic():
        if not counters.update(last=F("last") + 1):
            return None
        return counters.values_list("last", flat=True).get()


def _new_tracking() -> str:
    """A tracking code no case has, in any county (the database's unique key includes the
    county). The check is one plain statement: it runs on every report."""
    table, tracking = (connection.ops.quote_name(name) for name in (Case._meta.db_table, "tracking"))
    with connection.cursor() as cursor:
        while True:
            code = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))
            cursor.execute(f"SELECT 1 FROM {table} WHERE {tracking} = %s LIMIT 1", [code])
            if cursor.fetchone() is None:
                return code


def _office(area_code: str, level: str) -> Area:
    return Area.objects.get(code=office_code(area_code, level))


# --- the engine --------------------------------------------------------------
def _apply(
    action: str,
    *,
    actor: Actor,
    find: Callable[[], Case],
    version: int | None,
    note: str = "",
    uploads=(),
    change: Callable[[Case], None] | None = None,
    status: str | None = None,
) -> Case:
    with transaction.atomic():
        case = find()
        if version is not None and case.version != version:
            raise CaseVersionConflict(case.version)
        if action == Action.PHOTO:
            reason = photo_refusal(case)
        elif action == Action.PROJECT:
            reason = None  # a note in the history: whoever sees the case may record it
        else:
            handled_by = handled_by_of(case) if action == Action.VERIFY else None
            reason = refusal(TRANSITIONS[action], case, actor, handled_by_id=handled_by)
        if reason:
            raise ValidationError({"action": [reason]})
        checked = check_photos(uploads, existing=_photo_count(case, actor), limit=_photo_limit(actor))
        before = (case.status, case.level)
        if change is not None:
            change(case)
        _advance(case, action, before[0], status=status)
        _record(case, actor, action, before, note=note, files=checked)
    return case


def _advance(case: Case, action: str, from_status: str, *, status: str | None = None, now=None) -> None:
    """The status the state table gives (or ``status``), and the stamp of the status reached."""
    if action in TRANSITIONS:
        case.status = status or TRANSITIONS[action].to_status(case.status)
    if case.status != from_status and case.status in STAMPS:
        setattr(case, STAMPS[case.status], now or timezone.now())


def _record(case: Case, actor: Actor, action: str, before: tuple, *, note: str, files, created=False) -> CaseEvent:
    """Save the case with its next version and append the event that produced it."""
    if not created:
        case.version += 1
    case.save()
    event = _event(case, actor, action, before, note=note)
    event.save()
    event.written_photos = []
    for upload, content_type in files:
        photo = CasePhoto(case=case, event=event, content_type=content_type, size=upload.size)
        photo.file.save(f"photo.{photo.extension}", upload, save=True)
        event.written_photos.append(photo)
    if lands_on_owner(action, case.status):
        notifications.notify(_recipients(case, actor), case=case, text=_message(case, action, note))
    return event


def _event(case: Case, actor: Actor, action: str, before: tuple, *, note: str, **extra) -> CaseEvent:
    """The (unsaved) event recording a change of the case; its seq is the version it produced."""
    return CaseEvent(
        case=case,
        seq=case.version,
        actor=actor.user,
        actor_label=actor.label(case.area_code),
        action=action,
        from_status=before[0],
        to_status=case.status,
        from_level=before[1],
        to_level=case.level,
        owner_label=owner_label(case),
        note=note,
        **extra,
    )


def owner_label(case: Case) -> str:
    if case.owner_kind == OwnerKind.USER:
        return str(case.owner_user)
    if case.owner_kind == OwnerKind.PARTNER:
        return _("%(name)s（联建单位）") % {"name": case.owner_partner}
    return case.owner_area.name


def _recipients(case: Case, actor: Actor, office_users=notifications.office_users) -> list:
    """Who hears that the work landed on the case's owner: the assignee, or the
    owning office's staff (and a partner's staff), never the actor themself."""
    if case.owner_kind == OwnerKind.USER:
        users = [case.owner_user]
    else:
        users = list(office_users(case.owner_area.code, case.level))
        if case.owner_kind == OwnerKind.PARTNER and case.owner_partner_org_id:
            users += partner_users(case.owner_partner_org_id)
    return [u for u in users if actor.user is None or u.pk != actor.user.pk]


def _message(case: Case, action: str, note: str) -> str:
    text = _("诉求 %(number)s「%(title)s」：%(action)s") % {
        "number": case.number, "title": case.title, "action": Action(action).label,
    }
    if note:
        text += f"（{note}）"
    return text


def _photo_count(case: Case, actor: Actor) -> int:
    if actor.kind == "resident":
        return case.photos.filter(event__actor__isnull=True).count()
    return case.photos.count()


def _photo_limit(actor: Actor) -> int:
    return settings.WANGGE_PUBLIC_MAX_PHOTOS if actor.kind == "resident" else settings.WANGGE_CASE_MAX_PHOTOS


def _in_scope(user, number: str) -> Callable[[], Case]:
    """The case locked, if the user sees it (their scope, or their partner's dispatched cases)."""

    def find():
        # No select_related here: PostgreSQL refuses FOR UPDATE across nullable outer joins.
        case = Case.objects.select_for_update().filter(visible_q(user), number=number).first()
        if case is None:
            raise OutOfScope(_("未找到，或不在您的管辖范围内"))
        return case

    return find


def _any(**lookup) -> Callable[[], Case]:
    """For the system and residents, who have no scope: the case by number or tracking code."""

    def find():
        case = Case.objects.select_for_update().filter(**lookup).first()
        if case is None:
            raise Http404(_("未找到该诉求，请核对编号或查询码"))
        return case

    return find


def _staff(action: str, user, number: str, version: int, **kwargs) -> Case:
    return _apply(action, actor=actor_for(user), find=_in_scope(user, number), version=version, **kwargs)


def _required(value: str, name: str, message: str) -> str:
    value = (value or "").strip()
    if len(value) < 2:
        raise ValidationError({name: [message]})
    return value


# --- changes shared by several verbs --------------------------------------------
def _move(case: Case, level: str, office: Callable[[str, str], Area] | None = None) -> None:
    case.level = level
    case.owner_area = (office or _office)(case.area_code, level)


def _to_office(case: Case) -> None:
    case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.OFFICE, None, ""
    case.owner_partner_org = None


def _rework(case: Case) -> None:
    """Back to work (返工): a fresh time limit at the current level, and the pass's stamps cleared."""
    case.reopened_count += 1
    case.handled_at = case.verified_at = case.closed_at = None
    case.deadline = routing.route(case.category, case.level).deadline(timezone.now())


# --- the verbs -------------------------------------------------------------------
def accept_case(*, actor, number: str, version: int, note: str = "", photos=()) -> Case:
    """立案: the owning level (or above) takes the case on."""
    return _staff(Action.ACCEPT, actor, number, version, note=note, uploads=photos)


def accept_and_start_case(*, actor, number: str, version: int, note: str = "") -> Case:
    """受理并处置: the worker who found a problem takes it on and starts at once.
    Two events, exactly as two taps would record them, committed together."""
    with transaction.atomic():
        case = accept_case(actor=actor, number=number, version=version, note=note)
        return start_case(actor=actor, number=number, version=case.version)


def reject_case(*, actor, number: str, version: int, reason: str, photos=()) -> Case:
    """不予立案, with the reason the reporter will be told."""
    reason = _required(reason, "reason", _("请说明不予立案的理由"))
    return _staff(Action.REJECT, actor, number, version, note=reason, uploads=photos)


def dispatch_case(
    *, actor, number: str, version: int, to_user: str = "", to_level: str = "", to_partner: str = "",
    to_partner_id: int | None = None, note: str = "", photos=(),
) -> Case:
    """派遣 to exactly one of: a person (username) whose post covers the case's grid,
    a level's office (grid/community/street/city), or a partner organisation — by
    id (one the dispatcher sees that serves the case's grid; its staff then see and
    work the case) or by name (linked to the organisation when exactly one such
    partner has that name; otherwise the name alone is recorded, as before).

    Only down or sideways: a person or office at the case's level or below. The
    case's level becomes the target's; a partner works under the current level.
    The deadline stays.
    """
    if sum(bool(t) for t in (to_user, to_level, to_partner, to_partner_id)) != 1:
        raise ValidationError({"to": [_("请指定一个派遣对象：人员、层级或联建单位")]})

    def change(case: Case) -> None:
        if to_user:
            _assign_user(case, to_user)
        elif to_level:
            if to_level not in RANK:
                raise ValidationError({"to": [_("未知层级：%(level)s") % {"level": to_level}]})
            _check_downward(case, to_level)
            _move(case, to_level)
            _to_office(case)
        elif to_partner_id:
            org = partner_for_case(actor, to_partner_id, case.area_code)
            if org is None:
                raise ValidationError({"to": [_("未找到该联建单位，或其服务区域不含该诉求所在网格")]})
            case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.PARTNER, None, org.name
            case.owner_partner_org = org
        else:
            name = to_partner.strip()
            if len(name) > 100:
                raise ValidationError({"to": [_("联建单位名称不能超过 100 个字")]})
            case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.PARTNER, None, name
            case.owner_partner_org = partner_named_for_case(actor, name, case.area_code)

    return _staff(Action.DISPATCH, actor, number, version, note=note, uploads=photos, change=change)


def _assign_user(case: Case, username: str) -> None:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    ranks = [rank for rank, _role in actor_for(user).covering(case.area_code)] if user else []
    if not ranks:
        raise ValidationError({"to": [_("未找到该人员，或其岗位不覆盖该诉求所在网格")]})
    fitting = [rank for rank in ranks if rank <= RANK[case.level]]
    if not fitting:
        raise ValidationError({"to": [_downward_only()]})
    _move(case, LEVELS[max(fitting)])
    case.owner_kind, case.owner_user, case.owner_partner = OwnerKind.USER, user, ""
    case.owner_partner_org = None


def _downward_only() -> str:
    return _("只能派往本级或下级；需要上级处置请使用“升级”")


def _check_downward(case: Case, level: str) -> None:
    if RANK[level] > RANK[case.level]:
        raise ValidationError({"to": [_downward_only()]})


def start_case(*, actor, number: str, version: int, note: str = "", photos=()) -> Case:
    """开始处置: by the assignee, or by the owning office's staff, who then own it (自行处置)."""

    def change(case: Case) -> None:
        if case.owner_kind == OwnerKind.OFFICE:
            case.owner_kind, case.owner_user = OwnerKind.USER, actor

    return _staff(Action.START, actor, number, version, note=note, uploads=photos, change=change)


def handle_case(*, actor, number: str, version: int, note: str, photos=()) -> Case:
    """处置反馈: what was done (required), with after-photos if the worker has them."""
    note = _required(note, "note", _("请填写处置情况"))
    return _staff(Action.HANDLE, actor, number, version, note=note, uploads=photos)


def verify_case(*, actor, number: str, version: int, note: str = "", photos=()) -> Case:
    """核查 passed: by the community or above, never by the one who handled it."""
    return _staff(Action.VERIFY, actor, number, version, note=note, uploads=photos)


def reopen_case(*, actor, number: str, version: int, reason: str, photos=()) -> Case:
    """核查不通过 (返工): back to the same owner with a fresh time limit."""
    reason = _required(reason, "reason", _("请说明返工的原因"))
    return _staff(Action.REOPEN, actor, number, version, note=reason, uploads=photos, change=_rework)


def close_case(*, actor, number: str, version: int, note: str = "") -> Case:
    """结案: the case waits for the reporter's rating."""
    return _staff(Action.CLOSE, actor, number, version, note=note)


def escalate_case(*, actor, number: str, version: int, reason: str) -> Case:
    """升级 one level, with a reason: the new level's office owns it, with that level's time limit."""
    reason = _required(reason, "reason", _("请说明升级的原因"))
    return _staff(Action.ESCALATE, actor, number, version, note=reason, change=_escalation)


def _escalation(
    case: Case, *, office: Callable[[str, str], Area] | None = None,
    deadline: Callable[[Category, str], datetime.datetime] | None = None,
) -> None:
    """One level up, to the new level's office, with that level's time limit from now.
    (The job passes ``office`` and ``deadline`` lookups that remember what they found.)"""
    level = level_above(case.level)
    _move(case, level, office)
    _to_office(case)
    case.escalated_count += 1
    if deadline is None:
        case.deadline = routing.route(case.category, level).deadline(timezone.now())
    else:
        case.deadline = deadline(case.category, level)


ESCALATION_BATCH = 500
# What an escalation changes on the case row (the batch writes these; _record saves the whole row).
ESCALATION_FIELDS = [
    "level", "owner_area", "owner_kind", "owner_user", "owner_partner", "owner_partner_org",
    "escalated_count", "deadline", "status", "version", "updated_at",
]


def escalate_overdue(*, batch_size: int = ESCALATION_BATCH) -> list[str]:
    """The periodic job: escalate every overdue active case one level, as the system;
    the numbers escalated, the longest overdue first.

    City-level cases cannot go higher; they stay on the city's overdue list.
    The cases go in batches: each transaction locks up to ``batch_size``
    overdue cases nobody else holds (FOR UPDATE SKIP LOCKED), so their rows
    are current, and escalates them exactly as :func:`_escalate_one` would —
    the same state table, level, office, deadline rule, event and
    notifications — with a few statements per batch instead of a dozen per
    case. Cases another transaction holds are then taken one at a time on the
    per-case path, which waits for the lock and compares the version read
    before: a case changed meanwhile is left for the next run. Only cases
    overdue when the run started are taken, so none goes up twice in one run.
    """
    started = timezone.now()
    escalated: list[str] = []
    refused: set[int] = set()
    while True:
        with transaction.atomic():
            chunk = list(
                _overdue(started).exclude(pk__in=refused).select_for_update(skip_locked=True)[:batch_size]
            )
            if not chunk:
                break
            done = _escalate_batch(chunk)
        escalated += [case.number for case in done]
        refused |= {case.pk for case in chunk} - {case.pk for case in done}
    for number, version in list(_overdue(started).exclude(pk__in=refused).values_list("number", "version")):
        try:
            _escalate_one(number, version)
        except CaseVersionConflict:
            continue
        escalated.append(number)
    return escalated


def _overdue(moment):
    return (
        Case.objects.filter(status__in=sorted(ACTIVE), deadline__lt=moment)  # as the index case_overdue
        .exclude(level=Level.CITY)
        .order_by("deadline", "id")
    )


def _escalate_one(number: str, version: int) -> Case:
    """The per-case path: lock the case, compare the version, escalate it as the system."""
    return _apply(
        Action.ESCALATE, actor=Actor.system(), find=_any(number=number), version=version,
        note=_("超期自动升级"), change=_escalation,
    )


def _escalate_batch(cases: list[Case]) -> list[Case]:
    """Escalate locked cases as _escalate_one does (inside the caller's transaction),
    writing with one UPDATE, one INSERT of events and one of notifications. Returns the
    cases escalated; one the state table refuses is left as it is."""
    now = timezone.now()
    actor, action, note = Actor.system(), Action.ESCALATE, _("超期自动升级")
    transition = TRANSITIONS[action]
    categories = Category.objects.in_bulk({case.category_id for case in cases})
    office_codes = {office_code(case.area_code, level_above(case.level) or case.level) for case in cases}
    offices = Area.objects.in_bulk(office_codes, field_name="code")
    route = routing.router()
    deadlines: dict[tuple, datetime.datetime] = {}

    def office(area_code: str, level: str) -> Area:
        return offices[office_code(area_code, level)]

    def deadline(category: Category, level: str) -> datetime.datetime:
        limit = route(category, level)
        key = (limit.working_days, limit.hours)
        if key not in deadlines:
            deadlines[key] = limit.deadline(now)
        return deadlines[key]

    done, events, fields = [], [], set(ESCALATION_FIELDS)
    for case in cases:
        case.category = categories[case.category_id]
        if refusal(transition, case, actor):
            continue
        before = (case.status, case.level)
        _escalation(case, office=office, deadline=deadline)
        _advance(case, action, before[0], now=now)
        if case.status != before[0] and case.status in STAMPS:
            fields.add(STAMPS[case.status])
        case.version += 1
        case.updated_at = now
        events.append(_event(case, actor, action, before, note=note, created_at=now))
        done.append(case)
    if not done:
        return done
    _write(done, sorted(fields))
    CaseEvent.objects.bulk_create(events)
    landed = [case for case in done if lands_on_owner(action, case.status)]
    staff = notifications.office_users_many(
        (case.owner_area.code, case.level) for case in landed if case.owner_kind != OwnerKind.USER
    )
    messages = []
    for case in landed:
        users = _recipients(case, actor, office_users=lambda code, level: staff[code, level])
        messages += notifications.messages_for(users, case=case, text=_message(case, action, note))
    notifications.send(messages)
    return done


def _write(cases: list[Case], names: list[str]) -> None:
    """Save these fields of these cases in one statement. On PostgreSQL an UPDATE from
    unnest()ed arrays, one per column (Django's bulk_update builds a CASE per row and
    field, which costs more Python than the escalation itself); elsewhere bulk_update."""
    if connection.vendor != "postgresql":
        Case.objects.bulk_update(cases, names)
        return
    qn = connection.ops.quote_name
    fields = [Case._meta.pk] + [Case._meta.get_field(name) for name in names]
    table = qn(Case._meta.db_table)
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in fields[1:])
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    columns = ", ".join(qn(f.column) for f in fields)
    params = [[f.get_db_prep_save(getattr(case, f.attname), connection) for case in cases] for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({columns}) "
            f"WHERE {table}.{qn(fields[0].column)} = v.{qn(fields[0].column)}",
            params,
        )


def merge_case(*, actor, number: str, version: int, into: str, note: str = "") -> Case:
    """合并 a duplicate into its original (which must be in scope too); both get an event."""
    actor_ = actor_for(actor)

    def change(case: Case) -> None:
        if into == case.number:
            raise ValidationError({"into": [_("不能合并到自身")]})
        original = Scope.for_user(actor).filter(Case.objects.select_for_update()).filter(number=into).first()
        if original is None:
            raise ValidationError({"into": [_("原诉求不存在，或不在您的管辖范围内")]})
        if original.status in (Status.MERGED, Status.REJECTED):
            raise ValidationError({"into": [_("不能合并到已合并或不予立案的诉求")]})
        case.merged_into = original
        _record(
            original, actor_, Action.MERGE, (original.status, original.level),
            note=_("合并重复诉求 %(number)s") % {"number": case.number}, files=(),
        )

    return _apply(
        Action.MERGE, actor=actor_, find=_in_scope(actor, number), version=version,
        note=note or _("合并至 %(number)s") % {"number": into}, change=change,
    )


def rate_case(*, actor, number: str, version: int, rating: str, comment: str = "") -> Case:
    """评价 recorded by staff on a return call (回访); dissatisfied reopens the case."""
    return _staff(Action.RATE, actor, number, version, **_rating(rating, comment))


def rate_public(*, tracking: str, rating: str, comment: str = "") -> Case:
    """评价 by the reporter with the tracking code, once the case is closed; dissatisfied reopens it."""
    return _apply(
        Action.RATE, actor=Actor.resident(), find=_any(tracking=tracking.strip().upper()), version=None,
        **_rating(rating, comment),
    )


def _rating(rating: str, comment: str) -> dict:
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择：满意、基本满意或不满意")]})
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": [_("不能超过 %(n)s 个字") % {"n": 500}]})
    dissatisfied = rating == Rating.DISSATISFIED

    def change(case: Case) -> None:
        case.rating, case.rating_comment, case.rated_at = rating, comment, timezone.now()
        if dissatisfied:
            _rework(case)

    label = Rating(rating).label
    return {
        "note": f"{label}：{comment}" if comment else label,
        "change": change,
        "status": Status.IN_PROGRESS if dissatisfied else None,
    }


def add_photos(*, actor, number: str, photos, note: str = "") -> Case:
    """补充照片 to an unfinished case. No version needed: it changes nothing anyone decided on,
    but it bumps the version so others see the case moved."""
    if not photos:
        raise ValidationError({"photos": [_("请选择照片")]})
    return _apply(
        Action.PHOTO, actor=actor_for(actor), find=_in_scope(actor, number), version=None,
        note=note, uploads=photos,
    )


def record_project_event(*, actor, number: str, note: str) -> Case:
    """民生项目: the case joined a project, left it, or the project finished — written into
    the case's timeline by the acting staff member. Changes no status, owner or level (the
    case moves only through the verbs above); bumps the version so others see it moved."""
    note = _required(note, "note", _("请填写项目记录"))
    return _apply(Action.PROJECT, actor=actor_for(actor), find=_in_scope(actor, number), version=None, note=note)


def add_public_photos(*, tracking: str, photos) -> Case:
    """A resident adds photos to their own report (at most WANGGE_PUBLIC_MAX_PHOTOS in all)."""
    if not photos:
        raise ValidationError({"photos": [_("请选择照片")]})
    return _apply(
        Action.PHOTO, actor=Actor.resident(), find=_any(tracking=tracking.strip().upper()), version=None,
        uploads=photos,
    )


# --- configuration (city administrators) ------------------------------------------
def _require_city_admin(actor) -> None:
    if not Scope.for_user(actor).is_city_admin:
        raise PermissionDenied(_("只有市级管理员可以修改此配置"))


def set_routing_rule(
    *, actor, category: str = "", level: str = "", start_level: str = "", working_days: int | None = None,
    hours: int | None = None, partner_type: str = "",
) -> RoutingRule:
    """Create or replace the rule for a category (code; "" for all) at a level ("" for any)."""
    _require_city_admin(actor)
    category_obj = None
    if category:
        category_obj = Category.objects.filter(code=category).first()
        if category_obj is None:
            raise ValidationError({"category": [_("未知分类：%(code)s") % {"code": category}]})
    rule = RoutingRule.objects.filter(category=category_obj, level=level).first() or RoutingRule(
        category=category_obj, level=level
    )
    rule.start_level, rule.working_days, rule.hours, rule.partner_type = start_level, working_days, hours, partner_type
    rule.full_clean()
    rule.save()
    return rule


def set_holiday(*, actor, date, name: str = "", is_workday: bool = False) -> Holiday:
    """Mark a date as a public holiday, or (is_workday) as a weekend day worked in exchange."""
    _require_city_admin(actor)
    holiday, _created = Holiday.objects.update_or_create(date=date, defaults={"name": name, "is_workday": is_workday})
    return holiday
