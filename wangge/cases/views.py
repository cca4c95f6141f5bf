"""Pages of the case loop: work lists, reporting, the case page with its actions,
notifications, and the public report / track / rate pages.

Views are thin: reads come from selectors (through the user's scope, so a case
outside it is a 404 on every page, photo and action), writes from one service
call per verb, whose refusals (ValidationError, CaseVersionConflict) are shown
on the page they came from.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.people.privacy import mask_phone
from wangge.validation import put_errors, submit

from . import notifications, selectors, services
from .forms import (
    DispatchForm,
    FilterForm,
    HandleForm,
    MergeForm,
    NoteForm,
    PhotoForm,
    PublicRatingForm,
    PublicReportForm,
    RateForm,
    ReasonForm,
    ReportForm,
    TrackForm,
)
from .models import Rating
from .services import CaseVersionConflict
from .states import Action, Status
from .throttle import rate_limited

PAGE_SIZE = 30
# Beyond this many buildings in the user's grids the report form offers none
# (a street's or a city's buildings make a drop-down nobody can use).
BUILDING_CHOICES = 300
TABS = {"mine": gettext_lazy("我的"), "queue": gettext_lazy("本级待办"), "overdue": gettext_lazy("超期"),
        "due_soon": gettext_lazy("即将到期"), "awaiting_verification": gettext_lazy("待核查"),
        "awaiting_rating": gettext_lazy("待评价"), "all": gettext_lazy("全部")}
ACCEPT_START = "accept_start"


# --- work lists ---------------------------------------------------------------------
@login_required
def case_list(request):
    """The user's work lists as tabs, with filters; every list lies within their scope."""
    tab = request.GET.get("list") or "mine"
    if tab not in TABS:
        raise Http404
    form = FilterForm(
        request.GET, statuses=Status.choices, categories=selectors.categories(),
        areas=selectors.filter_areas(request.user),
    )
    page_obj, errors = None, []
    if form.is_valid():
        try:
            cases = selectors.search_cases(
                request.user, work_list="" if tab == "all" else tab, **form.cleaned_data
            )
            page_obj = Paginator(selectors.list_rows(cases), PAGE_SIZE).get_page(request.GET.get("page"))
        except ValidationError as exc:
            errors = put_errors(form, exc)
    return render(request, "cases/list.html", {
        "tabs": TABS, "tab": tab, "form": form, "page_obj": page_obj, "errors": errors,
        "filtered": any(form.data.get(name) for name in form.fields),
    })


# --- reporting --------------------------------------------------------------------------
def _report_form(request, data=None, files=None, initial=None):
    return ReportForm(
        data, files, initial=initial, categories=selectors.categories(),
        grids=list(selectors.reporting_grids(request.user)),
        buildings=selectors.reporting_buildings(request.user, BUILDING_CHOICES),
    )


