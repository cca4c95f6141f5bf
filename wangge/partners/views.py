"""Pages: partners (register, edit, switch off, their staff), service points (register
with a place, edit, switch off) and the 15-minute service circle.

Views are thin: reads through selectors and the scope (a partner or point the user
may not change is a 404 on its edit page and every action), writes through one
service call each, whose field errors are shown on the form they came from.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.areas.selectors import area_choices, area_or_own, areas_for
from wangge.cases.selectors import categories
from wangge.validation import form_status, put_errors, submit

from . import selectors, services
from .circle import service_circle
from .forms import MemberForm, PartnerForm, PointForm
from .models import PartnerKind, PointKind, ServicePoint

PAGE_SIZE = 50




@login_required
def partner_list(request):
    scope = scope_of(request)
    kind = request.GET.get("kind", "")
    inactive = request.GET.get("inactive") == "1"
    partners = selectors.partners_for(scope, request.user, kind=kind if kind in PartnerKind.values else "",
                                      q=request.GET.get("q", ""), include_inactive=inactive)
    page = Paginator(partners.select_related("area"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/list.html", {
        "page_obj": page, "kinds": PartnerKind.choices, "kind": kind, "q": request.GET.get("q", ""),
        "inactive": inactive, "scope": scope, "may_create": bool(scope.codes),
        "editable": {p.pk for p in page.object_list if scope.covers(p.area_code)},
    })


# --- registering and editing partners ----------------------------------------------------
#: Partners are linked to a community, a street or the city, never to a grid.
PARTNER_LEVELS = (Level.CITY, Level.STREET, Level.COMMUNITY)
AREA_OPTIONS = 1000


def _areas(scope: Scope, levels) -> list[Area]:
    return list(areas_for(scope).filter(level__in=levels).order_by("code")[:AREA_OPTIONS])


def _partner_form(scope: Scope, data=None, **kwargs) -> PartnerForm:
    return PartnerForm(data, areas=_areas(scope, PARTNER_LEVELS), tops=categories(), **kwargs)


def _editable_partner(request, pk):
    """A partner the user may change: linked to an area in their scope. Others — a
    street's partner seen from a community, or any partner elsewhere — are a 404."""
    scope = scope_of(request)
    partner = selectors.partner_visible(scope, request.user, pk)
    scope.require(partner.area_code)
    return partner


def _values(form) -> dict:
    """A partner's or a service point's form values, an unchosen kind as ""."""
    data = dict(form.cleaned_data)
    data["kind"] = data.get("kind") or ""
    return data


