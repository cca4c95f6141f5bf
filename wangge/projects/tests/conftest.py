"""Builders for the project tests: roof-leak cases of one old estate reported and taken
along through the real case services, partners and volunteers of the community."""
import pytest

from wangge.areas.models import Building, Estate
from wangge.cases import services as case_services
from wangge.partners.models import Partner
from wangge.testing import signed_in, user
from wangge.volunteers.models import Volunteer

COMMUNITY = "220184001001"  # 京华社区
OTHER_COMMUNITY = "220184002001"  # 东洼社区, another street


def report(reporter, grid, building, *, category="roof_leak", title="楼顶漏水"):
    """A case reported by a grid worker through the service, as on a visit."""
    return case_services.report_case(actor=reporter, data={
        "title": title, "description": f"{building}{title}，下雨天往下滴水", "category": category,
        "source": "visit", "area": grid.code, "building": building.pk,
    })


def escalate_to_community(case, worker):
    """The grid worker takes the case on and hands it up: a roof is not a grid's job (大事不出社区)."""
    case = case_services.accept_case(actor=worker, number=case.number, version=case.version)
    return case_services.escalate_case(actor=worker, number=case.number, version=case.version,
                                       reason="需要整体维修楼顶，网格解决不了")


@pytest.fixture
def estate(city):
    """老国税小区, an old estate of 京华社区 with three buildings in its first grid."""
    estate = Estate.objects.get(name="老国税小区")
    estate.is_old = True
    estate.save()
    for name in ("2号楼", "3号楼"):
        Building.objects.create(grid=city.grid, estate=estate, name=name)
    return estate


@pytest.fixture
def roof_cases(city, estate):
    """Three leaking roofs in 老国税小区, each escalated to the community by the grid worker."""
    return [escalate_to_community(report(city.grid_worker, city.grid, building), city.grid_worker)
            for building in estate.buildings.order_by("name")]


@pytest.fixture
def staff(city):
    """cs: a community worker of 京华社区 beside its head (someone to check the head's work)."""
    return user("cs", "community_staff", city.community)


@pytest.fixture
def other_head(city):
    """head2: the head of 东洼社区 in another street."""
    return user("head2", "community_head", city.other_community)


@pytest.fixture
def repairers(city):
    """A repair company serving the street (so 京华社区 too), and one serving only 东洼社区."""
    return (
        Partner.objects.create(name="红心物业联盟维修队", kind="property", area=city.street),
        Partner.objects.create(name="东洼防水公司", kind="enterprise", area=city.other_community),
    )


@pytest.fixture
def volunteers(city):
    """Two volunteers of 京华社区 and one of 东洼社区."""
    return (
        Volunteer.objects.create(name="李红", area=city.community, skills=["repair"]),
        Volunteer.objects.create(name="张强", area=city.community),
        Volunteer.objects.create(name="东洼志愿者", area=city.other_community),
    )


@pytest.fixture
def login(city):
    """A test client signed in as one of the small city's users, by username."""
    return signed_in
