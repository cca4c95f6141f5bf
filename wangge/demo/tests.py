"""The demo city: the article's places and people, data that is valid and consistent, and a load safe to repeat."""
import hashlib
import io
import os
import subprocess
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from wangge.accounts.models import Post, User
from wangge.areas import codes
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases.models import Case, CaseCounter, CaseEvent, Holiday, Notification
from wangge.people.models import Relation, ResidenceType, Resident, Tag
from wangge.people.names import pinyin_keys
from wangge.people.validators import birth_date_from_id, gender_from_id, validate_id_number, validate_phone

from . import loader, population

SMALL = "0.02"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small_city(db):
    return run_demo("--scale", SMALL)


def bounds(area) -> tuple[float, float, float, float]:
    """(south, west, north, east) of an area's stored GeoJSON polygon."""
    ring = area.boundary["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lats), min(lngs), max(lats), max(lngs)


def inside(lat: float, lng: float, box) -> bool:
    south, west, north, east = box
    return south <= lat <= north and west <= lng <= east


def digest(rows) -> str:
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def city_digest() -> str:
    """Everything generated about the residents, in the order they were written, without database ids."""
    residents = Resident.objects.order_by("id").values_list(
        "name", "id_number", "phone", "relation", "residence_type", "area_code", "household__address"
    )
    tags = Resident.tags.through.objects.order_by("resident_id", "tag__code").values_list(
        "resident__id_number", "tag__code"
    )
    return digest([*residents, *tags])


def plan_digest(plan: loader.CityPlan) -> str:
    return digest((r.name, r.id_number, r.phone, r.household.address, tuple(tags)) for r, tags in plan.resident_tags)


# --- the places ---------------------------------------------------------------

EXPECTED_COMMUNITIES = {
    "河北街道": ["京华社区", "金融社区"],
    "铁北街道": ["东洼社区", "东风社区"],
    "河南街道": ["曙光社区", "永红社区", "永盛社区", "永兴社区", "正阳社区", "阳光社区"],
}


def test_the_city_has_the_articles_streets_and_communities_in_code_order(small_city):
    city = Area.objects.get(code="220184")
    assert (city.name, city.level, city.parent) == ("公主岭市", codes.Level.CITY, None)
    streets = list(city.children.order_by("code"))
    assert [(s.code, s.name) for s in streets] == [
        ("220184001", "河北街道"), ("220184002", "铁北街道"), ("220184003", "河南街道"),
    ]
    for street in streets:
        communities = list(street.children.order_by("code"))
        assert [c.name for c in communities] == EXPECTED_COMMUNITIES[street.name]
        assert [c.code for c in communities] == [f"{street.code}{i:03d}" for i in range(1, len(communities) + 1)]


def test_every_community_has_three_to_six_grids_named_in_order(small_city):
    for community in Area.objects.filter(level=codes.Level.COMMUNITY):
        grids = list(community.children.order_by("code"))
        assert 3 <= len(grids) <= 6
        numerals = "一二三四五六"
        assert [g.name for g in grids] == [f"{community.name}第{numerals[i]}网格" for i in range(len(grids))]
        assert all(g.level == codes.Level.GRID and len(g.code) == 15 for g in grids)


def test_every_code_extends_its_parents_by_three_digits(small_city):
    for area in Area.objects.select_related("parent"):
        assert area.level == codes.level_of(area.code)
        if area.parent is None:
            assert area.code == "220184"
        else:
            assert area.parent.code == codes.parent_code(area.code)
            assert area.code.startswith(area.parent.code) and len(area.code) == len(area.parent.code) + 3


def test_every_place_stores_the_code_of_the_area_it_belongs_to(small_city):
    grids = Area.objects.filter(level=codes.Level.GRID).in_bulk(field_name="code")
    for building in Building.objects.select_related("grid", "estate"):
        assert building.area_code == building.grid.code and building.grid.level == codes.Level.GRID
        assert building.area_code.startswith(building.estate.area_code)
    for estate in Estate.objects.all():
        assert codes.level_of(estate.area_code) == codes.Level.COMMUNITY
    assert not Household.objects.exclude(area_code__in=grids).exists()
    for household in Household.objects.select_related("building"):
        assert household.area_code == household.building.area_code
    for resident in Resident.objects.select_related("household"):
        assert resident.area_code == resident.household.area_code


def test_every_grid_has_households_even_at_a_small_scale(small_city):
    empty = Area.objects.filter(level=codes.Level.GRID).annotate(n=Count("buildings__households")).filter(n=0)
    assert not empty.exists()


def test_estates_include_old_and_abandoned_ones_and_the_articles_old_tax_office_estate(small_city):
    estate = Estate.objects.get(name="老国税小区")
    assert estate.area_code == Area.objects.get(name="金融社区").code
    assert estate.is_old
    estates = Estate.objects.all()
    assert estates.filter(is_old=True).count() > estates.filter(is_abandoned=True).count() > 0
    assert estates.filter(is_old=False, is_abandoned=False).exists()
    # An abandoned estate (弃管小区) is one that has no property company.
    assert not estates.filter(is_abandoned=True).exclude(property_company="").exists()


def test_households_have_addresses_rooms_and_floors_of_their_building(small_city):
    for household in Household.objects.select_related("building__estate")[:200]:
        building = household.building
        assert household.room.startswith(str(household.floor))
        assert 1 <= household.floor <= building.floors
        assert household.address == f"{building.address}{building.name}{household.unit}单元{household.room}"
        assert building.estate.name in household.address and building.name.endswith("号楼")


# --- the map ------------------------------------------------------------------

def test_boundaries_are_closed_polygons_over_gongzhuling(small_city):
    for area in Area.objects.all():
        assert area.boundary["type"] == "Polygon"
        ring = area.boundary["coordinates"][0]
        assert len(ring) == 5 and ring[0] == ring[-1]
        assert inside(area.lat, area.lng, bounds(area))
    assert inside(43.50, 124.82, bounds(Area.objects.get(code="220184")))


def test_each_areas_children_tile_it_without_overlapping(small_city):
    for parent in Area.objects.exclude(level=codes.Level.GRID):
        outer = bounds(parent)
        children = [bounds(child) for child in parent.children.all()]
        for box in children:
            assert box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]
        for a, b in combinations(children, 2):
            assert _overlap(a, b) == pytest.approx(0, abs=1e-12)
        assert sum(_size(box) for box in children) == pytest.approx(_size(outer), rel=1e-9)


