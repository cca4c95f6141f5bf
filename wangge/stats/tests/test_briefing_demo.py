"""The briefing of 东洼社区 for June 2025 in the demo city (the month after the course) reads like
the article's paragraph, and every number it quotes is the number /api/v1/stats gives. (One test:
loading the demo city takes a while.)"""
import datetime

import pytest
from django.utils import timezone

from wangge.areas.models import Area
from wangge.demo import loader
from wangge.stats.briefing import approx

MONTH = "2025-06"
JUNE = {"from": "2025-06-01", "to": "2025-06-30"}
MAY = {"from": "2025-05-01", "to": "2025-05-31"}
PASSWORD = "demo-test-pass-2025"


@pytest.fixture
def demo(db):
    loader.load(scale=0.1, password=PASSWORD, now=timezone.make_aware(datetime.datetime(2025, 7, 1, 9)))
    return Area.objects.get(name="东洼社区")


def change(now: int, before: int, unit: str) -> str:
    if now == before:
        return "持平"
    return f"{'增加' if now > before else '减少'}{abs(now - before)}{unit}"


def test_dongwas_june_briefing_quotes_the_stats_endpoint(demo, api_client):
    client = api_client().login("demo_city", PASSWORD)
    body = client.get("/api/v1/briefing", area=demo.code, month=MONTH).json()
    stats = client.get("/api/v1/stats", area=demo.code, **JUNE).json()
    before = client.get("/api/v1/stats", area=demo.code, **MAY).json()
    assert body["figures"] == stats
    assert body["previous"] == before
    assert stats["visits"] and stats["cases_reported"], "the demo month has visits and cases"
    text = body["text"]

    assert body["title"] == "东洼社区2025年6月工作简报"
    assert text.startswith("2025年6月，铁北街道东洼社区坚持“网格+走访”，固定每周三、周五全员下沉网格")
    assert f"累计走访{approx(stats['households_visited'])}户居民" in text
    assert (f"{stats['needs_surfaced']}个问题浮出水面，其中当场解决{stats['solved_on_spot']}个，"
            f"转为诉求办理{stats['needs_to_cases']}件") in text
    assert (f"本月共收到群众诉求{stats['cases_reported']}件，其中主动发现{stats['proactive_cases']}件，"
            f"主动发现率{stats['proactive_share'] * 100:.1f}%".replace(".0%", "%")) in text
    assert f"结案{stats['cases_closed']}件" in text
    assert "建立分层处置闭环：" in text
    levels = stats["by_level"]
    if levels["grid"]:
        assert f"“小事不出网格”——网格办理{levels['grid']}件" in text
    if levels["community"]:
        assert f"“大事不出社区”——社区办理{levels['community']}件" in text
    assert (f"与上月相比，走访户数{change(stats['households_visited'], before['households_visited'], '户')}，"
            f"群众诉求{change(stats['cases_reported'], before['cases_reported'], '件')}，"
            f"结案{change(stats['cases_closed'], before['cases_closed'], '件')}") in text

    street = api_client().login("demo_street", PASSWORD)  # 河北街道; 东洼社区 lies in 铁北街道
    assert street.get("/api/v1/briefing", area=demo.code, month=MONTH).status_code == 404