@never_cache
@login_required
def case_new(request):
    """A staff member reports what they found on a visit or patrol; fast on a phone.
    Their own grid is chosen already; coming from a household page (?household=,
    kept when the form posts back to the same address), so is the household."""
    household = None
    if request.GET.get("household", "").isdigit():
        household = selectors.household_in_scope(request.user, request.GET["household"])
    if request.method == "POST":
        form = _report_form(request, request.POST, request.FILES)
        case, errors = submit(request, form, lambda: services.report_case(
            actor=request.user, data=form.data_for_service(), photos=form.cleaned_data["photos"]))
        if case:
            messages.success(request, _("已上报，编号 %(number)s") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
        for error in errors:
            form.add_error(None, error)
        status = 400
    else:
        initial = {"source": "visit", "urgency": "normal", "area": selectors.own_grid(request.user)}
        if household:
            initial.update(area=household.area_code, building=household.building_id, household=household.pk)
        form = _report_form(request, initial=initial)
        status = 200
    return render(request, "cases/new.html", {"form": form, "household": household}, status=status)


# --- the case page and its actions ---------------------------------------------------------
@dataclass(frozen=True)
class Verb:
    """An action of the case page: its form, its service call, and whether it is a
    next step most users take (shown open rather than folded away)."""

    form: type
    call: Callable
    main: bool = False


def _note(service):
    return lambda c, d: service(**c, note=d["note"])


def _reason(service):
    return lambda c, d: service(**c, reason=d["reason"])


VERBS = {
    ACCEPT_START: Verb(NoteForm, _note(services.accept_and_start_case), main=True),
    Action.ACCEPT: Verb(NoteForm, _note(services.accept_case), main=True),
    Action.START: Verb(NoteForm, _note(services.start_case), main=True),
    Action.HANDLE: Verb(HandleForm, lambda c, d: services.handle_case(**c, note=d["note"], photos=d["photos"]),
                        main=True),
    Action.VERIFY: Verb(NoteForm, _note(services.verify_case), main=True),
    Action.CLOSE: Verb(NoteForm, _note(services.close_case), main=True),
    Action.DISPATCH: Verb(DispatchForm, lambda c, d: services.dispatch_case(
        **c, to_user=d["to_user"], to_level=d["to_level"], to_partner=d["to_partner"], note=d["note"])),
    Action.REJECT: Verb(ReasonForm, _reason(services.reject_case)),
    Action.REOPEN: Verb(ReasonForm, _reason(services.reopen_case)),
    Action.ESCALATE: Verb(ReasonForm, _reason(services.escalate_case)),
    Action.MERGE: Verb(MergeForm, lambda c, d: services.merge_case(
        **c, into=d["into"].strip().upper(), note=d["note"])),
    Action.RATE: Verb(RateForm, lambda c, d: services.rate_case(**c, rating=d["rating"], comment=d["comment"])),
    Action.PHOTO: Verb(PhotoForm, lambda c, d: services.add_photos(
        actor=c["actor"], number=c["number"], photos=d["photos"], note=d["note"])),
}
# Button names; an action without one here is named as in the timeline (states.Action).
LABELS = {
    **{action: Action(action).label for action in VERBS if action != ACCEPT_START},
    ACCEPT_START: gettext_lazy("受理并处置"),
    # The status 不予立案 and the verb share their Chinese, not their English.
    Action.REJECT: pgettext_lazy("action", "不予立案"),
    Action.VERIFY: gettext_lazy("核查通过"),
    Action.REOPEN: gettext_lazy("核查不通过，返工"),
    Action.RATE: gettext_lazy("回访评价"),
}


def _allowed(case, user) -> list[str]:
    """The page's actions the user may take now, in VERBS' order; 受理并处置 when
    the table lets the user do both steps."""
    allowed = set(selectors.allowed_actions(case, user))
    if selectors.may_accept_and_start(case, user):
        allowed.add(ACCEPT_START)
    return [action for action in VERBS if action in allowed]


def _form_for(action: str, case, data=None, files=None):
    kwargs = {}
    if action == Action.DISPATCH:
        kwargs = {"people": selectors.dispatch_candidates(case), "case_level": case.level,
                  "offices": selectors.office_names(case)}
    # Several forms share a page: their fields' ids carry the action, their names do not.
    return VERBS[action].form(data, files, initial={"version": case.version}, auto_id=f"{action}_%s", **kwargs)


def _case_page(request, case, *, bound=None, errors=(), status=200):
    """The case with its photos, timeline and the forms of the allowed actions;
    ``bound`` is an (action, form) pair to show again with what was typed."""
    allowed = _allowed(case, request.user)
    actions = []
    for action in allowed:
        form = bound[1] if bound and bound[0] == action else _form_for(action, case)
        # One tap for a worker: with 受理并处置 on offer, plain 受理 folds away.
        main = VERBS[action].main and not (action == Action.ACCEPT and ACCEPT_START in allowed)
        actions.append({"name": action, "label": LABELS[action], "form": form, "main": main,
                        "open": main or (bound is not None and bound[0] == action)})
    events = list(selectors.events_of(case))
    return render(request, "cases/detail.html", {
        "case": case,
        "events": events,
        "photos": [photo for event in events for photo in event.photos.all()],
        "owner": services.owner_label(case),
        "reporter_phone": mask_phone(case.reporter_phone),
        "main_actions": [a for a in actions if a["main"]],
        "more_actions": [a for a in actions if not a["main"]],
        "errors": errors,
    }, status=status)


@never_cache
@login_required
def case_detail(request, number):
    case = selectors.case_in_scope(request.user, number)
    # Opening the case is reading what the bell said about it.
    notifications.mark_read(request.user, case=case)
    return _case_page(request, case)


@never_cache
@login_required
@require_POST
def case_action(request, number, action):
    """One action from the case page. The case is found through the scope first,
    so a case outside it is a 404 before anything is read from the form."""
    case = selectors.case_in_scope(request.user, number)
    if action not in VERBS:
        raise Http404
    form = _form_for(action, case, request.POST, request.FILES)
    if not form.is_valid():
        hidden = [error for field in form.hidden_fields() for error in field.errors]  # a tampered version
        return _case_page(request, case, bound=(action, form), errors=hidden, status=400)
    data = form.cleaned_data
    try:
        VERBS[action].call({"actor": request.user, "number": number, "version": data.get("version")}, data)
    except CaseVersionConflict as exc:
        # Show the case as it is now; what was typed stays, under the current version.
        fresh = selectors.case_in_scope(request.user, number)
        retry = _form_for(action, fresh, {**request.POST.dict(), "version": fresh.version})
        return _case_page(request, fresh, bound=(action, retry), errors=[str(exc)], status=409)
    except ValidationError as exc:
        # Nothing was written: the case read above is still current.
        return _case_page(request, case, bound=(action, form), errors=put_errors(form, exc), status=422)
    messages.success(request, _("已完成：%(action)s") % {"action": LABELS[action]})
    return redirect("cases:detail", number=number)


@login_required
def case_photo(request, number, photo_id):
    """A photo, only through its case's scope (uploads are never served from MEDIA_URL)."""
    photo = selectors.case_photo(request.user, number, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- notifications --------------------------------------------------------------------------
@login_required
def notification_list(request):
    page_obj = Paginator(notifications.for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/notifications.html", {"page_obj": page_obj})


@login_required
@require_POST
def notifications_read(request):
    notifications.mark_read(request.user)
    return redirect("cases:notifications")


# --- residents (no account) ---------------------------------------------------------------------
def _public_report_form(data=None, files=None):
    return PublicReportForm(data, files, categories=selectors.categories(), places=selectors.public_places())


@never_cache
@rate_limited
def public_report(request):
    """A resident reports a problem: what, where, a phone for the return call."""
    if request.method == "POST":
        form = _public_report_form(request.POST, request.FILES)
        case, errors = submit(request, form, lambda: services.report_public(
            data=form.data_for_service(), photos=form.cleaned_data["photos"]))
        if case:
            return redirect("cases:reported", tracking=case.tracking)
        for error in errors:
            form.add_error(None, error)
        return render(request, "cases/public/report.html", {"form": form}, status=400)
    return render(request, "cases/public/report.html", {"form": _public_report_form()})


@rate_limited
def public_reported(request, tracking):
    """The tracking code, big: the one thing a resident must keep."""
    return render(request, "cases/public/reported.html", {"case": selectors.public_case(tracking)})


@rate_limited
def public_track_form(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("cases:track", tracking=form.cleaned_data["code"].strip().upper())
    return render(request, "cases/public/track_form.html", {"form": form})


def _track_page(request, case, *, form=None, errors=(), status=200):
    return render(request, "cases/public/track.html", {
        "case": case,
        "office": selectors.office_names(case).get(case.level, ""),
        "timeline": selectors.public_timeline(case),
        "form": form or PublicRatingForm(),
        "errors": errors,
    }, status=status)


@never_cache
@rate_limited
def public_track(request, tracking):
    """Progress for whoever holds the code: offices and steps, never people, phones,
    notes or the description; the rating form once the case is closed."""
    try:
        case = selectors.public_case(tracking)
    except Http404 as exc:
        form = TrackForm(initial={"code": tracking})
        return render(request, "cases/public/track_form.html", {"form": form, "not_found": str(exc)}, status=404)
    if request.method != "POST":
        return _track_page(request, case)
    form = PublicRatingForm(request.POST)
    form.is_valid()
    try:
        rated = services.rate_public(tracking=case.tracking, **form.cleaned_data)
    except ValidationError as exc:
        return _track_page(request, case, form=form, errors=put_errors(form, exc), status=422)
    if rated.rating == Rating.DISSATISFIED:
        messages.info(request, _("感谢您的评价。我们已重新交办处理，请继续关注进展。"))
    else:
        messages.success(request, _("感谢您的评价！"))
    return redirect("cases:track", tracking=case.tracking)
