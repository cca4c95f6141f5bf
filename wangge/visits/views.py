"""Visit pages: the field view (today's list and the quick entry), visit records,
care visits due, coverage and blind spots, and sweep plans.

Views are thin: reads come from selectors through the user's scope (a place or
visit outside it is a 404), writes from one service call. The quick entry works
without JavaScript (a plain form post); with it, static/visits/field.js sends
entries through the API and keeps them on the phone while offline.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import scope_of
from wangge.areas.codes import Level
from wangge.areas.selectors import area_choices, area_or_own, areas_for, buildings_for, households_for
from wangge.cases.selectors import categories

from . import selectors, services
from .forms import NEED_ROWS, PlanForm, VisitFilterForm, entry_data, new_client_id
from .models import PEOPLE_KINDS, PLACE_KINDS, Kind

PAGE_SIZE = 50
# Beyond this many grids in scope the field view offers no grid drop-down (a city's helps nobody).
GRID_CHOICES = 60
STALE_DAYS = 90
MAP_SIZE = 320


# --- helpers -------------------------------------------------------------------------
def _day(value: str | None) -> datetime.date:
    return (parse_date(value) if value else None) or timezone.localdate()


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))




def _entry_context(*, kinds, posted=None) -> dict:
    """What the quick-entry form needs; ``posted`` refills it after a refusal."""
    posted = posted or {}
    rows = sorted({int(k.split("-")[1]) for k in posted if k.startswith("needs-") and k.split("-")[1].isdigit()})
    rows = rows or list(range(NEED_ROWS))
    return {
        "kinds": [(k, Kind(k).label) for k in kinds],
        "categories": categories(),
        "need_rows": [
            {"i": i, "text": posted.get(f"needs-{i}-text", ""), "outcome": posted.get(f"needs-{i}-outcome", ""),
             "category": posted.get(f"needs-{i}-category", "")}
            for i in rows
        ],
        "blank_row": {"i": "__i__"},  # the row field.js copies to add one
        "client_id": posted.get("client_id") or new_client_id(),
        "posted": posted,
    }


# --- the field view --------------------------------------------------------------------
@login_required
def today(request):
    """Today's list (or another day's): one tap on a household opens the quick entry."""
    day = _day(request.GET.get("date"))
    area = request.GET.get("area", "").strip()
    work = selectors.worklist(request.user, day, area=area)
    scope = scope_of(request)
    grids = areas_for(scope, level=Level.GRID)
    return render(request, "visits/today.html", {
        "work": work,
        "day": day,
        "is_today": day == timezone.localdate(),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "area": area,
        "grid_choices": list(grids[: GRID_CHOICES + 1]) if grids.count() <= GRID_CHOICES else None,
        **_entry_context(kinds=PEOPLE_KINDS),
    })


@login_required
def new(request):
    """The quick entry as a page of its own: the link from a household, and the
    form that works without JavaScript. ``household`` or ``building`` names the place."""
    scope = scope_of(request)
    params = request.POST if request.method == "POST" else request.GET
    household = building = None
    if params.get("household"):
        household = scope.get_or_404(households_for(scope), pk=params["household"])
    elif params.get("building"):
        building = scope.get_or_404(buildings_for(scope), pk=params["building"])
    else:
        raise Http404(_("请从走访清单或户、楼栋页选择走访地点"))
    kinds = PEOPLE_KINDS if household else PLACE_KINDS
    context = {
        "household": household, "building": building, "errors": [], "conflict": None,
        "version": selectors.household_version(household.pk) if household else "",
        **_entry_context(kinds=kinds),
    }
    if request.method == "POST":
        data, photos = entry_data(request.POST, request.FILES)
        try:
            recorded = services.record_visit(actor=request.user, data=data, photos=photos)
        except ValidationError as exc:
            context.update(errors=_messages(exc), **_entry_context(kinds=kinds, posted=request.POST))
        except services.HouseholdChanged as exc:
            # Shown, not overwritten: the same entry sent again with the new version records it.
            context.update(conflict=exc, version=exc.version, **_entry_context(kinds=kinds, posted=request.POST))
        else:
            _say_recorded(request, recorded)
            return redirect("visits:today")
    return render(request, "visits/new.html", context, status=422 if context["errors"] else 200)


def _messages(exc: ValidationError) -> list[str]:
    """Field errors as sentences; a need's errors name the need by its number."""
    labels = {"kind": _("方式"), "met": _("见到"), "summary": _("情况"), "visited_at": _("走访时间"),
              "household": _("户"), "building": _("楼栋"), "place": _("地点"), "visitors": _("同行人员")}
    lines = []
    for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]):
        if name.startswith("needs."):
            label = _("第 %(n)s 条诉求") % {"n": int(name.split(".")[1]) + 1}
        else:
            label = labels.get(name, "")
        lines.extend(f"{label}：{error}" if label else error for error in errors)
    return lines


def _say_recorded(request, recorded) -> None:
    if not recorded.created:
        messages.info(request, _("这条走访已经记录过了"))
        return
    cases = [need.case.number for need in recorded.visit.needs.all() if need.case_id]
    text = _("已记录走访：%(place)s") % {"place": recorded.visit.place_label}
    if cases:
        text += _("；已转为诉求 %(numbers)s") % {"numbers": "、".join(cases)}
    messages.success(request, text)


