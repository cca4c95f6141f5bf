"""The visits API: what the phone sends and reads, and the scope on every endpoint."""
import datetime
import uuid

import pytest

from wangge.cases.models import Case
from wangge.testing import user
from wangge.visits import selectors, services
from wangge.visits.models import Visit

pytestmark = pytest.mark.django_db

D = datetime.date


def body(hh, **extra):
    return {
        "client_id": str(uuid.uuid4()), "household": hh.pk, "kind": "street_chat",
        "visited_at": "2026-07-01T09:30:00+08:00", "summary": "楼下唠家常", **extra,
    }


NEEDS = [
    {"text": "帮忙做单元门钥匙卡扣", "solved_on_spot": True, "raise_case": False, "category": ""},
    {"text": "楼前路面塌陷", "solved_on_spot": False, "raise_case": True, "category": "road_damage"},
]


def test_post_answers_201_then_200_with_the_same_visit(city, api_client):
    gw = api_client().login("gw")
    data = body(city.household, needs=NEEDS)
    first = gw.post("/api/v1/visits", data)
    assert first.status_code == 201, first.content
    again = gw.post("/api/v1/visits", data)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Visit.objects.count() == 1
    visit = first.json()
    assert (visit["kind"], visit["kind_name"], visit["area"]) == ("street_chat", "站墙根唠家常", city.grid.code)
    assert visit["place"]["household"] == city.household.pk and visit["place"]["label"] == city.household.address
    solved, raised = visit["needs"]
    assert solved["solved_on_spot"] and solved["case"] is None
    assert raised["case"] == Case.objects.get().number and raised["case_status"] == "已上报"
    assert visit["household_version"] == selectors.household_version(city.household.pk)


def test_post_names_bad_fields_in_the_common_shape(city, api_client):
    response = api_client().login("gw").post("/api/v1/visits", body(city.household, kind="walk", needs=[{"text": "x"}]))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"kind", "needs.0.solved_on_spot"}


def test_post_answers_409_with_the_current_household_when_it_changed(city, api_client):
    seen = selectors.household_version(city.household.pk)
    services.record_visit(actor=user("gw_b", "grid_worker", city.grid), data=body(city.household, needs=NEEDS[1:]))
    response = api_client().login("gw").post("/api/v1/visits", body(city.household, household_version=seen))
    assert response.status_code == 409
    conflict = response.json()
    assert conflict["version"] == selectors.household_version(city.household.pk)
    assert conflict["household"]["address"] == city.household.address
    assert conflict["household"]["residents"] == ["刘伊蕊"]
    since, = conflict["household"]["visits_since"]
    assert since["recorded_by"] == "gw_b" and since["needs"][0]["case"] == Case.objects.get().number
    assert Visit.objects.count() == 1


def test_list_and_filter_visits(city, api_client):
    gw = api_client().login("gw")
    gw.post("/api/v1/visits", body(city.household, needs=NEEDS))
    gw.post("/api/v1/visits", body(city.household, kind="phone", visited_at="2026-06-01T10:00:00+08:00"))
    listed = gw.get("/api/v1/visits").json()
    assert listed["count"] == 2 and [v["kind"] for v in listed["items"]] == ["street_chat", "phone"]
    assert gw.get("/api/v1/visits", kind="phone").json()["count"] == 1
    assert gw.get("/api/v1/visits", needs="case").json()["count"] == 1
    assert gw.get("/api/v1/visits", date_from="2026-06-15").json()["count"] == 1
    assert gw.get("/api/v1/visits", visitor="gw").json()["count"] == 2
    assert gw.get("/api/v1/visits", kind="walk").status_code == 422


def test_worklist_of_the_caller(city, api_client, tag_resident):
    tag_resident(city.resident, "living_alone", registered=D(2026, 1, 1))
    response = api_client().login("gw").get("/api/v1/worklist", date="2026-07-01")
    assert response.status_code == 200
    work = response.json()
    assert work["date"] == "2026-07-01" and work["grids"] == [{"code": city.grid.code, "name": city.grid.name}]
    item, = work["items"]
    assert (item["household"], item["last_visit"], item["days_since"]) == (city.household.pk, None, None)
    assert item["version"] == selectors.household_version(city.household.pk)
    care, = item["care"]
    assert (care["name"], care["tag"], care["tag_name"], care["due_date"], care["overdue"]) == (
        "刘伊蕊", "living_alone", "独居老人", "2026-01-01", True
    )


def test_care_due_by_area(city, api_client, tag_resident):
    tag_resident(city.resident, "old_party_member", registered=D(2026, 1, 1))
    head = api_client().login("head")
    rows = head.get("/api/v1/care/due", area=city.community.code, date="2026-06-20").json()
    assert rows["count"] == 1
    row, = rows["items"]
    assert (row["resident"], row["tag"], row["reason"], row["due_date"], row["overdue"], row["last_visit"]) == (
        city.resident.pk, "old_party_member", "interval", "2026-01-01", True, None
    )
    assert head.get("/api/v1/care/due", within=400).status_code == 422


