"""Partner staff (联建单位人员): they see only the cases dispatched to their
organisation, and may start and handle them (处置反馈 hands the case back for the
community's check); nothing else."""
import pytest

from wangge.cases.models import Case, Notification, OwnerKind
from wangge.cases.states import TRANSITIONS
from wangge.partners.models import Partner, PartnerMembership
from wangge.testing import user


@pytest.fixture
def hospital(city):
    """中医院, linked to 京华社区; the small city's ``partner`` user acts for it."""
    partner = Partner.objects.create(name="公主岭市中医院", kind="hospital", area=city.community)
    PartnerMembership.objects.create(user=city.partner, partner=partner)
    return partner


@pytest.fixture
def lawyers(city):
    """A law firm of the other street, with its own staff member."""
    partner = Partner.objects.create(name="铁北律师事务所", kind="law_firm", area=city.other_community)
    staff = user("lawyer", "partner_staff", city.other_community)
    PartnerMembership.objects.create(user=staff, partner=partner)
    return partner


def transition(client, case, action, **data):
    case.refresh_from_db()
    return client.post(f"/api/v1/cases/{case.number}/transitions", {"action": action, "version": case.version, **data})


def dispatch_to(client, case, partner_id):
    return transition(client, case, "dispatch", to={"kind": "partner", "partner": partner_id}, note="请协助处置")


def numbers(client, **params):
    response = client.get("/api/v1/cases", **params)
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_a_case_dispatched_to_a_partner_by_id_is_seen_and_worked_by_its_staff(city, api_client, make_case, hospital):
    case = make_case(status="accepted", level="community")
    other = make_case(status="accepted", level="community")
    head = api_client().login("head")
    partner = api_client().login("partner")
    assert numbers(partner) == set()

    response = dispatch_to(head, case, hospital.pk)
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.owner_kind, case.owner_partner, case.owner_partner_org) == (OwnerKind.PARTNER, hospital.name, hospital)
    assert Notification.objects.filter(user=city.partner, case=case).exists()

    assert numbers(partner) == numbers(partner, list="mine") == {case.number}
    assert partner.get(f"/api/v1/cases/{other.number}").status_code == 404
    detail = partner.get(f"/api/v1/cases/{case.number}").json()
    assert set(detail["allowed_actions"]) - {"photo"} == {"start"}

    assert transition(partner, case, "start", note="已安排医生上门").status_code == 200
    assert transition(partner, case, "handle", note="已上门诊疗，开具处方").status_code == 200
    case.refresh_from_db()
    assert case.status == "handled" and case.owner_partner_org == hospital
    # The community checks the partner's handling like anyone's.
    assert transition(head, case, "verify", note="回访属实").status_code == 200


@pytest.mark.parametrize("action", sorted(set(TRANSITIONS) - {"start", "handle"}))
def test_partner_staff_take_no_other_action(city, api_client, make_case, hospital, action):
    case = make_case(status="in_progress", level="community")
    dispatch_to(api_client().login("head"), case, hospital.pk)
    case.refresh_from_db()
    version = case.version
    response = transition(api_client().login("partner"), case, action, reason="越权尝试", note="越权尝试",
                          rating="satisfied", to={"kind": "level", "level": "grid"}, into=case.number)
    assert response.status_code in (404, 422), response.content
    case.refresh_from_db()
    assert case.version == version


def test_partner_staff_do_not_see_another_partners_cases_nor_cases_taken_back(city, api_client, make_case,
                                                                               hospital, lawyers):
    ours = make_case(status="accepted", level="community")
    theirs = make_case(status="accepted", level="community", grid=city.other_grid)
    head, partner = api_client().login("head"), api_client().login("partner")
    assert dispatch_to(head, ours, hospital.pk).status_code == 200
    assert dispatch_to(api_client().login("city"), theirs, lawyers.pk).status_code == 200
    assert numbers(partner) == {ours.number}
    assert numbers(api_client().login("lawyer")) == {theirs.number}
    assert partner.get(f"/api/v1/cases/{theirs.number}").status_code == 404

    # The community takes the case back to its own office: the partner no longer sees it.
    assert transition(head, ours, "dispatch", to={"kind": "level", "level": "community"}).status_code == 200
    ours.refresh_from_db()
    assert ours.owner_partner_org is None and ours.owner_kind == OwnerKind.OFFICE
    assert numbers(partner) == set()
    assert transition(partner, ours, "start").status_code == 404


def test_a_partner_serving_another_area_cannot_be_dispatched_to(city, api_client, make_case, lawyers):
    case = make_case(status="accepted", level="community")
    response = dispatch_to(api_client().login("head"), case, lawyers.pk)
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).owner_kind == OwnerKind.OFFICE


def test_a_street_partner_serves_the_streets_communities(city, api_client, make_case):
    property_alliance = Partner.objects.create(name="红心物业联盟", kind="property", area=city.street)
    case = make_case(status="accepted", level="community")
    assert dispatch_to(api_client().login("head"), case, property_alliance.pk).status_code == 200


def test_dispatch_by_name_still_works_and_links_the_one_partner_of_that_name(city, api_client, make_case, hospital):
    named = make_case(status="accepted", level="community")
    unknown = make_case(status="accepted", level="community")
    head = api_client().login("head")
    assert transition(head, named, "dispatch", to={"kind": "partner", "name": "公主岭市中医院"}).status_code == 200
    assert transition(head, unknown, "dispatch", to={"kind": "partner", "name": "某清运公司"}).status_code == 200
    named.refresh_from_db(), unknown.refresh_from_db()
    assert named.owner_partner_org == hospital
    assert (unknown.owner_partner, unknown.owner_partner_org) == ("某清运公司", None)
    assert numbers(api_client().login("partner")) == {named.number}


def test_the_case_page_shows_partner_staff_only_their_cases(city, make_case, hospital, login, api_client):
    case = make_case(status="accepted", level="community")
    other = make_case(status="accepted", level="community")
    dispatch_to(api_client().login("head"), case, hospital.pk)
    page = login("partner")
    assert page.get(f"/cases/{case.number}/").status_code == 200
    assert page.get(f"/cases/{other.number}/").status_code == 404
    listing = page.get("/cases/?list=mine")
    assert listing.status_code == 200
    assert case.number in listing.content.decode() and other.number not in listing.content.decode()
