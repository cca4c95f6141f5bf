"""Excel export of the volunteers (志愿者) list: the list's filters, the user's scope,
Chinese headers, logged (wangge/web/exports.py does the writing and the logging).
Phones are not exported: the list does not show them either. The rows are read from
``wangge.db.reading()`` (the read replica when one is configured), the log written to the primary."""
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.db import reading
from wangge.stats.models import ExportKind
from wangge.web.exports import Column, ListExport, area_filter, export_view, joined

from . import selectors
from .models import Skill

COLUMNS = [
    Column(gettext_lazy("姓名"), 10), Column(gettext_lazy("所在社区"), 14), Column(gettext_lazy("区域代码"), 17),
    Column(gettext_lazy("技能"), 22), Column(gettext_lazy("可服务时间"), 20), Column(gettext_lazy("服务队"), 24),
    Column(gettext_lazy("治理合伙人"), 9), Column(gettext_lazy("已确认服务时长（小时）"), 12),
    Column(gettext_lazy("注册日期"), 11),
]


def row(volunteer) -> list:
    skills = dict(Skill.choices)
    return [
        volunteer.name, volunteer.area.name, volunteer.area_code, joined(skills.get(s, s) for s in volunteer.skills),
        volunteer.availability, joined(team.name for team in volunteer.teams.all()),
        _("是") if volunteer.is_governance_partner else "", volunteer.total_hours, volunteer.registered_at,
    ]


def build(user, scope, params) -> ListExport:
    """/volunteers/export.xlsx?skill=&q=&governance_partner=1&area=."""
    skill = params.get("skill", "")
    if skill and skill not in Skill.values:
        raise Http404
    area = area_filter(scope, params.get("area", ""))
    partner_only = params.get("governance_partner") == "1"
    q = params.get("q", "").strip()
    rows = selectors.volunteers_for(scope, area=area.code if area else "", skill=skill, q=q,
                                    governance_partner=True if partner_only else None)
    rows = rows.select_related("area").using(reading())
    return ListExport(
        kind=ExportKind.VOLUNTEERS, title=_("志愿者"), columns=COLUMNS, rows=rows, row=row, scope=scope, area=area,
        filters={"skill": skill, "q": q, "governance_partner": partner_only, "area": area.code if area else ""},
    )


volunteer_export = export_view(build)
