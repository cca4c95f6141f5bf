"""Who lives in a demo household: composition, ages, key-population tags, identity numbers.

The proportions are those of an ageing north-eastern county town: about one
household in eight is an old person living alone and one in six an elderly
couple whose children have left, while most of the rest are small families.
Tags are derived from the household they describe (独居老人 only for an old
person alone in a one-person household, 留守儿童 only for a child left with
grandparents), so the demo data never contradicts itself.
"""
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from wangge.people.models import Relation, ResidenceType
from wangge.people.validators import id_check_char

from . import names

# Ages are counted on 七一 2025, the day of the article, so the demo is the
# same whenever it is loaded.
REFERENCE_DATE = datetime.date(2025, 7, 1)

ELDERLY_AGE = 60


@dataclass
class Person:
    relation: Relation
    gender: str
    age: int
    surname: str
    tags: list[str] = field(default_factory=list)


def _elder_age(rng: random.Random) -> int:
    # Most in their sixties and seventies; about one in seven is over 80.
    return round(rng.triangular(60, 92, 60))


def _clamp_age(age: int, low: int = 0) -> int:
    return min(99, max(low, age))


def _spouse(rng: random.Random, head: Person, min_age: int) -> Person:
    """The head's spouse; husbands are usually a few years older than their wives."""
    gap = rng.randint(-2, 5)
    age = head.age - gap if head.gender == "M" else head.age + gap
    return Person(Relation.SPOUSE, "F" if head.gender == "M" else "M", _clamp_age(age, min_age), names.surname(rng))


def _children(rng: random.Random, head: Person, spouse: Person, count: int) -> list[Person]:
    """Children of a couple, mostly carrying the father's surname, born when the mother was 23–33."""
    father, mother = (head, spouse) if head.gender == "M" else (spouse, head)
    family_name = father.surname if rng.random() < 0.93 else mother.surname
    age = _clamp_age(mother.age - rng.randint(23, 33))
    children = []
    for _ in range(count):
        children.append(Person(Relation.CHILD, rng.choice("MF"), age, family_name))
        age = _clamp_age(age - rng.randint(2, 8))
    return children


def _parent_of(rng: random.Random, head: Person, gender: str) -> Person:
    """The head's father (same surname) or mother (her own)."""
    family_name = head.surname if gender == "M" else names.surname(rng)
    return Person(Relation.PARENT, gender, _clamp_age(head.age + rng.randint(23, 33)), family_name)


def _nobody(rng, head):
    return []


def _elderly_spouse(rng, head):
    return [_spouse(rng, head, min_age=ELDERLY_AGE)]


def _adult_spouse(rng, head):
    return [_spouse(rng, head, min_age=22)]


def _spouse_and_children(count: int):
    def family(rng, head):
        spouse = _spouse(rng, head, min_age=22)
        return [spouse, *_children(rng, head, spouse, count)]
    return family


def _spouse_child_and_parent(rng, head):
    spouse = _spouse(rng, head, min_age=22)
    return [spouse, *_children(rng, head, spouse, 1), _parent_of(rng, head, rng.choice("MFF"))]


def _three_generations(rng, head):
    spouse = _spouse(rng, head, min_age=22)
    return [spouse, *_children(rng, head, spouse, 1), _parent_of(rng, head, "M"), _parent_of(rng, head, "F")]


def _spouse_and_grandchild(rng, head):
    """Grandparents raising a grandchild while the parents work elsewhere."""
    spouse = _spouse(rng, head, min_age=50)
    grandfather = head if head.gender == "M" else spouse
    family_name = grandfather.surname if rng.random() < 0.7 else names.surname(rng)
    return [spouse, Person(Relation.GRANDCHILD, rng.choice("MF"), rng.randint(3, 15), family_name)]


def _one_child(rng, head):
    family_name = head.surname if head.gender == "M" or rng.random() < 0.5 else names.surname(rng)
    return [Person(Relation.CHILD, rng.choice("MF"), _clamp_age(head.age - rng.randint(22, 34)), family_name)]


