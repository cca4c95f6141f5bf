"""Writes of the Open311 endpoint: keys for client applications, the requests
they send, and the placing by hand of a request no grid could be found for.

A request that can be placed becomes a case at once, in the same transaction
that records it: a resident report (source ``resident``) in its grid, at the
level and with the deadline its category's routing rule gives, on the grid
worker's (or the community's) work list like any other report.
"""
import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases import services as case_services
from wangge.cases.models import Case
from wangge.people.validators import validate_phone

from . import attributes, placement, selectors
from .models import Open311Client, Open311Request
from .placement import Place
from .throttle import validate_rate

MAX_DESCRIPTION = 4000  # the spec's limit
CONTACT_LIMITS = {"first_name": 50, "last_name": 50, "device_id": 100, "account_id": 100}
# Line breaks and tabs are text; other control characters are not (PostgreSQL refuses NUL outright).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- keys ----------------------------------------------------------------------
def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(*, name: str, rate: str = "") -> tuple[Open311Client, str]:
    """A new key for the named client application, which is created if it is new.
    A known client's previous key stops working at once (and a revoked client is
    admitted again); its rate stays unless a new one is given."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("请填写应用名称")]})
    client = Open311Client.objects.filter(name=name).first() or Open311Client(
        name=name, rate=settings.WANGGE_OPEN311_KEY_RATE
    )
    if rate:
        validate_rate(rate)
        client.rate = rate
    key = secrets.token_urlsafe(32)
    client.key_digest, client.revoked_at = digest(key), None
    client.full_clean()
    client.save()
    return client, key


def revoke_key(*, name: str) -> Open311Client:
    """The client's key stops working; its requests stay, and so do their cases."""
    client = Open311Client.objects.filter(name=name.strip()).first()
    if client is None:
        raise Http404(_("没有这个应用：%(name)s") % {"name": name})
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def client_for_key(key: str) -> Open311Client | None:
    """The client holding this key, or None for an unknown or revoked key."""
    if not key:
        return None
    return Open311Client.objects.filter(key_digest=digest(key), revoked_at__isnull=True).first()


