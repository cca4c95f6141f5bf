"""Pages: partners and the 15-minute service circle (read-only; changes through the
API and the admin for now). Reads go through the scope like everything else."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.areas.selectors import areas_for, root_areas

from . import selectors
from .circle import service_circle
from .models import PartnerKind, PointKind

PAGE_SIZE = 50


def area_from(scope: Scope, code: str) -> Area:
    """The area asked for, or the user's first own area; 404 outside the scope."""
    if code:
        return scope.get_or_404(Area, code=code)
    root = root_areas(scope).first()
    if root is None:
        raise Http404(_("您没有负责的区域"))
    return root


def area_choices(scope: Scope, current: Area) -> list[Area]:
    options = []
    for root in root_areas(scope):
        options.append(root)
        if root.level != Level.GRID:
            options.extend(areas_for(scope, parent=root.code))
    if current not in options:
        options.append(current)
    return options


@login_required
def partner_list(request):
    scope = scope_of(request)
    kind = request.GET.get("kind", "")
    partners = selectors.partners_for(scope, request.user, kind=kind if kind in PartnerKind.values else "",
                                      q=request.GET.get("q", ""))
    page = Paginator(partners.select_related("area"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/list.html", {
        "page_obj": page, "kinds": PartnerKind.choices, "kind": kind, "q": request.GET.get("q", ""),
        "scope": scope,
    })


@login_required
def circle(request):
    scope = scope_of(request)
    area = area_from(scope, request.GET.get("area", "").strip())
    gap_kind = request.GET.get("gap_kind", PointKind.CLINIC)
    if gap_kind not in PointKind.values:
        gap_kind = PointKind.CLINIC
    result = service_circle(scope, area.code, gap_kind=gap_kind, gap_limit=200)
    for row in result["kinds"]:
        row["percent"] = None if row["share"] is None else round(row["share"] * 100, 1)
    return render(request, "partners/circle.html", {
        "area": area, "areas": area_choices(scope, area), "circle": result, "point_kinds": PointKind.choices,
        "gap_kind_name": PointKind(gap_kind).label,
    })
