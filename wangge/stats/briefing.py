"""The monthly briefing (月度简报): the month's work written the way the source article writes
it (“通过累计走访2000余户居民，324个……问题浮出水面。社区建立分层处置闭环……”).

Every figure the text quotes from the stats comes from figures.compute for the same area and
month, so the text and ``GET /api/v1/stats`` agree. What the briefing adds to the figures — which
problems were solved, which activities were held with which partners, which projects were
finished — is read through the selectors of the apps that own those things (cases through
figures.area_cases, activities, projects when that app is installed), for the same area and month
and through the same scope. People served, volunteer hours and projects completed are the figures'.

Someone may edit the text before exporting it: :func:`current` answers the saved
:class:`~wangge.stats.models.BriefingDraft` when there is one, the generated text otherwise.

The figures and the month's achievements are read from ``wangge.db.reading()`` (the read replica
when one is configured, docs/scaling.md); the area and the saved draft from the primary, so that
an edit just saved is what the page shows next.
"""
from __future__ import annotations

import datetime
import re

from django.apps import apps
from django.db.models import Count, F, Q

from wangge.accounts.scope import Scope
from wangge.activities import selectors as activity_selectors
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.cases.models import OwnerKind
from wangge.db import reading
from wangge.visits import selectors as visit_selectors
from wangge.visits.models import Kind, Weekday

from . import figures
from .models import BriefingDraft

# How the article names the ways of visiting (走访方式), in the order it lists them.
KIND_PHRASES = {
    Kind.HOME: "入户走访",
    Kind.STREET_CHAT: "“站墙根、唠家常”",
    Kind.PHONE: "电话回访",
    Kind.PATROL: "巡查",
}
# The levels of 分层处置, in the words of the usual saying (小事不出网格、大事不出社区、难事不出街道).
LEVEL_SAYINGS = (
    (Level.GRID, "“小事不出网格”——网格办理{n}件"),
    (Level.COMMUNITY, "“大事不出社区”——社区办理{n}件"),
    (Level.STREET, "“难事不出街道”——"),
)
# Rates compared with the previous month, in the order the comparison names them.
COMPARED_RATES = (
    ("proactive_share", "主动发现率"),
    ("on_time_closure_rate", "按期结案率"),
    ("satisfaction_rate", "群众满意率"),
)
TOP = 3  # problems, activity kinds, partners and projects named in a sentence
OTHER = "other"  # the catch-all category (其他)
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# --- how such reports write numbers --------------------------------------------------------------
def approx(n: int) -> str:
    """How such reports round: below 1000 the exact number; from 1000 down to the leading
    digit (two leading digits when it is 1), with 余 when something was dropped:
    2037 → "2000余", 1234 → "1200余", 3000 → "3000", 324 → "324"."""
    if n < 1000:
        return str(n)
    digits = len(str(n))
    keep = 2 if str(n)[0] == "1" else 1
    unit = 10 ** (digits - keep)
    rounded = n // unit * unit
    return f"{rounded}余" if rounded != n else str(rounded)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".0%", "%")


def hours(value) -> str:
    """Volunteer hours: whole hours as such ("120"), else one decimal ("12.5")."""
    value = float(value or 0)
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """"2026-03" → (2026-03-01, 2026-03-31); ValueError for anything else (also "2026-3")."""
    if not isinstance(month, str) or not MONTH.fullmatch(month):
        raise ValueError(f"not a month (YYYY-MM): {month!r}")
    start = datetime.datetime.strptime(month, "%Y-%m").date()
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def previous_month(month: str) -> str:
    start, _end = month_bounds(month)
    return (start - datetime.timedelta(days=1)).strftime("%Y-%m")


def _change(now: int, before: int, unit: str) -> str:
    if now == before:
        return "持平"
    word = "增加" if now > before else "减少"
    return f"{word}{abs(now - before)}{unit}"


def _rate_change(now: float | None, before: float | None) -> str | None:
    """Percentage points, one decimal: "提高12.5个百分点"; None when either month has no rate."""
    if now is None or before is None:
        return None
    points = round((now - before) * 100, 1)
    if points == 0:
        return "持平"
    text = f"{abs(points):.1f}".removesuffix(".0")
    return f"{'提高' if points > 0 else '下降'}{text}个百分点"


