"""Fixtures shared by every app's tests."""
import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Chinese). A request through LocaleMiddleware leaves the
    language it chose active in the thread, so an English page would otherwise leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


SEED_MIGRATIONS = [
    "wangge.people.migrations.0002_seed_tags",
    "wangge.cases.migrations.0002_seed_categories_and_routing",
    "wangge.visits.migrations.0002_seed_care_policies",
]


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A database that really commits, with the rows the migrations seed (tags,
    categories, routing rules, care policies). A transactional test flushes every table when it
    ends, seeded rows included, and Django's serialized rollback cannot bring
    them back once Playwright has started: its greenlets give the test another
    database connection object, one without the serialized copy."""
    import importlib

    from django.apps import apps

    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; no browser is ever downloaded."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM calls
    # that tests make beside it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    """A fresh browser context the size of a phone, in Chinese."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
