"""Registering, editing and deregistering volunteers and running teams on the pages:
every change through the volunteer services in the user's scope; a resident found by
name or the ID number's last 4 through wangge.people; another area's user gets a 404
on every page and action and changes nothing; field errors come back in Chinese."""
import pytest

from wangge.testing import signed_in, user
from wangge.volunteers.models import Team, Volunteer

COMMUNITY = "220184001001"


@pytest.fixture
def head(city):
    return signed_in(city.community_head)


@pytest.fixture
def outsider(city):
    """The head of 东洼社区, in another street."""
    return signed_in(user("head2", "community_head", city.other_community))


def test_a_resident_is_found_and_registered_as_a_volunteer(city, head):
    assert "登记志愿者" in head.get("/volunteers/").content.decode()
    found = head.get("/volunteers/new/", {"rq": city.resident.id_last4})
    html = found.content.decode()
    assert found.status_code == 200 and f"?resident={city.resident.pk}" in html and "刘伊蕊" in html
    assert "刘伊然" not in head.get("/volunteers/new/", {"rq": "刘伊"}).content.decode()  # another street's resident
    chosen = head.get("/volunteers/new/", {"resident": city.resident.pk})
    assert chosen.context["form"].initial["name"] == "刘伊蕊"
    response = head.post("/volunteers/new/", {"resident": city.resident.pk, "name": "刘伊蕊", "area": "",
                                              "skills": ["medical", "cpr"], "availability": "周末",
                                              "is_governance_partner": "on"})
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/volunteers/{volunteer.pk}/"
    assert (volunteer.area_code, volunteer.resident, volunteer.skills, volunteer.is_governance_partner) == (
        COMMUNITY, city.resident, ["medical", "cpr"], True)
    # The search now marks her as registered, and a second registration is refused.
    assert "已登记为志愿者" in head.get("/volunteers/new/", {"rq": "刘伊蕊"}).content.decode()
    again = head.post("/volunteers/new/", {"resident": city.resident.pk, "name": "刘伊蕊", "area": COMMUNITY})
    assert again.status_code == 422 and "该居民已登记为志愿者" in again.content.decode()
    assert Volunteer.objects.count() == 1


def test_someone_who_does_not_live_here_is_registered_by_name(city, head):
    refused = head.post("/volunteers/new/", {"name": "", "area": ""})
    body = refused.content.decode()
    assert refused.status_code == 422 and "请填写姓名" in body and "请选择区域" in body
    unknown = head.post("/volunteers/new/", {"name": "赵医生", "area": COMMUNITY, "skills": ["flying"]})
    assert unknown.status_code == 422 and "flying 不在可用的选项中" in unknown.content.decode()
    assert not Volunteer.objects.exists()
    grid = head.post("/volunteers/new/", {"name": "赵医生", "area": city.grid.code})
    assert grid.status_code == 422 and "志愿者登记在社区" in grid.content.decode()
    assert head.post("/volunteers/new/", {"name": "赵医生", "area": COMMUNITY, "skills": ["medical"]}).status_code == 302
    assert Volunteer.objects.get().resident is None


def test_a_volunteer_is_edited_and_deregistered(city, head):
    volunteer = Volunteer.objects.create(name="李红", area=city.community, skills=["errands"])
    page = head.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert f"/volunteers/{volunteer.pk}/edit/" in page and "注销" in page
    linked = head.get(f"/volunteers/{volunteer.pk}/edit/", {"resident": city.resident_b.pk})
    assert "王建国" in linked.content.decode()
    response = head.post(f"/volunteers/{volunteer.pk}/edit/", {
        "name": "李红", "area": COMMUNITY, "skills": ["errands", "driving"], "availability": "工作日晚上",
        "resident": city.resident_b.pk})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.skills, volunteer.availability, volunteer.resident) == (
        ["errands", "driving"], "工作日晚上", city.resident_b)
    # Saving again keeps the resident; unlinking posts an empty one.
    head.post(f"/volunteers/{volunteer.pk}/edit/", {"name": "李红", "area": COMMUNITY,
                                                     "resident": city.resident_b.pk})
    assert Volunteer.objects.get(pk=volunteer.pk).resident == city.resident_b
    head.post(f"/volunteers/{volunteer.pk}/edit/", {"name": "李红", "area": COMMUNITY, "resident": ""})
    assert Volunteer.objects.get(pk=volunteer.pk).resident is None
    assert head.post(f"/volunteers/{volunteer.pk}/register/").status_code == 302
    assert not Volunteer.objects.get(pk=volunteer.pk).is_active
    assert head.get("/volunteers/").context["page_obj"].paginator.count == 0
    head.post(f"/volunteers/{volunteer.pk}/register/")
    assert Volunteer.objects.get(pk=volunteer.pk).is_active


