"""Pages: service activities and people served; registering an activity (or a recurring
series), editing it, and after it the people served, the outcome, the volunteers'
hours (their service records, confirmed by the organiser recording them), the
residents served and photos.

Views are thin: reads through selectors and the scope (another area's activity is a
404 on every page, photo and action), writes through one service call each, whose
field errors are shown on the form they came from.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.codes import Level
from wangge.areas.selectors import areas_for
from wangge.cases.selectors import categories
from wangge.partners.selectors import partners_for
from wangge.people.selectors import search_residents
from wangge.validation import form_status, put_errors, submit
from wangge.volunteers.selectors import volunteers_for

from . import selectors, services
from .forms import ActivityForm, NewActivityForm, OutcomeForm, PhotoForm
from .models import ActivityKind

PAGE_SIZE = 50
#: Volunteers or residents offered by one search on the activity page.
MATCHES = 30


@login_required
def activity_list(request):
    scope = scope_of(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    series = request.GET.get("series", "").strip()
    rows = selectors.activities_for(scope, kind=kind, series=series)
    return render(request, "activities/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": selectors.activity_totals(scope, kind=kind, series=series), "kinds": ActivityKind.choices,
        "kind": kind, "series": series, "may_create": bool(scope.codes),
    })


def _form_kwargs(request, scope: Scope, current=()) -> dict:
    partners = list(partners_for(scope, request.user).order_by("name")[:500])
    partners += [p for p in current if p not in partners]
    return {
        "areas": list(areas_for(scope).filter(level__in=[Level.CITY, Level.STREET, Level.COMMUNITY])
                      .order_by("code")[:1000]),
        "tops": categories(), "partners": partners,
    }


def _values(form) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    data["partners"] = form.cleaned_data.get("partners") or []
    data.setdefault("kind", "")
    return data


@never_cache
@login_required
def activity_new(request):
    """登记活动; with 每 N 个月、共 M 次 the whole series at once."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = NewActivityForm(data, **_form_kwargs(request, scope))
    created, errors = submit(request, form, lambda: services.create_activity(scope=scope, actor=request.user,
                                                                             data=_values(form)))
    if created:
        if len(created) > 1:
            messages.success(request, _("已登记定期活动：共 %(n)s 次") % {"n": len(created)})
        else:
            messages.success(request, _("已登记活动"))
        return redirect("activities:detail", pk=created[0].pk)
    return render(request, "activities/form.html", {"form": form, "errors": errors, "activity": None},
                  status=form_status(request))


@never_cache
@login_required
def activity_edit(request, pk):
    scope = scope_of(request)
    activity = selectors.activity_in_scope(scope, pk)
    current = list(activity.partners.all())
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, **_form_kwargs(request, scope, current), initial={
        "title": activity.title, "kind": activity.kind, "date": activity.date, "place": activity.place,
        "area": activity.area_code, "category": activity.category.code if activity.category_id else "",
        "partners": [p.pk for p in current], "series": activity.series,
    })

    def write():
        values = _values(form)
        for name in ("place", "series", "category"):
            values.setdefault(name, "")
        if set(values["partners"]) == {p.pk for p in current}:
            del values["partners"]  # unchanged: a partner switched off since stays on its past activities
        return services.update_activity(scope=scope, activity=activity, data=values)

    saved, errors = submit(request, form, write)
    if saved:
        messages.success(request, _("已保存"))
        return redirect("activities:detail", pk=pk)
    return render(request, "activities/form.html", {"form": form, "errors": errors, "activity": activity},
                  status=form_status(request))


