"""The GeoReport v2 endpoint under /open311/v2/: one view per method of the spec,
each answering in the format its suffix names (.xml or .json).

Every view goes through :func:`endpoint`, which admits the caller and turns
refusals into the spec's error document: 400 for bad input, 403 for a missing,
wrong or revoked api_key, 404 for what does not exist, 405 for a method the
resource does not take and 429 over the rate limit. A POST needs a key; a read
needs none, but a key given with it must be valid, and counts against that
key's rate instead of the caller's address. Client applications are not
browsers and hold no CSRF cookie, so these views (and only these) are exempt
from CSRF; a key, never a session, is what authorises a POST here.
"""
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import documents, selectors, services, throttle


def endpoint(*methods: str):
    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, fmt: str, **kwargs):
            try:
                if request.method not in methods:
                    document = documents.errors(
                        405, [_("不支持 %(method)s 请求") % {"method": request.method}], {"Allow": ", ".join(methods)}
                    )
                else:
                    document = view(request, _admit(request), **kwargs)
            except ValidationError as exc:
                document = documents.errors(400, _messages(exc))
            except PermissionDenied as exc:
                document = documents.errors(403, [str(exc)])
            except Http404 as exc:
                document = documents.errors(404, [str(exc) or _("未找到")])
            except throttle.Throttled as exc:
                headers = {"Retry-After": str(max(1, round(exc.wait)))} if exc.wait else {}
                document = documents.errors(429, [str(exc)], headers)
            return documents.render(document, fmt)

        return wrapped

    return decorate


def _admit(request):
    """The client whose api_key came with the request (None without one), within its rate."""
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    client = services.client_for_key(key)
    if client is None:
        # Requests without a valid key spend their address's budget, refused ones included.
        throttle.check(request, None)
        if key:
            raise PermissionDenied(_("api_key 无效或已被吊销"))
        if request.method == "POST":
            raise PermissionDenied(_("缺少 api_key：提交请求需要市级管理员签发的密钥"))
    else:
        throttle.check(request, client)
    return client


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{name}: {message}" for name, messages in exc.message_dict.items() for message in messages]
    return exc.messages


@endpoint("GET")
def discovery(request, client):
    root = reverse("open311:discovery", kwargs={"fmt": "xml"}).removesuffix("discovery.xml")
    return documents.discovery(request.build_absolute_uri(root), selectors.changeset())


@endpoint("GET")
def service_list(request, client):
    return documents.services(selectors.services())


@endpoint("GET")
def service_definition(request, client, service_code: str):
    return documents.service_definition(selectors.service(service_code))


@endpoint("GET", "POST")
def service_requests(request, client):
    if request.method == "POST":
        return documents.created(services.submit_request(client=client, form=request.POST))
    return documents.requests(selectors.search_requests(request.GET))


@endpoint("GET")
def service_request(request, client, service_request_id: str):
    return documents.requests([selectors.request_by_id(service_request_id)])


@endpoint("GET")
def token(request, client, token: str):
    return documents.token(selectors.request_by_token(token))


@csrf_exempt
def unknown(request, path: str):
    """Anything else under the endpoint: the spec's 404, in JSON when the path asks
    for it and otherwise in XML, the format every client reads."""
    fmt = "json" if path.endswith(".json") else "xml"
    return documents.render(documents.errors(404, [_("没有这个 Open311 资源：%(path)s") % {"path": path}]), fmt)
