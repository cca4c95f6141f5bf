"""Tokens, /me, and login throttling over the API."""

from wangge.testing import PASSWORD


def test_a_token_is_issued_for_good_credentials_and_identifies_the_user(city, api_client):
    client = api_client().login("gw")
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "gw"
    assert body["posts"] == [
        {"role": "grid_worker", "role_name": "网格员", "area": "220184001001001", "area_name": "京华社区第一网格"}
    ]


def test_wrong_password_gets_401(city, api_client):
    response = api_client().post("/api/v1/auth/token", {"username": "gw", "password": "nope"})
    assert response.status_code == 401


def test_calls_without_or_with_a_bad_token_get_401(city, api_client):
    client = api_client()
    assert client.get("/api/v1/me").status_code == 401
    client.token = "not-a-token"
    assert client.get("/api/v1/residents").status_code == 401


def test_repeated_failed_logins_are_throttled(city, api_client, settings):
    client = api_client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/api/v1/auth/token", {"username": "gw", "password": "bad"}).status_code == 401
    # The failure that reaches the limit locks the account out for the cool-off time,
    # and then even the right password is refused.
    assert client.post("/api/v1/auth/token", {"username": "gw", "password": "bad"}).status_code == 429
    response = client.post("/api/v1/auth/token", {"username": "gw", "password": PASSWORD})
    assert response.status_code == 429


def test_only_the_token_digest_is_stored(city, api_client):
    from wangge.accounts.models import ApiToken

    client = api_client().login("gw")
    assert not ApiToken.objects.filter(digest=client.token).exists()
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(client.token)).exists()


def test_passwords_are_hashed_with_argon2(db, settings):
    from wangge import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    from wangge.areas.models import Area
    from wangge.testing import user

    worker = user("hashed", "grid_worker", Area.objects.create(code="220184", name="公主岭市"))
    assert worker.password.startswith("argon2")
    assert worker.check_password("test-pass-2026")


def test_the_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/residents", "/api/v1/residents/{resident_id}",
                 "/api/v1/areas", "/api/v1/buildings", "/api/v1/households"):
        assert path in paths


def test_the_api_docs_page_loads_its_scripts_from_our_own_static_files(client):
    # The Content-Security-Policy allows no CDN, and production machines may have no internet.
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
