"""The task and volunteer pages: the community's list with escalated and open tasks
first, a task page with the ranked volunteers and its buttons, the volunteer page
with its certificate link; anything outside the user's areas is a 404."""
import pytest
from django.test import Client

from wangge.testing import signed_in
from wangge.volunteers.models import HelpTask, TaskStatus, Volunteer


@pytest.fixture
def head(city):
    return signed_in(city.community_head)


def test_the_list_puts_what_needs_someone_first(city, vol, make_task, head, head_scope):
    from wangge.volunteers import services

    done = services.accept_task(scope=head_scope, actor=city.community_head, task=make_task(title="已接的"),
                                volunteer=vol)
    make_task(title="待接单的")
    late = make_task(title="转社区的")
    HelpTask.objects.filter(pk=late.pk).update(status=TaskStatus.ESCALATED)
    response = head.get("/tasks/")
    assert response.status_code == 200
    assert [t.title for t in response.context["page_obj"]] == ["转社区的", "待接单的", "已接的"]
    assert "发布任务" in response.content.decode()
    assert [t.title for t in head.get("/tasks/", {"status": "accepted"}).context["page_obj"]] == [done.title]


def test_staff_offer_a_task_from_the_page(city, head):
    response = head.get("/tasks/new/", {"resident": city.resident.pk})
    assert response.status_code == 200 and "刘伊蕊" in response.content.decode()
    response = head.post("/tasks/new/", {"title": "代买药品", "needed_on": "2026-06-06", "skill": "errands",
                                         "resident": city.resident.pk, "area": ""})
    task = HelpTask.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert (task.area_code, task.resident) == (city.grid.code, city.resident)
    refused = head.post("/tasks/new/", {"title": "", "needed_on": "", "area": city.grid.code})
    assert refused.status_code == 422 and "请填写任务" in refused.content.decode()


def test_the_task_page_ranks_volunteers_and_assigns_and_completes(city, vol, make_task, head):
    Volunteer.objects.create(name="赵", area=city.community, skills=["errands"], availability="周六",
                             resident=city.resident)
    task = make_task()
    page = head.get(f"/tasks/{task.pk}/")
    html = page.content.decode()
    assert [c.volunteer.name for c in page.context["candidates"]] == ["赵", "李红"]
    assert "住在同一网格" in html and "不是对志愿者的评价" in html and "指派" in html
    response = head.post(f"/tasks/{task.pk}/assign/", {"volunteer": vol.pk})
    assert response.status_code == 302
    assert HelpTask.objects.get(pk=task.pk).volunteer == vol
    refused = head.post(f"/tasks/{task.pk}/complete/", {"hours": "30"})
    assert refused.status_code == 422 and "0.1 至 24" in refused.content.decode()
    assert head.post(f"/tasks/{task.pk}/complete/", {"hours": "1.5", "date": "2026-06-06"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.record.hours, task.record.confirmed) == (TaskStatus.DONE, 1.5, True)


def test_a_volunteer_takes_a_task_on_the_page(city, vol, make_task):
    task = make_task(resident=city.resident.pk)
    me = signed_in(vol.user)
    listed = me.get("/tasks/")
    assert [t.pk for t in listed.context["page_obj"]] == [task.pk]
    page = me.get(f"/tasks/{task.pk}/").content.decode()
    assert "我来接单" in page and "刘伊蕊" not in page and "接单后可见" in page and "指派" not in page
    assert me.post(f"/tasks/{task.pk}/cancel/", {}).status_code == 404
    assert me.post(f"/tasks/{task.pk}/accept/").status_code == 302
    page = me.get(f"/tasks/{task.pk}/").content.decode()
    assert "刘伊蕊" in page and "完成登记" in page and "服务时长由组织方确认后计入" in page
    assert me.post(f"/tasks/{task.pk}/complete/", {"hours": "2"}).status_code == 302
    assert not HelpTask.objects.get(pk=task.pk).record.confirmed


def test_the_volunteer_page_links_the_certificate(city, vol, head):
    html = head.get(f"/volunteers/{vol.pk}/").content.decode()
    assert "李红" in html and f"/volunteers/{vol.pk}/certificate.pdf" in html and "证明 PDF" in html
    assert f'href="/volunteers/{vol.pk}/"' in head.get("/volunteers/").content.decode()
    assert signed_in(vol.user).get(f"/volunteers/{vol.pk}/").status_code == 200  # their own page


def test_every_page_and_action_keeps_to_the_scope(city, vol, make_task):
    task = make_task()
    outsider = signed_in(city.other_grid_worker)
    for url in [f"/tasks/{task.pk}/", f"/volunteers/{vol.pk}/", f"/volunteers/{vol.pk}/certificate.pdf"]:
        assert outsider.get(url).status_code == 404, url
    for action, data in [("accept", {}), ("assign", {"volunteer": vol.pk}), ("complete", {"hours": 1}),
                         ("cancel", {})]:
        assert outsider.post(f"/tasks/{task.pk}/{action}/", data).status_code == 404, action
    assert outsider.get("/tasks/").context["page_obj"].paginator.count == 0
    assert outsider.post("/tasks/new/", {"title": "越权", "needed_on": "2026-06-06",
                                         "area": city.grid.code}).status_code == 404
    assert signed_in(city.partner).get("/tasks/new/").status_code == 404  # no area scope: cannot offer
    assert HelpTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    # A volunteer of the community sees no other volunteer's page.
    other = Volunteer.objects.create(name="赵", area=city.community)
    assert signed_in(vol.user).get(f"/volunteers/{other.pk}/").status_code == 404
    assert Client().get("/tasks/").status_code == 302