def _names(items: list[str]) -> str:
    return "、".join(items)


# --- what the figures do not say: the month's achievements ---------------------------------------
def solved(scope: Scope, area: str, date_from: datetime.date, date_to: datetime.date, *,
           using: str | None = None) -> dict:
    """The cases closed (结案) in the period — the same cases as the figure ``cases_closed`` —
    by what they were about and who solved them: ``{"total", "by_category": [{"name", "count"}]
    (the most specific category, most first), "by_level": {level: n}, "by_partner": n}``."""
    p = figures.Period.of(date_from, date_to)
    closed = figures.area_cases(scope, area, using=using).filter(p.within("closed_at"))
    rows = (closed.values(code=F("category__code"), name=F("category__name")).annotate(n=Count("pk"))
            .order_by("-n", "code"))
    levels = dict(closed.values_list("level").annotate(n=Count("pk")))
    return {
        "total": closed.count(),
        "by_category": [{"code": r["code"], "name": r["name"], "count": r["n"]} for r in rows],
        "by_level": {value: levels.get(value, 0) for value in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.CITY)},
        "by_partner": closed.filter(Q(owner_kind=OwnerKind.PARTNER) | Q(owner_partner_org__isnull=False)).count(),
    }


def activities(scope: Scope, area: str, date_from: datetime.date, date_to: datetime.date, *,
               using: str | None = None) -> dict:
    """What the service activities held in the area in the period (activities.selectors) were:
    their kinds, those serving the most people first, and the partners that took part, those in
    the most activities first. (How many there were and whom they served are the figures'.)"""
    kinds: dict[str, list[int]] = {}
    partners: dict[str, int] = {}
    rows = activity_selectors.activities_for(scope, area=area, date_from=date_from, date_to=date_to).using(
        using or reading())
    for activity in rows.prefetch_related(None).prefetch_related("partners"):
        served = kinds.setdefault(activity.get_kind_display(), [0, 0])
        served[0] += activity.participants
        served[1] += 1
        for partner in activity.partners.all():
            partners[partner.name] = partners.get(partner.name, 0) + 1
    return {
        "kinds": sorted(kinds, key=lambda kind: (-kinds[kind][0], -kinds[kind][1], kind)),
        "partners": sorted(partners, key=lambda name: (-partners[name], name)),
    }


def projects(scope: Scope, area: str, month: str, date_from: datetime.date, date_to: datetime.date, *,
             using: str | None = None) -> dict | None:
    """民生项目 (projects.selectors.projects_for): the projects of the month (立项, cancelled ones left
    out), and those completed in the month (the same as the figure ``projects_completed``) with their
    names. None while the projects app is not installed: the briefing then says nothing of projects."""
    if not apps.is_installed("wangge.projects"):
        return None
    from wangge.projects import selectors as project_selectors
    from wangge.projects.models import ProjectStatus

    p = figures.Period.of(date_from, date_to)
    db = using or reading()
    of_month = (project_selectors.projects_for(scope, month=month, area=area).using(db)
                .exclude(status=ProjectStatus.CANCELLED))
    completed = (project_selectors.projects_for(scope, status=ProjectStatus.COMPLETED, area=area).using(db)
                 .filter(p.within("closed_at")).order_by("closed_at", "id"))
    return {"started": of_month.order_by().count(), "completed": completed.count(),
            "names": list(completed.values_list("title", flat=True)[:TOP])}


def sweep_days(scope: Scope, area: str, date_from: datetime.date, date_to: datetime.date, *,
               using: str | None = None) -> str:
    """"每周三、周五全员" when the area's communities keep a visit plan (走访计划) in the period and
    all of them go on the same weekdays; "" otherwise."""
    plans = [
        plan for plan in visit_selectors.plans_for(scope).using(using or reading()).filter(
            area_code__startswith=area[:12])
        if plan.is_active and plan.weekdays and plan.starts_on <= date_to
        and (plan.ends_on is None or plan.ends_on >= date_from)
        and (plan.area_code.startswith(area) or area.startswith(plan.area_code))
    ]
    days = {tuple(sorted(plan.weekdays)) for plan in plans}
    if len(days) != 1:
        return ""
    weekdays = "、".join(str(Weekday(d).label) for d in days.pop())
    return f"每{weekdays}" + ("全员" if all(plan.all_staff for plan in plans) else "")


