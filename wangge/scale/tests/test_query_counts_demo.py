"""The other main pages and endpoints read a page of rows in a fixed number of queries (no N+1), on the
demo city (loaded once, at a small scale, so that every list has rows: visits, care, volunteers, partners,
activities, projects, tasks, notifications).

Each endpoint is asked for a short and a long page (``limit`` 2 and 100) and must issue the same queries
for both; each page is asked for its first and second page. The number is pinned: a change that adds a
query on purpose updates PINNED_API or PINNED_PAGES."""
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wangge.accounts.models import User
from wangge.demo.loader import demo_password, load

# (user, path): queries per request, session and user included.
PINNED_API = {
    ("demo_grid", "/api/v1/visits"): 7,
    ("demo_community", "/api/v1/visits"): 7,
    ("demo_community", "/api/v1/care/due"): 8,
    ("demo_grid", "/api/v1/worklist"): 15,
    ("demo_grid", "/api/v1/notifications"): 4,
    ("demo_city", "/api/v1/volunteers"): 6,
    ("demo_community", "/api/v1/partners"): 7,
    ("demo_community", "/api/v1/service-points"): 5,
    ("demo_city", "/api/v1/activities"): 8,
    ("demo_city", "/api/v1/service-records"): 5,
    ("demo_city", "/api/v1/tasks"): 6,
    ("demo_city", "/api/v1/projects"): 9,
    ("demo_city", "/api/v1/households"): 5,
    ("demo_city", "/api/v1/areas"): 5,
}
PINNED_PAGES = {
    ("demo_grid", "/visits/"): 10,
    ("demo_community", "/visits/"): 12,
    ("demo_grid", "/visits/care/"): 11,
    ("demo_community", "/visits/care/"): 20,
    ("demo_grid", "/notifications/"): 6,
    ("demo_community", "/volunteers/"): 11,
    ("demo_community", "/partners/"): 8,
    ("demo_community", "/service-points/"): 6,
    ("demo_community", "/activities/"): 11,
    ("demo_community", "/tasks/"): 8,
    ("demo_city", "/projects/"): 6,
}
PINNED_CASE = {"page": 11, "api": 8}
# Filters that make a list long enough in the small demo.
PARAMS = {"/api/v1/care/due": {"within": 60}}
# Whole-area reads: one page, however large the area (a grid and the whole city cost the same).
PINNED_AREA = {
    "/api/v1/stats": 29,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load(scale=0.05, password=demo_password())
        yield {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        transaction.set_rollback(True)


def queries(client, path, params) -> tuple[int, object]:
    client.get(path, params)  # sessions, caches and lazy imports settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured), response


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "path"), list(PINNED_API))
def test_endpoint_reads_a_page_in_fixed_queries(demo, username, path):
    client = client_for(demo[username])
    params = PARAMS.get(path, {})
    short, _ = queries(client, path, {**params, "limit": 2})
    long, response = queries(client, path, {**params, "limit": 100})
    assert len(response.json()["items"]) > 2, "the long page must hold more rows than the short one"
    assert (short, long) == (PINNED_API[username, path],) * 2


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "path"), list(PINNED_PAGES))
def test_page_reads_its_rows_in_fixed_queries(demo, username, path):
    client = client_for(demo[username])
    first, _ = queries(client, path, {})
    second, _ = queries(client, path, {"page": 2})
    assert (first, second) == (PINNED_PAGES[username, path],) * 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PINNED_AREA))
def test_area_figures_cost_the_same_for_a_grid_and_the_city(demo, path):
    from wangge.demo import city

    client = client_for(demo["demo_city"])
    grid, _ = queries(client, path, {"area": "220184001001001"})
    whole, _ = queries(client, path, {"area": city.CITY_CODE})
    assert (grid, whole) == (PINNED_AREA[path],) * 2


@pytest.mark.django_db
def test_case_page_and_endpoint_cost_the_same_for_a_short_and_a_long_history(demo):
    """A case's page and GET /api/v1/cases/{number} read its timeline, photos and links in fixed queries."""
    from django.db.models import Count

    from wangge.cases.models import Case

    cases = Case.objects.filter(area_code__startswith="220184001001").annotate(n=Count("events")).order_by("n", "id")
    long = cases.last()
    # The shortest timeline of a case in the same state and hands: what a case shows besides its timeline
    # (the actions open to the user, the owner, a merge) may cost a query of its own, its timeline may not.
    short = cases.filter(status=long.status, owner_kind=long.owner_kind, merged_into__isnull=True).first()
    assert long.n > short.n  # a longer timeline, read in the same queries
    client = client_for(demo["demo_community"])
    pages = {queries(client, f"/cases/{case.number}/", {})[0] for case in (short, long)}
    api = {queries(client, f"/api/v1/cases/{case.number}", {})[0] for case in (short, long)}
    assert (pages, api) == ({PINNED_CASE["page"]}, {PINNED_CASE["api"]})
