"""The case loop's knobs and their defaults; settings.py may override any of them.

Read through :func:`get` at the moment of use, so tests (and a settings
change) take effect without a restart.
"""
from django.conf import settings

DEFAULTS = {
    # A photo may be at most this large (bytes); only JPEG, PNG and WebP are kept.
    "WANGGE_CASE_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    # Photos one case may hold in all, and how many of them a resident may add.
    "WANGGE_CASE_MAX_PHOTOS": 30,
    "WANGGE_PUBLIC_MAX_PHOTOS": 6,
    # Requests per client address to the public (no account) endpoints.
    "WANGGE_PUBLIC_POST_RATE": "10/m",
    "WANGGE_PUBLIC_GET_RATE": "60/m",
    # "Due soon" in the work lists: the deadline falls within this many hours.
    "WANGGE_CASE_DUE_SOON_HOURS": 24,
    # How often the background job escalates overdue cases.
    "WANGGE_ESCALATION_INTERVAL_MINUTES": 30,
    # Where notifications go: dotted paths of wangge.cases.notifications.Channel classes.
    "WANGGE_NOTIFICATION_CHANNELS": ["wangge.cases.notifications.InAppChannel"],
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
