"""Builders for the case tests: a community staff member, cases in any state, and photos."""
import datetime
import itertools
import secrets

import pytest
from django.core.cache import cache
from django.utils import timezone

from wangge.areas.models import Area
from wangge.cases.models import Case, Category, OwnerKind
from wangge.cases.states import office_code
from wangge.testing import signed_in, user

_numbers = itertools.count(900001)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The public rate limits count in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(city):
    """cs: a community worker (社区工作者) of 京华社区, beside its head."""
    return user("cs", "community_staff", city.community)


@pytest.fixture
def make_case(city):
    """A case built directly in any status and level (the services are what the tests check)."""

    def build(*, status="reported", level="grid", grid=None, category="other", owner_user=None,
              deadline=None, **extra) -> Case:
        grid = grid or city.grid
        fields = {"title": "楼道灯不亮", "description": "3号楼2单元楼道灯坏了一个月", "source": "visit", **extra}
        return Case.objects.create(
            number=f"SQ-2026-{next(_numbers)}",
            tracking=secrets.token_hex(5).upper(),
            category=Category.objects.get(code=category),
            grid=grid,
            level=level,
            owner_area=Area.objects.get(code=office_code(grid.code, level)),
            owner_kind=OwnerKind.USER if owner_user else OwnerKind.OFFICE,
            owner_user=owner_user,
            status=status,
            deadline=deadline or timezone.now() + datetime.timedelta(days=5),
            **fields,
        )

    return build


@pytest.fixture
def login(city):
    """A test client signed in as one of the small city's users, by username."""
    return signed_in
