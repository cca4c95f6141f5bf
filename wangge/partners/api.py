"""API: partners (联建单位), their staff, service points and the 15-minute circle.
Every read goes through the caller's scope; writes check the target area."""
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized

from . import selectors, services
from .circle import service_circle
from .models import Partner, PointKind, ServicePoint

router = Router(tags=["partners"])


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    area: str
    contact_name: str
    contact_phone: str
    address: str
    services: str
    categories: list[str]
    is_active: bool
    editable: bool

    @staticmethod
    def from_partner(partner: Partner, scope) -> dict:
        return {
            "id": partner.pk, "name": partner.name, "kind": partner.kind, "kind_name": partner.get_kind_display(),
            "area": partner.area_code, "contact_name": partner.contact_name,
            "contact_phone": partner.contact_phone, "address": partner.address, "services": partner.services,
            "categories": [c.code for c in partner.categories.all()], "is_active": partner.is_active,
            "editable": scope.covers(partner.area_code),
        }


class PartnerIn(Schema):
    name: str
    kind: str
    area: str
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    services: str = ""
    categories: list[str] = []


class PartnerPatch(Schema):
    name: str | None = None
    kind: str | None = None
    area: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    services: str | None = None
    categories: list[str] | None = None
    is_active: bool | None = None


class PartnerFilters(Schema):
    area: str = ""
    kind: str = ""
    category: str = ""
    q: str = ""


class MemberIn(Schema):
    username: str


class MemberOut(Schema):
    username: str
    name: str


@router.get("/partners", response=list[PartnerOut])
@paginate
def list_partners(request, filters: Query[PartnerFilters]):
    """Partners linked to the caller's areas, and those of the street and city above them
    (read-only: ``editable`` false). ``area`` lists the partners serving that area."""
    scope = scope_of(request)
    rows = selectors.partners_for(scope, request.user, **filters.dict())
    return Serialized(rows, lambda p: PartnerOut.from_partner(p, scope))


@router.get("/partners/{partner_id}", response=PartnerOut)
def get_partner(request, partner_id: int):
    scope = scope_of(request)
    return PartnerOut.from_partner(selectors.partner_visible(scope, request.user, partner_id), scope)


@router.post("/partners", response={201: PartnerOut})
def create_partner(request, payload: PartnerIn):
    scope = scope_of(request)
    return Status(201, PartnerOut.from_partner(services.create_partner(scope=scope, data=payload.dict()), scope))


@router.patch("/partners/{partner_id}", response=PartnerOut)
def update_partner(request, partner_id: int, payload: PartnerPatch):
    scope = scope_of(request)
    partner = selectors.partner_visible(scope, request.user, partner_id)
    partner = services.update_partner(scope=scope, partner=partner, data=payload.dict(exclude_unset=True))
    return PartnerOut.from_partner(partner, scope)


@router.delete("/partners/{partner_id}", response={204: None})
def deactivate_partner(request, partner_id: int):
    """Switch a partner off (its cases keep pointing at it)."""
    scope = scope_of(request)
    services.deactivate_partner(scope=scope, partner=selectors.partner_visible(scope, request.user, partner_id))
    return Status(204, None)


@router.get("/partners/{partner_id}/members", response=list[MemberOut])
def list_members(request, partner_id: int):
    scope = scope_of(request)
    partner = selectors.partner_visible(scope, request.user, partner_id)
    scope.require(partner.area_code)
    return [{"username": m.user.username, "name": str(m.user)} for m in partner.memberships.select_related("user")]


@router.post("/partners/{partner_id}/members", response={201: MemberOut})
def add_member(request, partner_id: int, payload: MemberIn):
    """Let a user act for the partner (partner staff see the cases dispatched to it)."""
    scope = scope_of(request)
    partner = selectors.partner_visible(scope, request.user, partner_id)
    membership = services.add_member(scope=scope, partner=partner, username=payload.username)
    return Status(201, {"username": membership.user.username, "name": str(membership.user)})