def _activity_page(request, activity, *, outcome_form=None, photo_form=None, errors=(), status=200):
    scope = scope_of(request)
    records = selectors.service_records(activity)
    recorded = {r.volunteer_id: r for r in records}
    volunteers = list(activity.volunteers.all())
    vq = request.GET.get("vq", "").strip()
    if vq:
        volunteers += list(volunteers_for(scope, area=activity.area_code, q=vq)
                           .exclude(pk__in=[v.pk for v in volunteers])[:MATCHES])
    on_activity = {v.pk for v in activity.volunteers.all()}
    residents = list(activity.residents.select_related("household"))
    rq = request.GET.get("rq", "").strip()
    found_residents = []
    if rq:
        found_residents = list(search_residents(scope, q=rq, area=activity.area_code)
                               .exclude(pk__in=[r.pk for r in residents])[:MATCHES])
    return render(request, "activities/detail.html", {
        "activity": activity,
        "volunteer_rows": [(v, v.pk in on_activity, recorded.get(v.pk), request.POST.get(f"hours_{v.pk}", ""))
                           for v in volunteers],
        "residents": residents, "found_residents": found_residents, "vq": vq, "rq": rq,
        "records": records, "confirmed_hours": selectors.confirmed_hours(records),
        "held": activity.date <= timezone.localdate(),
        "outcome_form": outcome_form or OutcomeForm(initial={"participants": activity.participants,
                                                            "outcome": activity.outcome}),
        "photo_form": photo_form or PhotoForm(),
        "photos": list(activity.photos.all()), "max_photos": services.MAX_PHOTOS,
        "errors": errors,
    }, status=status)


@never_cache
@login_required
def activity_detail(request, pk):
    """The activity with its partners, volunteers and their hours, residents served and
    photos; ``?vq=`` and ``?rq=`` find volunteers and residents to add."""
    return _activity_page(request, selectors.activity_in_scope(scope_of(request), pk))


@never_cache
@login_required
@require_POST
def activity_record(request, pk):
    """参与情况: people served, outcome, the volunteers ticked (with the hours each gave,
    recorded once as their confirmed service record) and the residents served."""
    scope = scope_of(request)
    activity = selectors.activity_in_scope(scope, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _activity_page(request, activity, outcome_form=form, status=422)
    post = request.POST
    ticked = [int(v) for v in post.getlist("volunteers") if v.isdigit()]
    hours = {pk: post.get(f"hours_{pk}", "").strip() for pk in ticked}
    try:
        services.record_outcome(
            scope=scope, actor=request.user, activity=activity,
            participants=form.cleaned_data["participants"],
            outcome=form.cleaned_data["outcome"], volunteers=ticked,
            residents=[int(r) for r in post.getlist("residents") if r.isdigit()],
            hours={pk: value for pk, value in hours.items() if value},
        )
    except ValidationError as exc:
        errors = put_errors(form, exc)
        return _activity_page(request, selectors.activity_in_scope(scope, pk), outcome_form=form, errors=errors,
                              status=422)
    messages.success(request, _("已保存参与情况"))
    return redirect("activities:detail", pk=pk)


@never_cache
@login_required
@require_POST
def activity_photos(request, pk):
    scope = scope_of(request)
    activity = selectors.activity_in_scope(scope, pk)
    form = PhotoForm(request.POST, request.FILES)
    form.is_valid()
    try:
        saved = services.add_photos(scope=scope, actor=request.user, activity=activity,
                                    photos=form.cleaned_data.get("photos") or [])
    except ValidationError as exc:
        errors = put_errors(form, exc)
        return _activity_page(request, activity, photo_form=form, errors=errors, status=422)
    messages.success(request, _("已上传 %(n)s 张照片") % {"n": len(saved)})
    return redirect("activities:detail", pk=pk)


@login_required
def activity_photo(request, pk, photo_id):
    """A photo, only through its activity's scope (uploads are never served from MEDIA_URL)."""
    photo = selectors.photo_of(scope_of(request), pk, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@never_cache
@login_required
@require_POST
def activity_photo_delete(request, pk, photo_id):
    scope = scope_of(request)
    activity = selectors.activity_in_scope(scope, pk)
    selectors.photo_of(scope, pk, photo_id)
    services.remove_photo(scope=scope, activity=activity, photo_id=photo_id)
    messages.success(request, _("已删除照片"))
    return redirect("activities:detail", pk=pk)
