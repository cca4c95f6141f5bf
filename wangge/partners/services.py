"""Writes of partners, their staff and service points. Every write checks the
target area against the actor's scope (scope.require): a row outside it is a 404."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.selectors import area_field
from wangge.cases.models import Category
from wangge.validation import save_named

from .models import Partner, PartnerKind, PartnerMembership, PointKind, ServicePoint

PARTNER_FIELDS = ("name", "kind", "contact_name", "contact_phone", "address", "services", "is_active")
POINT_FIELDS = ("name", "kind", "lat", "lng", "address", "opening_hours", "phone", "is_active")


def _check_choice(value, choices, name: str, errors: dict):
    if not value:
        errors[name] = [_("请选择类型")]
    elif value not in choices.values:
        errors[name] = [_("不在可选值内：%(value)s") % {"value": value}]


def _categories(codes, errors: dict) -> list[Category]:
    codes = list(dict.fromkeys(codes or []))
    found = list(Category.objects.filter(code__in=codes))
    missing = set(codes) - {c.code for c in found}
    if missing:
        errors["categories"] = [_("未知问题分类：%(codes)s") % {"codes": ", ".join(sorted(missing))}]
    return found


# --- partners ------------------------------------------------------------------
def create_partner(*, scope: Scope, data: dict) -> Partner:
    errors: dict = {}
    area = area_field(scope, data.get("area"), errors)
    partner = Partner(area=area, **{f: data[f] for f in PARTNER_FIELDS if f in data and data[f] is not None})
    _check_choice(partner.kind, PartnerKind, "kind", errors)
    categories = _categories(data.get("categories"), errors)
    with transaction.atomic():
        save_named(partner, errors, duplicate=_("该区域已有同名单位"))
        partner.categories.set(categories)
    return partner


def update_partner(*, scope: Scope, partner: Partner, data: dict) -> Partner:
    """Change a partner linked to an area in scope (a street's partner is read-only to its communities)."""
    scope.require(partner.area_code)
    errors: dict = {}
    if data.get("area"):
        partner.area = area_field(scope, data["area"], errors)
    for name in PARTNER_FIELDS:
        if data.get(name) is not None:
            setattr(partner, name, data[name])
    _check_choice(partner.kind, PartnerKind, "kind", errors)
    categories = _categories(data["categories"], errors) if data.get("categories") is not None else None
    with transaction.atomic():
        save_named(partner, errors, duplicate=_("该区域已有同名单位"))
        if categories is not None:
            partner.categories.set(categories)
    return partner


def deactivate_partner(*, scope: Scope, partner: Partner) -> Partner:
    """Partners are never deleted (cases point at them): they are switched off."""
    scope.require(partner.area_code)
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    return partner


def add_member(*, scope: Scope, partner: Partner, username: str) -> PartnerMembership:
    scope.require(partner.area_code)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": [_("未找到该用户")]})
    membership, _created = PartnerMembership.objects.get_or_create(user=user, partner=partner)
    return membership


def remove_member(*, scope: Scope, partner: Partner, username: str) -> None:
    scope.require(partner.area_code)
    PartnerMembership.objects.filter(partner=partner, user__username=username).delete()


# --- service points -------------------------------------------------------------
def _point_checks(point: ServicePoint, scope: Scope, partner_id, errors: dict) -> None:
    _check_choice(point.kind, PointKind, "kind", errors)
    for name, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        value = getattr(point, name)
        if value is None:
            errors[name] = [_("请填写坐标")]
        elif not (low <= float(value) <= high):
            errors[name] = [_("坐标无效")]
    if partner_id:
        from .selectors import partners_for

        point.partner = partners_for(scope).filter(pk=partner_id).first()
        if point.partner is None:
            errors["partner"] = [_("未找到该联建单位")]


def create_point(*, scope: Scope, data: dict) -> ServicePoint:
    errors: dict = {}
    area = area_field(scope, data.get("area"), errors)
    point = ServicePoint(area=area, **{f: data[f] for f in POINT_FIELDS if f in data and data[f] is not None})
    _point_checks(point, scope, data.get("partner"), errors)
    save_named(point, errors, duplicate=_("该区域已有同名服务点"))
    return point


def update_point(*, scope: Scope, point: ServicePoint, data: dict) -> ServicePoint:
    scope.require(point.area_code)
    errors: dict = {}
    if data.get("area"):
        point.area = area_field(scope, data["area"], errors)
    for name in POINT_FIELDS:
        if data.get(name) is not None:
            setattr(point, name, data[name])
    if "partner" in data and data["partner"] is None:
        point.partner = None
    _point_checks(point, scope, data.get("partner"), errors)
    save_named(point, errors, duplicate=_("该区域已有同名服务点"))
    return point


def delete_point(*, scope: Scope, point: ServicePoint) -> None:
    scope.require(point.area_code)
    point.delete()