@router.delete("/partners/{partner_id}/members/{username}", response={204: None})
def remove_member(request, partner_id: int, username: str):
    scope = scope_of(request)
    partner = selectors.partner_visible(scope, request.user, partner_id)
    services.remove_member(scope=scope, partner=partner, username=username)
    return Status(204, None)


# --- service points ---------------------------------------------------------------
class PointOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    area: str
    lat: float
    lng: float
    address: str
    opening_hours: str
    phone: str
    partner: int | None
    is_active: bool

    @staticmethod
    def from_point(point: ServicePoint) -> dict:
        return {
            "id": point.pk, "name": point.name, "kind": point.kind, "kind_name": point.get_kind_display(),
            "area": point.area_code, "lat": point.lat, "lng": point.lng, "address": point.address,
            "opening_hours": point.opening_hours, "phone": point.phone, "partner": point.partner_id,
            "is_active": point.is_active,
        }


class PointIn(Schema):
    name: str
    kind: str
    area: str
    lat: float
    lng: float
    address: str = ""
    opening_hours: str = ""
    phone: str = ""
    partner: int | None = None


class PointPatch(Schema):
    name: str | None = None
    kind: str | None = None
    area: str | None = None
    lat: float | None = None
    lng: float | None = None
    address: str | None = None
    opening_hours: str | None = None
    phone: str | None = None
    partner: int | None = None
    is_active: bool | None = None


class PointFilters(Schema):
    area: str = ""
    kind: str = ""


@router.get("/service-points", response=list[PointOut], tags=["service points"])
@paginate
def list_points(request, filters: Query[PointFilters]):
    return Serialized(selectors.service_points_for(scope_of(request), **filters.dict()), PointOut.from_point)


@router.get("/service-points/{point_id}", response=PointOut, tags=["service points"])
def get_point(request, point_id: int):
    return PointOut.from_point(scope_of(request).get_or_404(ServicePoint, pk=point_id))


@router.post("/service-points", response={201: PointOut}, tags=["service points"])
def create_point(request, payload: PointIn):
    return Status(201, PointOut.from_point(services.create_point(scope=scope_of(request), data=payload.dict())))


@router.patch("/service-points/{point_id}", response=PointOut, tags=["service points"])
def update_point(request, point_id: int, payload: PointPatch):
    scope = scope_of(request)
    point = scope.get_or_404(ServicePoint, pk=point_id)
    return PointOut.from_point(services.update_point(scope=scope, point=point, data=payload.dict(exclude_unset=True)))


@router.delete("/service-points/{point_id}", response={204: None}, tags=["service points"])
def delete_point(request, point_id: int):
    scope = scope_of(request)
    services.delete_point(scope=scope, point=scope.get_or_404(ServicePoint, pk=point_id))
    return Status(204, None)


class KindShare(Schema):
    kind: str
    name: str
    points: int
    households: int
    share: float | None


class GapOut(Schema):
    household: int
    address: str
    building: int
    lat: float
    lng: float
    area: str


class CircleOut(Schema):
    area: str
    walk_speed_kmh: float
    minutes: int
    radius_m: float
    households: int
    located_households: int
    unlocated_households: int
    kinds: list[KindShare]
    gap_kind: str
    gap_count: int
    gaps: list[GapOut]


@router.get("/service-circle", response=CircleOut, tags=["service points"])
def circle(request, area: str, gap_kind: str = PointKind.CLINIC):
    """The 15-minute circle of an area in scope: per service kind, the households whose
    building lies within 15 minutes' walk (straight line at 4.5 km/h = 1,125 m) of such a
    point, and the households that reach no ``gap_kind`` point (default: clinic)."""
    from django.core.exceptions import ValidationError

    scope = scope_of(request)
    scope.require(area.strip())
    if gap_kind not in PointKind.values:
        raise ValidationError({"gap_kind": [f"{gap_kind}?"]})
    return service_circle(scope, area.strip(), gap_kind=gap_kind)
