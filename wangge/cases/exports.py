"""Excel export of the cases list (诉求列表): the list's tab and filters, the user's scope,
Chinese headers, logged (wangge/web/exports.py does the writing and the logging).

The reporter's phone is not exported: the list does not show it either. The rows are read from
``wangge.db.reading()`` (the read replica when one is configured, docs/scaling.md); the export
log is written to the primary.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.db import reading
from wangge.stats.models import ExportKind
from wangge.web.exports import Column, ListExport, area_filter, export_view

from . import selectors
from .forms import FilterForm
from .services import owner_label
from .states import Status
from .views import TABS

COLUMNS = [
    Column(gettext_lazy("编号"), 16), Column(gettext_lazy("标题"), 30), Column(gettext_lazy("状态"), 10), Column(gettext_lazy("分类"), 18),
    Column(gettext_lazy("来源"), 10), Column(gettext_lazy("紧急程度"), 8), Column(gettext_lazy("网格"), 14), Column(gettext_lazy("区域代码"), 17),
    Column(gettext_lazy("处置层级"), 8), Column(gettext_lazy("承办"), 18), Column(gettext_lazy("上报时间"), 17), Column(gettext_lazy("立案时间"), 17),
    Column(gettext_lazy("办理时限"), 17), Column(gettext_lazy("结案时间"), 17), Column(gettext_lazy("已超期"), 7), Column(gettext_lazy("返工次数"), 8),
    Column(gettext_lazy("升级次数"), 8), Column(gettext_lazy("评价"), 9),
]


def row(case) -> list:
    return [
        case.number, case.title, case.get_status_display(), case.category.full_label, case.get_source_display(),
        case.get_urgency_display(), case.grid.name, case.area_code, case.get_level_display(), owner_label(case),
        case.reported_at, case.accepted_at, case.deadline, case.closed_at, _("是") if case.is_overdue else "",
        case.reopened_count, case.escalated_count, case.get_rating_display() if case.rating else "",
    ]


def build(user, scope, params) -> ListExport:
    """/cases/export.xlsx?list=…&status=…: the list the page shows, every page of it."""
    tab = params.get("list") or "mine"
    if tab not in TABS:
        raise Http404
    area = area_filter(scope, params.get("area", ""))
    form = FilterForm(params, statuses=Status.choices, categories=selectors.categories(),
                      areas=selectors.filter_areas(user))
    if not form.is_valid():
        raise Http404
    try:
        cases = selectors.search_cases(user, work_list="" if tab == "all" else tab, **form.cleaned_data)
    except ValidationError:
        raise Http404
    return ListExport(
        kind=ExportKind.CASES, title=_("诉求列表（%(tab)s）") % {"tab": TABS[tab]}, columns=COLUMNS,
        rows=cases.using(reading()),
        row=row, scope=scope, area=area, filters={"list": tab, **form.cleaned_data},
        date_from=form.cleaned_data.get("date_from"), date_to=form.cleaned_data.get("date_to"),
    )


case_export = export_view(build)
