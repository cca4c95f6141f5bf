"""Reads of residents that pages, the API and exports share. All take a Scope."""
import datetime
import re
from collections.abc import Callable

from django.db.models import Prefetch, Q, QuerySet
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
    q = q.strip()
    if q:
        residents = residents.filter(_text_query(q))
    if area:
        residents = residents.filter(area_code__startswith=area.strip())
    if tag:
        residents = with_tag(residents, tag, today=today)
    return residents


def _text_query(q: str) -> Q:
    if _LAST4_RE.match(q):
        return Q(id_last4=q.upper())
    if _LATIN_RE.match(q):
        key = q.lower()
        return Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key)
    if len(q) < TRIGRAM:
        return Q(name__contains=q) | Q(household__address__contains=q)
    return Q(pk__in=_name_or_address(q))


# A trigram index (migration 0003) finds ``LIKE '%q%'`` only for q of at least 3 characters.
TRIGRAM = 3


def _name_or_address(q: str) -> QuerySet:
    """The ids of residents whose name or household address contains ``q``, as one UNION.

    Written as a union of two single-table matches rather than ``name OR address``: an OR
    across the join to the household can only be answered by reading both tables whole,
    while each half of the union is served by its own trigram index on PostgreSQL
    (migration 0003; ≈ 30 ms instead of ≈ 2.6 s at a million residents, docs/performance.md).
    A shorter query has no trigram to look up, so it keeps the plain ``OR``, which within a
    grid's or a community's scope reads only that area's residents.
    """
    by_name = Resident.objects.filter(name__contains=q).order_by().values("pk")
    by_address = Resident.objects.filter(household__address__contains=q).order_by().values("pk")
    return by_name.union(by_address)


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
