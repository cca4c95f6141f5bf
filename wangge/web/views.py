"""Pages. Each view is thin: it takes the user's scope (wangge.accounts.scope),
asks the selectors and services for what it shows, and renders a template.
A row outside the scope answers 404 exactly like a row that does not exist.
"""
import math
from dataclasses import dataclass

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.codes import Level
from wangge.areas.models import Area, Building, Estate
from wangge.areas.selectors import (
    ancestors,
    areas_for,
    estates_for,
    grid_buildings,
    households_for,
    place_counts,
    root_areas,
)
from wangge.people import services as people_services
from wangge.people.models import Relation, SensitiveAccess
from wangge.people.selectors import access_log, all_tags, residents_for, search_residents, tag_reader

from .counts import with_counts
from .forms import FeedbackForm, RevealForm
from .rows import ResidentRow
from .services import submit_feedback

PAGE_SIZE = 50
RELATION_ORDER = {value: rank for rank, value in enumerate(Relation.values)}


# --- helpers ---------------------------------------------------------------
def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _trail(scope: Scope, area: Area | None, *, including_self: bool = False) -> list[tuple[Area, bool]]:
    """Breadcrumbs as (area, linkable): areas above the user's own are named but not linked."""
    if area is None:
        return []
    areas = ancestors(area) + ([area] if including_self else [])
    return [(a, scope.covers(a.code)) for a in areas]


def _rows(residents) -> list[ResidentRow]:
    tags = tag_reader()
    return [ResidentRow.of(resident, tags) for resident in residents]


def _area_of(scope: Scope, code: str) -> Area | None:
    return areas_for(scope).filter(code=code).first()


# --- home ------------------------------------------------------------------
@login_required
def home(request):
    """Each user starts from their own areas: a grid worker from their grids and
    a search box, community and street staff from their area's children with
    counts; a city administrator also gets the admin and the access log."""
    scope = scope_of(request)
    roots = list(root_areas(scope))
    children = {root.code: list(areas_for(scope, parent=root.code)) for root in roots if root.level != Level.GRID}
    with_counts(scope, roots + [child for kids in children.values() for child in kids])
    return render(request, "web/home.html", {
        "sections": [(root, children.get(root.code, [])) for root in roots],
        "posts": request.user.posts.select_related("area").order_by("area_code", "role"),
        "scope": scope,
    })


# --- areas -----------------------------------------------------------------
@login_required
def area_list(request):
    scope = scope_of(request)
    roots = list(root_areas(scope))
    if len(roots) == 1:
        return redirect("area_detail", code=roots[0].code)
    return render(request, "web/area_list.html", {"areas": with_counts(scope, roots)})


@login_required
def area_detail(request, code):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    if area.level == Level.GRID:
        return _grid_page(request, scope, area)
    children = list(areas_for(scope, parent=area.code))
    with_counts(scope, [area, *children])
    return render(request, "web/area_detail.html", {
        "area": area, "children": children, "trail": _trail(scope, area),
    })


@dataclass
class EstateGroup:
    """The buildings of one estate (小区) inside a grid; estate None gathers the rest."""

    estate: Estate | None
    buildings: list[Building]

    @property
    def households(self) -> int:
        return sum(b.household_count for b in self.buildings)


def _estate_groups(scope: Scope, grid: Area, buildings: list[Building]) -> list[EstateGroup]:
    """The grid's buildings by estate, plus estates registered in the grid without buildings yet."""
    groups: dict = {}
    for building in buildings:
        groups.setdefault(building.estate, []).append(building)
    for estate in estates_for(scope, area=grid.code):
        groups.setdefault(estate, [])
    return sorted(
        (EstateGroup(estate, blds) for estate, blds in groups.items()),
        key=lambda g: (g.estate is None, g.estate.name if g.estate else ""),
    )


def _grid_page(request, scope: Scope, grid: Area):
    buildings = list(grid_buildings(scope, grid))
    building = next((b for b in buildings if str(b.pk) == request.GET.get("building")), None)
    households = households_for(scope, area=grid.code, building=building.pk if building else None)
    estates = _estate_groups(scope, grid, buildings)
    counts = place_counts(scope, grid.code)
    return render(request, "web/grid_detail.html", {
        "area": grid,
        "trail": _trail(scope, grid),
        "counts": counts,
        "estates": estates,
        "building": building,
        # A grouped query drops the model's ordering, and pages need a stable one.
        "page_obj": _page(request, households.annotate(member_count=Count("residents")).order_by("address", "pk")),
    })