def _one_parent(rng, head):
    return [_parent_of(rng, head, rng.choice("MFF"))]


@dataclass(frozen=True)
class Kind:
    """A kind of household: how often it occurs, who heads it, who else lives there."""

    weight: float
    female_head: float
    head_age: Callable[[random.Random], int]
    family: Callable[[random.Random, Person], list[Person]]


def _between(low: int, high: int) -> Callable[[random.Random], int]:
    return lambda rng: rng.randint(low, high)


# Weights sum to 1; with old estates' extra old people they give about 2.4 people a household.
KINDS = {
    "elderly_alone": Kind(0.11, 0.65, _elder_age, _nobody),
    "elderly_couple": Kind(0.14, 0.2, _elder_age, _elderly_spouse),
    "single": Kind(0.08, 0.45, _between(20, 59), _nobody),
    "couple": Kind(0.12, 0.2, _between(24, 59), _adult_spouse),
    "couple_child": Kind(0.29, 0.2, _between(27, 56), _spouse_and_children(1)),
    "couple_two_children": Kind(0.05, 0.2, _between(30, 52), _spouse_and_children(2)),
    "couple_child_parent": Kind(0.06, 0.2, _between(30, 55), _spouse_child_and_parent),
    "three_generations": Kind(0.03, 0.15, _between(28, 45), _three_generations),
    "grandparents_grandchild": Kind(0.03, 0.25, _between(55, 75), _spouse_and_grandchild),
    "single_parent": Kind(0.05, 0.7, _between(28, 52), _one_child),
    "adult_with_parent": Kind(0.04, 0.5, _between(28, 58), _one_parent),
}
# Old estates house more old people: their first residents have aged in place.
_OLD_ESTATE_BOOST = {"elderly_alone": 1.3, "elderly_couple": 1.2}


def pick_kind(rng: random.Random, *, old_estate: bool) -> str:
    weights = [k.weight * (_OLD_ESTATE_BOOST.get(name, 1) if old_estate else 1) for name, k in KINDS.items()]
    return rng.choices(list(KINDS), weights=weights)[0]


def compose_household(rng: random.Random, kind_name: str, *, gender: str | None = None, age: int | None = None,
                      family_name: str | None = None) -> list[Person]:
    """The members of one household, head first; ``gender``, ``age`` and ``family_name`` fix the head's."""
    kind = KINDS[kind_name]
    drawn_gender = "F" if rng.random() < kind.female_head else "M"
    drawn_age = kind.head_age(rng)
    head = Person(Relation.HEAD, gender or drawn_gender, age or drawn_age, family_name or names.surname(rng))
    members = [head, *kind.family(rng, head)]
    assign_tags(rng, members)
    return members


# Rough shares among the people each tag can apply to, of the size a county
# town's registers show: disability rising with age, veterans mostly men,
# severe mental illness on the register for a few adults in a thousand.
_DISABLED = ((ELDERLY_AGE, 0.07), (18, 0.02), (0, 0.005))
_VETERAN_MEN_OVER_40 = 0.05
_VETERAN_WOMEN_OVER_40 = 0.003
_OLD_PARTY_MEMBER = ((70, 0.12), (ELDERLY_AGE, 0.04))
_SEVERE_MENTAL_ILLNESS_ADULTS = 0.004
# 低保 goes mostly to households with one earner or none.
_LOW_INCOME_ONE_ADULT = 0.06
_LOW_INCOME_OTHERS = 0.02


def _rate(age: int, table: tuple[tuple[int, float], ...]) -> float:
    return next((rate for min_age, rate in table if age >= min_age), 0.0)


