"""API: categories; cases, their transitions and photos; notifications; and the
public reports that residents make and follow without an account.

Transitions answer 409 when the version the caller saw is stale, 422 with the
reason when the state table or a field refuses, and 404 for a case outside the
caller's scope. The public endpoints are rate-limited per client address.
"""
import datetime

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from wangge.areas.codes import Level
from wangge.pagination import Serialized
from wangge.people.privacy import mask_phone

from . import notifications, selectors, services
from .models import Case, OwnerKind, Source
from .states import Action
from .states import Status as CaseStatus
from .throttle import GET_RATE, POST_RATE, PublicRate

router = Router(tags=["cases"])
public_router = Router(tags=["public"])


# Shared with the public pages (throttle.py): one budget per address for both.
PUBLIC_POSTS = PublicRate(POST_RATE)
PUBLIC_GETS = PublicRate(GET_RATE)


# --- categories ---------------------------------------------------------------
class SubCategoryOut(Schema):
    code: str
    name: str


class CategoryOut(Schema):
    code: str
    name: str
    children: list[SubCategoryOut]


@router.get("/categories", auth=None, response=list[CategoryOut])
def list_categories(request):
    """The category tree (top classes and sub-classes); public, as the report form needs it."""
    return [
        {"code": top.code, "name": top.name,
         "children": [{"code": c.code, "name": c.name} for c in top.active_children]}
        for top in selectors.categories()
    ]


# --- cases -------------------------------------------------------------------
class PointIn(Schema):
    lat: float
    lng: float


class Located(Schema):
    """A place given as a nested ``point`` or as flat ``lat``/``lng``; both are accepted."""

    point: PointIn | None = None
    lat: float | None = None
    lng: float | None = None

    def data(self) -> dict:
        data = self.dict(exclude={"point"})
        if self.point is not None:
            data["lat"], data["lng"] = self.point.lat, self.point.lng
        return data


class CaseIn(Located):
    title: str = ""
    description: str = ""
    category: str = ""
    source: str = ""
    area: str = ""
    building: int | None = None
    household: int | None = None
    urgency: str = "normal"
    reporter_phone: str = ""
    reporter_resident: int | None = None


class OwnerOut(Schema):
    kind: str
    name: str
    username: str | None
    partner: str
    office: str
    office_name: str


class CaseOut(Schema):
    number: str
    tracking: str
    title: str
    description: str
    category: str
    category_name: str
    source: str
    source_name: str
    urgency: str
    area: str
    area_name: str
    building: int | None
    household: int | None
    lat: float | None
    lng: float | None
    reporter: str
    reporter_phone: str
    level: str
    level_name: str
    status: str
    status_name: str
    owner: OwnerOut
    deadline: datetime.datetime
    overdue: bool
    version: int
    reopened_count: int
    escalated_count: int
    merged_into: str | None
    rating: str
    rating_comment: str
    reported_at: datetime.datetime
    accepted_at: datetime.datetime | None
    handled_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    rated_at: datetime.datetime | None


class PhotoOut(Schema):
    id: int
    event: int
    content_type: str
    size: int
    url: str


class EventOut(Schema):
    seq: int
    at: datetime.datetime
    who: str
    action: str
    action_name: str
    from_status: str
    to_status: str
    from_level: str
    to_level: str
    owner: str
    note: str
    photos: list[int]


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    photos: list[PhotoOut]
    allowed_actions: list[str]


