"""The monthly briefing (月度简报): the month's figures written the way a report from the
source article writes them (走访2000余户，324个问题浮出水面…). Every number comes from
figures.compute for the same area and month, so the text and /api/v1/stats agree."""
from __future__ import annotations

import datetime

from wangge.accounts.scope import Scope

from . import figures


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


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """"2026-03" → (2026-03-01, 2026-03-31); ValueError for anything else."""
    start = datetime.datetime.strptime(month, "%Y-%m").date()
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def _change(now: int, before: int, unit: str) -> str:
    if now == before:
        return "持平"
    word = "增加" if now > before else "减少"
    return f"{word}{abs(now - before)}{unit}"


def compose(scope: Scope, area: str, month: str, *, now=None) -> dict:
    """The briefing of ``area`` for ``month`` (YYYY-MM): ``{"area", "area_name", "month",
    "title", "paragraphs", "text", "figures", "previous"}``."""
    start, end = month_bounds(month)
    f = figures.compute(scope, area, start, end, now=now)
    prev_start, prev_end = month_bounds((start - datetime.timedelta(days=1)).strftime("%Y-%m"))
    p = figures.compute(scope, area, prev_start, prev_end, now=now)
    name, label = f["area_name"], f"{start.year}年{start.month}月"
    paragraphs = []

    if f["visits"]:
        visit = (f"{label}，{name}坚持“网格+走访”，网格员主动下沉网格，"
                 f"累计走访{approx(f['households_visited'])}户居民")
        if f["households"]:
            visit += f"，走访覆盖率{percent(f['visit_coverage'])}"
        if f["needs_surfaced"]:
            visit += (f"，{f['needs_surfaced']}个问题浮出水面，其中当场解决{f['solved_on_spot']}个，"
                      f"转为诉求办理{f['needs_to_cases']}件")
        paragraphs.append(visit + "。")

    if f["cases_reported"] or f["cases_closed"]:
        cases = f"本月共收到群众诉求{f['cases_reported']}件"
        if f["cases_reported"]:
            cases += f"，其中主动发现{f['proactive_cases']}件，主动发现率{percent(f['proactive_share'])}"
        cases += f"；结案{f['cases_closed']}件"
        if f["cases_due"]:
            cases += f"，按期结案率{percent(f['on_time_closure_rate'])}"
        if f["ratings"]:
            cases += f"，群众满意率{percent(f['satisfaction_rate'])}"
        paragraphs.append(cases + "。")
        levels = f["by_level"]
        if f["cases_reported"]:
            paragraphs.append(
                f"分层处置闭环：网格办理{levels['grid']}件，社区办理{levels['community']}件，"
                f"上报街道{levels['street']}件" + (f"，上报市级{levels['city']}件" if levels["city"] else "") + "。"
            )
        top = [row for row in f["by_category"][:3] if row["count"]]
        if top:
            paragraphs.append("群众反映集中的问题是" + "、".join(f"{row['name']}（{row['count']}件）" for row in top) + "。")

    if not paragraphs:
        paragraphs.append(f"{label}，{name}暂无走访和诉求记录。")
    else:
        paragraphs.append(
            f"与上月相比，走访户数{_change(f['households_visited'], p['households_visited'], '户')}，"
            f"群众诉求{_change(f['cases_reported'], p['cases_reported'], '件')}，"
            f"结案{_change(f['cases_closed'], p['cases_closed'], '件')}。"
        )
    return {
        "area": f["area"], "area_name": name, "month": month, "title": f"{name}{label}工作简报",
        "paragraphs": paragraphs, "text": "".join(paragraphs), "figures": f, "previous": p,
    }
