"""What every page's header needs from the case loop."""
from django.utils.functional import SimpleLazyObject

from . import notifications


def bell(request) -> dict:
    """The unread count on the bell, for signed-in users: one count query, and only
    on pages that show it (the admin's pages never ask)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notifications.unread_count(user))}
