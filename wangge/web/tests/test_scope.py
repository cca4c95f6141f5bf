"""Every page shows only what lies in the user's areas; anything else is a 404."""
import pytest


@pytest.fixture
def gw(town, client_for):
    return client_for(town.grid_worker)


def test_pages_need_login(town, client):
    for url in ["/", "/areas/", f"/areas/{town.grid.code}/", f"/households/{town.household.pk}/",
                "/residents/", f"/residents/{town.liu.pk}/", "/privacy/access-log/", "/feedback/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_grid_worker_gets_404_for_another_communitys_places(town, gw):
    for url in [
        f"/areas/{town.other_community.code}/",
        f"/areas/{town.other_grid.code}/",
        f"/areas/{town.grid2.code}/",
        f"/areas/{town.community.code}/",
        f"/households/{town.other_household.pk}/",
        f"/residents/{town.other.pk}/",
    ]:
        assert gw.get(url).status_code == 404, url


def test_reveal_of_a_resident_elsewhere_is_a_404_and_logs_nothing(town, gw):
    response = gw.post(f"/residents/{town.other.pk}/reveal/", {"field": "id_number", "reason": "核对"})
    assert response.status_code == 404
    assert town.id_other not in response.content.decode()


def test_unknown_and_foreign_objects_answer_alike(town, gw):
    unknown, foreign = gw.get("/households/999999/"), gw.get(f"/households/{town.other_household.pk}/")
    assert unknown.status_code == foreign.status_code == 404
    assert "未找到，或不在您的管辖范围内" in foreign.content.decode()
    assert gw.get("/areas/110101/").status_code == 404


def names_found(client, **params):
    return {row.name for row in client.get("/residents/", params).context["rows"]}


def test_search_lists_only_residents_in_scope(town, gw):
    assert names_found(gw) == {"刘伊蕊", "刘长山"}
    assert "王东" not in gw.get("/residents/").content.decode()
    # Not even when asking for the other community's area, the name or the ID's last 4.
    assert names_found(gw, area=town.other_community.code) == set()
    assert names_found(gw, q="王东") == set()
    assert names_found(gw, q=town.id_other[-4:]) == set()


def test_search_offers_only_areas_in_scope(town, gw):
    html = gw.get("/residents/").content.decode()
    assert town.grid.name in html
    assert town.other_community.name not in html and town.grid2.name not in html


def test_grid_page_lists_its_own_estates_buildings_and_households(town, gw):
    response = gw.get(f"/areas/{town.grid.code}/")
    html = response.content.decode()
    assert response.context["counts"] == {"estates": 1, "buildings": 1, "households": 1, "residents": 2}
    assert "老国税小区" in html and "3号楼" in html and town.household.address in html
    assert "东洼小区" not in html and "京华小区" not in html and town.other_household.address not in html


def test_area_list_goes_straight_to_the_only_area(town, gw):
    response = gw.get("/areas/")
    assert response.status_code == 302 and response["Location"] == f"/areas/{town.grid.code}/"


def test_community_head_browses_down_but_not_sideways(town, client_for):
    head = client_for(town.community_head)
    html = head.get(f"/areas/{town.community.code}/").content.decode()
    assert town.grid.name in html and town.grid2.name in html
    assert town.other_grid.name not in html
    assert head.get(f"/areas/{town.grid2.code}/").status_code == 200
    assert head.get(f"/households/{town.household2.pk}/").status_code == 200
    assert head.get(f"/areas/{town.other_community.code}/").status_code == 404


def test_breadcrumbs_name_areas_above_the_user_without_linking_them(town, client_for):
    head = client_for(town.community_head)
    html = head.get(f"/areas/{town.grid.code}/").content.decode()
    assert "河北街道" in html
    assert f'href="/areas/{town.street.code}/"' not in html
    assert f'href="/areas/{town.community.code}/"' in html


def test_street_sees_its_communities_with_counts(town, client_for):
    response = client_for(town.street_staff).get(f"/areas/{town.street.code}/")
    children = {child.code: child.counts for child in response.context["children"]}
    assert children[town.community.code] == {"buildings": 2, "households": 2, "residents": 2}
    assert children[town.other_community.code] == {"buildings": 1, "households": 1, "residents": 1}


def test_a_post_without_area_scope_sees_no_residents(town, client_for):
    partner = client_for(town.partner)
    assert "刘伊蕊" not in partner.get("/residents/").content.decode()
    assert partner.get(f"/residents/{town.liu.pk}/").status_code == 404
    assert partner.get(f"/areas/{town.community.code}/").status_code == 404