def label(choices, value: str) -> str:
    """The label of a stored choice in the active language (the value itself if unknown).
    Cheaper than get_FOO_display(), which rebuilds and hashes all the field's choices per call."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def case_json(case: Case) -> dict:
    return {
        "number": case.number,
        "tracking": case.tracking,
        "title": case.title,
        "description": case.description,
        "category": case.category.code,
        "category_name": str(case.category),
        "source": case.source,
        "source_name": label(Source, case.source),
        "urgency": case.urgency,
        "area": case.area_code,
        "area_name": case.grid.name,
        "building": case.building_id,
        "household": case.household_id,
        "lat": case.lat,
        "lng": case.lng,
        "reporter": str(case.reporter_user) if case.reporter_user else "",
        "reporter_phone": mask_phone(case.reporter_phone),
        "level": case.level,
        "level_name": label(Level, case.level),
        "status": case.status,
        "status_name": label(CaseStatus, case.status),
        "owner": {
            "kind": case.owner_kind,
            "name": services.owner_label(case),
            "username": case.owner_user.username if case.owner_kind == OwnerKind.USER else None,
            "partner": case.owner_partner,
            "office": case.owner_area.code,
            "office_name": case.owner_area.name,
        },
        "deadline": case.deadline,
        "overdue": case.is_overdue,
        "version": case.version,
        "reopened_count": case.reopened_count,
        "escalated_count": case.escalated_count,
        "merged_into": case.merged_into.number if case.merged_into_id else None,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "reported_at": case.reported_at,
        "accepted_at": case.accepted_at,
        "handled_at": case.handled_at,
        "verified_at": case.verified_at,
        "closed_at": case.closed_at,
        "rated_at": case.rated_at,
    }


def case_detail_json(case: Case, user, history: list | None = None) -> dict:
    """The case with its timeline and photos. ``history``: its events in order, each
    with its photos, when the caller holds them (a case just reported: services.report_case
    returns it with them); otherwise they are read."""
    if history is None:
        history = [(event, list(event.photos.all())) for event in selectors.events_of(case)]
    return {
        **case_json(case),
        "events": [
            {
                "seq": e.seq, "at": e.created_at, "who": e.actor_label, "action": e.action,
                "action_name": label(Action, e.action), "from_status": e.from_status, "to_status": e.to_status,
                "from_level": e.from_level, "to_level": e.to_level, "owner": e.owner_label, "note": e.note,
                "photos": [p.pk for p in photos],
            }
            for e, photos in history
        ],
        "photos": [
            {
                "id": p.pk, "event": e.seq, "content_type": p.content_type, "size": p.size,
                "url": f"/api/v1/cases/{case.number}/photos/{p.pk}",
            }
            for e, photos in history for p in photos
        ],
        "allowed_actions": selectors.allowed_actions(case, user),
    }


def _detail(request, number: str) -> dict:
    return case_detail_json(selectors.case_in_scope(request.user, number), request.user)


class CaseFilters(Schema):
    list: str = ""
    status: str = ""
    category: str = ""
    source: str = ""
    urgency: str = ""
    area: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@router.post("/cases", response={201: CaseDetailOut})
def create_case(request, payload: CaseIn):
    """Report a case in a grid in scope; it starts at the level its routing rule sets."""
    case = services.report_case(actor=request.user, data=payload.data())
    # In scope by construction (report_case checked the grid), and its one event is the one
    # just written: nothing to look up again.
    return Status(201, case_detail_json(case, request.user, case.history))


@router.get("/cases", response=list[CaseOut])
@paginate
def list_cases(request, filters: Query[CaseFilters]):
    """Cases in scope. ``list``: mine, queue, overdue, due_soon, awaiting_verification, awaiting_rating."""
    params = filters.dict()
    params["work_list"] = params.pop("list")
    return Serialized(selectors.search_cases(request.user, **params), case_json)


@router.get("/cases/{number}", response=CaseDetailOut)
def get_case(request, number: str):
    """One case with its timeline, photos, and the actions the caller may take now."""
    return _detail(request, number)


class DispatchTo(Schema):
    kind: str
    username: str = ""
    level: str = ""
    name: str = ""
    partner: int | None = None  # kind "partner": the partner's id (or its name in ``name``)


class TransitionIn(Schema):
    action: str
    version: int
    note: str = ""
    reason: str = ""
    to: DispatchTo | None = None
    into: str = ""
    rating: str = ""
    comment: str = ""


def _dispatch_target(to: DispatchTo | None) -> dict:
    if to is None:
        return {}
    if to.kind == "partner" and to.partner:
        return {"to_partner_id": to.partner}
    targets = {"user": ("to_user", to.username), "level": ("to_level", to.level), "partner": ("to_partner", to.name)}
    if to.kind not in targets:
        raise ValidationError({"to": [_("派遣对象类型应为 user、level 或 partner")]})
    name, value = targets[to.kind]
    return {name: value}


# Each action's service call: the common arguments, plus what that action needs.
VERBS = {
    Action.ACCEPT: lambda c, p: services.accept_case(**c, note=p.note),
    Action.REJECT: lambda c, p: services.reject_case(**c, reason=p.reason),
    Action.DISPATCH: lambda c, p: services.dispatch_case(**c, note=p.note, **_dispatch_target(p.to)),
    Action.START: lambda c, p: services.start_case(**c, note=p.note),
    Action.HANDLE: lambda c, p: services.handle_case(**c, note=p.note),
    Action.VERIFY: lambda c, p: services.verify_case(**c, note=p.note),
    Action.CLOSE: lambda c, p: services.close_case(**c, note=p.note),
    Action.REOPEN: lambda c, p: services.reopen_case(**c, reason=p.reason),
    Action.ESCALATE: lambda c, p: services.escalate_case(**c, reason=p.reason),
    Action.MERGE: lambda c, p: services.merge_case(**c, into=p.into, note=p.note),
    Action.RATE: lambda c, p: services.rate_case(**c, rating=p.rating, comment=p.comment),
}


@router.post("/cases/{number}/transitions", response=CaseDetailOut)
def transition(request, number: str, payload: TransitionIn):
    """Take an action on a case, naming the version you saw. See docs/cases.md for each action's fields."""
    verb = VERBS.get(payload.action)
    if verb is None:
        raise ValidationError({"action": [_("未知操作：%(action)s（可选：%(options)s）") % {
            "action": payload.action, "options": ", ".join(VERBS),
        }]})
    verb({"actor": request.user, "number": number, "version": payload.version}, payload)
    return _detail(request, number)


