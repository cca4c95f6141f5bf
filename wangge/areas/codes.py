"""Area codes: the one place that knows how a code encodes its level.

Codes follow the national administrative division code (统计用区划代码):
6 digits for the county-level city or district, 3 more for the street, 3 more
for the community, and wangge adds 3 for the grid. So a code is a prefix of
every descendant's code, and "is X inside Y" is ``X.startswith(Y)``.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("市/区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


LEVEL_LENGTHS = {Level.CITY: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}
LENGTH_LEVELS = {length: level for level, length in LEVEL_LENGTHS.items()}
CHILD_LEVEL = {Level.CITY: Level.STREET, Level.STREET: Level.COMMUNITY, Level.COMMUNITY: Level.GRID}


def level_of(code: str) -> Level:
    """The level a code names, from its length; ValueError for a malformed code."""
    if not code.isdigit() or len(code) not in LENGTH_LEVELS:
        raise ValueError(_("区域代码须为6、9、12或15位数字：%(code)s") % {"code": code})
    return LENGTH_LEVELS[len(code)]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    if level == Level.CITY:
        return None
    return code[: len(code) - 3]


def county_code(code: str) -> str:
    """The first 6 digits: the distribution key for scaling beyond one database."""
    return code[:6]


def is_within(code: str, ancestor: str) -> bool:
    return code.startswith(ancestor)
