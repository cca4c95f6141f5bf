"""Rate limits of the Open311 endpoint: each key at its own rate, and reads
without a key per client address (found as django-ninja finds it, so
NINJA_NUM_PROXIES applies behind a proxy). Counted in Django's cache by
django-ninja's SimpleRateThrottle, like the public case endpoints."""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja.throttling import SimpleRateThrottle

RATE_RE = re.compile(r"^[1-9]\d*/(s|m|h|d)$")


def validate_rate(value: str) -> None:
    if not RATE_RE.match(value or ""):
        raise ValidationError(_("频率格式应为 次数/单位，如 60/m（单位：s 秒、m 分、h 时、d 天）"))


class Throttled(Exception):
    """Over the limit; ``wait`` is the suggested number of seconds before trying again."""

    def __init__(self, wait: float | None):
        self.wait = wait
        super().__init__(_("请求过于频繁，请稍后再试"))


class _Rate(SimpleRateThrottle):
    def __init__(self, rate: str, client_id: int | None):
        self.client_id = client_id
        super().__init__(rate)

    def get_cache_key(self, request) -> str:
        if self.client_id is not None:
            return f"throttle_open311_key_{self.client_id}"
        return f"throttle_open311_address_{self.get_ident(request)}"


def check(request, client) -> None:
    """Count this request against its client's key, or its address without one; Throttled when spent.

    A fresh throttle per request: it keeps the request's history on itself.
    """
    throttle = _Rate(client.rate, client.pk) if client else _Rate(settings.WANGGE_OPEN311_ANONYMOUS_RATE, None)
    if not throttle.allow_request(request):
        raise Throttled(throttle.wait())
