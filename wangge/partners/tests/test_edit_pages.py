"""Registering and editing partners and service points on the pages: every change goes
through the partner services in the user's scope; another area's user gets a 404 on
every page and action and changes nothing; mistakes come back as Chinese field errors."""
import pytest

from wangge.partners.models import Partner, PartnerMembership, ServicePoint
from wangge.testing import signed_in, user

COMMUNITY = "220184001001"


@pytest.fixture
def head(city):
    return signed_in(city.community_head)


@pytest.fixture
def outsider(city):
    """The head of 东洼社区, another street: sees none of 京华社区's partners or points."""
    return signed_in(user("head2", "community_head", city.other_community))


@pytest.fixture
def hospital(city):
    return Partner.objects.create(name="京华社区卫生服务站", kind="clinic", area=city.community,
                                  contact_name="王医生", services="义诊")


@pytest.fixture
def point(city):
    return ServicePoint.objects.create(name="京华卫生服务站", kind="clinic", area=city.grid, lat=43.5, lng=124.8)


def test_staff_register_a_partner_and_edit_it(city, head):
    assert "登记联建单位" in head.get("/partners/").content.decode()
    page = head.get("/partners/new/")
    assert page.status_code == 200 and "京华社区" in page.content.decode()
    response = head.post("/partners/new/", {"name": "铁北律师事务所", "kind": "law_firm", "area": COMMUNITY,
                                            "contact_phone": "0434-6211234", "categories": ["disputes"]})
    partner = Partner.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/partners/{partner.pk}/edit/"
    assert (partner.area_code, partner.kind, [c.code for c in partner.categories.all()]) == (
        COMMUNITY, "law_firm", ["disputes"])
    assert f'href="/partners/{partner.pk}/edit/"' in head.get("/partners/").content.decode()
    response = head.post(f"/partners/{partner.pk}/edit/", {"name": "铁北律师事务所", "kind": "law_firm",
                                                            "area": COMMUNITY, "services": "每月法律咨询日"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.services == "每月法律咨询日" and not partner.categories.exists()


def test_mistakes_come_back_in_chinese_on_their_fields(city, head, hospital):
    refused = head.post("/partners/new/", {"name": "", "kind": "", "area": COMMUNITY})
    body = refused.content.decode()
    assert refused.status_code == 422 and "请填写名称" in body and "请选择类型" in body
    duplicate = head.post("/partners/new/", {"name": hospital.name, "kind": "clinic", "area": COMMUNITY})
    assert duplicate.status_code == 422 and "该区域已有同名单位" in duplicate.content.decode()
    assert Partner.objects.count() == 1


def test_switching_off_and_on_and_partner_staff(city, head, hospital):
    response = head.post(f"/partners/{hospital.pk}/switch/")
    assert response.status_code == 302 and not Partner.objects.get(pk=hospital.pk).is_active
    assert list(head.get("/partners/").context["page_obj"]) == []
    assert list(head.get("/partners/", {"inactive": "1"}).context["page_obj"]) == [hospital]
    head.post(f"/partners/{hospital.pk}/switch/")
    assert Partner.objects.get(pk=hospital.pk).is_active
    assert head.post(f"/partners/{hospital.pk}/members/add/", {"username": "partner"}).status_code == 302
    assert PartnerMembership.objects.filter(partner=hospital, user=city.partner).exists()
    assert "partner" in head.get(f"/partners/{hospital.pk}/edit/").content.decode()
    unknown = head.post(f"/partners/{hospital.pk}/members/add/", {"username": "nobody"})
    assert unknown.status_code == 422 and "未找到该用户" in unknown.content.decode()
    assert head.post(f"/partners/{hospital.pk}/members/remove/", {"username": "partner"}).status_code == 302
    assert not PartnerMembership.objects.exists()


def test_a_street_partner_is_read_only_to_its_communities(city, head):
    police = Partner.objects.create(name="河北派出所", kind="police", area=city.street)
    listed = head.get("/partners/").content.decode()
    assert "河北派出所" in listed and f"/partners/{police.pk}/edit/" not in listed
    assert head.get(f"/partners/{police.pk}/edit/").status_code == 404
    assert head.post(f"/partners/{police.pk}/switch/").status_code == 404
    assert signed_in(city.street_staff).get(f"/partners/{police.pk}/edit/").status_code == 200


def test_another_area_gets_404_and_changes_nothing(city, outsider, hospital, point):
    for url in [f"/partners/{hospital.pk}/edit/", f"/service-points/{point.pk}/edit/"]:
        assert outsider.get(url).status_code == 404, url
    posts = [
        (f"/partners/{hospital.pk}/edit/", {"name": "改名", "kind": "clinic", "area": "220184002001"}),
        (f"/partners/{hospital.pk}/switch/", {}),
        (f"/partners/{hospital.pk}/members/add/", {"username": "partner"}),
        (f"/service-points/{point.pk}/edit/", {"name": "改名", "kind": "clinic", "area": "220184002001",
                                               "lat": 1, "lng": 1}),
        (f"/service-points/{point.pk}/switch/", {}),
        ("/partners/new/", {"name": "越权单位", "kind": "clinic", "area": COMMUNITY}),
        ("/service-points/new/", {"name": "越权点", "kind": "clinic", "area": COMMUNITY, "lat": 43.5, "lng": 124.8}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404, url
    hospital.refresh_from_db()
    point.refresh_from_db()
    assert (hospital.name, hospital.is_active, point.name, point.is_active) == (
        "京华社区卫生服务站", True, "京华卫生服务站", True)
    assert Partner.objects.count() == 1 and ServicePoint.objects.count() == 1
    assert not PartnerMembership.objects.exists()
    assert "京华卫生服务站" not in outsider.get("/service-points/").content.decode()
    assert signed_in(city.partner).get("/partners/new/").status_code == 404  # no area scope


def test_staff_register_a_service_point_with_its_place_and_switch_it_off(city, head, hospital):
    page = head.get("/service-points/")
    assert "登记服务点" in page.content.decode()
    refused = head.post("/service-points/new/", {"name": "药店", "kind": "pharmacy", "area": city.grid.code,
                                                 "lat": "", "lng": "200"})
    body = refused.content.decode()
    assert refused.status_code == 422 and "请填写坐标" in body and "坐标无效" in body
    response = head.post("/service-points/new/", {"name": "京华大药房", "kind": "pharmacy", "area": city.grid.code,
                                                  "lat": "43.5046", "lng": "124.8268", "partner": hospital.pk,
                                                  "opening_hours": "8:00–20:00"})
    assert response.status_code == 302
    point = ServicePoint.objects.get()
    assert (point.area_code, point.lat, point.lng, point.partner) == (city.grid.code, 43.5046, 124.8268, hospital)
    assert "京华大药房" in head.get("/service-points/").content.decode()
    response = head.post(f"/service-points/{point.pk}/edit/", {"name": "京华大药房", "kind": "pharmacy",
                                                                 "area": city.grid.code, "lat": "43.51",
                                                                 "lng": "124.82", "partner": ""})
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.lat, point.partner) == (43.51, None)
    head.post(f"/service-points/{point.pk}/switch/")
    assert not ServicePoint.objects.get(pk=point.pk).is_active