@router.post("/cases/{number}/photos", response=CaseDetailOut)
def add_photos(request, number: str, files: File[list[UploadedFile]], note: Form[str] = ""):
    """Add photos (multipart ``files``; JPEG, PNG or WebP) to an unfinished case."""
    services.add_photos(actor=request.user, number=number, photos=files, note=note)
    return _detail(request, number)


@router.get("/cases/{number}/photos/{photo_id}")
def get_photo(request, number: str, photo_id: int):
    photo = selectors.case_photo(request.user, number, photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


# --- notifications ---------------------------------------------------------------
class NotificationOut(Schema):
    id: int
    text: str
    case: str | None
    created_at: datetime.datetime
    read: bool


class UnreadOut(Schema):
    count: int


class ReadIn(Schema):
    ids: list[int] | None = None


def _notification_json(n) -> dict:
    return {
        "id": n.pk, "text": n.text, "case": n.case.number if n.case_id else None,
        "created_at": n.created_at, "read": n.read_at is not None,
    }


@router.get("/notifications", response=list[NotificationOut])
@paginate
def list_notifications(request, unread: bool = False):
    """The caller's notifications, newest first."""
    return Serialized(notifications.for_user(request.user, unread_only=unread), _notification_json)


@router.get("/notifications/unread", response=UnreadOut)
def unread_notifications(request):
    """The number on the bell."""
    return {"count": notifications.unread_count(request.user)}


@router.post("/notifications/read", response=UnreadOut)
def read_notifications(request, payload: ReadIn):
    """Mark the given notifications read (all without ``ids``); answers how many were marked."""
    return {"count": notifications.mark_read(request.user, payload.ids)}


# --- public reports (no account) -----------------------------------------------------
class PublicReportIn(Located):
    category: str = ""
    description: str = ""
    phone: str = ""
    area: str = ""


class ReportedOut(Schema):
    tracking: str
    number: str
    status: str


class PublicEventOut(Schema):
    at: datetime.datetime
    action: str
    action_name: str
    status: str
    status_name: str
    level: str
    office: str


class PublicReportOut(Schema):
    tracking: str
    number: str
    category: str
    category_name: str
    status: str
    status_name: str
    level: str
    office: str
    reported_at: datetime.datetime
    closed_at: datetime.datetime | None
    can_rate: bool
    rating: str
    timeline: list[PublicEventOut]


class RatingIn(Schema):
    rating: str = ""
    comment: str = ""


def public_json(case: Case) -> dict:
    """What anyone holding the tracking code sees: no names, phones, notes or description."""
    offices = selectors.office_names(case)
    return {
        "tracking": case.tracking,
        "number": case.number,
        "category": case.category.code,
        "category_name": str(case.category),
        "status": case.status,
        "status_name": case.get_status_display(),
        "level": case.level,
        "office": offices.get(case.level, ""),
        "reported_at": case.reported_at,
        "closed_at": case.closed_at,
        "can_rate": case.status == CaseStatus.CLOSED,
        "rating": case.rating,
        "timeline": selectors.public_timeline(case),
    }


@public_router.post("/public/reports", auth=None, throttle=PUBLIC_POSTS, response={201: ReportedOut})
def public_report(request, payload: PublicReportIn):
    """Report a problem without an account; keep the tracking code to follow and rate it."""
    case = services.report_public(data=payload.data())
    return Status(201, {"tracking": case.tracking, "number": case.number, "status": case.status})


@public_router.get("/public/reports/{tracking}", auth=None, throttle=PUBLIC_GETS, response=PublicReportOut)
def public_progress(request, tracking: str):
    return public_json(selectors.public_case(tracking))


@public_router.post(
    "/public/reports/{tracking}/rating", auth=None, throttle=PUBLIC_POSTS, response=PublicReportOut
)
def public_rating(request, tracking: str, payload: RatingIn):
    """Rate a closed case: satisfied, basically_satisfied or dissatisfied (which reopens it)."""
    services.rate_public(tracking=tracking, rating=payload.rating, comment=payload.comment)
    return public_json(selectors.public_case(tracking))


@public_router.post(
    "/public/reports/{tracking}/photos", auth=None, throttle=PUBLIC_POSTS, response=PublicReportOut
)
def public_photos(request, tracking: str, files: File[list[UploadedFile]]):
    """Add photos to one's report (multipart ``files``)."""
    services.add_public_photos(tracking=tracking, photos=files)
    return public_json(selectors.public_case(tracking))
