"""Search by name or address (selectors.search_residents): the same residents whichever way the query
is answered (a union of two trigram-indexed matches from 3 characters on, a plain OR below), and on
PostgreSQL the trigram indexes of migration 0003 exist and serve the union's two halves."""
import pytest
from django.db import connection

from wangge.accounts.scope import Scope
from wangge.areas.models import Household
from wangge.people import selectors
from wangge.people.models import Resident
from wangge.testing import household, resident


def found(user, q: str) -> list[str]:
    return sorted(r.name for r in selectors.search_residents(Scope.for_user(user), q=q))


@pytest.fixture
def people(city):
    """Beside the city's 刘伊蕊 (老国税小区) and 王建国: a 2-character name, a 4-character one, and a
    resident of 老国税小区 whose own name says nothing of it."""
    resident("李霞", city.household_b)
    resident("欧阳娜娜", city.household_b)
    resident("张宏宇", household(city.grid, "502", estate_name="老国税小区"))
    return city


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "names"), [
    ("刘伊蕊", ["刘伊蕊"]),              # a whole 3-character name: the union
    ("伊蕊", ["刘伊蕊"]),                # part of a name, 2 characters: the plain OR
    ("李霞", ["李霞"]),                  # a whole 2-character name
    ("阳娜娜", ["欧阳娜娜"]),            # the end of a 4-character name
    ("阳娜", ["欧阳娜娜"]),              # its middle
    ("霞", ["李霞"]),
    ("老国税小区", ["刘伊蕊", "张宏宇"]),  # an address fragment: every resident living there
    ("老国税", ["刘伊蕊", "张宏宇"]),
    ("国税", ["刘伊蕊", "张宏宇"]),
    ("老国税小区1号楼1单元501", ["刘伊蕊"]),
    ("不存在的人", []),
])
def test_name_or_address_finds_the_same_residents_at_any_length(people, q, names):
    assert found(people.city_admin, q) == names


@pytest.mark.django_db
def test_a_resident_matching_by_name_and_by_address_is_listed_once(people):
    resident("税小区", people.household)  # a name that is also part of the address
    result = selectors.search_residents(Scope.for_user(people.city_admin), q="税小区")
    assert sorted(r.name for r in result) == ["刘伊蕊", "张宏宇", "税小区"]
    assert result.count() == 3


@pytest.mark.django_db
def test_the_search_stays_in_scope_at_any_length(people):
    """刘伊然 lives in another street: the grid worker finds only 刘伊蕊, by 3 characters or by 2."""
    assert found(people.grid_worker, "刘伊") == ["刘伊蕊"]
    assert found(people.grid_worker, "刘伊蕊") == ["刘伊蕊"]
    assert found(people.grid_worker, "东洼小区") == []
    assert found(people.city_admin, "刘伊") == ["刘伊然", "刘伊蕊"]


@pytest.mark.django_db
def test_search_results_can_be_filtered_counted_and_paged(people):
    result = selectors.search_residents(Scope.for_user(people.city_admin), q="老国税小区", area=people.grid.code)
    assert result.count() == 2
    assert [r.name for r in result[:1]] == ["刘伊蕊"]  # ordered by area, then pinyin


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes are PostgreSQL's")


@postgresql_only
@pytest.mark.django_db
def test_migration_made_the_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%trgm"])
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["people_resident_name_trgm"]
    assert "people_resident" in indexes["people_resident_name_trgm"]
    assert "gin_trgm_ops" in indexes["people_household_address_trgm"]
    assert "areas_household" in indexes["people_household_address_trgm"]


@postgresql_only
@pytest.mark.django_db
def test_the_union_can_be_answered_from_the_trigram_indexes(people):
    """With sequential scans priced out (a test table is too small for the planner to want an index),
    the plan of a 3-character search reads both trigram indexes."""
    query = selectors.search_residents(Scope.for_user(people.city_admin), q="老国税小区")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "people_resident_name_trgm" in plan
    assert Resident.objects.count() >= 5
    # The address branch joins households; on a table this small the planner may reach them by
    # primary key and filter, so the address index is checked on the filter itself.
    # Unordered, and with plain index scans off too: a bitmap scan needs an index that can answer the
    # filter, so the planner cannot walk another index and filter instead.
    households = Household.objects.filter(address__contains="老国税小区").order_by()
    sql, params = households.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "people_household_address_trgm" in plan
