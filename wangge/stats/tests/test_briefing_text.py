"""The monthly briefing reads like the article: who swept the grids and how, the loop of 分层处置,
the problems solved, the resources brought in, the projects, and the change from last month.

The month is March 2026 of conftest.march (京华社区: 6 cases reported, 3 closed, 2 households
visited); the activities, volunteer hours and the project below are added to it.
"""
import datetime
from decimal import Decimal

import pytest

from wangge.accounts.scope import OutOfScope, Scope
from wangge.activities import services as activity_services
from wangge.areas.models import Area
from wangge.cases.models import Case, Category, OwnerKind
from wangge.partners import services as partner_services
from wangge.projects import services as project_services
from wangge.stats import briefing, figures
from wangge.visits import services as visit_services
from wangge.volunteers import services as volunteer_services

from .conftest import MARCH, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(city, march):
    """In 京华社区 in March: a check-up with 中医院 (1204 served) and a fire drill with 派出所
    (30 served); a volunteer's 3.5 confirmed hours; a roof project started and completed."""
    scope, head = Scope.for_user(city.community_head), city.community_head
    hospital = partner_services.create_partner(scope=scope, data={
        "name": "中医院", "kind": "hospital", "area": city.community.code})
    police = partner_services.create_partner(scope=scope, data={
        "name": "派出所", "kind": "police", "area": city.community.code})
    activity_services.create_activity(scope=scope, actor=head, data={
        "title": "“健康我先行”季度诊疗", "kind": "health_check", "date": datetime.date(2026, 3, 12),
        "area": city.community.code, "partners": [hospital.pk], "participants": 1204})
    activity_services.create_activity(scope=scope, actor=head, data={
        "title": "商户消防演练", "kind": "fire_drill", "date": datetime.date(2026, 3, 20),
        "area": city.community.code, "partners": [police.pk], "participants": 30})
    volunteer = volunteer_services.register_volunteer(scope=scope, data={"name": "刘莉莉", "area": city.community.code})
    volunteer_services.record_service(scope=scope, actor=head, volunteer=volunteer, data={
        "activity": "红色代办", "date": datetime.date(2026, 3, 15), "hours": Decimal("3.5"), "confirm": True})
    project = project_services.create_project(actor=head, title="老国税小区屋顶防水修缮", area=city.community.code,
                                              month="2026-03", at=at(3, 5))
    project_services.close_project(actor=head, project=project, result="已修缮", at=at(3, 25))


def paragraphs_of(city, user=None, area=None, month="2026-03", now=None) -> list[str]:
    scope = Scope.for_user(user or city.community_head)
    return briefing.compose(scope, area or city.community.code, month, now=now)["paragraphs"]


def test_the_visits_paragraph_names_the_place_with_its_street_and_the_ways_of_visiting(city, march, now):
    first = paragraphs_of(city, now=now)[0]
    assert first == ("2026年3月，河北街道京华社区坚持“网格+走访”，通过入户走访、电话回访、巡查等方式，累计走访2户居民，"
                     "走访覆盖率100%，2个问题浮出水面，其中当场解决1个，转为诉求办理1件。")


def test_a_weekly_sweep_plan_is_told_as_the_article_tells_it(city, march, now):
    visit_services.create_plan(actor=city.community_head, data={
        "name": "每周三、周五全员下沉网格", "community": city.community.code, "weekdays": [3, 5],
        "all_staff": True, "target_households": 20, "starts_on": datetime.date(2026, 1, 1)})
    assert "坚持“网格+走访”，固定每周三、周五全员下沉网格，通过入户走访" in paragraphs_of(city, now=now)[0]


def test_the_loop_of_levels_and_the_problems_solved(city, march, now):
    text = "".join(paragraphs_of(city, now=now))
    assert "建立分层处置闭环：“小事不出网格”——网格办理5件；“大事不出社区”——社区办理1件。" in text
    # closed in March: c1 (垃圾清运), c2 (环境卫生), c6 (其他, which names nothing)
    assert "本月解决垃圾清运、环境卫生等民生关切问题3件。" in text


def test_hard_problems_solved_by_the_street_and_partners_are_counted(city, march, now):
    street = Area.objects.get(code=city.street.code)
    # a February engineering case, taken to the street and closed there in March by a partner
    Case.objects.create(
        number="SQ-2026-799001", tracking="HARD0001", title="主干道翻修", description="d",
        category=Category.objects.get(code="road_damage"), source="visit", grid=city.grid, level="street",
        owner_area=street, owner_kind=OwnerKind.PARTNER, owner_partner="市政公司", status="closed",
        reported_at=at(2, 10), accepted_at=at(2, 10), deadline=at(3, 30), closed_at=at(3, 28),
    )
    text = "".join(paragraphs_of(city, now=now))
    assert "“难事不出街道”——推动解决难题1个。" in text
    assert "本月解决垃圾清运、环境卫生、道路破损等民生关切问题4件，其中协调联建单位办结1件。" in text


def test_resources_volunteers_and_projects_come_from_their_apps_and_agree_with_the_figures(city, resources, now):
    scope = Scope.for_user(city.community_head)
    f = figures.compute(scope, city.community.code, *MARCH, now=now)
    assert (f["activities"], f["people_served"], f["volunteer_hours"], f["projects_completed"]) == (2, 1234, 3.5, 1)
    assert ("链接专业资源，联合中医院、派出所等联建单位开展义诊、消防演练等服务活动2场，服务群众1200余人次；"
            "1名志愿者参与志愿服务3.5小时；每月将居民诉求转化为具体项目，本月立项1个、完成1个（“老国税小区屋顶防水修缮”）。"
            ) in paragraphs_of(city, now=now)


def test_the_change_from_last_month_includes_rates_in_percentage_points(city, march, now):
    # February: c6 only (a resident's report, no visits, nothing due, no rating): the on-time and
    # satisfaction rates had nothing to measure and are not compared.
    assert paragraphs_of(city, now=now)[-1] == (
        "与上月相比，走访户数增加2户，群众诉求增加5件，结案增加3件，主动发现率提高50个百分点。")


def test_a_month_without_records_says_so(city, march, now):
    assert paragraphs_of(city, month="2025-01", now=now) == ["2025年1月，河北街道京华社区暂无走访和诉求记录。"]


def test_a_community_head_cannot_have_another_communitys_briefing(city, march, now):
    with pytest.raises(OutOfScope):
        paragraphs_of(city, area=city.other_community.code, now=now)


def test_a_grid_worker_gets_the_briefing_of_the_grid_only(city, march, now):
    text = "".join(paragraphs_of(city, user=city.grid_worker, area=city.grid.code, now=now))
    grid = figures.compute(Scope.for_user(city.grid_worker), city.grid.code, *MARCH, now=now)
    assert text.startswith("2026年3月，京华社区第一网格坚持“网格+走访”")
    assert f"本月共收到群众诉求{grid['cases_reported']}件" in text
    with pytest.raises(OutOfScope):
        paragraphs_of(city, user=city.grid_worker, area=city.community.code, now=now)


@pytest.mark.parametrize("now, before, text", [
    (0.5, 0.375, "提高12.5个百分点"), (0.3, 0.5, "下降20个百分点"), (0.4, 0.4, "持平"), (0.4, None, None),
])
def test_rates_are_compared_in_percentage_points(now, before, text):
    assert briefing._rate_change(now, before) == text
