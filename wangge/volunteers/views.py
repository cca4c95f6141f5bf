"""Pages: volunteers with their confirmed hours and certificate, and help tasks
(求助任务) with the ranked volunteers to ask and the buttons to assign, accept,
complete and cancel.

Views are thin: reads through selectors (a task or volunteer the user may not
see is a 404 on every page and action), writes through one service call per
verb, whose refusals are shown on the page they came from.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.scope import Scope, scope_of
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.areas.selectors import areas_for
from wangge.people.models import Resident
from wangge.people.privacy import mask_phone
from wangge.people.selectors import search_residents
from wangge.validation import form_status, put_errors, submit

from . import selectors, services
from .certificate import certificate_response
from .forms import AssignForm, CancelForm, CompleteForm, TaskForm, TeamForm, VolunteerForm
from .matching import rank_volunteers
from .models import HelpTask, Skill, TaskStatus, Team, Volunteer

PAGE_SIZE = 50
#: Candidates shown on a task page (the rest are further down the same order).
CANDIDATES_SHOWN = 20


# --- volunteers ----------------------------------------------------------------------
@login_required
def volunteer_list(request):
    scope = scope_of(request)
    skill = request.GET.get("skill", "")
    skill = skill if skill in Skill.values else ""
    partner_only = request.GET.get("governance_partner") == "1"
    rows = selectors.volunteers_for(scope, skill=skill, q=request.GET.get("q", ""),
                                    governance_partner=True if partner_only else None)
    return render(request, "volunteers/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "may_create": bool(scope.codes),
        "teams": selectors.teams_for(scope), "totals": selectors.hours_totals(scope),
        "skills": Skill.choices, "skill": skill, "skill_names": dict(Skill.choices),
        "q": request.GET.get("q", ""), "partner_only": partner_only,
    })


@login_required
def volunteer_detail(request, pk):
    """One volunteer: skills, teams, service records (confirmed or not) and the link
    to the certificate of their confirmed hours."""
    volunteer = selectors.volunteer_for_record(request.user, pk)
    records = volunteer.records.select_related("team", "confirmed_by")
    confirmed = records.filter(confirmed_at__isnull=False).aggregate(hours=Sum("hours"), n=Count("id"))
    return render(request, "volunteers/detail.html", {
        "volunteer": volunteer, "manages": scope_of(request).covers(volunteer.area_code), "phone": mask_phone(volunteer.phone), "skill_names": dict(Skill.choices),
        "records": records[:100], "confirmed_hours": confirmed["hours"] or 0, "confirmed_records": confirmed["n"],
        "tasks": selectors.tasks_for(request.user).filter(volunteer=volunteer)[:20],
        "today": timezone.localdate(),
    })


@login_required
def volunteer_certificate(request, pk):
    """志愿服务记录证明 as a PDF, for the period asked (all confirmed records by default)."""
    volunteer = selectors.volunteer_for_record(request.user, pk)
    date_from, date_to = (parse_date(request.GET.get(name) or "") for name in ("date_from", "date_to"))
    try:
        return certificate_response(volunteer, date_from=date_from, date_to=date_to, request=request)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("volunteers:detail", pk=pk)


# --- registering and editing volunteers ---------------------------------------------------
#: Residents offered by one search on the register page.
RESIDENT_MATCHES = 20
#: Volunteers offered by one search on a team's page.
MEMBER_MATCHES = 30


def _communities(scope: Scope) -> list[Area]:
    return list(areas_for(scope, level=Level.COMMUNITY).order_by("code")[:1000])


def _resident_search(request, scope: Scope) -> dict:
    """The register page's resident search (name, pinyin or the ID number's last 4),
    through wangge.people: residents in scope, those already registered marked."""
    rq = request.GET.get("rq", "").strip()
    matches = list(search_residents(scope, q=rq)[:RESIDENT_MATCHES]) if rq else []
    registered = selectors.registered_residents([r.pk for r in matches])
    return {"rq": rq, "matches": [(r, r.pk in registered) for r in matches]}


def _chosen_resident(scope: Scope, value) -> Resident | None:
    return (scope.filter(Resident).select_related("household").filter(pk=value).first()
            if str(value or "").isdigit() else None)


def _volunteer_values(form, posted) -> dict:
    """The form's values, with the resident posted as it was (the service checks it
    against the scope: a resident the user may not see is "not found")."""
    data = dict(form.cleaned_data)
    data["resident"] = int(posted) if str(posted or "").isdigit() and int(posted) else None
    return data


@never_cache
@login_required
def volunteer_new(request):
    """志愿者登记: find the resident first (where they live here), or register someone
    who does not; ``?resident=<id>`` fills in their name, phone and community."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    data = request.POST if request.method == "POST" else None
    resident = _chosen_resident(scope, (data or request.GET).get("resident"))
    initial = {}
    if resident is not None:
        initial = {"resident": resident.pk, "name": resident.name, "phone": resident.phone,
                   "area": resident.area_code[:12]}
    form = VolunteerForm(data, areas=_communities(scope), initial=initial)
    volunteer, errors = submit(request, form, lambda: services.register_volunteer(
        scope=scope, data=_volunteer_values(form, data.get("resident"))))
    if volunteer:
        messages.success(request, _("已登记志愿者：%(name)s") % {"name": volunteer.name})
        return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {
        "form": form, "errors": errors, "resident": resident, "volunteer": None, **_resident_search(request, scope),
    }, status=form_status(request))