def test_plans_list_and_create(city, api_client):
    head = api_client().login("head")
    created = head.post("/api/v1/visit-plans", {
        "name": "每周三、周五全员下沉网格", "community": city.community.code, "weekdays": [3, 5],
        "target_households": 20, "starts_on": "2026-06-01",
    })
    assert created.status_code == 201, created.content
    assert created.json()["weekday_names"] == ["周三", "周五"]
    assert api_client().login("gw").get("/api/v1/visit-plans").json()["count"] == 1
    refused = api_client().login("gw").post("/api/v1/visit-plans", {"name": "x", "community": city.community.code,
                                                                     "weekdays": [1], "target_households": 5})
    assert refused.status_code == 422


def test_coverage_and_blind_spots(city, api_client):
    gw = api_client().login("gw")
    gw.post("/api/v1/visits", body(city.household, visited_at=None, needs=NEEDS))
    report = api_client().login("head").get("/api/v1/visits/coverage").json()
    assert report["area"] == city.community.code
    assert (report["total"]["households"], report["total"]["households_visited"], report["total"]["rate"]) == (2, 1, 0.5)
    assert [c["area"] for c in report["children"]] == [city.grid.code, city.grid_b.code]
    assert report["total"]["by_kind"] == {"home": 0, "phone": 0, "street_chat": 1, "patrol": 0}
    stale = api_client().login("head").get("/api/v1/visits/blind-spots/households", days=30).json()
    assert [h["household"] for h in stale["items"]] == [city.household_b.pk]
    buildings = api_client().login("head").get("/api/v1/visits/blind-spots/buildings").json()
    assert [b["building"] for b in buildings["items"]] == [city.household_b.building_id]
    layer = {b["building"]: b["band"] for b in gw.get("/api/v1/visits/buildings").json()["items"]}
    assert layer == {city.household.building_id: "recent"}


# --- scope on every endpoint ----------------------------------------------------------------------
@pytest.fixture
def gw_data(city, tag_resident):
    """gw's visit with a case, gw's community's plan, and a resident due a care visit."""
    tag_resident(city.resident, "living_alone", registered=D(2026, 1, 1))
    services.create_plan(actor=city.community_head, data={
        "name": "周三走访", "community": city.community.code, "weekdays": [3], "target_households": 5,
        "starts_on": "2026-01-01",
    })
    return services.record_visit(actor=city.grid_worker, data=body(city.household, needs=NEEDS)).visit


def test_gw2_sees_nothing_of_gws(city, api_client, gw_data):
    gw2 = api_client().login("gw2")
    assert gw2.get("/api/v1/visits").json() == {"items": [], "count": 0}
    assert gw2.get(f"/api/v1/visits/{gw_data.pk}").status_code == 404
    assert gw2.get("/api/v1/visit-plans").json()["count"] == 0
    assert gw2.get("/api/v1/care/due", area=city.community.code).json()["count"] == 0
    assert gw2.get("/api/v1/worklist", date="2026-07-01", area=city.grid.code).json()["items"] == []
    assert all(i["area"] == city.other_grid.code for i in gw2.get("/api/v1/worklist").json()["items"])
    assert gw2.get("/api/v1/visits/coverage", area=city.community.code).status_code == 404
    assert gw2.get("/api/v1/visits/blind-spots/households", area=city.community.code).json()["count"] == 0
    assert gw2.get("/api/v1/visits/blind-spots/buildings", area=city.community.code).json()["count"] == 0
    assert gw2.get("/api/v1/visits/buildings", area=city.community.code).json()["count"] == 0


def test_gw2_cannot_record_a_visit_at_gws_household_nor_replay_gws_entry(city, api_client, gw_data):
    gw2 = api_client().login("gw2")
    response = gw2.post("/api/v1/visits", body(city.household))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "household"
    replay = gw2.post("/api/v1/visits", body(city.other_household, client_id=str(gw_data.client_id)))
    assert replay.status_code == 422 and "visits_since" not in replay.content.decode()
    assert gw2.post("/api/v1/visit-plans", {"name": "x", "community": city.community.code, "weekdays": [1],
                                            "target_households": 5}).status_code == 422
    assert Visit.objects.count() == 1


def test_partner_staff_and_anonymous_callers_see_nothing(city, api_client, gw_data):
    partner = api_client().login("partner")
    assert partner.get("/api/v1/visits").json()["count"] == 0
    assert partner.get("/api/v1/care/due").json()["count"] == 0
    assert partner.get("/api/v1/worklist").json()["items"] == []
    assert api_client().get("/api/v1/visits").status_code == 401
    assert api_client().post("/api/v1/visits", body(city.household)).status_code == 401
