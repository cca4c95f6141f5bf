"""Filters of the course comparison: changes with their sign."""
from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def signed(value) -> str:
    """A change of a count: +3, −2, 0; — when either side had nothing to measure."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = round(value, 1)
    return f"+{value}" if value > 0 else str(value).replace("-", "−")


@register.filter
def points(value) -> str:
    """A change of a rate (a fraction) in percentage points: +12.5个百分点."""
    if value is None or value == "":
        return "—"
    text = f"{abs(float(value)) * 100:.1f}"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return _("%(sign)s%(n)s个百分点") % {"sign": sign, "n": text}