@never_cache
@login_required
def volunteer_edit(request, pk):
    """修改志愿者信息, link or unlink the resident (``?resident=<id>`` / ``resident=0``)."""
    scope = scope_of(request)
    volunteer = scope.get_or_404(Volunteer.objects.select_related("resident", "area"), pk=pk)
    data = request.POST if request.method == "POST" else None
    asked = (data or request.GET).get("resident")
    resident = volunteer.resident if asked is None else _chosen_resident(scope, asked)
    form = VolunteerForm(data, areas=_communities(scope), initial={
        "name": volunteer.name, "phone": volunteer.phone, "area": volunteer.area_code, "skills": volunteer.skills,
        "availability": volunteer.availability, "is_governance_partner": volunteer.is_governance_partner,
    })
    saved, errors = submit(request, form, lambda: services.update_volunteer(
        scope=scope, volunteer=volunteer, data=_volunteer_values(form, data.get("resident", volunteer.resident_id))),
        refresh=volunteer)
    if saved:
        messages.success(request, _("已保存"))
        return redirect("volunteers:detail", pk=pk)
    return render(request, "volunteers/volunteer_form.html", {
        "form": form, "errors": errors, "resident": resident, "volunteer": volunteer,
        **_resident_search(request, scope),
    }, status=form_status(request))


@never_cache
@login_required
@require_POST
def volunteer_register_switch(request, pk):
    """注销 (no longer in the register; their records and hours stay) or 重新登记在册."""
    scope = scope_of(request)
    volunteer = scope.get_or_404(Volunteer, pk=pk)
    services.update_volunteer(scope=scope, volunteer=volunteer, data={"is_active": not volunteer.is_active})
    if volunteer.is_active:
        messages.success(request, _("已重新登记在册：%(name)s") % {"name": volunteer.name})
    else:
        messages.success(request, _("已注销：%(name)s（服务记录保留）") % {"name": volunteer.name})
    return redirect("volunteers:detail", pk=pk)


# --- teams -----------------------------------------------------------------------------------
def _team_areas(scope: Scope) -> list[Area]:
    return list(areas_for(scope).filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("code")[:1000])


@never_cache
@login_required
def team_new(request):
    """新建志愿服务队; its leader and members are chosen on its page next."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = TeamForm(data, areas=_team_areas(scope))
    team, errors = submit(request, form, lambda: services.create_team(scope=scope, data=form.cleaned_data))
    if team:
        messages.success(request, _("已新建服务队：%(name)s") % {"name": team.name})
        return redirect("volunteers:team", pk=team.pk)
    return render(request, "volunteers/team_form.html", {"form": form, "errors": errors, "team": None},
                  status=form_status(request))


@never_cache
@login_required
def team_edit(request, pk):
    """A team's page: name, area, description, the leader and the members. ``?vq=``
    finds volunteers of the team's area to add; unticking a member removes them."""
    scope = scope_of(request)
    team = scope.get_or_404(Team.objects.select_related("leader", "area"), pk=pk)
    data = request.POST if request.method == "POST" else None
    form = TeamForm(data, areas=_team_areas(scope), initial={
        "name": team.name, "area": team.area_code, "description": team.description})

    def write():
        values = dict(form.cleaned_data)
        values["members"] = [int(v) for v in data.getlist("members") if v.isdigit()]
        values["leader"] = int(data["leader"]) if data.get("leader", "").isdigit() else None
        return services.update_team(scope=scope, team=team, data=values)

    saved, errors = submit(request, form, write, refresh=team)
    if saved:
        messages.success(request, _("已保存"))
        return redirect("volunteers:team", pk=pk)
    members = list(team.members.order_by("name", "pk"))
    vq = request.GET.get("vq", "").strip()
    more = []
    if vq:
        more = list(selectors.volunteers_for(scope, area=team.area_code, q=vq)
                    .exclude(pk__in=[m.pk for m in members])[:MEMBER_MATCHES])
    return render(request, "volunteers/team_form.html", {
        "form": form, "errors": errors, "team": team, "members": members, "more": more, "vq": vq,
    }, status=form_status(request))