# --- records ----------------------------------------------------------------------------
@login_required
def visit_list(request):
    scope = scope_of(request)
    current = area_or_own(scope, request.GET.get("area", "").strip())
    form = VisitFilterForm(request.GET or None, areas=area_choices(scope, current, with_current_children=True),
                           kinds=Kind.choices)
    filters = form.cleaned_data if form.is_valid() else {}
    visits = selectors.search_visits(scope, **{k: v for k, v in filters.items() if v})
    return render(request, "visits/list.html", {"form": form, "page_obj": _page(request, visits),
                                                "filtered": bool(filters and any(filters.values()))})


@login_required
def visit_detail(request, pk):
    return render(request, "visits/detail.html", {"visit": selectors.visit_in_scope(scope_of(request), pk)})


# --- care visits ---------------------------------------------------------------------------
@login_required
def care(request):
    """Care visits due today or overdue (or within the coming days), and per grid for staff above one."""
    scope = scope_of(request)
    area = area_or_own(scope, request.GET.get("area", "").strip())
    within = request.GET.get("within", "0")
    within = int(within) if within.isdigit() and int(within) <= 31 else 0
    today_ = timezone.localdate()
    rows = selectors.care_due(scope, today=today_, area=area.code, within=within)
    return render(request, "visits/care.html", {
        "area": area, "areas": area_choices(scope, area, with_current_children=True),
        "within": within, "today": today_,
        "count": len(rows), "overdue": sum(1 for r in rows if r.due.overdue), "page_obj": _page(request, rows),
        "grids": selectors.care_by_grid(scope, area=area.code, today=today_) if area.level != Level.GRID else [],
    })


# --- coverage and blind spots ------------------------------------------------------------------
@login_required
def coverage(request):
    scope = scope_of(request)
    area = area_or_own(scope, request.GET.get("area", "").strip())
    end = _day(request.GET.get("to"))
    start = parse_date(request.GET.get("from") or "") or end - datetime.timedelta(days=29)
    if start > end:
        start, end = end, start
    total, = selectors.coverage(scope, area.code, start, end)
    today_ = timezone.localdate()
    unvisited = selectors.unvisited_buildings(scope, area=area.code)
    return render(request, "visits/coverage.html", {
        "area": area, "areas": area_choices(scope, area, with_current_children=True),
        "start": start, "end": end, "total": total,
        "children": selectors.coverage(scope, area.code, start, end, by_children=True),
        "stale_days": STALE_DAYS,
        "stale_count": selectors.stale_households(scope, area=area.code, days=STALE_DAYS, today=today_).count(),
        "unvisited_count": unvisited.count(),
        "unvisited": unvisited[:20],
        "layer": _layer(selectors.building_layer(scope, area=area.code, today=today_)),
    })


def _layer(rows) -> dict | None:
    """The buildings as points of an SVG map (no base map, no script): the frame is
    the buildings' own extent, north up; colours come from the age band's class."""
    placed = [r for r in rows if r.building.lat is not None and r.building.lng is not None]
    if not placed:
        return None
    lats, lngs = [r.building.lat for r in placed], [r.building.lng for r in placed]
    margin = 10
    ratio = (MAP_SIZE - 2 * margin) / (max(max(lats) - min(lats), max(lngs) - min(lngs)) or 1e-3)
    height = round((max(lats) - min(lats)) * ratio + 2 * margin)
    points = [
        {"x": round(margin + (r.building.lng - min(lngs)) * ratio, 1),
         "y": round(height - margin - (r.building.lat - min(lats)) * ratio, 1),
         "band": r.band, "title": str(r.building), "age": r.age_days}
        for r in placed
    ]
    counts = {band: sum(1 for r in rows if r.band == band) for band in ("recent", "aging", "stale", "never")}
    return {"width": MAP_SIZE, "height": height, "points": points, "counts": counts}


@login_required
def blind_spots(request):
    scope = scope_of(request)
    area = area_or_own(scope, request.GET.get("area", "").strip())
    days = request.GET.get("days", str(STALE_DAYS))
    days = int(days) if days.isdigit() and 1 <= int(days) <= 3660 else STALE_DAYS
    stale = selectors.stale_households(scope, area=area.code, days=days, today=timezone.localdate())
    return render(request, "visits/blind_spots.html", {
        "area": area, "areas": area_choices(scope, area, with_current_children=True), "days": days, "page_obj": _page(request, stale),
        "unvisited": selectors.unvisited_buildings(scope, area=area.code)[:200],
    })


# --- sweep plans --------------------------------------------------------------------------
@login_required
def plan_list(request):
    plans = list(selectors.plans_for(scope_of(request)))
    for plan in plans:
        plan.editable = selectors.may_plan(request.user, plan.area_code)
    return render(request, "visits/plans.html", {
        "plans": plans, "may_plan": bool(selectors.planner_communities(request.user)),
    })


@login_required
def plan_new(request):
    communities = selectors.planner_communities(request.user)
    if not communities:
        raise Http404(_("走访计划由社区工作人员制定"))
    scope = scope_of(request)
    codes = [c.code for c in communities]
    grids = [g for g in areas_for(scope, level=Level.GRID) if g.code[:12] in codes]
    people = sorted(selectors.community_staff(codes), key=lambda u: u.username)
    form = PlanForm(request.POST or None, communities=communities, people=people, grids=grids,
                    initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("已建立走访计划：%(name)s") % {"name": plan.name})
            return redirect("visits:plans")
    return render(request, "visits/plan_new.html", {"form": form})


@login_required
@require_POST
def plan_toggle(request, pk):
    try:
        plan = services.set_plan_active(actor=request.user, plan_id=pk, active=request.POST.get("active") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("已恢复：%(name)s") if plan.is_active else _("已暂停：%(name)s")) % {"name": plan.name})
    return redirect(reverse("visits:plans"))
