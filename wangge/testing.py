"""Builders of small, valid test data shared by the test suites of all apps."""
import datetime
import itertools
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.accounts.models import User
from wangge.accounts.services import assign_post
from wangge.areas.models import Area, Building, Estate, Household
from wangge.people.models import Resident
from wangge.people.names import pinyin_keys
from wangge.people.validators import id_check_char

PASSWORD = "test-pass-2026"
_serial = itertools.count(100)
#: The first bytes of a PNG and of a JPEG: enough for an upload's type to be recognised.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def make_id_number(birth: datetime.date, gender: str = "F", region: str = "220184") -> str:
    """A valid 18-digit ID number; each call gives a new sequence code."""
    # The 17th digit carries the gender (odd for men), so each call takes the next even
    # sequence number and adds one for a man: no two calls give the same number.
    seq = (next(_serial) * 2 + (1 if gender == "M" else 0)) % 1000
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def area(code: str, name: str) -> Area:
    parent = Area.objects.get(code=code[:-3]) if len(code) > 6 else None
    return Area.objects.create(code=code, name=name, parent=parent)


def household(grid: Area, room: str = "101", building_name: str = "1号楼", estate_name: str = "测试小区") -> Household:
    community_code = grid.code[:12]
    estate, _ = Estate.objects.get_or_create(area_code=community_code, name=estate_name)
    building, _ = Building.objects.get_or_create(grid=grid, estate=estate, name=building_name)
    return Household.objects.create(
        building=building, unit="1", floor=int(room[0]), room=room, address=f"{estate_name}{building_name}1单元{room}"
    )


def resident(name: str, hh: Household, birth=datetime.date(1980, 5, 17), gender="F", phone="13812345678", **extra):
    full, initials = pinyin_keys(name)
    id_number = make_id_number(birth, gender)
    return Resident.objects.create(
        name=name, name_pinyin=full, name_initials=initials, gender=gender, birth_date=birth,
        id_number=id_number, id_last4=id_number[-4:], phone=phone, household=hh, area_code=hh.area_code, **extra,
    )


def user(username: str, role: str, area_obj: Area) -> User:
    u = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    assign_post(user=u, role=role, area=area_obj)
    return u


def signed_in(who: User | str) -> Client:
    """A test client signed in as ``who``: a user, or the username of one."""
    client = Client()
    client.force_login(User.objects.get(username=who) if isinstance(who, str) else who)
    return client


def png(name="photo.png", size=0) -> SimpleUploadedFile:
    """An uploaded PNG photo; ``size`` bytes more make it as large as a test needs."""
    return SimpleUploadedFile(name, PNG + b"\x00" * size, content_type="image/png")


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


class SmallCity:
    """Two communities in two streets of one city, a grid each, a household each, and users.

    ``own`` is what ``grid_worker`` may see; ``other`` lies in another street.
    """

    def __init__(self):
        self.city = area("220184", "公主岭市")
        self.street = area("220184001", "河北街道")
        self.community = area("220184001001", "京华社区")
        self.grid = area("220184001001001", "京华社区第一网格")
        self.grid_b = area("220184001001002", "京华社区第二网格")
        self.other_street = area("220184002", "铁北街道")
        self.other_community = area("220184002001", "东洼社区")
        self.other_grid = area("220184002001001", "东洼社区第一网格")

        self.household = household(self.grid, "501", estate_name="老国税小区")
        self.household_b = household(self.grid_b, "201")
        self.other_household = household(self.other_grid, "302", estate_name="东洼小区")

        self.resident = resident("刘伊蕊", self.household)
        self.resident_b = resident("王建国", self.household_b, gender="M", birth=datetime.date(1970, 1, 2))
        self.other_resident = resident("刘伊然", self.other_household)

        self.grid_worker = user("gw", "grid_worker", self.grid)
        self.community_head = user("head", "community_head", self.community)
        self.street_staff = user("street", "street_staff", self.street)
        self.city_admin = user("city", "city_admin", self.city)
        self.other_grid_worker = user("gw2", "grid_worker", self.other_grid)
        self.partner = user("partner", "partner_staff", self.community)


_READ_ONLY = re.compile(
    r"^\s*(SELECT|SAVEPOINT|RELEASE|FETCH|CLOSE|DECLARE\s.*?\sFOR\s+SELECT)\b", re.IGNORECASE | re.DOTALL
)


def is_read(sql: str) -> bool:
    """Does this statement only read? A SELECT, or on PostgreSQL the server-side cursor that
    ``QuerySet.iterator()`` opens for one (``DECLARE … CURSOR … FOR SELECT``, ``FETCH``, ``CLOSE``),
    or a savepoint."""
    return bool(_READ_ONLY.match(sql))
