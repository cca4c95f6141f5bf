"""Load the demo city: plan every row in memory, then write it in one transaction.

Planning touches no database, so the whole city comes from one seeded
random generator in a fixed order and is the same on every machine and every
run. Writing uses bulk inserts, level by level, so that a city of 12,000
residents loads in seconds even on SQLite. Then, in the same transaction, a
year of cases (cases.py), which needs the accounts that handled them.
Loading twice changes nothing: an existing city is left as it is, with its
cases, and only the demo accounts are checked.
"""
import datetime
import functools
import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password, verify_password
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import User
from wangge.accounts.roles import Role
from wangge.accounts.services import assign_post
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area, Building, Estate, Household
from wangge.areas.services import household_address
from wangge.cases.models import Case
from wangge.people.models import Relation, Resident, Tag
from wangge.people.names import pinyin_keys
from wangge.visits.demo import load_demo_visits

from . import cases, city, names, population, resources, training
from .cases import new_row
from .geometry import PRECISION, Rect

SEED = 20250701
BATCH_SIZE = 1000
PASSWORD_ENV = "WANGGE_DEMO_PASSWORD"
DEFAULT_PASSWORD = "wangge-demo-2026"


def demo_password() -> str:
    """The password of every demo account: $WANGGE_DEMO_PASSWORD, or the documented default."""
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


@dataclass
class CityPlan:
    """Unsaved rows of the whole city; related rows point at each other and get their ids as they are written."""

    areas: list[Area] = field(default_factory=list)
    estates: list[Estate] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    resident_tags: list[tuple[Resident, list[str]]] = field(default_factory=list)


@dataclass
class LoadResult:
    created: bool
    counts: dict[str, int]
    accounts: list[city.DemoAccount]


@transaction.atomic
def load(*, scale: float = 1.0, password: str, now: datetime.datetime | None = None) -> LoadResult:
    """Create the demo city unless it exists, then make sure every demo account, post and password is in place.

    A new city also gets its resources (partners, service points, volunteers,
    activities, help tasks: resources.py), then its case history with the
    projects (cases.py: dispatched cases are linked to the partner
    organisations, projects take partners and volunteers, so the resources
    come first), a year of visits and the article's training course
    (training.py); ``now`` places the open cases and projects, the due care
    visits, the recent activities and the tasks (the current time when not
    given; pass one to load the same city twice).
    """
    created = not Area.objects.filter(code=city.CITY_CODE).exists()
    if created:
        write(plan_city(scale))
    accounts = demo_accounts()
    ensure_accounts(accounts, password)
    if created:
        now = now or timezone.now()
        resources.load(random.Random(f"{SEED}:resources"), scale=scale, now=now)
        resources.ensure_partner_staff()  # before the cases: the partner's staff are told of their cases
        cases.load(scale=scale, accounts=accounts, now=now)
        load_demo_visits(random.Random(f"{SEED}:visits"), timezone.localdate(now))
        training.load(accounts)
    resources.ensure_partner_staff()
    return LoadResult(created=created, counts=city_counts(), accounts=accounts)


def plan_city(scale: float) -> CityPlan:
    """The whole city with ``scale`` times the usual households; every grid gets at least one."""
    return _Planner(random.Random(SEED), scale).plan_city()


def lay_out(tree: list[city.AreaSpec]) -> dict[str, Rect]:
    """Each area's rectangle: streets as bands across the city, communities and grids as tiles of their parent."""
    children = defaultdict(list)
    for spec in tree:
        children[spec.parent_code].append(spec)
    rects = {city.CITY_CODE: city.CITY_BOUNDS}
    streets = sorted(children[city.CITY_CODE], key=lambda s: city.NORTH_TO_SOUTH.index(s.name))
    bands = city.CITY_BOUNDS.bands([len(children[s.code]) for s in streets])
    rects.update((s.code, band) for s, band in zip(streets, bands))
    for spec in tree:
        if spec.level in (Level.STREET, Level.COMMUNITY):
            kids = children[spec.code]
            rects.update((k.code, cell) for k, cell in zip(kids, rects[spec.code].tile(len(kids))))
    return rects


class _Planner:
    def __init__(self, rng: random.Random, scale: float):
        self.rng = rng
        self.scale = scale
        self.plan = CityPlan()
        self.ids = population.IdNumbers()
        self.named = {n.grid_code: n for n in city.NAMED_RESIDENTS}
        self.reserved_names = frozenset(n.name for n in city.NAMED_RESIDENTS)
        self.buildings_in_estate: Counter[tuple[str, str]] = Counter()

    def plan_city(self) -> CityPlan:
        tree = city.area_tree()
        rects = lay_out(tree)
        areas = self._areas(tree, rects)
        targets = self._household_targets([spec.code for spec in tree if spec.level == Level.GRID])
        for community in (spec for spec in tree if spec.level == Level.COMMUNITY):
            estates = [self._estate(community.code, estate) for estate in community.estates]
            grids = [spec for spec in tree if spec.parent_code == community.code]
            # Grids take the community's estates in turn; with no more estates than grids in city.py,
            # every estate has buildings at any scale.
            for index, grid in enumerate(grids):
                estate = estates[index % len(estates)]
                self._populate_grid(areas[grid.code], rects[grid.code], estate, community.name, targets[grid.code])
            self._place_estates(estates)
        return self.plan

    def _areas(self, tree: list[city.AreaSpec], rects: dict[str, Rect]) -> dict[str, Area]:
        areas: dict[str, Area] = {}
        for spec in tree:
            lat, lng = rects[spec.code].centre
            areas[spec.code] = Area(
                code=spec.code, name=spec.name, level=spec.level, parent=areas.get(spec.parent_code),
                boundary=rects[spec.code].polygon(), lat=lat, lng=lng,
            )
        self.plan.areas.extend(areas.values())
        return areas

    def _household_targets(self, grid_codes: list[str]) -> dict[str, int]:
        """Households per grid: the city's total shared unevenly, as real grids differ in size."""
        weights = [self.rng.uniform(0.7, 1.3) for _ in grid_codes]
        total = city.TOTAL_HOUSEHOLDS * self.scale
        return {code: max(1, round(total * w / sum(weights))) for code, w in zip(grid_codes, weights)}

    def _estate(self, community_code: str, spec: city.EstateSpec) -> Estate:
        estate = Estate(
            name=spec.name, area_code=community_code, is_old=spec.is_old, is_abandoned=spec.is_abandoned,
            property_company=spec.property_company,
        )
        self.plan.estates.append(estate)
        return estate

    def _place_estates(self, estates: list[Estate]) -> None:
        """Put each estate's marker in the middle of its buildings."""
        for estate in estates:
            points = [(b.lat, b.lng) for b in self.plan.buildings if b.estate is estate]
            estate.lat = round(sum(lat for lat, _ in points) / len(points), PRECISION)
            estate.lng = round(sum(lng for _, lng in points) / len(points), PRECISION)

    def _populate_grid(self, grid: Area, rect: Rect, estate: Estate, community_name: str, target: int) -> None:
        households: list[Household] = []
        while len(households) < target:
            building, units = self._building(grid, rect, estate, community_name)
            for unit, floor, room in self._occupied_dwellings(building, units, target - len(households)):
                households.append(new_row(
                    Household, building=building, unit=unit, floor=floor, room=room,
                    address=household_address(building, unit, room), area_code=grid.code,
                ))
        self.plan.households.extend(households)
        named = self.named.get(grid.code)
        for index, household in enumerate(households):
            if index == 0 and named:
                members = population.compose_household(
                    self.rng, named.household_kind, gender=named.gender, age=named.age, family_name=named.name[0]
                )
                self._add_residents(household, members, head_name=named.name)
            else:
                kind = population.pick_kind(self.rng, old_estate=estate.is_old)
                self._add_residents(household, population.compose_household(self.rng, kind))

    def _building(self, grid: Area, rect: Rect, estate: Estate, community_name: str) -> tuple[Building, int]:
        """A new building of the estate inside the grid, numbered on from the estate's last one; and its units."""
        floors, units = _building_shape(self.rng, estate.is_old)
        key = (estate.area_code, estate.name)
        self.buildings_in_estate[key] += 1
        lat, lng = rect.random_point(self.rng)
        building = new_row(
            Building, grid=grid, estate=estate, name=f"{self.buildings_in_estate[key]}号楼",
            address=f"{community_name}{estate.name}", floors=floors, lat=lat, lng=lng, area_code=grid.code,
        )
        self.plan.buildings.append(building)
        return building, units

    def _occupied_dwellings(self, building: Building, units: int, wanted: int) -> list[tuple[str, int, str]]:
        """(unit, floor, room) of the lived-in flats, two to a landing (501, 502), in address order."""
        dwellings = [
            (str(unit), floor, f"{floor}{door:02d}")
            for unit in range(1, units + 1) for floor in range(1, building.floors + 1) for door in (1, 2)
        ]
        occupied = max(1, round(len(dwellings) * self.rng.uniform(0.75, 0.95)))
        chosen = self.rng.sample(range(len(dwellings)), min(wanted, occupied))
        return [dwellings[i] for i in sorted(chosen)]

    def _add_residents(self, household: Household, members: list[population.Person], head_name: str = "") -> None:
        residence = population.residence_type(self.rng, members)
        for person in members:
            born = population.birth_date(self.rng, person.age)
            if person.relation == Relation.HEAD and head_name:
                name = head_name
            else:
                name = names.full_name(self.rng, person.gender, born.year, person.surname, self.reserved_names)
            id_number = self.ids.issue(self.rng, population.id_region(self.rng, residence), born, person.gender)
            name_pinyin, name_initials = _pinyin_keys(name)
            resident = new_row(
                Resident, name=name, name_pinyin=name_pinyin, name_initials=name_initials, gender=person.gender,
                birth_date=born, id_number=id_number, id_last4=id_number[-4:],
                phone=population.phone(self.rng, person.age), residence_type=residence,
                household=household, relation=person.relation, area_code=household.area_code,
            )
            self.plan.residents.append(resident)
            self.plan.resident_tags.append((resident, person.tags))


# Names repeat (names.py makes some 16,000 different ones, at any size): each is spelt out once.
_pinyin_keys = functools.lru_cache(maxsize=200_000)(pinyin_keys)


def _building_shape(rng: random.Random, old: bool) -> tuple[int, int]:
    """(floors, units): old estates are five- to seven-storey walk-ups; newer ones add high-rises."""
    if old:
        return rng.choice((5, 6, 6, 6, 7)), rng.randint(2, 4)
    floors = rng.choice((6, 6, 11, 18))
    return floors, rng.randint(3, 5) if floors == 6 else 2


def write(plan: CityPlan) -> None:
    """Insert a planned city; parents are written before the rows that point at them."""
    for level in LEVEL_LENGTHS:
        Area.objects.bulk_create([a for a in plan.areas if a.level == level], batch_size=BATCH_SIZE)
    Estate.objects.bulk_create(plan.estates, batch_size=BATCH_SIZE)
    Building.objects.bulk_create(plan.buildings, batch_size=BATCH_SIZE)
    Household.objects.bulk_create(plan.households, batch_size=BATCH_SIZE)
    Resident.objects.bulk_create(plan.residents, batch_size=BATCH_SIZE)
    tag_ids = dict(Tag.objects.values_list("code", "id"))
    ResidentTag = Resident.tags.through
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident_id=r.pk, tag_id=tag_ids[code]) for r, codes in plan.resident_tags for code in codes],
        batch_size=BATCH_SIZE,
    )


def city_counts() -> dict[str, int]:
    """How many of each kind of row the demo city holds, keyed by model name."""
    in_city = {"area_code__startswith": city.CITY_CODE}
    return {
        "areas": Area.objects.filter(code__startswith=city.CITY_CODE).count(),
        "estates": Estate.objects.filter(**in_city).count(),
        "buildings": Building.objects.filter(**in_city).count(),
        "households": Household.objects.filter(**in_city).count(),
        "residents": Resident.objects.filter(**in_city).count(),
        "cases": Case.objects.filter(**in_city).count(),
    }


