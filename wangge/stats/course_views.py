"""Pages of training courses (培训班): the list, recording one, and the before/after comparison."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import scope_of
from wangge.areas.codes import Level
from wangge.areas.selectors import areas_for

from . import courses, services

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CourseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=200,
                           initial=gettext_lazy("全市社区工作者专题培训班"))
    organiser = forms.CharField(label=gettext_lazy("主办单位"), max_length=200, required=False)
    area = forms.ChoiceField(label=gettext_lazy("举办区域"))
    start_date = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE)
    attendees = forms.MultipleChoiceField(label=gettext_lazy("参训人员"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=gettext_lazy("内容"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, areas, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
        self.fields["attendees"].choices = [
            (u.username, f"{u}（{'、'.join(sorted({p.area.name for p in u.posts.all()}))}）") for u in people
        ]


def _days(value) -> int:
    try:
        return max(1, min(int(value), courses.MAX_DAYS))
    except (TypeError, ValueError):
        return courses.DEFAULT_DAYS


@login_required
def course_list(request):
    scope = scope_of(request)
    return render(request, "stats/courses.html", {"courses": courses.courses_for(scope), "may_record": bool(scope.codes)})


@login_required
def course_new(request):
    scope = scope_of(request)
    if not scope.codes:
        raise Http404(_("您没有负责的区域"))
    areas = areas_for(scope).exclude(level=Level.GRID).order_by("code")
    people = services.course_attendee_choices(scope).prefetch_related("posts__area")
    form = CourseForm(request.POST or None, areas=areas, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.record_course(scope=scope, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("已登记培训班：%(name)s") % {"name": course.name})
            return redirect("stats:course", pk=course.pk)
    return render(request, "stats/course_new.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def course_detail(request, pk):
    scope = scope_of(request)
    course = courses.course_in_scope(scope, pk)
    days = _days(request.GET.get("days"))
    return render(request, "stats/course_detail.html", {
        "course": course, "days": days, "result": courses.comparison(scope, course, days=days),
    })
