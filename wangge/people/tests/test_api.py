"""The residents API: search, masking, validation with field-level reasons, and scope."""
import datetime

import pytest

from wangge.people.models import Resident, SensitiveAccess
from wangge.testing import make_id_number


@pytest.fixture
def grid_worker(city, api_client):
    return api_client().login("gw")


def names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


@pytest.mark.parametrize("q", ["lyr", "LYR", "liuyirui", "liuyi", "刘伊蕊", "伊蕊", "老国税小区"])
def test_search_finds_liu_yirui_by_initials_pinyin_name_and_address(grid_worker, q):
    assert names(grid_worker.get("/api/v1/residents", q=q)) == ["刘伊蕊"]


def test_search_by_the_last_four_digits_of_the_id_number(city, grid_worker):
    last4 = city.resident.id_number[-4:]
    assert names(grid_worker.get("/api/v1/residents", q=last4)) == ["刘伊蕊"]


def test_lists_are_paginated_with_items_and_count(city, api_client):
    response = api_client().login("street").get("/api/v1/residents", limit=1)
    body = response.json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_id_numbers_and_phones_are_masked_in_lists_and_details(city, grid_worker):
    item = grid_worker.get("/api/v1/residents").json()["items"][0]
    assert item["id_number"] == city.resident.id_number[:6] + "********" + city.resident.id_number[-4:]
    assert item["phone"] == "138****5678"
    detail = grid_worker.get(f"/api/v1/residents/{city.resident.id}").json()
    assert city.resident.id_number not in str(detail) and "13812345678" not in str(detail)
    assert {"id", "name", "id_number", "phone", "household", "area", "tags"} <= set(detail)
    assert detail["area"] == "220184001001001" and detail["household"] == city.household.id


def test_tags_filter_and_derived_very_old_tag(city, grid_worker):
    old = Resident.objects.create(
        name="赵老太", name_pinyin="zhaolaotai", name_initials="zlt", gender="F",
        birth_date=datetime.date(1940, 1, 1), id_number=make_id_number(datetime.date(1940, 1, 1)),
        id_last4="0000", household=city.household, area_code=city.household.area_code,
    )
    assert names(grid_worker.get("/api/v1/residents", tag="elderly_80")) == ["赵老太"]
    assert "elderly_80" in grid_worker.get(f"/api/v1/residents/{old.id}").json()["tags"]
    patch = grid_worker.patch(f"/api/v1/residents/{city.resident.id}", {"tags": ["living_alone"]})
    assert patch.status_code == 200 and patch.json()["tags"] == ["living_alone"]
    assert names(grid_worker.get("/api/v1/residents", tag="living_alone")) == ["刘伊蕊"]


def new_resident(city, **overrides):
    birth = datetime.date(1990, 3, 4)
    data = {"name": "孙小梅", "id_number": make_id_number(birth, "F"), "phone": "13900001111",
            "household": city.household.id, "tags": ["disabled"]}
    data.update(overrides)
    return data


def test_a_resident_is_created_in_a_household_in_scope(city, grid_worker):
    response = grid_worker.post("/api/v1/residents", new_resident(city))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"] == "220184001001001" and body["gender"] == "F" and body["birth_date"] == "1990-03-04"
    assert Resident.objects.get(pk=body["id"]).name_initials == "sxm"


def field_errors(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["detail"]}


def test_a_wrong_check_digit_is_refused_naming_the_field_and_the_reason(city, grid_worker):
    data = new_resident(city)
    data["id_number"] = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    errors = field_errors(grid_worker.post("/api/v1/residents", data))
    assert "校验位" in errors["id_number"]
    assert not Resident.objects.filter(name="孙小梅").exists()


def test_bad_phone_unknown_tag_and_derived_tag_are_refused(city, grid_worker):
    errors = field_errors(grid_worker.post(
        "/api/v1/residents", new_resident(city, phone="12345", tags=["nope", "elderly_80"])
    ))
    assert "电话" in errors["phone"] and "tags" in errors


