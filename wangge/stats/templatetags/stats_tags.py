from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate (0–1) as a percentage with one decimal; — when there is nothing to measure."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def dash(value) -> str:
    return "—" if value is None else value


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
