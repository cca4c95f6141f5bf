"""Writes of areas, estates, buildings and households, each inside the caller's scope."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope

from . import codes
from .models import Area, Building, Estate, Household


def _require_fields(data: dict, *names: str) -> None:
    missing = {n: [_("必填")] for n in names if data.get(n) in (None, "")}
    if missing:
        raise ValidationError(missing)


def _check_point(data: dict, errors: dict) -> None:
    lat, lng = data.get("lat"), data.get("lng")
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = [_("纬度应在 -90 到 90 之间")]
    if lng is not None and not -180 <= lng <= 180:
        errors["lng"] = [_("经度应在 -180 到 180 之间")]


def _check_boundary(boundary) -> list[str]:
    if boundary is None:
        return []
    if not isinstance(boundary, dict) or boundary.get("type") not in {"Polygon", "MultiPolygon"}:
        return [_("边界须为 GeoJSON Polygon 或 MultiPolygon")]
    if not isinstance(boundary.get("coordinates"), list):
        return [_("边界缺少 coordinates")]
    return []


@transaction.atomic
def create_area(*, scope: Scope, data: dict) -> Area:
    """Create a child area under an area in scope; its code must extend the parent's by 3 digits."""
    _require_fields(data, "code", "name")
    code = str(data["code"])
    errors: dict = {}
    try:
        codes.level_of(code)
    except ValueError as exc:
        raise ValidationError({"code": [str(exc)]})
    parent_code = codes.parent_code(code)
    if parent_code is None:
        # A whole city is created by an operator (demo or import), never through the API.
        raise ValidationError({"code": [_("不能在此新建市/区级区域")]})
    scope.require(parent_code)
    parent = scope.filter(Area).filter(code=parent_code).first()
    if parent is None:
        raise ValidationError({"code": [_("上级区域 %(code)s 不存在") % {"code": parent_code}]})
    if Area.objects.filter(code=code).exists():
        errors["code"] = [_("区域代码已存在")]
    _check_point(data, errors)
    if boundary_errors := _check_boundary(data.get("boundary")):
        errors["boundary"] = boundary_errors
    if errors:
        raise ValidationError(errors)
    return Area.objects.create(
        code=code, name=data["name"], parent=parent,
        boundary=data.get("boundary"), lat=data.get("lat"), lng=data.get("lng"),
    )


@transaction.atomic
def update_area(*, scope: Scope, area: Area, data: dict) -> Area:
    """Rename an area or change its boundary and centre; codes never change."""
    scope.require(area.code)
    errors: dict = {}
    _check_point(data, errors)
    if "boundary" in data and (boundary_errors := _check_boundary(data["boundary"])):
        errors["boundary"] = boundary_errors
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("必填")]
    if errors:
        raise ValidationError(errors)
    for field in ("name", "boundary", "lat", "lng"):
        if field in data:
            setattr(area, field, data[field])
    area.save()
    return area


def _grid_in_scope(scope: Scope, code: str) -> Area:
    grid = scope.filter(Area).filter(code=code).first()
    if grid is None:
        raise ValidationError({"area": [_("区域不存在，或不在您的管辖范围内")]})
    if grid.level != codes.Level.GRID:
        raise ValidationError({"area": [_("楼栋须属于网格（15位代码）")]})
    return grid


@transaction.atomic
def create_building(*, scope: Scope, data: dict) -> Building:
    _require_fields(data, "area", "name")
    grid = _grid_in_scope(scope, str(data["area"]))
    errors: dict = {}
    _check_point(data, errors)
    estate = None
    if data.get("estate"):
        # An estate belongs to a community, so a grid worker may place a building
        # in an estate of the community that contains their grid, and only there.
        estate = Estate.objects.filter(pk=data["estate"]).first()
        if estate is None or not grid.code.startswith(estate.area_code):
            errors["estate"] = [_("小区不存在，或不在该网格所属社区")]
    if errors:
        raise ValidationError(errors)
    if Building.objects.filter(grid=grid, estate=estate, name=data["name"]).exists():
        raise ValidationError({"name": [_("该小区已有同名楼栋")]})
    return Building.objects.create(
        grid=grid, estate=estate, name=data["name"], address=data.get("address") or "",
        floors=data.get("floors"), lat=data.get("lat"), lng=data.get("lng"),
    )


@transaction.atomic
def update_building(*, scope: Scope, building: Building, data: dict) -> Building:
    scope.require(building.area_code)
    errors: dict = {}
    _check_point(data, errors)
    if errors:
        raise ValidationError(errors)
    for field in ("name", "address", "floors", "lat", "lng"):
        if field in data:
            setattr(building, field, data[field])
    building.save()
    return building


def household_address(building: Building, unit: str, room: str) -> str:
    """The full address as offices write it: 京华社区老国税小区3号楼2单元501."""
    estate = building.estate.name if building.estate else ""
    base = building.address or estate
    unit_part = f"{unit}单元" if unit and not unit.endswith("单元") else unit
    return f"{base}{building.name}{unit_part}{room}"


@transaction.atomic
def create_household(*, scope: Scope, data: dict) -> Household:
    _require_fields(data, "building", "room")
    building = scope.filter(Building).select_related("estate").filter(pk=data["building"]).first()
    if building is None:
        raise ValidationError({"building": [_("楼栋不存在，或不在您的管辖范围内")]})
    unit, room = str(data.get("unit") or ""), str(data["room"])
    if Household.objects.filter(building=building, unit=unit, room=room).exists():
        raise ValidationError({"room": [_("该楼栋单元已有此门牌号")]})
    return Household.objects.create(
        building=building, unit=unit, room=room, floor=data.get("floor"),
        address=data.get("address") or household_address(building, unit, room),
    )


@transaction.atomic
def update_household(*, scope: Scope, household: Household, data: dict) -> Household:
    scope.require(household.area_code)
    for field in ("unit", "floor", "room", "address"):
        if field in data:
            setattr(household, field, data[field])
    if not household.room:
        raise ValidationError({"room": [_("必填")]})
    household.save()
    return household
