"""Pages of projects (民生项目): the month's list, the suggestion list with 立项, and
the project page (its cases, partners, volunteers, plan, result, completion).

Views are thin: reads through selectors (in the user's scope, so another area's
project is a 404 on every page and action), writes through one service call each,
whose refusals are shown on the page they came from.
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

from wangge.accounts.scope import scope_of
from wangge.areas.codes import Level
from wangge.areas.selectors import areas_for
from wangge.cases.selectors import categories
from wangge.cases.states import Status as CaseStatus

from . import selectors, services
from .forms import CancelForm, CloseForm, PlanForm, ProjectForm
from .models import ProjectStatus

PAGE_SIZE = 30
VOLUNTEER_CHOICES = 50


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return exc.messages


def _month(request) -> str:
    month = request.GET.get("month", "").strip()
    if month == "all":
        return ""
    try:
        return selectors.check_month(month) if month else selectors.current_month()
    except ValidationError:
        raise Http404


@login_required
def project_list(request):
    """The projects of a month (the current one unless asked; ``month=all`` for every month)."""
    scope = scope_of(request)
    month = _month(request)
    status = request.GET.get("status", "")
    status = status if status in ProjectStatus.values else ""
    rows = selectors.projects_for(scope, month=month, status=status)
    return render(request, "projects/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "month": month, "this_month": month or selectors.current_month(),
        "previous": selectors.shift_month(month or selectors.current_month(), -1),
        "next": selectors.shift_month(month or selectors.current_month(), 1),
        "statuses": ProjectStatus.choices, "status": status,
    })


@login_required
def suggestions(request):
    """Open cases of one category clustered by estate: 立项 turns a cluster into a project."""
    scope = scope_of(request)
    month = _month(request) or selectors.current_month()
    clusters = selectors.suggest_projects(scope, month)
    for cluster in clusters:
        cluster["can_create"] = bool(cluster["area"]) and scope.covers(cluster["area"])
    return render(request, "projects/suggestions.html", {
        "suggestions": clusters, "month": month,
        "previous": selectors.shift_month(month, -1), "next": selectors.shift_month(month, 1),
    })


def _project_areas(scope):
    return [a for a in areas_for(scope) if a.level in (Level.STREET, Level.COMMUNITY)]


@never_cache
@login_required
def project_new(request):
    """立项: a blank form, or (POST) the form a suggestion sends with its cases."""
    scope = scope_of(request)
    kwargs = {"areas": _project_areas(scope), "tops": categories()}
    errors: list[str] = []
    if request.method == "POST":
        form = ProjectForm(request.POST, **kwargs)
        form.is_valid()
        try:
            project = services.create_project(
                actor=request.user, **{name: form.cleaned_data.get(name, "") for name in form.fields},
                cases=request.POST.getlist("cases"),
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            messages.success(request, _("已立项：%(title)s") % {"title": project.title})
            return redirect("projects:detail", pk=project.pk)
    else:
        form = ProjectForm(initial={"month": selectors.current_month()}, **kwargs)
    return render(request, "projects/new.html", {
        "form": form, "errors": errors, "cases": request.POST.getlist("cases"),
    }, status=422 if errors else 200)


def _project_page(request, project, *, errors=(), forms=None, status=200):
    scope = scope_of(request)
    forms = forms or {}
    assigned_volunteers = list(project.volunteers.all())
    q = request.GET.get("vq", "").strip()
    more = selectors.volunteer_choices(scope, project, q=q).exclude(
        pk__in=[v.pk for v in assigned_volunteers])[:VOLUNTEER_CHOICES]
    assigned_partners = {p.pk for p in project.partners.all()}
    return render(request, "projects/detail.html", {
        "project": project,
        "links": list(project.links.all()),
        "partners": [(p, p.pk in assigned_partners) for p in selectors.partner_choices(scope, request.user, project)],
        "assigned_volunteers": assigned_volunteers,
        "more_volunteers": list(more),
        "vq": q,
        "candidates": selectors.case_candidates(request.user, project) if project.is_open else [],
        "plan_form": forms.get("plan") or PlanForm(initial={"title": project.title, "plan": project.plan}),
        "close_form": forms.get("close") or CloseForm(),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "errors": errors,
        "case_closed": CaseStatus.CLOSED,
    }, status=status)


@never_cache
@login_required
def project_detail(request, pk):
    return _project_page(request, selectors.project_in_scope(scope_of(request), pk))


def _closing_message(request, closing) -> None:
    moved = sum(1 for c in closing.cases if c.moved)
    messages.success(request, _("项目已完成；%(moved)s 件诉求已推进") % {"moved": moved})
    for outcome in closing.stopped:
        messages.info(request, _("%(number)s 停在“%(status)s”：%(reason)s") % {
            "number": outcome.number, "status": CaseStatus(outcome.to_status).label, "reason": outcome.stopped})


@never_cache
@login_required
@require_POST
def project_action(request, pk, action):
    """One change from the project page; the project is found through the scope first."""
    project = selectors.project_in_scope(scope_of(request), pk)
    user, post = request.user, request.POST
    forms = {}
    try:
        if action == "plan":
            form = forms["plan"] = PlanForm(post)
            form.is_valid()
            services.update_project(actor=user, project=project, **form.cleaned_data)
            done = _("已保存")
        elif action == "link":
            numbers = post.getlist("cases") + post.get("number", "").replace("，", ",").split(",")
            services.link_cases(actor=user, project=project, cases=[n for n in numbers if n.strip()])
            done = _("已关联诉求")
        elif action == "unlink":
            services.unlink_case(actor=user, project=project, case=post.get("case", ""))
            done = _("已移出诉求")
        elif action == "partners":
            services.assign_partners(actor=user, project=project, partners=post.getlist("partners"))
            done = _("已保存联建单位")
        elif action == "volunteers":
            services.assign_volunteers(actor=user, project=project, volunteers=post.getlist("volunteers"))
            done = _("已保存志愿者")
        elif action == "start":
            services.start_project(actor=user, project=project)
            done = _("项目开始实施")
        elif action == "close":
            form = forms["close"] = CloseForm(post)
            form.is_valid()
            closing = services.close_project(actor=user, project=project, **form.cleaned_data)
            _closing_message(request, closing)
            return redirect("projects:detail", pk=pk)
        elif action == "cancel":
            form = forms["cancel"] = CancelForm(post)
            form.is_valid()
            services.cancel_project(actor=user, project=project, **form.cleaned_data)
            done = _("项目已取消")
        else:
            raise Http404
    except ValidationError as exc:
        return _project_page(request, project, errors=_messages(exc), forms=forms, status=422)
    messages.success(request, done)
    return redirect("projects:detail", pk=pk)