# --- households and residents ----------------------------------------------
@login_required
def household_detail(request, pk):
    scope = scope_of(request)
    household = scope.get_or_404(households_for(scope), pk=pk)
    members = sorted(
        residents_for(scope).filter(household=household),
        key=lambda r: (RELATION_ORDER.get(r.relation, len(RELATION_ORDER)), r.birth_date),
    )
    return render(request, "web/household_detail.html", {
        "household": household,
        "rows": _rows(members),
        "trail": _trail(scope, _area_of(scope, household.area_code), including_self=True),
    })


def _area_options(scope: Scope, selected: str) -> list[Area]:
    """The search's area filter offers the user's own areas and one level below,
    plus the area the search came from (a grid page's search box)."""
    options = []
    for root in root_areas(scope):
        options.append(root)
        if root.level != Level.GRID:
            options.extend(areas_for(scope, parent=root.code))
    if selected and all(a.code != selected for a in options):
        options.extend(areas_for(scope).filter(code=selected))
    return options


@login_required
def resident_search(request):
    scope = scope_of(request)
    q, tag, area = (request.GET.get(key, "").strip() for key in ("q", "tag", "area"))
    page_obj = _page(request, search_residents(scope, q=q, area=area, tag=tag))
    return render(request, "web/resident_search.html", {
        "q": q, "tag": tag, "area": area,
        "tags": all_tags(),
        "areas": _area_options(scope, area),
        "page_obj": page_obj,
        "rows": _rows(page_obj),
    })


def _resident_page(request, scope, resident, form, *, revealed=None, refusal="", status=200):
    return render(request, "web/resident_detail.html", {
        # After a reveal (a POST) the language switch and feedback link come back to the plain page.
        "here": reverse("resident_detail", args=[resident.pk]),
        "row": ResidentRow.of(resident),
        "form": form,
        "revealed": revealed,
        "refusal": refusal,
        "trail": _trail(scope, _area_of(scope, resident.area_code), including_self=True),
    }, status=status)


@never_cache
@login_required
def resident_detail(request, pk):
    scope = scope_of(request)
    resident = scope.get_or_404(residents_for(scope), pk=pk)
    return _resident_page(request, scope, resident, RevealForm(has_phone=bool(resident.phone)))


@never_cache
@login_required
@require_POST
def resident_reveal(request, pk):
    """Open one full value through the logging service and show it in this
    response only: it is never kept in a page, a session or a cache."""
    scope = scope_of(request)
    resident = scope.get_or_404(residents_for(scope), pk=pk)
    form = RevealForm(request.POST, has_phone=bool(resident.phone))
    if not form.is_valid():
        return _resident_page(request, scope, resident, form, status=400)
    field = form.cleaned_data["field"]
    try:
        value = people_services.reveal(
            user=request.user, scope=scope, resident=resident, field=field, reason=form.cleaned_data["reason"]
        )
    except PermissionDenied as exc:
        return _resident_page(request, scope, resident, form, refusal=str(exc), status=403)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return _resident_page(request, scope, resident, form, status=400)
    revealed = {"label": SensitiveAccess.Field(field).label, "value": value}
    return _resident_page(
        request, scope, resident, RevealForm(has_phone=bool(resident.phone)), revealed=revealed
    )


# --- privacy ---------------------------------------------------------------
@login_required
def access_log_page(request):
    """Who opened whose personal data. City administrators only; for anyone
    else the page does not exist."""
    scope = scope_of(request)
    if not scope.is_city_admin:
        raise Http404
    return render(request, "web/access_log.html", {"page_obj": _page(request, access_log(scope))})


# --- feedback --------------------------------------------------------------
def _local_url(request, url: str) -> str:
    """The page the feedback came from, if it is one of ours (it is redirected to)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


@login_required
def feedback(request):
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            page_url = _local_url(request, form.cleaned_data["page_url"])
            submit_feedback(user=request.user, page_url=page_url, text=form.cleaned_data["text"])
            messages.success(request, _("感谢您的意见！我们会认真处理。"))
            return redirect(page_url or "home")
    else:
        form = FeedbackForm(initial={"page_url": _local_url(request, request.GET.get("from", ""))})
    return render(request, "web/feedback.html", {"form": form})


# --- login lockout ---------------------------------------------------------
def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username is locked out (AXES_LOCKOUT_CALLABLE).

    A page says why and for how long, in the user's language; the API keeps
    its own JSON answer (429 with a detail) instead of getting an HTML page.
    """
    if original_response is not None and original_response.get("Content-Type", "").startswith("application/json"):
        return original_response
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
