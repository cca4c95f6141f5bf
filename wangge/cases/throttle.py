"""Rate limits of the public (no account) endpoints and pages, per client address.

The API and the pages count in the same cache entries, so a flood cannot get
twice the budget by switching between them: WANGGE_PUBLIC_POST_RATE covers
reports, ratings and photos together, WANGGE_PUBLIC_GET_RATE the progress
lookups. Both are read on every request, so an operator or a test can change
them without a restart. The client's address is found as django-ninja finds it
(NINJA_NUM_PROXIES behind a proxy).
"""
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from ninja.throttling import AnonRateThrottle

POST_RATE = "WANGGE_PUBLIC_POST_RATE"
GET_RATE = "WANGGE_PUBLIC_GET_RATE"


class PublicRate(AnonRateThrottle):
    """Requests per client address, at the rate a setting names."""

    def __init__(self, setting: str):
        self.setting = setting
        self.scope = setting.lower()
        super().__init__(rate=getattr(settings, setting))

    def allow_request(self, request) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def allowed(request) -> bool:
    """Count this request against its method's budget; False once the budget is spent.

    A fresh throttle per request: the throttle keeps the request's history on itself.
    """
    return PublicRate(POST_RATE if request.method == "POST" else GET_RATE).allow_request(request)


def rate_limited(view):
    """For public pages: over the limit, a page saying so in plain words, with status 429."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not allowed(request):
            return render(request, "cases/public/throttled.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped
