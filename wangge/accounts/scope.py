"""Area scope: the one mechanism that decides which rows a user may see or change.

A user's scope is the set of area codes of their posts whose role grants area
access. A row is in scope when its area code starts with one of those codes
(codes are prefixes of their descendants' codes, see wangge.areas.codes).

Every page, API endpoint, export and command that touches area-owned data
gets its rows through :meth:`Scope.filter` and its single objects through
:meth:`Scope.get_or_404`; writes check the target place with
:meth:`Scope.require`. A scope with no codes sees nothing (deny by default),
and an object outside the scope answers 404 so its existence does not leak.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Post
from .roles import AREA_ROLES, Role, may_reveal


class OutOfScope(Http404):
    """An object or place the user may not see. Rendered as 404 everywhere."""


@dataclass(frozen=True)
class Scope:
    codes: frozenset[str]
    roles: frozenset[str] = frozenset()

    @classmethod
    def for_user(cls, user) -> Scope:
        """The user's scope, computed once per request and cached on the user."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls.nothing()
        cached = getattr(user, "_wangge_scope", None)
        if cached is not None:
            return cached
        posts = posts_of(user)
        codes = frozenset(_minimal({code for role, code in posts if role in AREA_ROLES}))
        scope = cls(codes=codes, roles=frozenset(role for role, _code in posts))
        user._wangge_scope = scope
        return scope

    @classmethod
    def nothing(cls) -> Scope:
        return cls(codes=frozenset())

    @classmethod
    def of(cls, *codes: str, roles=()) -> Scope:
        """A scope over the given codes; for commands and tests."""
        return cls(codes=frozenset(_minimal(set(codes))), roles=frozenset(roles))

    # --- reading ---------------------------------------------------------
    def q(self, field: str) -> Q:
        """A Q object selecting rows whose ``field`` lies in scope."""
        if not self.codes:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{field}__startswith": code}) for code in sorted(self.codes)))

    def filter(self, queryset: QuerySet | type[Model]) -> QuerySet:
        """Restrict a queryset (or a model's default manager) to this scope."""
        if isinstance(queryset, type):
            queryset = queryset._default_manager.all()
        field = getattr(queryset.model, "scope_field", None)
        if field is None:
            raise TypeError(f"{queryset.model.__name__} declares no scope_field")
        if not self.codes:
            return queryset.none()
        return queryset.filter(self.q(field))

    def get_or_404(self, queryset: QuerySet | type[Model], **lookup):
        """One object in scope, or OutOfScope (a 404) whether it exists elsewhere or not."""
        try:
            return self.filter(queryset).get(**lookup)
        except (queryset.model.DoesNotExist if isinstance(queryset, QuerySet) else queryset.DoesNotExist):
            raise OutOfScope(_("未找到，或不在您的管辖范围内"))

    # --- writing ---------------------------------------------------------
    def covers(self, code: str | None) -> bool:
        return bool(code) and any(code.startswith(prefix) for prefix in self.codes)

    def require(self, code: str | None) -> None:
        """Refuse (as 404) to act on a place outside this scope."""
        if not self.covers(code):
            raise OutOfScope(_("未找到，或不在您的管辖范围内"))

    # --- roles -----------------------------------------------------------
    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_city_admin(self) -> bool:
        return Role.CITY_ADMIN in self.roles

    @property
    def may_reveal(self) -> bool:
        """May this user open full ID numbers and phones (each opening logged)?
        Only area roles listed in WANGGE_REVEAL_ROLES may."""
        return any(role in AREA_ROLES and may_reveal(role) for role in self.roles)


def _minimal(codes: set[str]) -> set[str]:
    """Drop codes already covered by a shorter one, so queries stay small."""
    return {c for c in codes if not any(c != o and c.startswith(o) for o in codes)}


def posts_of(user) -> tuple[tuple[str, str], ...]:
    """The (role, area code) of each of the user's posts: read once per request and
    cached on the user, so the scope and whoever else needs the posts (the case
    loop's acting user) share one query."""
    cached = getattr(user, "_wangge_posts", None)
    if cached is None:  # one plain statement: every scoped request runs it (the ORM's compiling cost more)
        connection = connections[user._state.db or DEFAULT_DB_ALIAS]  # where user.posts would read
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('role')}, {quote('area_code')} FROM {quote(Post._meta.db_table)}"
                f" WHERE {quote('user_id')} = %s",
                [user.pk],
            )
            cached = user._wangge_posts = tuple(cursor.fetchall())
    return cached


def scope_of(request) -> Scope:
    """The scope of the user behind a request (pages and API alike)."""
    return Scope.for_user(getattr(request, "user", None))
