"""Pages of the monthly briefing (月度简报): read it, edit it, export it as DOCX, Word HTML or PDF.

The text is briefing.current: the saved draft when someone edited it, the generated text
otherwise. Every page and export goes through the viewer's scope (another area: 404), and each
export is recorded like the dashboard's Excel export (StatsExport, the month as the period).
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import scope_of
from wangge.areas.models import Area
from wangge.areas.selectors import area_or_own

from . import briefing, documents, export, services
from .models import ExportKind


class BriefingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    text = forms.CharField(label=gettext_lazy("正文"), widget=forms.Textarea(attrs={"rows": 16}))


def _month(value: str | None) -> str:
    """The month asked for; by default the month before this one (a briefing reports a month that is over)."""
    if value:
        try:
            briefing.month_bounds(value)
        except ValueError:
            raise Http404(_("月份格式应为 YYYY-MM"))
        return value
    return briefing.previous_month(timezone.localdate().strftime("%Y-%m"))


@login_required
def briefing_home(request):
    """/stats/briefing/: the briefing of the user's own (first) area."""
    return redirect("stats:briefing", code=area_or_own(scope_of(request)).code)


@login_required
def briefing_page(request, code):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    month = _month(request.POST.get("month") or request.GET.get("month"))
    here = f"{reverse('stats:briefing', args=[area.code])}?month={month}"
    form = None
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            services.reset_briefing_draft(scope=scope, area=area.code, month=month)
            messages.success(request, _("已重新生成简报"))
            return redirect(here)
        form = BriefingForm(request.POST)
        if form.is_valid():
            try:
                services.save_briefing_draft(scope=scope, actor=request.user, area=area.code, month=month,
                                             **form.cleaned_data)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("已保存修改，导出时使用修改后的文本"))
                return redirect(here)
    doc = briefing.current(scope, area.code, month)
    if form is None:
        form = BriefingForm(initial={"title": doc["title"], "text": "\n".join(doc["paragraphs"])})
    status = 422 if form.errors else 200
    return render(request, "stats/briefing.html", {"area": area, "month": month, "doc": doc, "form": form,
                                                   "here": here}, status=status)


def _export(request, code, month, fmt: str):
    scope = scope_of(request)
    area = scope.get_or_404(Area, code=code)
    try:
        start, end = briefing.month_bounds(month)
    except ValueError:
        raise Http404(_("月份格式应为 YYYY-MM"))
    doc = briefing.current(scope, area.code, month)
    export.record_export(user=request.user, kind=ExportKind.STATS, area_code=area.code, date_from=start, date_to=end,
                         filters={"briefing": month, "format": fmt, "edited": doc["edited"] is not None})
    return doc


@login_required
def briefing_docx(request, code, month):
    return documents.docx_response(_export(request, code, month, "docx"))


@login_required
def briefing_doc(request, code, month):
    return documents.word_html_response(_export(request, code, month, "doc"))


@login_required
def briefing_pdf(request, code, month):
    return documents.pdf(_export(request, code, month, "pdf"), request=request)
