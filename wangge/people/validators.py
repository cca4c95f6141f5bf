"""Validation of resident identity data: 居民身份证号 (GB 11643) and phone numbers."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: weights of the first 17 digits, and the check character for
# each remainder mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# Mainland mobile numbers, and landlines with an area code (0434-6212345).
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> str:
    """Return the normalised ID number, or raise ValidationError saying why not."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("身份证号应为18位（前17位为数字，末位为数字或X）"), code="id_format")
    try:
        birth_date_from_id(value)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效"), code="id_birth_date")
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误（GB 11643）：末位应为 %(expected)s") % {"expected": expected},
            code="id_check_digit",
        )
    return value


def birth_date_from_id(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(value[16]) % 2 else "F"


def identity_conflicts(id_number: str, *, birth_date=None, gender: str | None = None) -> dict[str, str]:
    """What a stated birth date or gender contradicts in a valid ID number, by field.

    Both follow from the number (GB 11643), so a value that disagrees is a
    typing error in one of them; a value not given agrees by definition.
    """
    conflicts = {}
    born, id_gender = birth_date_from_id(id_number), gender_from_id(id_number)
    if birth_date and birth_date != born:
        conflicts["birth_date"] = _("与身份证号中的出生日期 %(date)s 不一致") % {"date": born}
    if gender and gender != id_gender:
        conflicts["gender"] = _("与身份证号中的性别（%(gender)s）不一致") % {"gender": _("男") if id_gender == "M" else _("女")}
    return conflicts


def normalize_phone(value: str) -> str:
    """The phone as stored: no spaces, brackets or +86, and a mobile number without dashes.

    People write a mobile as 139-0434-5678 or 139 0434 5678; it is stored as
    13904345678. A landline keeps the dash after its area code (0434-6212345).
    """
    value = re.sub(r"[\s()（）]", "", value or "")
    value = value.removeprefix("+86")
    undashed = re.sub(r"[-－—]", "", value)
    if _MOBILE_RE.match(undashed):
        return undashed
    return value


def validate_phone(value: str) -> str:
    """Return the normalised phone number, or raise ValidationError."""
    value = normalize_phone(value)
    if not (_MOBILE_RE.match(value) or _LANDLINE_RE.match(value)):
        raise ValidationError(
            _("电话号码格式不正确：应为11位手机号（1开头）或带区号的固定电话"), code="phone_format"
        )
    return value
