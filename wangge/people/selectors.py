"""Reads of residents that pages, the API and exports share. All take a Scope."""
import datetime
import re
from collections.abc import Callable

from django.db import connection
from django.db.models import CharField, F, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import Contains, GreaterThan
from django.utils import timezone

from wangge.accounts.scope import Scope

from .models import Resident, SensitiveAccess, Tag

_LAST4_RE = re.compile(r"^\d{3}[\dXx]$")
_LATIN_RE = re.compile(r"^[A-Za-z]+$")


def all_tags() -> list[Tag]:
    return list(Tag.objects.all())


def residents_for(scope: Scope) -> QuerySet[Resident]:
    return scope.filter(Resident).select_related("household").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("sort_order"))
    )


def search_residents(
    scope: Scope, *, q: str = "", area: str = "", tag: str = "", today: datetime.date | None = None
) -> QuerySet[Resident]:
    """Residents in scope matching a free-text query, an area code prefix and a tag.

    The query matches, by its shape: the last 4 characters of the ID number
    (``1234``, ``123X``); pinyin initials or full pinyin (``lyr``, ``liuyirui``);
    otherwise the name or the household address (``刘伊蕊``, ``老国税小区``).
    """
    residents = residents_for(scope)
    within = scope.filter(Resident)
    if area:
        residents = residents.filter(area_code__startswith=area.strip())
        within = within.filter(area_code__startswith=area.strip())
    q = q.strip()
    if q:
        residents = residents.filter(_text_query(q, within))
    if tag:
        residents = with_tag(residents, tag, today=today)
    return residents


def _text_query(q: str, within: QuerySet[Resident]) -> Q:
    if _LAST4_RE.match(q):
        return Q(id_last4=q.upper())
    if _LATIN_RE.match(q):
        key = q.lower()
        return Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
    if len(q) >= TRIGRAM:
        return Q(pk__in=_name_or_address(q, within))
    if len(q) == SPACED and connection.vendor == "postgresql":
        return Q(pk__in=_name_or_address(q, within, spaced=True))
    return Q(name__contains=q) | Q(household__address__contains=q)


# A trigram index (migration 0003) finds ``LIKE '%q%'`` only for q of at least 3 characters;
# a 2-character q is looked up in the spaced indexes of migration 0005 (PostgreSQL only).
TRIGRAM = 3
SPACED = 2
# Written after every character of a name or address in the spaced indexes. A letter, because pg_trgm
# splits words at anything that is not a letter or digit. A name holding it cannot match falsely: the
# real text is always checked beside the spaced one (_holds).
FILLER = "x"


def spaced_form(field: str) -> Func:
    """``regexp_replace(field, '(.)', '\\1x', 'g')``: the text with the filler after every character
    (张斌 → 张x斌x), exactly the expression the indexes of migration 0005 are built on."""
    return Func(F(field), Value("(.)"), Value("\\1" + FILLER), Value("g"), function="regexp_replace",
                output_field=CharField())


def spaced_text(q: str) -> str:
    """What ``spaced_form`` makes of ``q`` in the database; a text contains ``q`` only if its spaced form
    contains ``spaced_text(q)``, so the spaced match never loses a resident the plain one finds."""
    return "".join(char + FILLER for char in q)


def _name_or_address(q: str, within: QuerySet[Resident], *, spaced: bool = False) -> QuerySet:
    """The ids of residents ``within`` the scope whose name or household address contains ``q``, as one UNION.

    Written as a union of two single-table matches rather than ``name OR address``: an OR
    across the join to the household can only be answered by reading both tables whole,
    while each half of the union is served by its own trigram index on PostgreSQL
    (migration 0003; ≈ 30 ms instead of ≈ 2.6 s at a million residents, docs/performance.md).
    Each half carries the scope, so in a grid the planner can start from the grid's residents
    when the text matches much of the city (a 2-character 小区 or an estate's name).

    A 2-character ``q`` holds no trigram. With ``spaced`` each half matches the spaced text
    against the spaced column (``张x斌x``: two trigrams), which the indexes of migration 0005
    answer, and checks the real text beside it. A 1-character query keeps the plain ``OR``:
    city-wide it lists a tenth of the city, which no index makes a search.
    """
    if spaced:
        by_name = within.filter(Contains(spaced_form("name"), spaced_text(q)), _holds("name", q))
        by_address = within.filter(
            Contains(spaced_form("household__address"), spaced_text(q)), _holds("household__address", q)
        )
    else:
        by_name = within.filter(name__contains=q)
        by_address = within.filter(household__address__contains=q)
    return by_name.order_by().values("pk").union(by_address.order_by().values("pk"))


def _holds(field: str, q: str) -> GreaterThan:
    """``strpos(field, q) > 0``: the exact check beside the spaced match, the same test as ``LIKE '%q%'``.
    Written so because PostgreSQL would take a second ``LIKE`` for an independent filter and multiply
    the two estimates (1 row expected for 329 found), and in a grid's scope it then joins the grid's
    residents to the matches by a nested loop (66 ms at a million residents instead of about 1 ms)."""
    return GreaterThan(StrIndex(F(field), Value(q)), 0)


def with_tag(residents: QuerySet[Resident], code: str, today: datetime.date | None = None) -> QuerySet[Resident]:
    """Filter by a tag; derived tags (高龄老人) are computed from the birth date."""
    tag = Tag.objects.filter(code=code).first()
    if tag is None:
        return residents.none()
    if tag.is_derived:
        return residents.filter(birth_date__lte=tag.latest_birth_date(today or timezone.localdate()))
    return residents.filter(tags=tag)


def tag_reader(today: datetime.date | None = None) -> Callable[[Resident], list[Tag]]:
    """A function giving each resident's tags: the stored ones (prefetched by
    residents_for) plus the derived ones that apply today. The derived tags are
    read once, so listing a page of residents costs no query per row."""
    today = today or timezone.localdate()
    derived = [(tag, tag.latest_birth_date(today)) for tag in Tag.objects.filter(min_age__isnull=False)]

    def tags(resident: Resident) -> list[Tag]:
        applying = [tag for tag, latest in derived if resident.birth_date <= latest]
        return sorted([*resident.tags.all(), *applying], key=lambda t: (t.sort_order, t.code))

    return tags


def tags_of(resident: Resident, today: datetime.date | None = None) -> list[Tag]:
    """One resident's tags; for many residents use tag_reader once."""
    return tag_reader(today)(resident)


def access_log(scope: Scope) -> QuerySet[SensitiveAccess]:
    """The log of openings of personal data; only a city administrator reads it."""
    if not scope.is_city_admin:
        return SensitiveAccess.objects.none()
    return scope.filter(SensitiveAccess).select_related("user", "resident")


def by_id_numbers(numbers) -> dict[str, Resident]:
    """Residents by full ID number, looked up in the whole install (not only the scope): an ID
    number is registered once anywhere. The database keys residents by (id_number, county_code),
    so this read, not a unique index, is what refuses a number registered in another county."""
    numbers = list(dict.fromkeys(numbers))
    found: dict[str, Resident] = {}
    for start in range(0, len(numbers), 900):
        for resident in Resident.objects.filter(id_number__in=numbers[start:start + 900]).order_by("pk"):
            found.setdefault(resident.id_number, resident)
    return found
