"""The projects API: lists as {"items", "count"}, objects with their area, and on every
endpoint a user of another area gets 404 and changes nothing."""
import pytest

from wangge.cases.models import Case
from wangge.projects.models import Project

from .conftest import COMMUNITY


@pytest.fixture
def head(city, api_client):
    return api_client().login("head")


@pytest.fixture
def stranger(other_head, api_client):
    """The head of 东洼社区, another street."""
    return api_client().login("head2")


def create(client, cases, **data):
    return client.post("/api/v1/projects", {
        "title": "老国税小区楼顶防水维修", "area": COMMUNITY, "month": "2026-06", "category": "roof_leak",
        "cases": [c.number for c in cases], **data,
    })


def create_from(client, suggestion):
    return client.post("/api/v1/projects", {
        "title": suggestion["title"], "area": suggestion["area"], "month": "2026-06",
        "category": suggestion["category"], "cases": suggestion["cases"],
    })


@pytest.fixture
def project(head, roof_cases):
    response = create(head, roof_cases[:2])
    assert response.status_code == 201, response.content
    return response.json()


def test_from_a_suggestion_to_a_completed_project(city, head, roof_cases, repairers, volunteers):
    [suggestion] = head.get("/api/v1/projects/suggestions").json()["items"]
    assert (suggestion["area"], suggestion["count"], suggestion["estate_name"]) == (COMMUNITY, 3, "老国税小区")
    response = create_from(head, suggestion)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["area"], body["status"], body["category"]) == (COMMUNITY, "planned", "roof_leak")
    assert [c["number"] for c in body["cases"]] == suggestion["cases"]
    assert {c["linked_by"] for c in body["cases"]} == {"head"}
    pk = body["id"]

    patched = head.patch(f"/api/v1/projects/{pk}", {
        "plan": "统一更换防水层", "partners": [repairers[0].pk], "volunteers": [v.pk for v in volunteers[:2]],
        "residents": [city.resident.pk], "status": "in_progress",
    }).json()
    assert (patched["plan"], patched["status"], patched["residents"]) == ("统一更换防水层", "in_progress",
                                                                         [city.resident.pk])
    assert [p["name"] for p in patched["partners"]] == ["红心物业联盟维修队"]
    assert {v["name"] for v in patched["volunteers"]} == {"李红", "张强"}

    closed = head.post(f"/api/v1/projects/{pk}/close", {"result": "楼顶防水层全部更换"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["project"]["status"] == "completed"
    assert [(c["to_status"], c["stopped"]) for c in closed.json()["cases"]] == [
        ("handled", "不能核查自己处置的诉求")] * 3
    detail = head.get(f"/api/v1/cases/{roof_cases[0].number}").json()
    assert [(e["action"], e["note"]) for e in detail["events"]][-3:] == [
        ("project", "民生项目《老国税小区房屋漏水集中整治》已完成：楼顶防水层全部更换"),
        ("start", "民生项目《老国税小区房屋漏水集中整治》"), ("handle", "楼顶防水层全部更换")]
    assert head.get("/api/v1/projects", month="2026-06", status="completed").json()["count"] == 1


def test_bad_input_answers_422_with_the_fields(head, roof_cases, repairers):
    response = create(head, roof_cases, title="", month="六月", partners=[repairers[1].pk])
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"title", "month", "partners"}
    assert head.get("/api/v1/projects", month="2026/06").status_code == 422
    assert not Project.objects.exists()


def test_lists_and_objects(head, project):
    listed = head.get("/api/v1/projects").json()
    assert listed["count"] == 1 and listed["items"][0]["area"] == COMMUNITY
    assert head.get(f"/api/v1/projects/{project['id']}").json()["area"] == COMMUNITY
    assert head.get("/api/v1/projects", month="2026-05").json() == {"items": [], "count": 0}


# --- scope: every endpoint -----------------------------------------------------------------
def test_another_area_does_not_see_the_list_or_the_project(stranger, project):
    assert stranger.get("/api/v1/projects").json() == {"items": [], "count": 0}
    assert stranger.get(f"/api/v1/projects/{project['id']}").status_code == 404


def test_another_area_sees_no_suggestions_of_ours(stranger, head, roof_cases):
    assert head.get("/api/v1/projects/suggestions").json()["count"] == 1
    assert stranger.get("/api/v1/projects/suggestions").json() == {"items": [], "count": 0}


def test_another_area_cannot_create_a_project_here_or_take_our_cases(stranger, roof_cases):
    assert create(stranger, roof_cases).status_code == 404
    response = create(stranger, roof_cases, area="220184002001")
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "cases"
    assert not Project.objects.exists()


def test_another_area_cannot_patch(stranger, project):
    assert stranger.patch(f"/api/v1/projects/{project['id']}", {"title": "越权", "status": "in_progress"}
                          ).status_code == 404
    assert Project.objects.get().title == "老国税小区楼顶防水维修" and Project.objects.get().status == "planned"


def test_another_area_cannot_link_or_unlink(stranger, project, roof_cases):
    pk = project["id"]
    assert stranger.post(f"/api/v1/projects/{pk}/cases", {"cases": [roof_cases[2].number]}).status_code == 404
    delete = stranger.client.delete(f"/api/v1/projects/{pk}/cases/{roof_cases[0].number}",
                                    headers=stranger._headers())
    assert delete.status_code == 404
    assert Project.objects.get().links.count() == 2


def test_another_area_cannot_close_or_cancel(stranger, project, roof_cases):
    pk = project["id"]
    versions = [Case.objects.get(pk=c.pk).version for c in roof_cases]
    assert stranger.post(f"/api/v1/projects/{pk}/close", {"result": "越权完成"}).status_code == 404
    assert stranger.post(f"/api/v1/projects/{pk}/cancel", {"reason": "越权取消"}).status_code == 404
    assert Project.objects.get().status == "planned"
    assert [Case.objects.get(pk=c.pk).version for c in roof_cases] == versions


def test_link_unlink_and_cancel(head, project, roof_cases):
    pk = project["id"]
    linked = head.post(f"/api/v1/projects/{pk}/cases", {"cases": [roof_cases[2].number]})
    assert [c["number"] for c in linked.json()["cases"]] == [c.number for c in roof_cases]
    again = head.post(f"/api/v1/projects/{pk}/cases", {"cases": [roof_cases[2].number]})
    assert again.status_code == 422
    unlinked = head.client.delete(f"/api/v1/projects/{pk}/cases/{roof_cases[0].number}", headers=head._headers())
    assert len(unlinked.json()["cases"]) == 2
    assert head.patch(f"/api/v1/projects/{pk}", {"status": "completed"}).status_code == 422
    cancelled = head.post(f"/api/v1/projects/{pk}/cancel", {"reason": "改由住建部门统一维修"}).json()
    assert (cancelled["status"], cancelled["result"]) == ("cancelled", "改由住建部门统一维修")


def test_the_schema_describes_the_project_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/projects", "/api/v1/projects/{project_id}", "/api/v1/projects/{project_id}/cases",
            "/api/v1/projects/{project_id}/close", "/api/v1/projects/suggestions"} <= set(paths)