# --- help tasks ------------------------------------------------------------------------
@login_required
def task_list(request):
    """The tasks the user sees, those waiting for someone first (转社区, then 待接单)."""
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    rows = selectors.tasks_for(request.user, status=status)
    counts = dict(HelpTask.objects.filter(selectors.visible_tasks_q(request.user)).order_by()
                  .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "volunteers/task_list.html", {
        "page_obj": page, "status": status, "may_create": bool(scope_of(request).codes),
        "statuses": [(s.value, s.label, counts.get(s.value, 0)) for s in selectors.STATUS_ORDER],
        "shows_person": {t.pk for t in page.object_list if selectors.shows_person(request.user, t)},
    })


def _task_areas(scope) -> list[Area]:
    return list(scope.filter(Area).filter(level__in=[Level.COMMUNITY, Level.GRID]).order_by("code")[:1000])


@never_cache
@login_required
def task_new(request):
    """Offer a task (发布求助任务). ``?resident=<id>`` fills in whom it helps."""
    scope = scope_of(request)
    if not scope.codes:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, areas=_task_areas(scope), initial={"resident": request.GET.get("resident")})
    resident_id = (data or request.GET).get("resident")
    resident = scope.filter(Resident).filter(pk=resident_id).first() if str(resident_id or "").isdigit() else None

    def write():
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        values["resident"] = resident.pk if resident else None
        return services.create_task(scope=scope, actor=request.user, data=values)

    task, errors = submit(request, form, write)
    if task:
        messages.success(request, _("已发布求助任务"))
        return redirect("volunteers:task", pk=task.pk)
    return render(request, "volunteers/task_new.html", {"form": form, "resident": resident, "errors": errors},
                  status=form_status(request))


def _task_page(request, task, *, bound=None, errors=(), status=200):
    user, scope = request.user, scope_of(request)
    manages = selectors.manages(user, task)
    candidates = rank_volunteers(task, scope=scope) if manages and task.is_unaccepted else []
    own = selectors.is_own(user, task)
    complete_form = bound if isinstance(bound, CompleteForm) else CompleteForm(
        initial={"hours": task.estimated_hours, "date": timezone.localdate()}, auto_id="complete_%s")
    cancel_form = bound if isinstance(bound, CancelForm) else CancelForm(auto_id="cancel_%s")
    return render(request, "volunteers/task_detail.html", {
        "task": task, "manages": manages, "shows_person": selectors.shows_person(user, task),
        "candidates": candidates[:CANDIDATES_SHOWN], "candidate_count": len(candidates),
        "may_accept": selectors.may_accept(user, task),
        "may_complete": task.status == TaskStatus.ACCEPTED and (manages or own), "own": own,
        "may_cancel": manages and task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED),
        "complete_form": complete_form, "cancel_form": cancel_form, "errors": errors,
    }, status=status)


@never_cache
@login_required
def task_detail(request, pk):
    return _task_page(request, selectors.task_for(request.user, pk))


ACTIONS = {
    "accept": (None, gettext_lazy("接单")),
    "assign": (AssignForm, gettext_lazy("指派")),
    "complete": (CompleteForm, gettext_lazy("完成登记")),
    "cancel": (CancelForm, gettext_lazy("取消任务")),
}


@never_cache
@login_required
@require_POST
def task_action(request, pk, action):
    """One action from the task page; the task is found through what the user may
    see first, so any other task is a 404 before the form is read."""
    task = selectors.task_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, label = ACTIONS[action]
    form = form_class(request.POST, auto_id=f"{action}_%s") if form_class else None
    if form is not None and not form.is_valid():
        return _task_page(request, task, bound=form, errors=[e for f in form.hidden_fields() for e in f.errors],
                          status=400)
    scope, data = scope_of(request), form.cleaned_data if form else {}
    try:
        if action == "accept":
            services.accept_task(scope=scope, actor=request.user, task=task)
        elif action == "assign":
            volunteer = selectors.volunteers_for(scope).filter(pk=data["volunteer"]).first()
            if volunteer is None:
                raise ValidationError({"volunteer": [_("未找到该志愿者")]})
            services.accept_task(scope=scope, actor=request.user, task=task, volunteer=volunteer)
        elif action == "complete":
            services.complete_task(scope=scope, actor=request.user, task=task, data=data)
        else:
            services.cancel_task(scope=scope, actor=request.user, task=task, reason=data.get("reason", ""))
    except ValidationError as exc:
        fresh = selectors.task_for(request.user, pk)
        errors = put_errors(form, exc) if form else list(exc.messages)
        return _task_page(request, fresh, bound=form, errors=errors, status=422)
    messages.success(request, _("已完成：%(action)s") % {"action": label})
    return redirect("volunteers:task", pk=pk)