def demo_accounts() -> list[city.DemoAccount]:
    """The headline accounts, then, area by area, the other accounts every office needs.

    Each grid has its grid worker. Each community has a head (书记) and a
    community worker, and each street two staff, so that the one who handles a
    case is never the one who checks it (the case history in cases.py relies
    on that). Grid workers' names come from their own generator, so adding
    the offices' accounts left them as they were.
    """
    rng = random.Random(f"{SEED}:accounts")
    staffed = {a.area_code for a in city.HEADLINE_ACCOUNTS if a.role == Role.GRID_WORKER}
    generated: dict[str, list[city.DemoAccount]] = defaultdict(list)
    tree = city.area_tree()
    for spec in tree:
        if spec.level == Level.GRID and spec.code not in staffed:
            # Most grid workers are women in their thirties and forties.
            display_name = names.full_name(rng, rng.choice("MFF"), rng.randint(1975, 1995))
            generated[spec.code].append(
                city.DemoAccount(f"grid_{spec.code}", display_name, Role.GRID_WORKER, spec.code)
            )
    taken = {a.display_name for a in city.HEADLINE_ACCOUNTS} | {a.display_name for v in generated.values() for a in v}
    rng = random.Random(f"{SEED}:offices")

    def person(born_from: int, born_to: int) -> str:
        display_name = names.full_name(rng, rng.choice("MFF"), rng.randint(born_from, born_to), reserved=frozenset(taken))
        taken.add(display_name)
        return display_name

    for spec in tree:
        held = Counter(a.role for a in city.HEADLINE_ACCOUNTS if a.area_code == spec.code)
        if spec.level == Level.COMMUNITY:
            if not held[Role.COMMUNITY_HEAD]:
                generated[spec.code].append(
                    city.DemoAccount(f"head_{spec.code}", person(1968, 1982), Role.COMMUNITY_HEAD, spec.code)
                )
            generated[spec.code].append(
                city.DemoAccount(f"staff_{spec.code}", person(1985, 1998), Role.COMMUNITY_STAFF, spec.code)
            )
        elif spec.level == Level.STREET:
            for n in range(held[Role.STREET_STAFF] + 1, city.STREET_STAFF + 1):
                username = f"street_{spec.code}" if n == held[Role.STREET_STAFF] + 1 else f"street_{spec.code}_{n}"
                generated[spec.code].append(
                    city.DemoAccount(username, person(1972, 1990), Role.STREET_STAFF, spec.code)
                )
    return [*city.HEADLINE_ACCOUNTS, *(a for spec in tree for a in generated[spec.code])]


def ensure_accounts(accounts: list[city.DemoAccount], password: str) -> None:
    """Create or repair each account and its post; an account already right is not written to."""
    areas = Area.objects.in_bulk([a.area_code for a in accounts], field_name="code")
    demo_hash = _DemoPasswordHash(password)
    for account in accounts:
        user = _ensure_user(account, demo_hash)
        assign_post(user=user, role=account.role, area=areas[account.area_code])


def _ensure_user(account: city.DemoAccount, demo_hash: "_DemoPasswordHash") -> User:
    user = User.objects.filter(username=account.username).first() or User(username=account.username)
    # City administrators need is_staff for the admin's own login form.
    wanted = {"display_name": account.display_name, "is_staff": account.role == Role.CITY_ADMIN, "is_active": True}
    changed = user.pk is None
    for name, value in wanted.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if not demo_hash.matches(user.password):
        user.password = demo_hash.encoded()
        changed = True
    if changed:
        user.save()
    return user


class _DemoPasswordHash:
    """The demo password hashed once with the preferred hasher (argon2), shared by all demo accounts.

    Argon2 takes about 0.2 s a hash on purpose; hashing the one published
    password once per load, and checking each distinct stored hash once,
    keeps a load with dozens of accounts fast. A stored hash that no longer
    matches (the password changed) or uses an older hasher is replaced.
    """

    def __init__(self, password: str):
        self.password = password
        self._hash = ""
        self._good: dict[str, bool] = {}

    def matches(self, encoded: str) -> bool:
        if encoded not in self._good:
            correct, must_update = verify_password(self.password, encoded)
            self._good[encoded] = correct and not must_update
        return self._good[encoded]

    def encoded(self) -> str:
        if not self._hash:
            self._hash = make_password(self.password)
            self._good[self._hash] = True
        return self._hash