def assign_tags(rng: random.Random, members: list[Person]) -> None:
    """Tag the members with the key populations (重点人群) their household makes them part of.

    高龄老人 is left out: it is derived from the birth date and never stored.
    """
    elderly_only = all(m.age >= ELDERLY_AGE for m in members)
    no_parents_at_home = not any(m.relation == Relation.CHILD for m in members)
    one_adult = not any(m.relation == Relation.SPOUSE for m in members)
    low_income = rng.random() < (_LOW_INCOME_ONE_ADULT if one_adult else _LOW_INCOME_OTHERS)
    for m in members:
        if elderly_only and len(members) == 1:
            m.tags.append("living_alone")
        if elderly_only and len(members) == 2:
            m.tags.append("empty_nest")
        if m.relation == Relation.GRANDCHILD and m.age < 16 and no_parents_at_home:
            m.tags.append("left_behind_child")
        if low_income:
            m.tags.append("low_income")
        if rng.random() < _rate(m.age, _DISABLED):
            m.tags.append("disabled")
        if m.age >= 40 and rng.random() < (_VETERAN_MEN_OVER_40 if m.gender == "M" else _VETERAN_WOMEN_OVER_40):
            m.tags.append("veteran")
        if rng.random() < _rate(m.age, _OLD_PARTY_MEMBER):
            m.tags.append("old_party_member")
        if m.age >= 18 and rng.random() < _SEVERE_MENTAL_ILLNESS_ADULTS:
            m.tags.append("severe_mental_illness")


def residence_type(rng: random.Random, members: list[Person]) -> ResidenceType:
    """One residence type for a whole household: old people have nearly all lived here for decades."""
    if all(m.age >= ELDERLY_AGE for m in members):
        return rng.choices([ResidenceType.REGISTERED, ResidenceType.PERMANENT], weights=[95, 5])[0]
    return rng.choices(
        [ResidenceType.REGISTERED, ResidenceType.PERMANENT, ResidenceType.RENTING, ResidenceType.FLOATING],
        weights=[80, 8, 8, 4],
    )[0]


def birth_date(rng: random.Random, age: int) -> datetime.date:
    """A birth date making the person exactly ``age`` on the reference date."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return latest - datetime.timedelta(days=rng.randint(0, 364))


# Region codes (the first six digits of an ID number) of the place a person
# was first registered. 220381 is 公主岭's code from before it came under
# 长春: older residents' numbers still carry it.
_LOCAL = "220184"
_JILIN = ("220381", "220102", "220104", "220122", "220182", "220183", "220302", "220303",
          "220322", "220323", "220382", "220402", "220421")
_ELSEWHERE = ("230102", "230182", "210102", "211202", "150502", "150402", "130102", "370102")


def id_region(rng: random.Random, residence: ResidenceType) -> str:
    if residence == ResidenceType.REGISTERED:
        local, jilin = 0.85, 0.15
    elif residence == ResidenceType.PERMANENT:
        local, jilin = 0.5, 0.4
    else:
        local, jilin = 0.15, 0.5
    draw = rng.random()
    if draw < local:
        return _LOCAL
    return rng.choice(_JILIN if draw < local + jilin else _ELSEWHERE)


class IdNumbers:
    """Issues 居民身份证号 that pass GB 11643 and are unique within one load."""

    def __init__(self):
        self._issued: set[str] = set()

    def issue(self, rng: random.Random, region: str, born: datetime.date, gender: str) -> str:
        """region + birth date + a sequence whose last digit is odd for men + the check character."""
        sex_digits = "13579" if gender == "M" else "02468"
        while True:
            first17 = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{rng.randint(0, 99):02d}{rng.choice(sex_digits)}"
            number = first17 + id_check_char(first17)
            if number not in self._issued:
                self._issued.add(number)
                return number


_MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                    "157", "158", "159", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189",
                    "191", "198", "199")


def phone(rng: random.Random, age: int) -> str:
    """A mobile number, or blank: children have none on file, and many of the very old only a landline or none."""
    blank_share = 1.0 if age < 12 else 0.4 if age >= 80 else 0.1
    if rng.random() < blank_share:
        return ""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
