"""Labels of a case's stored choices for the pages, in the active language.

``{{ case.status|status_label }}`` says what ``{{ case.get_status_display }}``
says, by an enum lookup: get_FOO_display() rebuilds and hashes all the field's
choices (translating each) on every call, which on a list of 30 cases was a
good part of the page's time.
"""
from django import template

from wangge.areas.codes import Level

from ..states import Status

register = template.Library()


# Value → lazy label, built once; str() translates it into the language of the request.
STATUS_LABELS = dict(Status.choices)
LEVEL_LABELS = dict(Level.choices)


@register.filter
def status_label(value) -> str:
    """The status's label (the value itself if unknown)."""
    return str(STATUS_LABELS.get(value, value))


@register.filter
def level_label(value) -> str:
    """The level's label (the value itself if unknown)."""
    return str(LEVEL_LABELS.get(value, value))
