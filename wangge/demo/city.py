"""The fixed facts of the demo city: 公主岭市 as the article describes it.

Everything the article names is here under its own name: the three streets,
their ten communities, 老国税小区 in 金融社区, the residents 刘伊蕊, 张云帆 and
刘莉莉. What the article does not say (how many grids, which other estates,
who lives where) is filled in plausibly, and only the generator in
``loader.py`` invents people. Keeping the facts apart from the generator lets
a reader check them against the article at a glance.
"""
from dataclasses import dataclass

from wangge.accounts.roles import Role
from wangge.areas.codes import Level

from .geometry import Rect

CITY_CODE = "220184"
CITY_NAME = "公主岭市"

# The built-up area of 公主岭 around 43.50°N, 124.82°E (about 6.5 km × 6.7 km).
CITY_BOUNDS = Rect(south=43.470, west=124.780, north=43.530, east=124.860)

# Households in the whole city at --scale 1.0; residents follow from the
# household compositions (about 2.4 people a household).
TOTAL_HOUSEHOLDS = 5000


@dataclass(frozen=True)
class EstateSpec:
    name: str
    is_old: bool = False
    is_abandoned: bool = False
    property_company: str = ""


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    grids: int
    # Old estates first: a community's first grids lie in its old core, which
    # is where the article's stories (leaking roofs, broken unit doors) happen.
    estates: tuple[EstateSpec, ...]


@dataclass(frozen=True)
class StreetSpec:
    name: str
    communities: tuple[CommunitySpec, ...]


def _old(name: str, abandoned: bool = False) -> EstateSpec:
    """An estate built before 2000, often for one work unit (单位家属楼); abandoned ones have no property company."""
    return EstateSpec(name, is_old=True, is_abandoned=abandoned)


def _new(name: str, company: str) -> EstateSpec:
    return EstateSpec(name, property_company=company)


# In code order: 220184001 河北街道, 220184002 铁北街道, 220184003 河南街道.
STREETS = (
    StreetSpec("河北街道", (
        CommunitySpec("京华社区", 5, (
            _old("粮食局小区"), _old("供电小区"), _old("二中家属楼", abandoned=True),
            _new("京华苑", "公主岭市京华物业服务有限公司"),
        )),
        CommunitySpec("金融社区", 6, (
            _old("老国税小区"), _old("城区中队小区"), _old("工行小区", abandoned=True),
            _new("金融花园", "公主岭市金诚物业服务有限公司"),
        )),
    )),
    StreetSpec("铁北街道", (
        CommunitySpec("东洼社区", 4, (
            _old("东洼小区", abandoned=True), _old("铁路小区"), _old("机务段家属楼"),
            _new("铁北新城", "公主岭市安居物业服务有限公司"),
        )),
        CommunitySpec("东风社区", 5, (
            _old("东风小区"), _old("化肥厂小区", abandoned=True),
            _new("御景园", "吉林省御景物业服务有限公司"), _new("东方明珠", "公主岭市明珠物业服务有限公司"),
        )),
    )),
    StreetSpec("河南街道", (
        CommunitySpec("曙光社区", 3, (
            _old("农机厂小区", abandoned=True), _old("曙光小区"),
            _new("盛世华城", "公主岭市盛世物业服务有限公司"),
        )),
        CommunitySpec("永红社区", 4, (
            _old("永红小区"), _old("医院家属楼"), _new("锦绣华庭", "公主岭市锦绣物业服务有限公司"),
        )),
        CommunitySpec("永盛社区", 3, (
            _old("永盛小区"), _old("教师小区"), _new("世纪花园", "公主岭市世纪物业服务有限公司"),
        )),
        CommunitySpec("永兴社区", 4, (
            _old("酒厂小区", abandoned=True), _old("永兴小区"), _new("学府名居", "公主岭市学府物业服务有限公司"),
        )),
        CommunitySpec("正阳社区", 3, (
            _old("邮电小区"), _old("正阳小区"), _new("正阳名苑", "公主岭市正阳物业服务有限公司"),
        )),
        CommunitySpec("阳光社区", 4, (
            _old("阳光小区", abandoned=True), _old("水利小区", abandoned=True),
            _new("阳光家园", "公主岭市阳光物业服务有限公司"),
        )),
    )),
)

# Where the streets lie, as bands from north to south: 铁北 north of the
# railway, 河北 between the railway and the river, 河南 south of the river.
NORTH_TO_SOUTH = ("铁北街道", "河北街道", "河南街道")

_NUMERALS = "一二三四五六七八九"


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    level: Level
    parent_code: str | None
    estates: tuple[EstateSpec, ...] = ()


def area_tree() -> list[AreaSpec]:
    """Every area of the city, parents before children, with codes given by position (001, 002, …)."""
    areas = [AreaSpec(CITY_CODE, CITY_NAME, Level.CITY, None)]
    for s, street in enumerate(STREETS, start=1):
        street_code = f"{CITY_CODE}{s:03d}"
        areas.append(AreaSpec(street_code, street.name, Level.STREET, CITY_CODE))
        for c, community in enumerate(street.communities, start=1):
            community_code = f"{street_code}{c:03d}"
            areas.append(AreaSpec(community_code, community.name, Level.COMMUNITY, street_code, community.estates))
            areas.extend(
                AreaSpec(f"{community_code}{g:03d}", f"{community.name}第{_NUMERALS[g - 1]}网格", Level.GRID,
                         community_code)
                for g in range(1, community.grids + 1)
            )
    return areas


@dataclass(frozen=True)
class NamedResident:
    """A resident the article names, put at the head of the first household of a grid."""

    name: str
    gender: str
    age: int
    grid_code: str
    household_kind: str


NAMED_RESIDENTS = (
    # 京华社区: praised the grid worker who came to fix her leaking roof unasked.
    NamedResident("刘伊蕊", "F", 68, "220184001001001", "elderly_couple"),
    # 东风社区: learned CPR as the carer of an elderly parent.
    NamedResident("张云帆", "M", 46, "220184002002001", "couple_child_parent"),
    # 东风社区: the volunteer quoted at the end of the article.
    NamedResident("刘莉莉", "F", 52, "220184002002002", "couple"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    area_code: str


# One account for each kind of user the demo shows; every other grid gets its
# own grid worker, every community a head and a community worker, every street
# STREET_STAFF staff (see loader.demo_accounts).
HEADLINE_ACCOUNTS = (
    DemoAccount("demo_city", "赵志刚", Role.CITY_ADMIN, CITY_CODE),
    DemoAccount("demo_street", "孙丽华", Role.STREET_STAFF, "220184001"),
    DemoAccount("demo_community", "陈红梅", Role.COMMUNITY_HEAD, "220184001001"),
    DemoAccount("demo_grid", "李静", Role.GRID_WORKER, "220184001001001"),
    DemoAccount("demo_grid2", "王雪", Role.GRID_WORKER, "220184002001001"),
    # Acts for 红心物业联盟, the street's property-company alliance (resources.PARTNER_STAFF).
    DemoAccount("demo_partner", "韩秀梅", Role.PARTNER_STAFF, "220184001"),
)

# Street staff in each street: two, so that one checks what the other handled.
STREET_STAFF = 2
