"""Chinese first; the language switch in the header turns the pages into English."""


def test_pages_are_chinese_by_default(town, client_for):
    html = client_for(town.grid_worker).get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "首页" in html and "居民查询" in html and "投诉建议" in html


def test_the_switch_turns_pages_into_english(town, client_for):
    client = client_for(town.grid_worker)
    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/households/{town.household.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/households/{town.household.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    for english in ("Home", "Residents", "Feedback", "Sign out", "Relation to head", "Parent"):
        assert english in html, english
    # Tags carry their own English names, derived ones too.
    assert "Elderly living alone" in html and "Very old (80+)" in html
    assert "首页" not in html and "独居老人" not in html


def test_messages_from_the_services_are_translated_too(town, client_for):
    client = client_for(town.grid_worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.post(f"/residents/{town.liu.pk}/reveal/", {"field": "id_number", "reason": "x"}).content.decode()
    assert "Please give the reason for opening it" in html


def test_the_login_page_switches_too(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert "Sign in" in html and "Username" in html
