"""The monthly briefing: the article's way of writing numbers, and the numbers of /stats."""
import pytest

from wangge.accounts.scope import Scope
from wangge.stats import briefing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n, text", [
    (0, "0"), (16, "16"), (324, "324"), (999, "999"), (1000, "1000"), (1234, "1200余"),
    (2037, "2000余"), (3000, "3000"), (12345, "12000余"), (25000, "20000余"),
])
def test_numbers_are_rounded_as_such_reports_round_them(n, text):
    assert briefing.approx(n) == text


def test_the_briefing_quotes_the_months_figures(city, march, now):
    result = briefing.compose(Scope.for_user(city.community_head), city.community.code, "2026-03", now=now)
    text = result["text"]
    assert result["title"] == "京华社区2026年3月工作简报"
    assert "累计走访2户居民" in text
    assert "2个问题浮出水面，其中当场解决1个，转为诉求办理1件" in text
    assert "本月共收到群众诉求6件，其中主动发现3件，主动发现率50%" in text
    assert "结案3件，按期结案率40%，群众满意率63.3%" in text
    assert "建立分层处置闭环：“小事不出网格”——网格办理5件；“大事不出社区”——社区办理1件。" in text
    assert "其他（4件）、环境卫生（2件）" in text
    # February: c6 reported, no visits in 京华
    assert "走访户数增加2户，群众诉求增加5件" in text


def test_briefing_endpoint_matches_stats_and_respects_scope(city, march, api_client):
    client = api_client().login("head")
    body = client.get("/api/v1/briefing", area=city.community.code, month="2026-03").json()
    stats = client.get("/api/v1/stats", area=city.community.code, **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    for key in ("cases_reported", "cases_closed", "households_visited", "needs_surfaced", "on_time_closure_rate"):
        assert body["figures"][key] == stats[key]
    assert f"本月共收到群众诉求{stats['cases_reported']}件" in body["text"]
    assert client.get("/api/v1/briefing", area=city.other_community.code, month="2026-03").status_code == 404
    assert client.get("/api/v1/briefing", area=city.community.code, month="2026-3x").status_code == 422