# --- the text ------------------------------------------------------------------------------------
def _place(place: Area) -> str:
    """A community is named with its street, as the article does (铁北街道东洼社区)."""
    if place.level == Level.COMMUNITY and place.parent_id:
        return f"{place.parent.name}{place.name}"
    return place.name


def _visits_paragraph(f: dict, label: str, name: str, sweep: str) -> str:
    kinds = [phrase for kind, phrase in KIND_PHRASES.items() if f["visits_by_kind"].get(kind)]
    text = f"{label}，{name}坚持“网格+走访”"
    if sweep:
        text += f"，固定{sweep}下沉网格"
    if kinds:
        text += f"，通过{_names(kinds)}等方式"
    text += f"，累计走访{approx(f['households_visited'])}户居民"
    if f["households"]:
        text += f"，走访覆盖率{percent(f['visit_coverage'])}"
    if f["needs_surfaced"]:
        text += (f"，{f['needs_surfaced']}个问题浮出水面，其中当场解决{f['solved_on_spot']}个，"
                 f"转为诉求办理{f['needs_to_cases']}件")
    return text + "。"


def _cases_paragraph(f: dict) -> str:
    text = f"从“坐等上门”到“主动发现”，本月共收到群众诉求{f['cases_reported']}件"
    if f["cases_reported"]:
        text += f"，其中主动发现{f['proactive_cases']}件，主动发现率{percent(f['proactive_share'])}"
    text += f"；结案{f['cases_closed']}件"
    if f["cases_due"]:
        text += f"，按期结案率{percent(f['on_time_closure_rate'])}"
    if f["ratings"]:
        text += f"，群众满意率{percent(f['satisfaction_rate'])}"
    return text + "。"


def _levels_paragraph(f: dict, done: dict) -> str:
    """分层处置: where the month's cases are handled now (by_level), and the hard problems solved
    at the street or city (cases closed there in the month, whenever they were reported)."""
    levels = f["by_level"]
    hard = done["by_level"][Level.STREET] + done["by_level"][Level.CITY]
    parts = [saying.format(n=levels[level]) for level, saying in LEVEL_SAYINGS[:2] if levels[level]]
    street = ([f"上报街道{levels[Level.STREET]}件"] if levels[Level.STREET] else []) + (
        [f"推动解决难题{hard}个"] if hard else [])
    if street:
        parts.append(f"{LEVEL_SAYINGS[2][1]}" + "，".join(street))
    if levels[Level.CITY]:
        parts.append(f"上报市级{levels[Level.CITY]}件")
    return "建立分层处置闭环：" + "；".join(parts) + "。"


def _achievements_paragraph(f: dict, done: dict) -> str | None:
    sentences = []
    top = [row for row in f["by_category"][:TOP] if row["count"]]
    if top:
        sentences.append("群众反映集中的问题是" + _names([f"{row['name']}（{row['count']}件）" for row in top]))
    # "其他" names no problem: the solved ones are named by their own categories only.
    solved_top = [row for row in done["by_category"] if row["code"] != OTHER][:TOP]
    if solved_top:
        sentence = f"本月解决{_names([row['name'] for row in solved_top])}等民生关切问题{done['total']}件"
        if done["by_partner"]:
            sentence += f"，其中协调联建单位办结{done['by_partner']}件"
        sentences.append(sentence)
    return "；".join(sentences) + "。" if sentences else None