def test_a_team_gets_its_members_and_leader(city, head):
    li = Volunteer.objects.create(name="李红", area=city.community)
    zhao = Volunteer.objects.create(name="赵刚", area=city.community)
    refused = head.post("/volunteers/teams/new/", {"name": "", "area": COMMUNITY})
    assert refused.status_code == 422 and "请填写名称" in refused.content.decode()
    response = head.post("/volunteers/teams/new/", {"name": "红色代办服务队", "area": COMMUNITY,
                                                    "description": "为高龄老人跑腿代办"})
    team = Team.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/volunteers/teams/{team.pk}/"
    found = head.get(f"/volunteers/teams/{team.pk}/", {"vq": "李"})
    assert [v.name for v in found.context["more"]] == ["李红"]
    head.post(f"/volunteers/teams/{team.pk}/", {"name": "红色代办服务队", "area": COMMUNITY,
                                                "members": [li.pk, zhao.pk], "leader": li.pk})
    team.refresh_from_db()
    assert (team.leader, set(team.members.all())) == (li, {li, zhao})
    # Unticking 赵刚 removes him; the leader stays a member.
    head.post(f"/volunteers/teams/{team.pk}/", {"name": "红色代办服务队", "area": COMMUNITY, "members": [],
                                                "leader": li.pk})
    assert list(team.members.all()) == [li]
    assert f"/volunteers/teams/{team.pk}/" in head.get("/volunteers/").content.decode()
    duplicate = head.post("/volunteers/teams/new/", {"name": "红色代办服务队", "area": COMMUNITY})
    assert duplicate.status_code == 422 and "该区域已有同名服务队" in duplicate.content.decode()


def test_another_area_gets_404_and_changes_nothing(city, outsider):
    volunteer = Volunteer.objects.create(name="李红", area=city.community, skills=["errands"])
    team = Team.objects.create(name="红卫士", area=city.community)
    for url in [f"/volunteers/{volunteer.pk}/edit/", f"/volunteers/teams/{team.pk}/"]:
        assert outsider.get(url).status_code == 404, url
    posts = [
        (f"/volunteers/{volunteer.pk}/edit/", {"name": "改名", "area": "220184002001"}),
        (f"/volunteers/{volunteer.pk}/register/", {}),
        (f"/volunteers/teams/{team.pk}/", {"name": "改名", "area": "220184002001"}),
        ("/volunteers/new/", {"name": "越权", "area": COMMUNITY}),
        ("/volunteers/teams/new/", {"name": "越权队", "area": COMMUNITY}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404, url
    # A resident of 京华社区 is not theirs to link: as if there were no such resident.
    stranger = outsider.post("/volunteers/new/", {"name": "越权", "area": "", "resident": city.resident.pk})
    assert stranger.status_code == 422 and "未找到该居民" in stranger.content.decode()
    volunteer.refresh_from_db()
    team.refresh_from_db()
    assert (volunteer.name, volunteer.is_active, team.name) == ("李红", True, "红卫士")
    assert Volunteer.objects.count() == 1 and Team.objects.count() == 1
    # Their own team cannot take 京华社区's volunteer either.
    own = Team.objects.create(name="东洼服务队", area=city.other_community)
    refused = outsider.post(f"/volunteers/teams/{own.pk}/", {"name": "东洼服务队", "area": "220184002001",
                                                            "members": [volunteer.pk]})
    assert refused.status_code == 422 and not own.members.exists()
    assert outsider.get("/volunteers/new/", {"rq": "刘伊蕊"}).context["matches"] == []
    assert signed_in(city.partner).get("/volunteers/new/").status_code == 404  # no area scope
