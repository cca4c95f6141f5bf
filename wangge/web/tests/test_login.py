"""Signing in and out, and the lockout after repeated failures (django-axes)."""
from django.test import Client


def test_login_page_is_chinese_and_signs_in(town, client):
    assert "登录" in client.get("/login/").content.decode()
    response = client.post("/login/", {"username": "gw", "password": town.password})
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_password_is_explained(town, client):
    response = client.post("/login/", {"username": "gw", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_lockout_after_five_failures_shows_a_clear_message(town, client):
    for _attempt in range(5):
        client.post("/login/", {"username": "gw", "password": "wrong"})
    response = client.post("/login/", {"username": "gw", "password": town.password})
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session


def test_lockout_keeps_the_apis_json_answer(town):
    api = Client()
    for _attempt in range(5):
        api.post("/api/v1/auth/token", {"username": "gw", "password": "wrong"}, content_type="application/json")
    response = api.post("/api/v1/auth/token", {"username": "gw", "password": town.password},
                        content_type="application/json")
    assert response.status_code == 429
    assert response.json()["detail"]


def test_logout_is_a_post(town, client_for):
    client = client_for(town.grid_worker)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302
