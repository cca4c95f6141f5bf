"""In a real browser on a phone: a community head turns three leaking roofs of one old
estate into a project from the suggestion list, assigns a partner and two volunteers,
and completes it; each case's page names the project and shows it in its timeline."""
import pytest

from wangge.cases.models import Case
from wangge.partners.models import Partner
from wangge.projects.models import Project
from wangge.testing import PASSWORD, SmallCity, user
from wangge.volunteers.models import Volunteer

from .conftest import escalate_to_community, report

pytestmark = pytest.mark.browser


@pytest.fixture
def town(seeded_transactional_db):
    """The small city with 老国税小区 made an old estate of three buildings, a leaking roof
    reported in each and handed up to the community, a partner and volunteers."""
    from wangge.areas.models import Building, Estate

    city = SmallCity()
    estate = Estate.objects.get(name="老国税小区")
    estate.is_old = True
    estate.save()
    for name in ("2号楼", "3号楼"):
        Building.objects.create(grid=city.grid, estate=estate, name=name)
    city.cases = [escalate_to_community(report(city.grid_worker, city.grid, b), city.grid_worker)
                  for b in estate.buildings.order_by("name")]
    city.head = user("demo_community", "community_head", city.community)
    Partner.objects.create(name="红心物业联盟维修队", kind="property", area=city.street)
    for name in ("李红", "张强", "王芳"):
        Volunteer.objects.create(name=name, area=city.community)
    return city


def test_three_roof_leaks_become_a_project_that_is_completed(town, live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("demo_community")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name="民生项目").click()
    page.get_by_role("link", name="立项建议").click()
    card = page.locator(".suggestion", has_text="老国税小区")
    assert card.get_by_text("3 件").is_visible()
    card.get_by_role("button", name="立项").click()
    assert page.get_by_text("已立项：老国税小区房屋漏水集中整治").is_visible()
    project = Project.objects.get()
    assert sorted(project.cases.values_list("number", flat=True)) == sorted(c.number for c in town.cases)

    page.get_by_label("红心物业联盟维修队").check()
    page.get_by_role("button", name="保存联建单位").click()
    assert page.get_by_text("已保存联建单位").is_visible()
    page.get_by_label("李红").check()
    page.get_by_label("张强").check()
    page.get_by_role("button", name="保存志愿者").click()
    assert page.get_by_text("已保存志愿者").is_visible()

    page.get_by_label("实施结果").fill("更换楼顶防水层，雨后复查三栋楼均无渗漏")
    page.get_by_role("button", name="完成项目").click()
    assert page.get_by_text("项目已完成；3 件诉求已推进").is_visible()
    project.refresh_from_db()
    assert project.status == "completed"
    assert sorted(project.volunteers.values_list("name", flat=True)) == ["张强", "李红"]
    assert list(project.partners.values_list("name", flat=True)) == ["红心物业联盟维修队"]

    for case in town.cases:
        page.goto(f"{live_server.url}/cases/{case.number}/")
        assert page.locator(".case-project").get_by_role("link", name="老国税小区房屋漏水集中整治").is_visible()
        timeline = page.locator(".timeline")
        assert timeline.get_by_text("加入民生项目《老国税小区房屋漏水集中整治》").is_visible()
        assert timeline.get_by_text("民生项目《老国税小区房屋漏水集中整治》已完成：更换楼顶防水层，雨后复查三栋楼均无渗漏").is_visible()
        # Handled by the head with the result; another community worker will check it.
        assert Case.objects.get(pk=case.pk).status == "handled"
