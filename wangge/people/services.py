"""Writes of residents: creation, update, and the logged opening of personal data."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.models import Area, Household

from . import validators
from .models import Resident, SensitiveAccess, Tag
from .names import pinyin_keys

EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "residence_type",
    "household",
    "relation",
    "area",
    "tags",
    "note",
)


@transaction.atomic
def create_resident(*, scope: Scope, data: dict) -> Resident:
    """Create a resident in a household or area inside the scope.

    ``data`` uses the API's field names: ``household`` is a household id,
    ``area`` an area code (needed only without a household), ``tags`` a list
    of tag codes. Gender and birth date default to what the ID number says.
    Raises ValidationError naming each bad field, OutOfScope for a place
    outside the scope.
    """
    resident = Resident()
    _apply(scope, resident, data, creating=True)
    return resident


@transaction.atomic
def update_resident(*, scope: Scope, resident: Resident, data: dict) -> Resident:
    """Change the given fields of a resident in scope; absent fields stay as they are."""
    scope.require(resident.area_code)
    _apply(scope, resident, data, creating=False)
    return resident


def _apply(scope: Scope, resident: Resident, data: dict, *, creating: bool) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("未知字段")] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}

    def check(field, fn, *args):
        try:
            return fn(*args)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    if "name" in data or creating:
        name = (data.get("name") or "").strip()
        if not name:
            errors.setdefault("name", []).append(_("必填"))
        resident.name = name

    if "id_number" in data or creating:
        id_number = check("id_number", validators.validate_id_number, data.get("id_number") or "")
        if id_number:
            clash = Resident.objects.filter(id_number=id_number).exclude(pk=resident.pk).exists()
            if clash:
                errors.setdefault("id_number", []).append(_("该身份证号已登记"))
            resident.id_number = id_number

    if resident.id_number and "id_number" not in errors:
        _check_consistent_with_id(resident, data, errors)

    if "phone" in data:
        phone = data.get("phone") or ""
        resident.phone = check("phone", validators.validate_phone, phone) or "" if phone else ""

    for field, choices in (("residence_type", Resident.residence_type.field.choices),
                           ("relation", Resident.relation.field.choices)):
        if field in data:
            value = data[field]
            if value not in {c[0] for c in choices}:
                errors.setdefault(field, []).append(_("不在可选值内：%(value)s") % {"value": value})
            else:
                setattr(resident, field, value)

    if "note" in data:
        resident.note = data["note"] or ""

    _apply_place(scope, resident, data, creating, errors)

    tags = None
    if "tags" in data:
        tags = _resolve_tags(data["tags"] or [], errors)

    if errors:
        raise ValidationError(errors)
    resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
    resident.id_last4 = resident.id_number[-4:]
    resident.save()
    if tags is not None:
        resident.tags.set(tags)


def _check_consistent_with_id(resident: Resident, data: dict, errors: dict) -> None:
    gender = data.get("gender")
    if gender and gender not in ("M", "F"):
        errors.setdefault("gender", []).append(_("性别应为 M（男）或 F（女）"))
        gender = None
    conflicts = validators.identity_conflicts(resident.id_number, birth_date=data.get("birth_date"), gender=gender)
    for field, message in conflicts.items():
        errors.setdefault(field, []).append(message)
    resident.birth_date = validators.birth_date_from_id(resident.id_number)
    resident.gender = validators.gender_from_id(resident.id_number)


def _apply_place(scope, resident, data, creating, errors) -> None:
    if "household" in data and data["household"] is not None:
        household = scope.filter(Household).filter(pk=data["household"]).first()
        if household is None:
            errors.setdefault("household", []).append(_("户不存在，或不在您的管辖范围内"))
            return
        resident.household = household
        resident.area_code = household.area_code
        return
    if "household" in data:
        resident.household = None
    if data.get("area"):
        code = str(data["area"])
        if not scope.filter(Area).filter(code=code).exists():
            errors.setdefault("area", []).append(_("区域不存在，或不在您的管辖范围内"))
            return
        resident.area_code = code
    elif creating or resident.household is None and not resident.area_code:
        errors.setdefault("household", []).append(_("请指定所在户（household）或所属区域（area）"))


def _resolve_tags(codes: list[str], errors: dict) -> list[Tag]:
    tags = {t.code: t for t in Tag.objects.filter(code__in=codes)}
    for code in codes:
        tag = tags.get(code)
        if tag is None:
            errors.setdefault("tags", []).append(_("未知标签：%(code)s") % {"code": code})
        elif tag.is_derived:
            errors.setdefault("tags", []).append(
                _("“%(name)s”由出生日期自动判定，不能手工设置") % {"name": tag.name}
            )
    return [tags[c] for c in codes if c in tags and not tags[c].is_derived]


@transaction.atomic
def reveal(*, user, scope: Scope, resident: Resident, field: str, reason: str) -> str:
    """Return a resident's full ID number or phone, and log who opened it and why.

    Only roles listed in WANGGE_REVEAL_ROLES may, only for residents in scope,
    and only with a stated reason. Raises PermissionDenied or ValidationError.
    """
    from django.core.exceptions import PermissionDenied

    scope.require(resident.area_code)
    if not scope.may_reveal:
        raise PermissionDenied(_("您的角色无权查看完整个人信息"))
    if field not in SensitiveAccess.Field.values:
        raise ValidationError({"field": [_("只能查看 id_number 或 phone")]})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": [_("请说明查看事由")]})
    SensitiveAccess.objects.create(
        user=user, resident=resident, field=field, reason=reason[:200], area_code=resident.area_code
    )
    return getattr(resident, field)