def _size(box) -> float:
    south, west, north, east = box
    return max(0.0, north - south) * max(0.0, east - west)


def _overlap(a, b) -> float:
    return _size((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def test_buildings_stand_inside_their_grid_and_estates_inside_their_community(small_city):
    areas = Area.objects.in_bulk(field_name="code")
    for building in Building.objects.all():
        assert inside(building.lat, building.lng, bounds(areas[building.area_code]))
    for estate in Estate.objects.all():
        assert inside(estate.lat, estate.lng, bounds(areas[estate.area_code]))


# --- the people ---------------------------------------------------------------

def test_the_articles_residents_live_where_the_article_puts_them(small_city):
    first_household = Household.objects.filter(area_code="220184001001001").order_by("id").first()
    liu_yirui = Resident.objects.get(name="刘伊蕊")
    assert (liu_yirui.household, liu_yirui.relation) == (first_household, Relation.HEAD)
    dongfeng = Area.objects.get(name="东风社区").code
    assert Resident.objects.get(name="张云帆").area_code.startswith(dongfeng)
    assert Resident.objects.get(name="刘莉莉").area_code.startswith(dongfeng)


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_gender(small_city):
    residents = list(Resident.objects.all())
    assert residents
    for r in residents:
        assert validate_id_number(r.id_number) == r.id_number
        assert (birth_date_from_id(r.id_number), gender_from_id(r.id_number)) == (r.birth_date, r.gender)
        assert r.id_last4 == r.id_number[-4:]
        assert (r.name_pinyin, r.name_initials) == pinyin_keys(r.name)
        assert r.phone == "" or validate_phone(r.phone) == r.phone
        assert 2 <= len(r.name) <= 3
    assert len({r.id_number for r in residents}) == len(residents)
    local = sum(r.id_number.startswith("220184") for r in residents)
    assert local > len(residents) * 0.6


def test_every_household_has_one_head_listed_first_and_at_most_five_people(small_city):
    for household in Household.objects.prefetch_related("residents"):
        members = sorted(household.residents.all(), key=lambda r: r.pk)
        assert 1 <= len(members) <= 5
        assert members[0].relation == Relation.HEAD
        assert [m.relation for m in members].count(Relation.HEAD) == 1
        assert len({m.residence_type for m in members}) == 1


@pytest.mark.django_db
def test_key_population_tags_agree_with_the_household_and_age():
    run_demo("--scale", "0.2")
    today = population.REFERENCE_DATE
    sizes = dict(Household.objects.annotate(n=Count("residents")).values_list("id", "n"))
    tagged = defaultdict(list)
    for resident in Resident.objects.prefetch_related("tags"):
        for tag in resident.tags.all():
            tagged[tag.code].append(resident)
    assert not tagged["elderly_80"], "高龄老人 is derived from the birth date, never stored"
    assert all(sizes[r.household_id] == 1 and r.age(today) >= 60 for r in tagged["living_alone"])
    assert all(sizes[r.household_id] == 2 and r.age(today) >= 60 for r in tagged["empty_nest"])
    assert all(r.relation == Relation.GRANDCHILD and r.age(today) < 16 for r in tagged["left_behind_child"])
    assert all(r.age(today) >= 18 for r in tagged["severe_mental_illness"])
    assert all(r.age(today) >= 60 for r in tagged["old_party_member"])
    assert all(r.age(today) >= 40 for r in tagged["veteran"])
    for code in ("living_alone", "empty_nest", "disabled", "low_income", "veteran", "old_party_member",
                 "left_behind_child"):
        assert tagged[code], f"no resident tagged {code}"
    # 低保 is granted to a household: all its members carry the tag or none do.
    low_income = {r.household_id for r in tagged["low_income"]}
    assert sum(sizes[h] for h in low_income) == len(tagged["low_income"])


# --- repeating the load ---------------------------------------------------------

def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Area, Estate, Building, Household, Resident, User, Post, Case, CaseEvent, Notification, Holiday)
    } | {
        "tags": Resident.tags.through.objects.count(),
        "passwords": sorted(User.objects.values_list("username", "password")),
        "counters": sorted(CaseCounter.objects.values_list("year", "last")),
    }


