"""The REST API at /api/v1/ (django-ninja; OpenAPI schema and docs at /api/v1/docs).

Errors share one shape: ``{"detail": ...}``. Field errors answer 422 with
``{"detail": [{"field": name, "message": reason}, ...]}``; objects outside
the caller's scope answer 404 exactly like objects that do not exist.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled
from ninja.security import django_auth

from wangge.accounts.api import BearerAuth
from wangge.accounts.api import router as accounts_router
from wangge.activities.api import router as activities_router
from wangge.areas.api import router as areas_router
from wangge.cases.api import public_router as cases_public_router
from wangge.cases.api import router as cases_router
from wangge.cases.services import CaseVersionConflict
from wangge.partners.api import router as partners_router
from wangge.people.api import router as people_router
from wangge.projects.api import router as projects_router
from wangge.stats.api import router as stats_router
from wangge.stats.course_api import router as courses_router
from wangge.visits.api import router as visits_router
from wangge.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="wangge API",
    version="1",
    description="网格 wangge: community grid governance. All data is limited to the caller's areas.",
    auth=[BearerAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


def field_errors(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": None, "message": message} for message in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": field_errors(exc)}, status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("未找到")}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("无权操作")}, status=403)


@api.exception_handler(CaseVersionConflict)
def on_version_conflict(request, exc):
    """Someone changed the case since the caller read it: nothing was written."""
    return api.create_response(request, {"detail": str(exc), "version": exc.current_version}, status=409)


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    return api.create_response(request, {"detail": _("提交过于频繁，请稍后再试")}, status=429)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("未登录或令牌无效")}, status=401)


api.add_router("", accounts_router)
api.add_router("", areas_router)
api.add_router("", people_router)
api.add_router("", cases_router)
api.add_router("", cases_public_router)
api.add_router("", visits_router)
api.add_router("", partners_router)
api.add_router("", volunteers_router)
api.add_router("", stats_router)
api.add_router("", courses_router)
api.add_router("", activities_router)
api.add_router("", projects_router)