# --- requests --------------------------------------------------------------------
def submit_request(*, client: Open311Client, form) -> Open311Request:
    """POST requests: ``form`` is the posted form (a QueryDict).

    An unknown service_code is a 404 (Http404), as the spec says; every other
    problem is a ValidationError naming each bad field, the location outside the
    city among them. A request whose address_string matches none of the city's
    addresses is recorded with a token and waits for a person to place it.
    """
    garbled = sorted({name for name in form if any(CONTROL_CHARACTERS.search(v) for v in form.getlist(name))})
    if garbled:
        raise ValidationError({name: [_("不能包含控制字符")] for name in garbled})
    code = (form.get("service_code") or "").strip()
    if not code:
        raise ValidationError({"service_code": [_("必填")]})
    category = selectors.service(code)
    errors: dict[str, list[str]] = {}
    record = Open311Request(
        client=client,
        service=category,
        description=_text(form, "description", MAX_DESCRIPTION, errors, keep_lines=True),
        address_string=_text(form, "address_string", 500, errors),
        address_id=_text(form, "address_id", 40, errors),
        media_url=_url(form, errors),
        contact=_contact(form, errors),
    )
    record.lat, record.lng = _point(form, errors)
    try:
        record.attributes = attributes.clean(category.attributes, attributes.submitted(form))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    place = None if errors else _place(record, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if place is None:
            record.token = secrets.token_urlsafe(16)
        else:
            record.case = _open_case(record, place)
        record.save()
    return record


def place_request(*, actor, token: str, grid: str) -> Open311Request:
    """A city administrator places a waiting request in a grid; it becomes a case there
    and its token now answers with the case's number."""
    area = selectors.grid_for_placing(actor, grid)
    with transaction.atomic():
        record = Open311Request.objects.select_for_update().filter(token=token, case__isnull=True).first()
        if record is None:
            raise Http404(_("没有待定位的请求：%(token)s") % {"token": token})
        record.case = _open_case(record, Place(area))
        record.placed_by, record.placed_at = actor, timezone.now()
        record.save(update_fields=["case", "placed_by", "placed_at"])
    return record


def _place(record: Open311Request, errors: dict) -> Place | None:
    """The first of address_id, lat/long and address_string decides; a point outside
    the city and an unknown address_id are errors, an unmatched address waits."""
    if record.address_id:
        place = placement.at_household(int(record.address_id)) if record.address_id.isdigit() else None
        if place is None:
            errors["address_id"] = [_("未知的地址编号：%(id)s") % {"id": record.address_id}]
        return place
    if record.lat is not None:
        place = placement.at_point(record.lat, record.lng)
        if place is None:
            errors["lat/long"] = [_("位置（纬度 %(lat)s，经度 %(lng)s）不在本市任何网格内，本平台只受理本市的诉求") % {
                "lat": record.lat, "lng": record.lng,
            }]
        return place
    if record.address_string:
        return placement.at_address(record.address_string)
    errors["location"] = [_("请提供位置：lat 和 long、address_string 或 address_id 之一")]
    return None


def _open_case(record: Open311Request, place: Place) -> Case:
    """The case for a placed request, reported as a resident's through the case loop
    (numbering, routing, deadline, first event, notice to the owner)."""
    return case_services.report_from_client(
        category=record.service,
        grid=place.grid,
        household=place.household,
        lat=record.lat,
        lng=record.lng,
        description=_case_description(record),
        # The client's own words name the case, not the answers appended to them.
        title=case_services.title_from(record.description, fallback=record.service.name),
        phone=record.contact.get("phone", ""),
    )


def _case_description(record: Open311Request) -> str:
    """What the staff read: the reporter's words, the answers to the service's questions,
    the address and media as sent, and which application it came through."""
    lines = [record.description.strip()] if record.description.strip() else []
    lines += attributes.summary(record.service.open311_attributes.all(), record.attributes)
    if record.address_string:
        lines.append(_("地址：%(address)s") % {"address": record.address_string})
    if record.media_url:
        lines.append(_("图片/媒体：%(url)s") % {"url": record.media_url})
    lines.append(_("经「%(client)s」（Open311）上报") % {"client": record.client.name})
    return "\n".join(lines)


def _text(form, name: str, limit: int, errors: dict, *, keep_lines: bool = False) -> str:
    value = (form.get(name) or "").strip()
    if not keep_lines and ("\n" in value or "\r" in value):
        errors[name] = [_("不能换行")]
    elif len(value) > limit:
        errors[name] = [_("不能超过 %(n)s 个字（现有 %(length)s 个）") % {"n": limit, "length": len(value)}]
    return value


def _url(form, errors: dict) -> str:
    value = _text(form, "media_url", 500, errors)
    if value and "media_url" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors["media_url"] = [_("应为 http 或 https 链接")]
    return value


def _point(form, errors: dict) -> tuple[float | None, float | None]:
    raw = {name: (form.get(name) or "").strip() for name in ("lat", "long")}
    if not raw["lat"] and not raw["long"]:
        return None, None
    if not (raw["lat"] and raw["long"]):
        errors["lat" if not raw["lat"] else "long"] = [_("lat 和 long 须同时提供")]
        return None, None
    point = {}
    for name, bound in (("lat", 90), ("long", 180)):
        try:
            point[name] = float(raw[name])
        except ValueError:
            point[name] = None
        if point[name] is None or not -bound <= point[name] <= bound:
            errors[name] = [_("应为 -%(n)s 到 %(n)s 之间的数（WGS84）") % {"n": bound}]
    if "lat" in errors or "long" in errors:
        return None, None
    return point["lat"], point["long"]


def _contact(form, errors: dict) -> dict:
    """What the client sent about the reporter; kept for calling back, never returned."""
    contact = {name: _text(form, name, limit, errors) for name, limit in CONTACT_LIMITS.items()}
    contact["email"] = _text(form, "email", 254, errors)
    if contact["email"] and "email" not in errors:
        try:
            EmailValidator()(contact["email"])
        except ValidationError:
            errors["email"] = [_("电子邮箱格式不正确")]
    contact["phone"] = _text(form, "phone", 30, errors)
    if contact["phone"] and "phone" not in errors:
        try:
            contact["phone"] = validate_phone(contact["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    return {name: value for name, value in contact.items() if value}
