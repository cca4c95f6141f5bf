"""Excel export of the visit records (走访记录): the list's filters, the user's scope,
Chinese headers, logged (wangge/web/exports.py does the writing and the logging). The rows are
read from ``wangge.db.reading()`` (the read replica when one is configured), the log written to
the primary."""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.db import reading
from wangge.stats.models import ExportKind
from wangge.web.exports import Column, ListExport, area_filter, export_view, joined

from . import selectors
from .forms import VisitFilterForm
from .models import Kind

COLUMNS = [
    Column(gettext_lazy("走访时间"), 17), Column(gettext_lazy("方式"), 12), Column(gettext_lazy("地点"), 30),
    Column(gettext_lazy("区域代码"), 17), Column(gettext_lazy("走访人"), 16), Column(gettext_lazy("见到"), 14),
    Column(gettext_lazy("情况"), 30), Column(gettext_lazy("诉求数"), 7), Column(gettext_lazy("当场解决"), 8),
    Column(gettext_lazy("转为诉求单"), 9), Column(gettext_lazy("诉求内容"), 40),
]


def row(visit) -> list:
    needs = list(visit.needs.all())
    return [
        visit.visited_at, visit.get_kind_display(), visit.place_label, visit.area_code,
        joined(str(person) for person in visit.visitors.all()), visit.met, visit.summary, len(needs),
        sum(1 for need in needs if need.solved_on_spot), sum(1 for need in needs if need.case_id),
        "；".join(
            need.text + (f"（{need.case.number}）" if need.case_id else _("（当场解决）") if need.solved_on_spot else "")
            for need in needs
        ),
    ]


def build(user, scope, params) -> ListExport:
    """/visits/export.xlsx?area=&kind=&needs=&date_from=&date_to=: the visits the list shows, every page."""
    area = area_filter(scope, params.get("area", ""))
    form = VisitFilterForm(params, areas=[area] if area else [], kinds=Kind.choices)
    if not form.is_valid():
        raise Http404
    filters = {key: value for key, value in form.cleaned_data.items() if value}
    try:
        visits = selectors.search_visits(scope, **filters)
    except ValidationError:
        raise Http404
    return ListExport(
        kind=ExportKind.VISITS, title=_("走访记录"), columns=COLUMNS, rows=visits.using(reading()), row=row,
        scope=scope, area=area, filters=filters,
        date_from=filters.get("date_from"), date_to=filters.get("date_to"),
    )


visit_export = export_view(build)
