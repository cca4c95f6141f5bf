"""Service attributes in a request: read from the form the spec defines
(``attribute[code]=value``, and ``attribute[code][]=v1&attribute[code][]=v2`` for a
multivaluelist), checked against the service definition, and written out for the
staff who handle the case."""
import math
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Datatype, ServiceAttribute

FIELD_RE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
MAX_STRING = 500
MAX_TEXT = 4000


def submitted(form) -> dict[str, list[str]]:
    """The attribute values in a form (a QueryDict), by code; blank values are dropped."""
    values: dict[str, list[str]] = {}
    for name in form:
        match = FIELD_RE.match(name)
        if match:
            given = [v.strip() for v in form.getlist(name) if v.strip()]
            values.setdefault(match.group(1), []).extend(given)
    return values


def field(code: str) -> str:
    """How a client names the attribute, and how errors name it."""
    return f"attribute[{code}]"


def clean(definitions: list[ServiceAttribute], values: dict[str, list[str]]) -> dict:
    """The values by code, as numbers, ISO datetimes, option keys (a list for a
    multivaluelist) or text. Raises ValidationError keyed ``attribute[code]``
    for a missing required value, a value of the wrong type, and a code the
    service does not ask for."""
    errors: dict[str, list[str]] = {}
    asked = {a.code: a for a in definitions if a.variable}
    for code in values:
        if code not in asked:
            errors[field(code)] = [_("该服务没有这个属性")]
    cleaned = {}
    for code, attribute in asked.items():
        given = values.get(code, [])
        if not given:
            if attribute.required:
                errors[field(code)] = [_("必填：%(question)s") % {"question": attribute.description}]
            continue
        try:
            cleaned[code] = _value(attribute, given)
        except ValidationError as exc:
            errors[field(code)] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _value(attribute: ServiceAttribute, given: list[str]):
    if attribute.datatype == Datatype.MULTI:
        unknown = [v for v in given if v not in attribute.options]
        if unknown:
            raise ValidationError(_options_error(attribute, unknown))
        return list(dict.fromkeys(given))
    if len(given) > 1:
        raise ValidationError(_("只能填一个值"))
    value = given[0]
    if attribute.datatype == Datatype.SINGLE:
        if value not in attribute.options:
            raise ValidationError(_options_error(attribute, [value]))
        return value
    if attribute.datatype == Datatype.NUMBER:
        return _number(value)
    if attribute.datatype == Datatype.DATETIME:
        return _datetime(value)
    if attribute.datatype == Datatype.STRING:
        if "\n" in value or "\r" in value:
            raise ValidationError(_("单行文字不能换行"))
        return _limited(value, MAX_STRING)
    return _limited(value, MAX_TEXT)


def _options_error(attribute: ServiceAttribute, unknown: list[str]) -> str:
    return _("不在可选值内：%(values)s（可选：%(options)s）") % {
        "values": ", ".join(unknown), "options": ", ".join(attribute.options),
    }


def _number(value: str) -> int | float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValidationError(_("应为数字：%(value)s") % {"value": value})
    return int(number) if number.is_integer() else number


def _datetime(value: str) -> str:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("应为 ISO 8601 日期时间，如 2026-11-29T09:30:00+08:00：%(value)s") % {"value": value})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return timezone.localtime(parsed).isoformat(timespec="seconds")


def _limited(value: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationError(_("不能超过 %(n)s 个字") % {"n": limit})
    return value


def summary(definitions: list[ServiceAttribute], values: dict) -> list[str]:
    """One line per answered question, in the definition's order: 漏水房间所在楼层：5."""
    lines = []
    for attribute in definitions:
        if attribute.code not in values:
            continue
        value = values[attribute.code]
        if attribute.datatype == Datatype.MULTI:
            # An option retired since the request was sent still reads as its key.
            shown = "、".join(attribute.options.get(key, key) for key in value)
        elif attribute.datatype == Datatype.SINGLE:
            shown = attribute.options.get(value, value)
        elif attribute.datatype == Datatype.DATETIME:
            shown = timezone.localtime(parse_datetime(value)).strftime("%Y-%m-%d %H:%M")
        else:
            shown = str(value)
        lines.append(f"{attribute.description}：{shown}")
    return lines
