"""Fixtures shared by every app's tests."""
import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(db):
    from wangge.testing import SmallCity

    return SmallCity()


@pytest.fixture
def api_client():
    """A Django test client that speaks to /api/v1/ as a given user via a bearer token."""
    from django.test import Client

    from wangge.testing import PASSWORD

    class ApiClient:
        def __init__(self):
            self.client = Client()
            self.token = None

        def login(self, username, password=PASSWORD):
            response = self.client.post(
                "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
            )
            assert response.status_code == 200, response.content
            self.token = response.json()["token"]
            return self

        def _headers(self):
            return {"Authorization": f"Bearer {self.token}"} if self.token else {}

        def get(self, path, **params):
            return self.client.get(path, params, headers=self._headers())

        def post(self, path, data):
            return self.client.post(path, data, content_type="application/json", headers=self._headers())

        def patch(self, path, data):
            return self.client.patch(path, data, content_type="application/json", headers=self._headers())

    return ApiClient
