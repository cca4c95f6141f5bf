"""Reads of the area tree and the places in it. All take a Scope."""
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope

from .codes import Level
from .models import Area, Building, Estate, Household


def areas_for(scope: Scope, *, parent: str = "", level: str = "", q: str = "") -> QuerySet[Area]:
    areas = scope.filter(Area)
    if parent:
        areas = areas.filter(parent__code=parent)
    if level:
        areas = areas.filter(level=level)
    if q:
        areas = areas.filter(name__contains=q.strip())
    return areas


def root_areas(scope: Scope) -> QuerySet[Area]:
    """The top of what a user sees: the areas of their posts."""
    return scope.filter(Area).filter(code__in=scope.codes)


def area_choices(scope: Scope, current: Area, *, with_current_children: bool = False) -> list[Area]:
    """The areas an area picker offers: the user's own areas and their children, and ``current``.

    With ``with_current_children`` the current area's children too, so that one can move down from any
    level (the visits pages); without, the picker stays at the user's own two levels (the partners map)."""
    options = []
    for root in root_areas(scope):
        options.append(root)
        if root.level != Level.GRID:
            options.extend(areas_for(scope, parent=root.code))
    if with_current_children and current.level != Level.GRID:
        options.extend(a for a in areas_for(scope, parent=current.code) if a not in options)
    if current not in options:
        options.append(current)
    return options


def area_or_own(scope: Scope, code: str = "") -> Area:
    """The area asked for (a 404 outside the scope), or without a code the user's first own
    area (a 404 for a user who holds no area, such as partner staff)."""
    if code:
        return scope.get_or_404(Area, code=code)
    root = root_areas(scope).first()
    if root is None:
        raise Http404(_("您没有负责的区域"))
    return root


def area_field(scope: Scope, code, errors: dict, *, blank: str = "") -> Area | None:
    """The area a form's ``area`` field names, for a service writing in it: a 404 outside
    the scope; a missing (message ``blank``) or unknown code is put in ``errors["area"]``."""
    code = (code or "").strip()
    if not code:
        errors["area"] = [blank or _("请选择区域")]
        return None
    scope.require(code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        errors["area"] = [_("未知区域：%(code)s") % {"code": code}]
    return area


def ancestors(area: Area) -> list[Area]:
    """From the city down to the area's parent, for breadcrumbs (names only leak upward)."""
    codes = []
    code = area.code
    while len(code) > 6:
        code = code[:-3]
        codes.append(code)
    return list(Area.objects.filter(code__in=codes).order_by("code"))


def buildings_for(scope: Scope, *, area: str = "", estate: int | None = None) -> QuerySet[Building]:
    buildings = scope.filter(Building).select_related("estate", "grid")
    if area:
        buildings = buildings.filter(area_code__startswith=area)
    if estate:
        buildings = buildings.filter(estate_id=estate)
    return buildings


def estates_for(scope: Scope, *, area: str = "") -> QuerySet[Estate]:
    """Estates in scope, and those that hold a building in scope: an estate is
    recorded at its community, but a grid worker works in its buildings.
    With ``area``, the estates recorded there or holding a building there."""
    recorded, holding = scope.filter(Estate), scope.filter(Building)
    if area:
        recorded = recorded.filter(area_code__startswith=area)
        holding = holding.filter(area_code__startswith=area)
    return Estate.objects.filter(Q(pk__in=recorded.values("pk")) | Q(pk__in=holding.values("estate_id")))


def households_for(scope: Scope, *, area: str = "", building: int | None = None, q: str = "") -> QuerySet[Household]:
    households = scope.filter(Household).select_related("building", "building__estate")
    if area:
        households = households.filter(area_code__startswith=area)
    if building:
        households = households.filter(building_id=building)
    if q:
        households = households.filter(address__contains=q.strip())
    return households


def place_counts(scope: Scope, code: str) -> dict[str, int]:
    """Estates, buildings, households and residents under an area, in scope."""
    from wangge.people.selectors import residents_for

    return {
        "estates": estates_for(scope, area=code).count(),
        "buildings": buildings_for(scope, area=code).count(),
        "households": households_for(scope, area=code).count(),
        "residents": residents_for(scope).filter(area_code__startswith=code).count(),
    }


def grid_buildings(scope: Scope, grid: Area) -> QuerySet[Building]:
    return buildings_for(scope, area=grid.code).annotate(household_count=Count("households"))
