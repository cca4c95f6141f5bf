"""Partners and their staff through the API: scoped like every area-owned row.
A partner linked to a street or the city is read-only to its communities and grids."""

from wangge.partners.models import Partner, PartnerMembership


def create(client, **data):
    body = {"name": "公主岭市中医院", "kind": "hospital", "area": "220184001001", "contact_name": "张医生",
            "contact_phone": "13900001111", "services": "义诊、慢病随访", "categories": ["other"], **data}
    return client.post("/api/v1/partners", body)


def delete(client, path):
    return client.client.delete(path, headers=client._headers())


def names(client, **params):
    response = client.get("/api/v1/partners", **params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["name"]: item for item in body["items"]}


def test_a_community_head_registers_a_partner_of_their_community(city, api_client):
    head = api_client().login("head")
    response = create(head)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["area"], body["kind_name"], body["categories"], body["editable"]) == (
        "220184001001", "医院", ["other"], True)
    assert names(head).keys() == {"公主岭市中医院"}


def test_partners_outside_scope_are_invisible_and_unchangeable(city, api_client):
    partner_id = create(api_client().login("head")).json()["id"]
    gw2 = api_client().login("gw2")
    assert names(gw2) == {}
    assert gw2.get(f"/api/v1/partners/{partner_id}").status_code == 404
    assert gw2.patch(f"/api/v1/partners/{partner_id}", {"name": "改名"}).status_code == 404
    assert delete(gw2, f"/api/v1/partners/{partner_id}").status_code == 404
    assert gw2.post(f"/api/v1/partners/{partner_id}/members", {"username": "gw2"}).status_code == 404
    assert create(gw2, name="越权单位").status_code == 404
    assert Partner.objects.get().name == "公主岭市中医院" and not PartnerMembership.objects.exists()


def test_a_partner_of_the_street_above_is_read_only_below(city, api_client):
    street = api_client().login("street")
    alliance = create(street, name="红心物业联盟", kind="property", area="220184001").json()
    gw = api_client().login("gw")
    seen = names(gw)
    assert seen["红心物业联盟"]["editable"] is False
    assert gw.patch(f"/api/v1/partners/{alliance['id']}", {"name": "改名"}).status_code == 404
    assert street.patch(f"/api/v1/partners/{alliance['id']}", {"contact_name": "李经理"}).json()["contact_name"] == "李经理"
    # The other street's people do not see it.
    assert names(api_client().login("gw2")) == {}
    # ``area`` lists the partners serving an area: linked to it or above it.
    assert names(street, area="220184001001001").keys() == {"红心物业联盟"}


def test_partner_filters_and_validation(city, api_client):
    head = api_client().login("head")
    create(head)
    create(head, name="心灵驿站心理咨询中心", kind="counselling", categories=[])
    assert names(head, kind="counselling").keys() == {"心灵驿站心理咨询中心"}
    assert names(head, category="other").keys() == {"公主岭市中医院"}
    assert names(head, q="心灵").keys() == {"心灵驿站心理咨询中心"}
    bad = create(head, name="x", kind="bank", categories=["nope"])
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"kind", "categories"}
    assert create(head).status_code == 422  # same name in the same area


def test_staff_are_added_and_partner_staff_see_only_their_own_partner(city, api_client):
    head = api_client().login("head")
    ours = create(head).json()
    create(head, name="京华律师事务所", kind="law_firm")
    assert head.post(f"/api/v1/partners/{ours['id']}/members", {"username": "partner"}).status_code == 201
    assert [m["username"] for m in head.get(f"/api/v1/partners/{ours['id']}/members").json()] == ["partner"]
    partner = api_client().login("partner")
    assert names(partner).keys() == {"公主岭市中医院"}
    assert partner.patch(f"/api/v1/partners/{ours['id']}", {"name": "改名"}).status_code == 404
    assert head.post(f"/api/v1/partners/{ours['id']}/members", {"username": "nobody"}).status_code == 422
    assert delete(head, f"/api/v1/partners/{ours['id']}/members/partner").status_code == 204
    assert not PartnerMembership.objects.exists()


def test_a_partner_is_switched_off_not_deleted(city, api_client):
    head = api_client().login("head")
    partner_id = create(head).json()["id"]
    assert delete(head, f"/api/v1/partners/{partner_id}").status_code == 204
    assert names(head) == {}
    assert Partner.objects.get(pk=partner_id).is_active is False


def test_no_login_no_partners(city, api_client):
    assert api_client().get("/api/v1/partners").status_code == 401