def test_birth_date_or_gender_contradicting_the_id_number_is_refused(city, grid_worker):
    errors = field_errors(grid_worker.post(
        "/api/v1/residents", new_resident(city, gender="M", birth_date="1991-01-01")
    ))
    assert set(errors) == {"gender", "birth_date"}


def test_a_duplicate_id_number_is_refused(city, grid_worker):
    errors = field_errors(grid_worker.post("/api/v1/residents", new_resident(city, id_number=city.resident.id_number)))
    assert "已登记" in errors["id_number"]


def test_reveal_returns_the_full_value_and_logs_who_whose_when_why(city, grid_worker, api_client):
    response = grid_worker.post(f"/api/v1/residents/{city.resident.id}/reveal", {"field": "phone", "reason": "上门前联系"})
    assert response.status_code == 200 and response.json()["value"] == "13812345678"
    access = SensitiveAccess.objects.get()
    assert (access.user, access.resident, access.field, access.reason) == (city.grid_worker, city.resident, "phone", "上门前联系")
    log = api_client().login("city").get("/api/v1/privacy/access-log").json()
    assert log["count"] == 1 and log["items"][0]["user"] == "gw"
    # Only city administrators read the log.
    assert grid_worker.get("/api/v1/privacy/access-log").json()["count"] == 0


def test_reveal_needs_a_reason_and_an_allowed_role(city, grid_worker, settings):
    response = grid_worker.post(f"/api/v1/residents/{city.resident.id}/reveal", {"field": "id_number", "reason": ""})
    assert response.status_code == 422
    settings.WANGGE_REVEAL_ROLES = ["city_admin"]
    response = grid_worker.post(f"/api/v1/residents/{city.resident.id}/reveal", {"field": "id_number", "reason": "核对"})
    assert response.status_code == 403
    assert not SensitiveAccess.objects.exists()


# --- scope: demo_grid never reaches another area's residents ------------------------------

def test_a_grid_worker_gets_404_for_a_resident_of_another_area(city, grid_worker):
    for resident in (city.other_resident, city.resident_b):
        assert grid_worker.get(f"/api/v1/residents/{resident.id}").status_code == 404
        assert grid_worker.patch(f"/api/v1/residents/{resident.id}", {"name": "改名"}).status_code == 404
        assert grid_worker.post(f"/api/v1/residents/{resident.id}/reveal", {"field": "phone", "reason": "核对信息"}).status_code == 404
    assert Resident.objects.filter(name="改名").count() == 0
    assert not SensitiveAccess.objects.exists()


@pytest.mark.parametrize("params", [{}, {"q": "刘伊"}, {"q": "lyr"}, {"q": "ly"}, {"area": "220184002"}, {"area": "220184"}])
def test_a_grid_worker_sees_no_other_area_resident_in_any_list_or_search(city, grid_worker, params):
    ids = {item["id"] for item in grid_worker.get("/api/v1/residents", **params).json()["items"]}
    assert city.other_resident.id not in ids and city.resident_b.id not in ids


def test_a_grid_worker_cannot_create_a_resident_in_another_area(city, grid_worker):
    by_household = grid_worker.post("/api/v1/residents", new_resident(city, household=city.other_household.id))
    by_area = grid_worker.post("/api/v1/residents", new_resident(city, household=None, area="220184002001001"))
    assert "household" in field_errors(by_household) and "area" in field_errors(by_area)
    assert not Resident.objects.filter(name="孙小梅").exists()


def test_a_grid_worker_cannot_move_a_resident_out_of_scope(city, grid_worker):
    response = grid_worker.patch(f"/api/v1/residents/{city.resident.id}", {"household": city.other_household.id})
    assert response.status_code == 422
    city.resident.refresh_from_db()
    assert city.resident.household == city.household


def test_partner_staff_see_no_residents(city, api_client):
    client = api_client().login("partner")
    assert client.get("/api/v1/residents").json()["count"] == 0
    assert client.get(f"/api/v1/residents/{city.resident.id}").status_code == 404
