"""Excel export of the volunteers (志愿者) list: the list's filters, the user's scope,
Chinese headers, logged (wangge/web/exports.py does the writing and the logging).
Phones are not exported: the list does not show them either."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import scope_of
from wangge.stats.models import ExportKind
from wangge.web.exports import Column, area_filter, chunked, joined, xlsx_response

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


@login_required
def volunteer_export(request):
    """/volunteers/export.xlsx?skill=&q=&governance_partner=1&area=."""
    scope = scope_of(request)
    skill = request.GET.get("skill", "")
    if skill and skill not in Skill.values:
        raise Http404
    area = area_filter(scope, request.GET.get("area", ""))
    partner_only = request.GET.get("governance_partner") == "1"
    q = request.GET.get("q", "").strip()
    rows = selectors.volunteers_for(scope, area=area.code if area else "", skill=skill, q=q,
                                    governance_partner=True if partner_only else None).select_related("area")
    return xlsx_response(
        request, kind=ExportKind.VOLUNTEERS, title=_("志愿者"), columns=COLUMNS, rows=chunked(rows, row),
        scope=scope, area=area,
        filters={"skill": skill, "q": q, "governance_partner": partner_only, "area": area.code if area else ""},
    )
