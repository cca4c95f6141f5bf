"""The project pages: the month's list, suggestions with 立项, the project page and its
actions; the case page names the project; another area's project is a 404 everywhere."""
import pytest
from django.utils import timezone

from wangge.cases.models import Case
from wangge.projects import services
from wangge.projects.models import Project

from .conftest import COMMUNITY

ACTIONS = ("plan", "link", "unlink", "partners", "volunteers", "start", "close", "cancel")


@pytest.fixture
def project(city, roof_cases):
    return services.create_project(
        actor=city.community_head, title="老国税小区楼顶防水维修", area=COMMUNITY,
        month=timezone.localtime().strftime("%Y-%m"), category="roof_leak", cases=[c.number for c in roof_cases[:2]],
    )


def test_pages_need_a_login(client, project):
    for url in ["/projects/", "/projects/suggestions/", "/projects/new/", f"/projects/{project.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_month_list_and_the_project_page(city, login, project, roof_cases, repairers, volunteers):
    head = login("head")
    page = head.get("/projects/").content.decode()
    assert "老国税小区楼顶防水维修" in page and 'href="/projects/suggestions/' in page
    assert "老国税小区楼顶防水维修" not in head.get("/projects/?month=2020-01").content.decode()
    assert "老国税小区楼顶防水维修" in head.get("/projects/?month=all").content.decode()
    assert head.get("/projects/?month=junk").status_code == 404
    page = head.get(f"/projects/{project.pk}/").content.decode()
    for text in (roof_cases[0].number, roof_cases[2].number, "红心物业联盟维修队", "李红", "完成项目"):
        assert text in page  # linked case, a candidate to link, partner and volunteer pickers
    assert "东洼防水公司" not in page and "东洼志愿者" not in page


def test_suggestion_to_project_through_the_pages(city, login, roof_cases, repairers, volunteers):
    head = login("head")
    page = head.get("/projects/suggestions/").content.decode()
    assert "老国税小区 · 房屋漏水" in page and all(c.number in page for c in roof_cases)
    response = head.post("/projects/new/", {
        "title": "老国税小区房屋漏水集中整治", "area": COMMUNITY, "month": "2026-06", "category": "roof_leak",
        "cases": [c.number for c in roof_cases],
    })
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    base = f"/projects/{project.pk}"
    assert head.post(f"{base}/partners/", {"partners": [repairers[0].pk]}).status_code == 302
    assert head.post(f"{base}/volunteers/", {"volunteers": [v.pk for v in volunteers[:2]]}).status_code == 302
    refused = head.post(f"{base}/close/", {"result": ""})
    assert refused.status_code == 422 and "请填写实施结果" in refused.content.decode()
    response = head.post(f"{base}/close/", {"result": "楼顶防水层全部更换", "close_cases": "on"}, follow=True)
    assert "项目已完成；3 件诉求已推进" in response.content.decode()
    assert {Case.objects.get(pk=c.pk).status for c in roof_cases} == {"handled"}

    case_page = head.get(f"/cases/{roof_cases[0].number}/").content.decode()
    assert f'href="/projects/{project.pk}/"' in case_page
    assert "民生项目《老国税小区房屋漏水集中整治》已完成：楼顶防水层全部更换" in case_page


def test_the_case_page_of_a_case_in_no_project_is_unchanged(city, login, roof_cases):
    page = login("head").get(f"/cases/{roof_cases[0].number}/").content.decode()
    assert "case-project" not in page and "民生项目《" not in page


def test_another_areas_project_is_a_404_on_its_page_and_every_action(city, login, project, roof_cases,
                                                                      other_head):
    stranger = login("head2")
    assert stranger.get(f"/projects/{project.pk}/").status_code == 404
    assert "老国税小区楼顶防水维修" not in stranger.get("/projects/?month=all").content.decode()
    assert roof_cases[2].number not in stranger.get("/projects/suggestions/").content.decode()
    for action in ACTIONS:
        response = stranger.post(f"/projects/{project.pk}/{action}/", {
            "title": "越权", "plan": "越权", "cases": [roof_cases[2].number], "case": roof_cases[0].number,
            "result": "越权完成", "reason": "越权取消", "partners": [], "volunteers": [],
        })
        assert response.status_code == 404, action
    response = stranger.post("/projects/new/", {"title": "越权", "area": COMMUNITY, "month": "2026-06"})
    assert response.status_code == 404
    project.refresh_from_db()
    assert (project.title, project.status, project.links.count(), Project.objects.count()) == (
        "老国税小区楼顶防水维修", "planned", 2, 1)
    # The case page of another area's case says nothing of the project either: it is a 404.
    assert stranger.get(f"/cases/{roof_cases[0].number}/").status_code == 404


def test_an_unknown_action_is_a_404(login, project):
    assert login("head").post(f"/projects/{project.pk}/explode/").status_code == 404


def test_a_blank_project_form_offers_the_users_community_and_street(city, login):
    page = login("street").get("/projects/new/").content.decode()
    assert 'value="220184001"' in page and f'value="{COMMUNITY}"' in page and "220184002001" not in page
    response = login("street").post("/projects/new/", {"title": "河北街道加装电梯", "area": "220184001",
                                                        "month": "2026-07", "plan": "摸排需求"})
    assert response.status_code == 302
    assert Project.objects.get().area_code == "220184001"
