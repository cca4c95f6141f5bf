"""Search by name or address (selectors.search_residents): the same residents whichever way the query
is answered (a union of two trigram-indexed matches from 3 characters on; for 2 characters on PostgreSQL
a union matched against the spaced name and address, 张斌 → 张x斌x, beside the plain LIKE; a plain OR
otherwise), and on PostgreSQL the trigram indexes of migrations 0003 and 0005 exist and serve the union's
two halves."""
import pytest
from django.db import connection
from django.db.models import Q

from wangge.accounts.scope import Scope
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


@pytest.fixture
def odd_names(people):
    """Names that put the spaced match to the test: ones holding the filler letter (张x斌 spaced is
    张xxx斌x, which holds 张x斌x only if the plain match is bypassed), mixed Latin names, and a
    household whose address holds the filler too."""
    for name in ("张斌", "张x斌", "x斌", "张斌x", "Alex王", "王Alex", "王xx", "xx王", "斌斌", "阿卜杜·热合曼"):
        resident(name, people.household_b)
    resident("赵敏", household(people.grid, "301", estate_name="xx小区"))
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("q", [
    "张", "斌", "王", "区", "·",                                   # 1 character (a Latin one is pinyin)
    "张斌", "x斌", "斌x", "张x", "王A", "x王", "斌斌", "杜·", "·热",  # 2 characters
    "伊蕊", "国税", "x小", "小区", "1单", "01",
    "张x斌", "Alex王", "x斌x", "王xx", "热合曼", "老国税", "xx小区",  # 3 characters or more
])
def test_the_search_finds_exactly_what_a_plain_like_finds(odd_names, q):
    """Whatever index answers it, a name-or-address query finds exactly the residents whose name or
    household address contains it: no fewer (the spaced match loses none) and no more (the filler in a
    name or address never matches on its own)."""
    plain = Resident.objects.filter(Q(name__contains=q) | Q(household__address__contains=q))
    searched = selectors.search_residents(Scope.for_user(odd_names.city_admin), q=q)
    assert sorted(searched.values_list("pk", flat=True)) == sorted(plain.values_list("pk", flat=True))
    assert searched.count() == plain.count()


def test_spaced_text_puts_the_filler_after_every_character():
    assert selectors.spaced_text("张斌") == "张x斌x"
    assert selectors.spaced_text("x斌") == "xx斌x"


@pytest.mark.django_db
def test_the_spaced_form_in_the_database_is_the_spaced_text(odd_names):
    """The database's regexp_replace and spaced_text agree, character by character (on SQLite, which
    has no regexp_replace, the spaced form is never asked for)."""
    if connection.vendor != "postgresql":
        pytest.skip("regexp_replace is PostgreSQL's")
    for name, spaced in Resident.objects.annotate(spaced=selectors.spaced_form("name")).values_list("name", "spaced"):
        assert spaced == selectors.spaced_text(name)


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


def plan(query) -> str:
    """The plan of a query with sequential scans and plain index scans priced out: a test table is too
    small for the planner to want an index, and a bitmap scan needs an index that can answer the filter.
"""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


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
    """The union a 3-character search filters by reads both trigram indexes. (Built here over all
    residents: in the search each half also carries the user's area, and on a table this small the
    planner rather reads the whole city through the area code index.)"""
    union = selectors._name_or_address("老国税小区", Resident.objects.all())
    assert Resident.objects.count() >= 5
    assert "people_resident_name_trgm" in plan(union)
    assert "people_household_address_trgm" in plan(union)


@postgresql_only
@pytest.mark.django_db
def test_migration_made_the_spaced_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s", ["%spaced_trgm"])
        indexes = dict(cursor.fetchall())
    name, address = indexes["people_resident_name_spaced_trgm"], indexes["people_household_address_spaced_trgm"]
    assert "people_resident" in name and "regexp_replace" in name and "gin_trgm_ops" in name
    assert "areas_household" in address and "regexp_replace" in address and "gin_trgm_ops" in address


@postgresql_only
@pytest.mark.django_db
def test_a_two_character_search_is_answered_from_the_spaced_indexes(odd_names):
    """The union a 2-character search filters by reads both spaced indexes (over all residents, as above)."""
    search = selectors.search_residents(Scope.for_user(odd_names.city_admin), q="张斌")
    assert "regexp_replace" in str(search.query)  # the search asks the union of spaced matches
    union = selectors._name_or_address("张斌", Resident.objects.all(), spaced=True)
    assert "people_resident_name_spaced_trgm" in plan(union)
    assert "people_household_address_spaced_trgm" in plan(union)