def _resources_paragraph(f: dict, held: dict, proj: dict | None) -> str | None:
    sentences = []
    if f.get("activities"):
        sentence = "链接专业资源"
        if held["partners"]:
            sentence += f"，联合{_names(held['partners'][:TOP])}等联建单位"
        sentence += f"开展{_names(held['kinds'][:TOP])}等服务活动{f['activities']}场"
        if f.get("people_served"):
            sentence += f"，服务群众{approx(f['people_served'])}人次"
        sentences.append(sentence)
    if f.get("volunteers_serving"):
        sentences.append(f"{f['volunteers_serving']}名志愿者参与志愿服务{hours(f['volunteer_hours'])}小时")
    if proj and (proj["started"] or proj["completed"]):
        sentence = f"每月将居民诉求转化为具体项目，本月立项{proj['started']}个、完成{proj['completed']}个"
        if proj["names"]:
            sentence += "（" + _names([f"“{name}”" for name in proj["names"]]) + "）"
        sentences.append(sentence)
    return "；".join(sentences) + "。" if sentences else None


def _comparison_paragraph(f: dict, p: dict) -> str:
    parts = [
        f"走访户数{_change(f['households_visited'], p['households_visited'], '户')}",
        f"群众诉求{_change(f['cases_reported'], p['cases_reported'], '件')}",
        f"结案{_change(f['cases_closed'], p['cases_closed'], '件')}",
    ]
    for key, name in COMPARED_RATES:
        change = _rate_change(f[key], p[key])
        if change:
            parts.append(f"{name}{change}")
    return "与上月相比，" + "，".join(parts) + "。"


def compose(scope: Scope, area: str, month: str, *, now=None) -> dict:
    """The generated briefing of ``area`` for ``month`` (YYYY-MM): ``{"area", "area_name", "month",
    "title", "paragraphs", "text", "figures", "previous", "solved", "activities", "projects"}``. ``figures`` is figures.compute for the month, ``previous`` for the month before."""
    start, end = month_bounds(month)
    f = figures.compute(scope, area, start, end, now=now)
    prev_start, prev_end = month_bounds(previous_month(month))
    p = figures.compute(scope, area, prev_start, prev_end, now=now)
    place = Area.objects.select_related("parent").get(code=f["area"])
    name, label = f["area_name"], f"{start.year}年{start.month}月"
    db = reading()
    done = solved(scope, area, start, end, using=db)
    held = activities(scope, area, start, end, using=db)
    proj = projects(scope, area, month, start, end, using=db)

    paragraphs = []
    if f["visits"]:
        paragraphs.append(_visits_paragraph(f, label, _place(place), sweep_days(scope, area, start, end, using=db)))
    if f["cases_reported"] or f["cases_closed"]:
        paragraphs.append(_cases_paragraph(f))
        if f["cases_reported"]:
            paragraphs.append(_levels_paragraph(f, done))
    achievements = _achievements_paragraph(f, done)
    if achievements:
        paragraphs.append(achievements)
    resources = _resources_paragraph(f, held, proj)
    if resources:
        paragraphs.append(resources)
    if not paragraphs:
        paragraphs.append(f"{label}，{_place(place)}暂无走访和诉求记录。")
    else:
        if not f["visits"]:
            paragraphs[0] = f"{label}，{_place(place)}：" + paragraphs[0]
        paragraphs.append(_comparison_paragraph(f, p))
    return {
        "area": f["area"], "area_name": name, "month": month, "title": f"{name}{label}工作简报",
        "paragraphs": paragraphs, "text": "".join(paragraphs), "figures": f, "previous": p,
        "solved": done, "activities": held, "projects": proj,
    }


def saved_draft(scope: Scope, area: str, month: str) -> BriefingDraft | None:
    """The edited text of an area's briefing for a month, if someone saved one (scoped; from the
    primary: the page shows an edit right after it is saved)."""
    return scope.filter(BriefingDraft).select_related("edited_by").filter(area_code=area, month=month).first()


def current(scope: Scope, area: str, month: str, *, now=None) -> dict:
    """What exports print: :func:`compose`, with title, paragraphs and text taken from the saved
    draft when there is one. ``edited`` is ``{"by", "at"}`` of the draft, or None."""
    result = compose(scope, area, month, now=now)
    result["generated"] = {key: result[key] for key in ("title", "paragraphs", "text")}
    draft = saved_draft(scope, result["area"], month)
    result["edited"] = None
    if draft is not None:
        result.update(title=draft.title, paragraphs=draft.paragraphs, text="".join(draft.paragraphs),
                      edited={"by": str(draft.edited_by), "at": draft.edited_at.isoformat()})
    return result
