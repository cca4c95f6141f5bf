"""Excel export of the service activities (服务活动) list: the list's filter (type), and
the area and dates the dashboard's figures use; the user's scope, Chinese headers, logged
(wangge/web/exports.py does the writing and the logging). The rows are read from
``wangge.db.reading()`` (the read replica when one is configured), the log written to the primary."""
from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.db import reading
from wangge.stats.models import ExportKind
from wangge.web.exports import Column, ListExport, area_filter, export_view, joined

from . import selectors
from .models import ActivityKind

COLUMNS = [
    Column(gettext_lazy("日期"), 11), Column(gettext_lazy("名称"), 26), Column(gettext_lazy("类型"), 10),
    Column(gettext_lazy("地点"), 20), Column(gettext_lazy("组织区域"), 14), Column(gettext_lazy("区域代码"), 17),
    Column(gettext_lazy("联建单位"), 24), Column(gettext_lazy("参与志愿者"), 9), Column(gettext_lazy("服务人次"), 9),
    Column(gettext_lazy("系列"), 14), Column(gettext_lazy("成效"), 40),
]


def row(activity) -> list:
    return [
        activity.date, activity.title, activity.get_kind_display(), activity.place, activity.area.name,
        activity.area_code, joined(p.name for p in activity.partners.all()), len(activity.volunteers.all()),
        activity.participants, activity.series, activity.outcome,
    ]


def _date(params, name):
    value = params.get(name, "")
    if not value:
        return None
    day = parse_date(value) if len(value) == 10 else None
    if day is None:
        raise Http404
    return day


def build(user, scope, params) -> ListExport:
    """/activities/export.xlsx?kind=&area=&date_from=&date_to=."""
    kind = params.get("kind", "")
    if kind and kind not in ActivityKind.values:
        raise Http404
    area = area_filter(scope, params.get("area", ""))
    filters = {"kind": kind, "area": area.code if area else "",
               "date_from": _date(params, "date_from"), "date_to": _date(params, "date_to")}
    rows = selectors.activities_for(scope, **filters).select_related("area").using(reading())
    return ListExport(
        kind=ExportKind.ACTIVITIES, title=_("服务活动"), columns=COLUMNS, rows=rows, row=row,
        scope=scope, area=area, filters=filters, date_from=filters["date_from"], date_to=filters["date_to"],
    )


activity_export = export_view(build)
