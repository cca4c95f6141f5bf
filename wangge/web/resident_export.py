"""Excel export of the residents list (居民查询): the search's filters (keyword, key
population, area), the user's scope, Chinese headers, logged in the export log.

ID numbers and phones are masked, as on every page (ResidentRow). A user whose role may
reveal them (WANGGE_REVEAL_ROLES) may ask for them in full with ``full=1`` and a stated
``reason``; then each value comes from wangge.people.services.reveal, so every resident's
opening is in the personal-data access log (敏感信息查看记录) with that reason, exactly as
opening it on the resident's page would be.
"""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.people import services as people_services
from wangge.people.models import SensitiveAccess
from wangge.people.selectors import search_residents, tag_reader
from wangge.stats.models import ExportKind

from .exports import Column, ListExport, area_filter, export_view, joined
from .rows import ResidentRow

COLUMNS = [
    Column(gettext_lazy("姓名"), 10), Column(gettext_lazy("性别"), 5), Column(gettext_lazy("出生日期"), 11),
    Column(gettext_lazy("年龄"), 5), Column(gettext_lazy("身份证号"), 20), Column(gettext_lazy("联系电话"), 13),
    Column(gettext_lazy("与户主关系"), 9), Column(gettext_lazy("居住类型"), 9), Column(gettext_lazy("住址"), 30),
    Column(gettext_lazy("区域代码"), 17), Column(gettext_lazy("重点人群"), 20), Column(gettext_lazy("备注"), 24),
]


def build(user, scope, params) -> ListExport | HttpResponseBadRequest:
    """/residents/export.xlsx?q=&tag=&area=[&full=1&reason=…]."""
    q, tag = (params.get(key, "").strip() for key in ("q", "tag"))
    area = area_filter(scope, params.get("area", ""))
    full = params.get("full") == "1"
    reason = params.get("reason", "").strip()
    if full and not scope.may_reveal:
        raise PermissionDenied(_("您的角色无权查看完整个人信息"))
    if full and len(reason) < 2:
        return HttpResponseBadRequest(_("请说明查看事由"))
    residents = search_residents(scope, q=q, area=area.code if area else "", tag=tag).order_by(
        "area_code", "household__address", "pk")
    tags = tag_reader()
    reveal_reason = _("居民名单导出：%(reason)s") % {"reason": reason}

    def row(resident) -> list:
        shown = ResidentRow.of(resident, tags)
        id_number, phone = shown.id_number, shown.phone
        if full:
            id_number = people_services.reveal(user=user, scope=scope, resident=resident,
                                               field=SensitiveAccess.Field.ID_NUMBER, reason=reveal_reason)
            if resident.phone:
                phone = people_services.reveal(user=user, scope=scope, resident=resident,
                                               field=SensitiveAccess.Field.PHONE, reason=reveal_reason)
        return [
            shown.name, shown.gender, resident.birth_date, shown.age, id_number, phone, shown.relation,
            shown.residence_type, shown.address, shown.area_code, joined(t.name for t in shown.tags), shown.note,
        ]

    return ListExport(
        kind=ExportKind.RESIDENTS, title=_("居民名单"), columns=COLUMNS, rows=residents, row=row,
        scope=scope, area=area, full=full,
        filters={"q": q, "tag": tag, "area": area.code if area else "", "full": full, "reason": reason if full else ""},
    )


resident_export = export_view(build)
