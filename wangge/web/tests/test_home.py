"""The home page starts each user from their own posts and areas."""


def test_grid_worker_sees_their_grid_with_counts_and_a_search_box(town, client_for):
    response = client_for(town.grid_worker).get("/")
    html = response.content.decode()
    assert "网格员 · 京华社区第一网格" in html
    (root, children), = response.context["sections"]
    assert root.code == town.grid.code and children == []
    assert root.counts == {"buildings": 1, "households": 1, "residents": 2}
    assert 'action="/residents/"' in html and f'name="area" value="{town.grid.code}"' in html
    assert "/admin/" not in html and "/privacy/access-log/" not in html


def test_community_head_sees_the_community_and_its_grids(town, client_for):
    response = client_for(town.community_head).get("/")
    (root, children), = response.context["sections"]
    assert root.code == town.community.code
    assert [c.code for c in children] == [town.grid.code, town.grid2.code]
    assert children[1].counts == {"buildings": 1, "households": 1, "residents": 0}
    assert town.other_community.name not in response.content.decode()


def test_street_staff_see_the_street_and_its_communities(town, client_for):
    response = client_for(town.street_staff).get("/")
    (root, children), = response.context["sections"]
    assert root.code == town.street.code
    assert root.counts == {"buildings": 3, "households": 3, "residents": 3}
    assert [c.name for c in children] == ["京华社区", "东洼社区"]


def test_city_admin_also_gets_the_admin_and_the_access_log(town, client_for):
    html = client_for(town.city_admin).get("/").content.decode()
    assert 'href="/admin/"' in html
    assert 'href="/privacy/access-log/"' in html
    assert "河北街道" in html


def test_a_post_without_areas_is_told_so(town, client_for):
    html = client_for(town.partner).get("/").content.decode()
    assert "您的岗位没有关联区域" in html


def test_every_page_has_the_feedback_link_in_its_footer(town, client_for, client):
    gw = client_for(town.grid_worker)
    for url in ["/", f"/areas/{town.grid.code}/", f"/households/{town.household.pk}/", "/residents/",
                f"/residents/{town.liu.pk}/", "/feedback/"]:
        assert 'class="feedback-link" href="/feedback/?from=' in gw.get(url).content.decode(), url
    assert 'href="/feedback/' in client.get("/login/").content.decode()