def test_loading_twice_changes_nothing(small_city):
    before = _snapshot()
    out = run_demo("--scale", SMALL)
    assert "已存在" in out
    assert _snapshot() == before


def test_loading_again_at_another_scale_leaves_the_city_as_it_was(small_city):
    before = _snapshot()
    run_demo("--scale", "0.5")
    assert _snapshot() == before


class _Discard(Exception):
    """Raised to roll a load back, so the next load starts from an empty database."""


def _digest_of_a_fresh_load() -> str:
    with pytest.raises(_Discard), transaction.atomic():
        run_demo("--scale", SMALL)
        result = city_digest()
        raise _Discard
    assert not Area.objects.exists()
    return result


@pytest.mark.django_db
def test_two_loads_into_empty_databases_give_the_same_city():
    assert _digest_of_a_fresh_load() == _digest_of_a_fresh_load()


def test_the_plan_is_the_same_in_another_process(tmp_path):
    """Guards against anything that depends on Python's per-process hash seed (such as set order)."""
    script = (
        "import django; django.setup()\n"
        "from wangge.demo.loader import plan_city\n"
        "from wangge.demo.tests import plan_digest\n"
        f"print(plan_digest(plan_city({SMALL})))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "wangge.settings",
           "WANGGE_DATA_DIR": str(tmp_path)}
    project = Path(settings.BASE_DIR).parent
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == plan_digest(loader.plan_city(float(SMALL)))


# --- accounts -----------------------------------------------------------------

HEADLINE = {
    "demo_city": ("city_admin", "220184"),
    "demo_street": ("street_staff", "220184001"),
    "demo_community": ("community_head", "220184001001"),
    "demo_grid": ("grid_worker", "220184001001001"),
    "demo_grid2": ("grid_worker", "220184002001001"),
}


def test_headline_accounts_hold_their_posts(small_city):
    for username, (role, code) in HEADLINE.items():
        user = User.objects.get(username=username)
        assert list(user.posts.values_list("role", "area_code")) == [(role, code)]
        assert user.display_name and all("\u4e00" <= ch <= "\u9fff" for ch in user.display_name)
        assert user.is_staff == (role == "city_admin")
    assert Area.objects.get(code="220184002001001").name == "东洼社区第一网格"


def test_every_grid_has_exactly_one_grid_worker(small_city):
    grids = set(Area.objects.filter(level=codes.Level.GRID).values_list("code", flat=True))
    posts = list(Post.objects.filter(role="grid_worker").values_list("area_code", "user__username"))
    assert sorted(code for code, _ in posts) == sorted(grids)
    for code, username in posts:
        assert username in ("demo_grid", "demo_grid2") or username == f"grid_{code}"


def test_demo_passwords_are_hashed_with_argon2_and_work_for_logging_in(db, settings, api_client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    run_demo("--scale", SMALL)
    user = User.objects.get(username="demo_grid")
    assert user.password.startswith("argon2$")
    assert user.check_password(loader.DEFAULT_PASSWORD)
    api_client().login("demo_grid", loader.DEFAULT_PASSWORD)


def test_the_password_comes_from_the_environment_and_is_reset_when_it_changes(small_city, monkeypatch):
    monkeypatch.setenv(loader.PASSWORD_ENV, "another-demo-secret")
    out = run_demo("--scale", SMALL)
    assert "another-demo-secret" in out
    assert all(u.check_password("another-demo-secret") for u in User.objects.all())


# --- the command --------------------------------------------------------------

def test_the_command_prints_the_login_url_and_every_account(small_city):
    assert "http://127.0.0.1:8000/" in small_city
    for username in [*HEADLINE, "grid_220184001001002", "grid_220184003006004"]:
        assert f"\n{username} " in small_city
    assert loader.DEFAULT_PASSWORD in small_city
    assert "https://wangge.example.org/" in run_demo("--scale", SMALL, "--url", "https://wangge.example.org/")


def test_the_scale_must_be_positive(db):
    with pytest.raises(CommandError):
        run_demo("--scale", "0")
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_at_full_scale_the_city_has_about_5000_households_and_12000_residents():
    run_demo()
    assert Household.objects.count() == pytest.approx(5000, rel=0.15)
    assert Resident.objects.count() == pytest.approx(12000, rel=0.15)
    registered = Resident.objects.filter(residence_type=ResidenceType.REGISTERED).count()
    assert registered > Resident.objects.count() * 0.7
    living_alone = Tag.objects.get(code="living_alone").residents.count()
    assert 0.05 < living_alone / Household.objects.count() < 0.2
