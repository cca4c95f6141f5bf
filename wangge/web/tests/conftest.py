"""A small town for the page tests: one street, two communities, three grids.

Community A (京华社区) has grids A1 and A2; community B (东洼社区) has grid B1.
Each grid has an estate with a building and a household; residents carry
valid ID numbers; one was born in 1940 (so derived as 高龄老人) and is tagged 独居老人.
"""
from types import SimpleNamespace

import pytest
from django.test import Client

from wangge.accounts.scope import Scope
from wangge.areas.models import Estate
from wangge.people import services as people_services
from wangge.people.validators import id_check_char
from wangge.testing import PASSWORD, area, household, user


def id_number(birth: str, serial: str) -> str:
    """A valid ID number in 公主岭 for a birth date (YYYYMMDD) and a 3-digit serial."""
    first17 = f"220184{birth}{serial}"
    return first17 + id_check_char(first17)


def _resident(name, hh, id_no, *, phone="", relation="head", tags=()):
    return people_services.create_resident(
        scope=Scope.of("220184"),
        data={"name": name, "id_number": id_no, "phone": phone, "household": hh.pk,
              "relation": relation, "tags": list(tags)},
    )


@pytest.fixture
def town(db):
    t = SimpleNamespace()
    t.city = area("220184", "公主岭市")
    t.street = area("220184001", "河北街道")
    t.community = area("220184001001", "京华社区")
    t.grid = area("220184001001001", "京华社区第一网格")
    t.grid2 = area("220184001001002", "京华社区第二网格")
    t.other_community = area("220184001002", "东洼社区")
    t.other_grid = area("220184001002001", "东洼社区第一网格")

    t.household = household(t.grid, "501", building_name="3号楼", estate_name="老国税小区")
    Estate.objects.filter(name="老国税小区").update(is_old=True)
    t.household2 = household(t.grid2, "201", building_name="5号楼", estate_name="京华小区")
    t.other_household = household(t.other_grid, "302", building_name="1号楼", estate_name="东洼小区")
    Estate.objects.filter(name="东洼小区").update(is_abandoned=True)

    t.id_liu = id_number("19900312", "024")
    t.liu = _resident("刘伊蕊", t.household, t.id_liu, phone="13904341234")
    t.id_elder = id_number("19400105", "013")
    t.elder = _resident("刘长山", t.household, t.id_elder, relation="parent", tags=["living_alone"])
    t.id_other = id_number("19850607", "031")
    t.other = _resident("王东", t.other_household, t.id_other, phone="13604345678")

    t.grid_worker = user("gw", "grid_worker", t.grid)
    t.community_head = user("head", "community_head", t.community)
    t.street_staff = user("street", "street_staff", t.street)
    t.city_admin = user("city", "city_admin", t.city)
    t.other_grid_worker = user("gw2", "grid_worker", t.other_grid)
    t.partner = user("partner", "partner_staff", t.community)
    t.password = PASSWORD
    return t


@pytest.fixture
def client_for():
    """A test client signed in as the given user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
