"""The admin is for city administrators, scoped to their city, and masks personal data."""
import pytest

from wangge.accounts.models import User
from wangge.people.privacy import mask_id_number
from wangge.testing import area, user


@pytest.fixture
def admin(town, client_for):
    return client_for(town.city_admin)


@pytest.fixture
def elsewhere(town):
    """Another city, with an account of its own, that the town's administrator must not see."""
    other_city = area("220183", "德惠市")
    return user("dehui", "city_admin", other_city)


def test_only_city_admins_enter_the_admin(town, client_for, admin):
    for someone in (town.grid_worker, town.community_head, town.street_staff):
        response = client_for(someone).get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    html = admin.get("/admin/").content.decode()
    for model in ("区域", "小区", "楼栋", "居民", "敏感信息查看记录", "岗位", "用户", "重点人群标签", "投诉建议"):
        assert model in html, model


def test_resident_list_and_form_mask_personal_data(town, admin):
    html = admin.get("/admin/people/resident/").content.decode()
    assert mask_id_number(town.id_liu) in html and town.id_liu not in html and "13904341234" not in html
    html = admin.get(f"/admin/people/resident/{town.liu.pk}/change/").content.decode()
    assert town.id_liu not in html and "13904341234" not in html
    assert 'name="id_number"' not in html


def test_resident_search_does_not_take_a_full_id_number(town, admin):
    response = admin.get("/admin/people/resident/", {"q": town.id_liu})
    assert list(response.context["cl"].result_list) == []
    response = admin.get("/admin/people/resident/", {"q": town.id_liu[-4:]})
    assert list(response.context["cl"].result_list) == [town.liu]


def test_resident_changes_go_through_the_service(town, admin):
    response = admin.post(f"/admin/people/resident/{town.liu.pk}/change/", {
        "name": "刘一瑞", "residence_type": "registered", "household": town.household.pk,
        "relation": "head", "key_tags": [], "note": "",
    })
    assert response.status_code == 302, response.content.decode()
    town.liu.refresh_from_db()
    assert (town.liu.name, town.liu.name_initials, town.liu.id_number) == ("刘一瑞", "lyr", town.id_liu)


def test_residents_are_not_added_in_the_admin(town, admin):
    assert admin.get("/admin/people/resident/add/").status_code == 403


def test_rows_of_another_city_do_not_exist_for_the_admin(town, admin, elsewhere):
    other = area("220183001", "德惠街道")
    assert admin.get(f"/admin/areas/area/{other.pk}/change/").status_code == 302  # "does not exist" redirect
    assert "德惠" not in admin.get("/admin/areas/area/").content.decode()


def test_users_are_those_with_a_post_in_scope_and_never_superusers(town, admin, elsewhere):
    User.objects.create_superuser("root", password="x")
    listed = set(admin.get("/admin/accounts/user/").context["cl"].result_list)
    assert town.grid_worker in listed and town.partner in listed
    assert elsewhere not in listed and not any(u.is_superuser for u in listed)
    html = admin.get(f"/admin/accounts/user/{town.grid_worker.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html


def test_an_area_outside_the_scope_cannot_be_created(town, admin):
    response = admin.post("/admin/areas/area/add/", {"code": "110101", "name": "东城区"})
    assert response.status_code == 200
    assert "所选区域不在您的管辖范围内" in response.content.decode()


def test_a_building_cannot_be_placed_in_a_grid_elsewhere(town, admin):
    foreign_grid = area("220183", "德惠市")
    response = admin.post("/admin/areas/building/add/", {"grid": foreign_grid.pk, "name": "9号楼"})
    assert response.status_code == 200
    assert not town.city.buildings.exists() and not foreign_grid.buildings.exists()


def test_access_log_is_read_only_in_the_admin(town, admin, client_for):
    client_for(town.grid_worker).post(f"/residents/{town.liu.pk}/reveal/", {"field": "phone", "reason": "联系家属"})
    assert "联系家属" in admin.get("/admin/people/sensitiveaccess/").content.decode()
    assert admin.get("/admin/people/sensitiveaccess/add/").status_code == 403


def test_api_docs_still_render(client):
    assert client.get("/api/v1/docs").status_code == 200


def test_resident_list_filters_by_derived_tags_too(town, admin):
    response = admin.get("/admin/people/resident/", {"tag": "elderly_80"})
    assert list(response.context["cl"].result_list) == [town.elder]


def test_an_account_is_created_with_its_first_post(town, admin):
    response = admin.post("/admin/accounts/user/add/", {
        "username": "newgw", "display_name": "新网格员", "usable_password": "true",
        "password1": "a-long-pass-2026", "password2": "a-long-pass-2026",
        "posts-TOTAL_FORMS": "1", "posts-INITIAL_FORMS": "0", "posts-MIN_NUM_FORMS": "1", "posts-MAX_NUM_FORMS": "1000",
        "posts-0-role": "grid_worker", "posts-0-area": town.grid2.pk,
    })
    assert response.status_code == 302, response.content.decode()
    new = User.objects.get(username="newgw")
    assert [(p.role, p.area_code) for p in new.posts.all()] == [("grid_worker", town.grid2.code)]


def test_a_post_cannot_be_given_outside_the_scope(town, admin):
    foreign = area("220183", "德惠市")
    response = admin.post("/admin/accounts/user/add/", {
        "username": "spy", "usable_password": "true",
        "password1": "a-long-pass-2026", "password2": "a-long-pass-2026",
        "posts-TOTAL_FORMS": "1", "posts-INITIAL_FORMS": "0", "posts-MIN_NUM_FORMS": "1", "posts-MAX_NUM_FORMS": "1000",
        "posts-0-role": "city_admin", "posts-0-area": foreign.pk,
    })
    assert response.status_code == 200
    assert not User.objects.filter(username="spy").exists()
