"""The main pages and endpoints read a page of rows in a fixed number of queries, however many rows the page
shows (no N+1): each is asked for a short and a long page of the synthetic city and must issue the same
queries for both, and that number is pinned. A change that adds a query on purpose updates PINNED."""
import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.areas.models import Household
from wangge.cases.models import Case
from wangge.cases.states import OPEN
from wangge.people.models import Resident
from wangge.scale import generator

# Queries per request, session and user included.
PINNED = {
    "case_list_page": 9,
    "case_list_api": 6,
    "resident_search_api": 7,
    "resident_search_page": 11,
    "household_page": 10,
}


@pytest.fixture(scope="module")
def small_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(residents=1500, years=1, seed=3, until=datetime.date(2026, 3, 18))
        # The grid worker with the most open cases (a head may own as many: the worker is who is asked for).
        worker_id = (Case.objects.filter(area_code__startswith=generator.CITY_CODE, status__in=OPEN,
                                         owner_user__posts__role=Role.GRID_WORKER)
                     .values("owner_user").annotate(n=Count("id")).order_by("-n", "owner_user")[0]["owner_user"])
        yield {"worker": worker_id, "admin": User.objects.get(username=f"s{generator.CITY_CODE}_admin").pk}
        transaction.set_rollback(True)


def queries(client, url, params=None) -> int:
    client.get(url, params)  # sessions, caches and lazy imports settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def client_for(user_id) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return client


@pytest.mark.django_db
class TestNoQueryPerRow:
    def test_case_list_page(self, small_city):
        client = client_for(small_city["worker"])
        assert queries(client, "/cases/", {"list": "all"}) == PINNED["case_list_page"]
        assert queries(client, "/cases/", {"list": "all", "page": 2}) == PINNED["case_list_page"]

    def test_case_list_api(self, small_city):
        client = client_for(small_city["worker"])
        short = queries(client, "/api/v1/cases", {"limit": 2})
        long = queries(client, "/api/v1/cases", {"limit": 100})
        assert (short, long) == (PINNED["case_list_api"],) * 2

    def test_resident_search_api(self, small_city):
        client = client_for(small_city["admin"])
        key = Resident.objects.filter(area_code__startswith=generator.CITY_CODE).first().name_initials[:1]
        short = queries(client, "/api/v1/residents", {"q": key, "limit": 2})
        long = queries(client, "/api/v1/residents", {"q": key, "limit": 100})
        assert (short, long) == (PINNED["resident_search_api"],) * 2

    def test_resident_search_page(self, small_city):
        client = client_for(small_city["admin"])
        resident = Resident.objects.filter(area_code__startswith=generator.CITY_CODE).first()
        one = queries(client, "/residents/", {"q": resident.id_number[-4:]})
        many = queries(client, "/residents/", {"q": resident.name_initials[:1]})
        assert (one, many) == (PINNED["resident_search_page"],) * 2

    def test_household_page(self, small_city):
        client = client_for(small_city["admin"])
        households = (Household.objects.filter(area_code__startswith=generator.CITY_CODE)
                      .annotate(n=Count("residents")).order_by("n", "id"))
        smallest, largest = households.first(), households.last()
        assert largest.n > smallest.n
        counts = {queries(client, f"/households/{h.pk}/") for h in (smallest, largest)}
        assert counts == {PINNED["household_page"]}
