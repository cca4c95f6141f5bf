"""API: areas, estates, buildings and households, all scoped."""
from typing import Any

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of

from . import selectors, services
from .models import Area, Building, Household

router = Router(tags=["areas"])


class AreaOut(Schema):
    id: int
    code: str
    area: str = Field(..., alias="code")
    name: str
    level: str
    parent: str | None = Field(None, alias="parent.code")
    lat: float | None
    lng: float | None
    boundary: dict[str, Any] | None


class AreaIn(Schema):
    code: str
    name: str
    lat: float | None = None
    lng: float | None = None
    boundary: dict[str, Any] | None = None


class AreaPatch(Schema):
    name: str | None = None
    lat: float | None = None
    lng: float | None = None
    boundary: dict[str, Any] | None = None


class AreaFilters(Schema):
    parent: str = ""
    level: str = ""
    q: str = ""


@router.get("/areas", response=list[AreaOut])
@paginate
def list_areas(request, filters: Query[AreaFilters]):
    return selectors.areas_for(scope_of(request), **filters.dict()).select_related("parent")


@router.get("/areas/{code}", response=AreaOut)
def get_area(request, code: str):
    return scope_of(request).get_or_404(Area.objects.select_related("parent"), code=code)


@router.post("/areas", response={201: AreaOut})
def create_area(request, payload: AreaIn):
    return Status(201, services.create_area(scope=scope_of(request), data=payload.dict()))


@router.patch("/areas/{code}", response=AreaOut)
def update_area(request, code: str, payload: AreaPatch):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    return services.update_area(scope=scope, area=area, data=payload.dict(exclude_unset=True))


class EstateOut(Schema):
    id: int
    name: str
    area: str = Field(..., alias="area_code")
    is_old: bool
    is_abandoned: bool


class BuildingOut(Schema):
    id: int
    name: str
    area: str = Field(..., alias="area_code")
    estate: EstateOut | None
    address: str
    floors: int | None
    lat: float | None
    lng: float | None


class BuildingIn(Schema):
    area: str
    name: str
    estate: int | None = None
    address: str = ""
    floors: int | None = None
    lat: float | None = None
    lng: float | None = None


class BuildingPatch(Schema):
    name: str | None = None
    address: str | None = None
    floors: int | None = None
    lat: float | None = None
    lng: float | None = None


class BuildingFilters(Schema):
    area: str = ""
    estate: int | None = None


@router.get("/estates", response=list[EstateOut])
@paginate
def list_estates(request, area: str = ""):
    return selectors.estates_for(scope_of(request), area=area)


@router.get("/buildings", response=list[BuildingOut])
@paginate
def list_buildings(request, filters: Query[BuildingFilters]):
    return selectors.buildings_for(scope_of(request), **filters.dict())


@router.get("/buildings/{building_id}", response=BuildingOut)
def get_building(request, building_id: int):
    return scope_of(request).get_or_404(Building.objects.select_related("estate"), pk=building_id)


@router.post("/buildings", response={201: BuildingOut})
def create_building(request, payload: BuildingIn):
    return Status(201, services.create_building(scope=scope_of(request), data=payload.dict()))


@router.patch("/buildings/{building_id}", response=BuildingOut)
def update_building(request, building_id: int, payload: BuildingPatch):
    scope = scope_of(request)
    building = scope.get_or_404(Building, pk=building_id)
    return services.update_building(scope=scope, building=building, data=payload.dict(exclude_unset=True))


class HouseholdOut(Schema):
    id: int
    building: int = Field(..., alias="building_id")
    unit: str
    floor: int | None
    room: str
    address: str
    area: str = Field(..., alias="area_code")


class HouseholdIn(Schema):
    building: int
    unit: str = ""
    floor: int | None = None
    room: str
    address: str = ""


class HouseholdPatch(Schema):
    unit: str | None = None
    floor: int | None = None
    room: str | None = None
    address: str | None = None


class HouseholdFilters(Schema):
    area: str = ""
    building: int | None = None
    q: str = ""


@router.get("/households", response=list[HouseholdOut])
@paginate
def list_households(request, filters: Query[HouseholdFilters]):
    return selectors.households_for(scope_of(request), **filters.dict())


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request, household_id: int):
    return scope_of(request).get_or_404(Household, pk=household_id)


@router.post("/households", response={201: HouseholdOut})
def create_household(request, payload: HouseholdIn):
    return Status(201, services.create_household(scope=scope_of(request), data=payload.dict()))


@router.patch("/households/{household_id}", response=HouseholdOut)
def update_household(request, household_id: int, payload: HouseholdPatch):
    scope = scope_of(request)
    household = scope.get_or_404(Household, pk=household_id)
    return services.update_household(scope=scope, household=household, data=payload.dict(exclude_unset=True))
