"""Template helpers shared by every page."""
from django import template
from django.utils.translation import get_language

from wangge.accounts.scope import scope_of

register = template.Library()


@register.simple_tag(takes_context=True)
def current_scope(context):
    """The signed-in user's scope, for menus that differ by role."""
    return scope_of(context["request"])


@register.filter
def tag_label(tag) -> str:
    """A key-population tag in the page's language (tags carry their own English name)."""
    if tag.name_en and (get_language() or "").startswith("en"):
        return tag.name_en
    return tag.name
