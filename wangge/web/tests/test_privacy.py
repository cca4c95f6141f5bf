"""Personal data is masked wherever it is listed; the full value is opened one
at a time, with a reason, and every opening is logged for the city administrator."""
import pytest

from wangge.people.models import SensitiveAccess
from wangge.people.privacy import mask_id_number, mask_phone


@pytest.fixture
def gw(town, client_for):
    return client_for(town.grid_worker)


def test_search_and_household_pages_show_masked_values_only(town, gw):
    for url in ["/residents/", f"/households/{town.household.pk}/", f"/residents/{town.liu.pk}/"]:
        html = gw.get(url).content.decode()
        assert town.id_liu not in html and "13904341234" not in html, url
        assert mask_id_number(town.id_liu) in html and mask_phone("13904341234") in html, url


def test_household_page_lists_members_with_relation_age_and_derived_tags(town, gw):
    response = gw.get(f"/households/{town.household.pk}/")
    html = response.content.decode()
    assert [row.name for row in response.context["rows"]] == ["刘伊蕊", "刘长山"]
    assert "父母" in html and "独居老人" in html and "高龄老人" in html
    assert "老国税小区" in html and "老旧小区" in html


def test_search_by_derived_tag(town, gw):
    rows = gw.get("/residents/", {"tag": "elderly_80"}).context["rows"]
    assert [row.name for row in rows] == ["刘长山"]


def test_reveal_shows_the_value_once_and_logs_it(town, gw):
    response = gw.post(f"/residents/{town.liu.pk}/reveal/", {"field": "id_number", "reason": "入户核对身份"})
    assert response.status_code == 200
    assert town.id_liu in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The language switch and the feedback link lead back to the plain page, not to the reveal.
    assert f'name="next" value="/residents/{town.liu.pk}/"' in response.content.decode()
    access = SensitiveAccess.objects.get()
    assert (access.user, access.resident, access.field, access.reason) == (
        town.grid_worker, town.liu, "id_number", "入户核对身份"
    )
    # Coming back to the page shows the masked value again.
    assert town.id_liu not in gw.get(f"/residents/{town.liu.pk}/").content.decode()


def test_reveal_needs_a_reason(town, gw):
    response = gw.post(f"/residents/{town.liu.pk}/reveal/", {"field": "phone", "reason": "x"})
    assert response.status_code == 400
    assert "请说明查看事由" in response.content.decode()
    assert "13904341234" not in response.content.decode()
    assert not SensitiveAccess.objects.exists()


def test_reveal_is_a_post(town, gw):
    assert gw.get(f"/residents/{town.liu.pk}/reveal/").status_code == 405


def test_a_refused_role_is_told_why(town, client_for, settings):
    settings.WANGGE_REVEAL_ROLES = ["city_admin"]
    response = client_for(town.grid_worker).post(
        f"/residents/{town.liu.pk}/reveal/", {"field": "id_number", "reason": "入户核对身份"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "您的角色无权查看完整个人信息" in html and town.id_liu not in html
    assert not SensitiveAccess.objects.exists()


def test_access_log_is_for_city_admins_only(town, gw, client_for):
    gw.post(f"/residents/{town.liu.pk}/reveal/", {"field": "phone", "reason": "联系家属"})
    for user in (town.grid_worker, town.community_head, town.street_staff, town.partner):
        response = client_for(user).get("/privacy/access-log/")
        assert response.status_code == 404
        assert "联系家属" not in response.content.decode()
    html = client_for(town.city_admin).get("/privacy/access-log/").content.decode()
    assert "联系家属" in html and "刘伊蕊" in html and "gw" in html
    assert "13904341234" not in html
