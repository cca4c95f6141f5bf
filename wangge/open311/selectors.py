"""Reads behind the Open311 endpoint: the services (case categories), their
definitions, and the requests clients have sent, with the GeoReport v2 rules
for querying them (a window of at most 90 days, the most recent 90 by default;
at most 1,000 requests, with the page/page_size extension).

Only requests that came in through Open311 are listed: cases that staff found
on their visits concern particular households and stay inside wangge.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.cases import routing
from wangge.cases.models import Category
from wangge.cases.states import Status

from .models import Open311Request, ServiceAttribute

WINDOW = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
# Statuses a client sees as "closed": the loop is over for them.
CLOSED = frozenset({Status.CLOSED, Status.RATED, Status.REJECTED, Status.MERGED})
OPEN311_STATUSES = ("open", "closed")
# Published when no attribute has ever been saved: the day this endpoint first shipped.
FIRST_CHANGESET = datetime.datetime(2026, 11, 29, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def open311_status(case_status: str) -> str:
    return "closed" if case_status in CLOSED else "open"


# --- services -------------------------------------------------------------------
def services() -> list[Category]:
    """The categories a client may report: the active sub-classes, and the active top
    classes that have none (such as 其他). Each carries its ``attributes``."""
    rows = list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .prefetch_related(Prefetch("open311_attributes", to_attr="attributes"))
    )
    parents = {row.parent_id for row in rows if row.parent_id}
    return [row for row in rows if row.pk not in parents and (row.parent is None or row.parent.is_active)]


def service(code: str) -> Category:
    """One service by its code; a category that is not offered answers 404."""
    for category in services():
        if category.code == code:
            return category
    raise Http404(_("未知的服务代码：%(code)s") % {"code": code})


def service_notice(category: Category) -> str:
    """What the city will do with a report of this category: where it starts and
    how long that level has, from the routing rules (分级处置规则)."""
    start = routing.route(category).start_level
    route = routing.route(category, start)
    if route.hours is not None:
        limit = _("%(n)s小时") % {"n": route.hours}
    else:
        limit = _("%(n)s个工作日") % {"n": route.working_days}
    return _("由%(level)s受理，%(limit)s内办结") % {"level": Level(start).label, "limit": limit}


def changeset() -> datetime.datetime:
    """When the service definitions last changed (the discovery document's changeset)."""
    return ServiceAttribute.objects.aggregate(latest=Max("updated_at"))["latest"] or FIRST_CHANGESET


# --- requests ---------------------------------------------------------------------
def _placed() -> QuerySet[Open311Request]:
    return Open311Request.objects.filter(case__isnull=False).select_related(
        "case", "case__category", "case__owner_area", "case__building", "case__building__estate"
    )


def grid_for_placing(user, code: str) -> Area:
    """The grid a city administrator may place a waiting request in: only they see
    requests that have no place yet, and only grids in their own scope."""
    scope = Scope.for_user(user)
    if not scope.is_city_admin:
        raise PermissionDenied(_("只有市级管理员可以为 Open311 请求指定网格"))
    grid = scope.filter(Area).filter(code=code, level=Level.GRID).first()
    if grid is None:
        raise ValidationError(_("网格不存在，或不在您的管辖范围内（须为15位网格代码）"))
    return grid


def request_by_id(service_request_id: str) -> Open311Request:
    record = _placed().filter(case__number=service_request_id).first()
    if record is None:
        raise Http404(_("未找到该请求：%(id)s") % {"id": service_request_id})
    return record


def request_by_token(token: str) -> Open311Request:
    record = Open311Request.objects.select_related("case").filter(token=token).first()
    if record is None:
        raise Http404(_("未找到该令牌：%(token)s") % {"token": token})
    return record


def search_requests(query) -> list[Open311Request]:
    """GET requests: ``query`` is the query string (a QueryDict). Raises
    ValidationError naming each bad parameter."""
    errors: dict[str, list[str]] = {}
    page, page_size = _positive(query, "page", 1, None, errors), _positive(query, "page_size", MAX_REQUESTS, MAX_REQUESTS, errors)
    ids = _list(query, "service_request_id")
    records = _placed()
    if ids:
        # The spec: service_request_id overrides all other arguments.
        records = records.filter(case__number__in=ids)
    else:
        records = _filtered(records, query, errors)
    if errors:
        raise ValidationError(errors)
    start = (page - 1) * page_size
    return list(records.order_by("-created_at", "-id")[start : start + page_size])


def _filtered(records: QuerySet, query, errors: dict) -> QuerySet:
    start, end = _datetime(query, "start_date", errors), _datetime(query, "end_date", errors)
    if start and end and end - start > WINDOW:
        errors.setdefault("end_date", []).append(_("start_date 与 end_date 相隔不能超过 90 天"))
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_("end_date 不能早于 start_date"))
    if end is None:
        end = start + WINDOW if start else timezone.now()
    if start is None:
        start = end - WINDOW
    records = records.filter(created_at__gte=start, created_at__lte=end)
    codes = _list(query, "service_code")
    if codes:
        records = records.filter(case__category__code__in=codes)
    statuses = _list(query, "status")
    unknown = [s for s in statuses if s not in OPEN311_STATUSES]
    if unknown:
        errors.setdefault("status", []).append(
            _("未知状态：%(status)s（可选：open、closed）") % {"status": ", ".join(unknown)}
        )
    elif set(statuses) == {"closed"}:
        records = records.filter(case__status__in=CLOSED)
    elif set(statuses) == {"open"}:
        records = records.exclude(case__status__in=CLOSED)
    return records


def _list(query, name: str) -> list[str]:
    """A parameter that may be comma-delimited and may be given several times."""
    return [item.strip() for value in query.getlist(name) for item in value.split(",") if item.strip()]


def _datetime(query, name: str, errors: dict) -> datetime.datetime | None:
    value = (query.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and parse_date(value):
            # The W3C note allows a date alone: its first moment in the city's time zone.
            parsed = datetime.datetime.combine(parse_date(value), datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        errors.setdefault(name, []).append(_("日期时间格式应为 W3C 格式，如 2026-11-29T09:30:00+08:00"))
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _positive(query, name: str, default: int, maximum: int | None, errors: dict) -> int:
    value = (query.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1 or (maximum and int(value) > maximum):
        message = _("应为 1 到 %(max)s 之间的整数") % {"max": maximum} if maximum else _("应为正整数")
        errors.setdefault(name, []).append(message)
        return default
    return int(value)