@never_cache
@login_required
def partner_new(request):
    """登记联建单位 in an area of the user's scope."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    form = _partner_form(scope, request.POST if request.method == "POST" else None)
    partner, errors = submit(request, form, lambda: services.create_partner(scope=scope, data=_values(form)))
    if partner:
        messages.success(request, _("已登记联建单位：%(name)s") % {"name": partner.name})
        return redirect("partners:edit", pk=partner.pk)
    return render(request, "partners/form.html", {"form": form, "errors": errors, "partner": None},
                  status=form_status(request))


def _partner_page(request, partner, *, form=None, member_form=None, errors=(), status=200):
    scope = scope_of(request)
    form = form or _partner_form(scope, initial={
        "name": partner.name, "kind": partner.kind, "area": partner.area_code, "contact_name": partner.contact_name,
        "contact_phone": partner.contact_phone, "address": partner.address, "services": partner.services,
        "categories": [c.code for c in partner.categories.all()],
    })
    return render(request, "partners/form.html", {
        "form": form, "partner": partner, "errors": errors,
        "member_form": member_form or MemberForm(auto_id="member_%s"),
        "members": partner.memberships.select_related("user").order_by("user__username"),
        "points": partner.service_points.order_by("name"),
    }, status=status)


@never_cache
@login_required
def partner_edit(request, pk):
    """修改联建单位; the page also lists its staff and switches it off or on."""
    partner = _editable_partner(request, pk)
    if request.method != "POST":
        return _partner_page(request, partner)
    scope = scope_of(request)
    form = _partner_form(scope, request.POST)
    saved, errors = submit(request, form, lambda: services.update_partner(scope=scope, partner=partner,
                                                                          data=_values(form)), refresh=partner)
    if saved:
        messages.success(request, _("已保存"))
        return redirect("partners:edit", pk=pk)
    return _partner_page(request, partner, form=form, errors=errors, status=422)


@never_cache
@login_required
@require_POST
def partner_switch(request, pk):
    """停用 (cases keep pointing at it, so it is never deleted) or 重新启用."""
    partner = _editable_partner(request, pk)
    scope = scope_of(request)
    if partner.is_active:
        services.deactivate_partner(scope=scope, partner=partner)
        messages.success(request, _("已停用：%(name)s") % {"name": partner.name})
    else:
        services.update_partner(scope=scope, partner=partner, data={"is_active": True})
        messages.success(request, _("已重新启用：%(name)s") % {"name": partner.name})
    return redirect("partners:edit", pk=pk)


@never_cache
@login_required
@require_POST
def partner_member(request, pk, action):
    """Add (``add``) or remove (``remove``) a user acting for the partner (联建单位人员)."""
    partner = _editable_partner(request, pk)
    if action not in ("add", "remove"):
        raise Http404
    scope = scope_of(request)
    form = MemberForm(request.POST, auto_id="member_%s")
    username = (form.data.get("username") or "").strip()
    try:
        if not username:
            raise ValidationError({"username": [_("请填写用户名")]})
        if action == "add":
            services.add_member(scope=scope, partner=partner, username=username)
            messages.success(request, _("已添加单位人员：%(name)s") % {"name": username})
        else:
            services.remove_member(scope=scope, partner=partner, username=username)
            messages.success(request, _("已移除单位人员：%(name)s") % {"name": username})
    except ValidationError as exc:
        form.is_valid()
        errors = put_errors(form, exc)
        return _partner_page(request, partner, member_form=form, errors=errors, status=422)
    return redirect("partners:edit", pk=pk)


# --- service points -------------------------------------------------------------------------
POINT_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID)


@login_required
def point_list(request):
    """The service points in scope (switched-off ones too, marked), by area and kind."""
    scope = scope_of(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in PointKind.values else ""
    points = selectors.service_points_for(scope, kind=kind).select_related("area", "partner")
    return render(request, "partners/points.html", {
        "page_obj": Paginator(points, PAGE_SIZE).get_page(request.GET.get("page")),
        "kinds": PointKind.choices, "kind": kind, "may_create": bool(scope.codes),
    })


def _point_form(request, data=None, **kwargs) -> PointForm:
    scope = scope_of(request)
    return PointForm(data, areas=_areas(scope, POINT_LEVELS),
                     partners=selectors.partners_for(scope, request.user).order_by("name")[:AREA_OPTIONS], **kwargs)


@never_cache
@login_required
def point_new(request):
    """登记便民服务点 with its place (latitude and longitude, e.g. read off a map app)."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    form = _point_form(request, request.POST if request.method == "POST" else None)
    point, errors = submit(request, form, lambda: services.create_point(scope=scope, data=_values(form)))
    if point:
        messages.success(request, _("已登记服务点：%(name)s") % {"name": point.name})
        return redirect("partners:points")
    return render(request, "partners/point_form.html", {"form": form, "errors": errors, "point": None},
                  status=form_status(request))


@never_cache
@login_required
def point_edit(request, pk):
    scope = scope_of(request)
    point = scope.get_or_404(ServicePoint.objects.select_related("area"), pk=pk)
    form = _point_form(request, request.POST if request.method == "POST" else None, initial={
        "name": point.name, "kind": point.kind, "area": point.area_code, "lat": point.lat, "lng": point.lng,
        "address": point.address, "opening_hours": point.opening_hours, "phone": point.phone,
        "partner": point.partner_id,
    })
    saved, errors = submit(request, form, lambda: services.update_point(scope=scope, point=point,
                                                                        data=_values(form)), refresh=point)
    if saved:
        messages.success(request, _("已保存"))
        return redirect("partners:points")
    return render(request, "partners/point_form.html", {"form": form, "errors": errors, "point": point},
                  status=form_status(request))


@never_cache
@login_required
@require_POST
def point_switch(request, pk):
    """停用 or 重新启用 a service point (a switched-off point leaves the 15-minute circle)."""
    scope = scope_of(request)
    point = scope.get_or_404(ServicePoint, pk=pk)
    services.update_point(scope=scope, point=point, data={"is_active": not point.is_active})
    messages.success(request, _("已停用：%(name)s") % {"name": point.name} if not point.is_active
                     else _("已重新启用：%(name)s") % {"name": point.name})
    return redirect("partners:point_edit", pk=pk)


@login_required
def circle(request):
    scope = scope_of(request)
    area = area_or_own(scope, request.GET.get("area", "").strip())
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
