"""Reads of partners and service points, through the user's scope.

Partners are visible in two ways: those linked to an area in the user's scope
(which they may also change), and those linked to an area *above* one of the
user's areas (a street's or the city's partners serve its communities too), which
they may read and dispatch to but not change. Partner staff and volunteers, who
hold no area scope, see only the partners they belong to.
"""
from django.db.models import Q, QuerySet

from wangge.accounts.scope import OutOfScope, Scope
from wangge.areas.codes import LEVEL_LENGTHS

from .models import Partner, PartnerMembership, ServicePoint


def _ancestor_codes(scope: Scope) -> set[str]:
    return {
        code[:length]
        for code in scope.codes
        for length in LEVEL_LENGTHS.values()
        if length < len(code)
    }


def partner_ids_of(user) -> frozenset[int]:
    """The partners a user acts for (partner staff); cached on the user like the scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_wangge_partner_ids", None)
    if cached is None:
        cached = frozenset(
            PartnerMembership.objects.filter(user=user, partner__is_active=True).values_list("partner_id", flat=True)
        )
        user._wangge_partner_ids = cached
    return cached


def partner_users(partner_id: int):
    """The active users acting for a partner: who is told when a case is dispatched to it."""
    return [m.user for m in PartnerMembership.objects.filter(partner_id=partner_id, user__is_active=True)
            .select_related("user")]


def visible_partners_q(scope: Scope, user=None) -> Q:
    q = scope.q("area_code") if scope.codes else Q(pk__in=[])
    ancestors = _ancestor_codes(scope)
    if ancestors:
        q |= Q(area_code__in=ancestors)
    if user is not None:
        ids = partner_ids_of(user)
        if ids:
            q |= Q(pk__in=ids)
    return q


def partners_for(
    scope: Scope, user=None, *, area: str = "", kind: str = "", category: str = "", q: str = "",
    include_inactive: bool = False,
) -> QuerySet[Partner]:
    partners = Partner.objects.filter(visible_partners_q(scope, user)).prefetch_related("categories")
    if not include_inactive:
        partners = partners.filter(is_active=True)
    if area:
        # Partners serving the area: linked to it, below it or above it.
        area = area.strip()
        above = {area[:n] for n in LEVEL_LENGTHS.values() if n <= len(area)}
        partners = partners.filter(Q(area_code__startswith=area) | Q(area_code__in=above))
    if kind:
        partners = partners.filter(kind=kind)
    if category:
        partners = partners.filter(Q(categories__code=category) | Q(categories__children__code=category)).distinct()
    if q:
        partners = partners.filter(name__contains=q.strip())
    return partners


def partner_visible(scope: Scope, user, pk: int) -> Partner:
    partner = partners_for(scope, user, include_inactive=True).filter(pk=pk).first()
    if partner is None:
        raise OutOfScope("未找到，或不在您的管辖范围内")
    return partner


def partner_for_case(user, pk, case_area_code: str) -> Partner | None:
    """A partner the user may dispatch a case to: active, visible to them, and
    serving the case's grid (its area contains the grid)."""
    return (
        partners_for(Scope.for_user(user))
        .filter(pk=pk)
        .filter(area_code__in={case_area_code[:n] for n in LEVEL_LENGTHS.values() if n <= len(case_area_code)})
        .first()
    )


def partner_named_for_case(user, name: str, case_area_code: str) -> Partner | None:
    """The one partner of that exact name serving the case's grid, if there is exactly one."""
    rows = list(
        partners_for(Scope.for_user(user))
        .filter(name=name)
        .filter(area_code__in={case_area_code[:n] for n in LEVEL_LENGTHS.values() if n <= len(case_area_code)})[:2]
    )
    return rows[0] if len(rows) == 1 else None


def service_points_for(scope: Scope, *, area: str = "", kind: str = "") -> QuerySet[ServicePoint]:
    points = scope.filter(ServicePoint).select_related("partner")
    if area:
        points = points.filter(area_code__startswith=area.strip())
    if kind:
        points = points.filter(kind=kind)
    return points
