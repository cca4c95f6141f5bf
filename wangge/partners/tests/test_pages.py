"""The read-only pages: partners, the service circle, volunteers and activities show
only what the user's scope holds; an area outside it is a 404; no login, no page."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from wangge.activities.models import Activity
from wangge.areas.models import Building
from wangge.partners.models import Partner, ServicePoint
from wangge.volunteers.models import Volunteer


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def rows(city):
    Partner.objects.create(name="公主岭市中医院", kind="hospital", area=city.community)
    Volunteer.objects.create(name="李红志愿者", area=city.community, skills=["medical"], is_governance_partner=True)
    Activity.objects.create(title="中医义诊进社区", kind="health_check", date="2026-03-01", area=city.community,
                            participants=120)
    Building.objects.filter(pk=city.household.building_id).update(lat=43.5, lng=124.8)
    ServicePoint.objects.create(name="京华卫生服务站", kind="clinic", area=city.grid, lat=43.5, lng=124.801)


@pytest.mark.parametrize(("path", "text"), [("/partners/", "公主岭市中医院"), ("/volunteers/", "李红志愿者"),
                                            ("/activities/", "中医义诊进社区")])
def test_each_list_shows_its_rows_in_scope_only(city, rows, path, text):
    assert text in client_for("head").get(path).content.decode()
    page = client_for("gw2").get(path)
    assert page.status_code == 200 and text not in page.content.decode()
    assert Client().get(path).status_code == 302


def test_the_circle_page_shows_shares_and_gaps(city, rows):
    page = client_for("head").get("/service-circle/", {"area": "220184001001"})
    assert page.status_code == 200
    body = page.content.decode()
    # B1 (located, 1 household) reaches the clinic 81 m away; B2 has no coordinates.
    assert "100.0%" in body and "1125" in body.replace(",", "")
    assert client_for("gw2").get("/service-circle/", {"area": "220184001001"}).status_code == 404
    assert client_for("head").get("/service-circle/").status_code == 200
