"""new_row, the planners' cheap constructor of unsaved rows, makes the instance Model(**values) makes."""
import datetime

import pytest
from django.utils import timezone

from wangge.accounts.models import User
from wangge.areas.models import Area, Building, Estate, Household
from wangge.cases.models import Case, CaseEvent, Category
from wangge.demo.cases import new_row
from wangge.people.models import Resident

T = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)


def same_instance(model, values, *, clock=()):
    """Build the row both ways (related objects fresh each time, as the planners pass them) and compare;
    ``clock``: fields whose default is the time of the call."""
    made = new_row(model, **values())
    wanted = model(**values())

    def attributes(obj):
        return {k: v for k, v in vars(obj).items() if k != "_state" and k not in clock}

    def cached(obj):
        return {k: (type(v), getattr(v, "pk", None)) for k, v in obj._state.fields_cache.items()}

    assert type(made) is model
    assert attributes(made) == attributes(wanted)
    assert cached(made) == cached(wanted)
    assert (made._state.db, made._state.adding) == (wanted._state.db, wanted._state.adding)
    return made


@pytest.mark.django_db
def test_an_event_points_at_its_unsaved_case_and_its_saved_actor():
    user = User.objects.create(username="worker")
    event = same_instance(CaseEvent, lambda: {
        "case": Case(title="漏水"), "seq": 1, "actor": user, "actor_label": "网格员", "action": "report",
        "from_status": "", "to_status": "reported", "from_level": "", "to_level": "grid", "owner_label": "网格",
        "note": "", "created_at": T})
    assert event.actor_id == user.pk and event.case_id is None and event.created_at == T


@pytest.mark.django_db
def test_a_system_event_has_no_actor_and_defaults_fill_the_rest():
    event = same_instance(CaseEvent, lambda: {"case": Case(title="漏水"), "seq": 2, "actor": None, "created_at": T})
    assert event.actor is None and event.note == "" and event.county_code == ""


@pytest.mark.django_db
def test_a_case_takes_its_category_and_grid_and_computes_callable_defaults():
    category = Category.objects.get(code="roof_leak")
    grid = Area.objects.create(code="220184001001001", name="一网格", level="grid")
    case = same_instance(Case, lambda: {"tracking": "ABCD2345", "category": category, "source": "visit",
                                        "grid": grid, "area_code": grid.code, "urgency": "normal"},
                         clock=("reported_at",))
    assert just_now(case.reported_at) and case.status == "reported" and case.version == 1


def just_now(t):
    return abs((timezone.now() - t).total_seconds()) < 60


def test_unsaved_households_and_residents_point_at_their_unsaved_parents():
    estate = Estate(name="老国税小区", area_code="220184001001")
    building = new_row(Building, grid=Area(code="220184001001001"), estate=estate, name="1号楼", floors=6,
                       area_code="220184001001001")
    household = new_row(Household, building=building, unit="1", floor=5, room="501", area_code="220184001001001")
    resident = new_row(Resident, name="刘伊蕊", household=household, birth_date=datetime.date(1950, 1, 1),
                       area_code="220184001001001")
    assert resident.household is household and household.building is building and building.estate is estate
    assert resident.household_id is None and resident.note == "" and resident.relation == Resident().relation


def test_an_unknown_name_is_refused_like_the_model_refuses_it():
    with pytest.raises(TypeError):
        Household(colour="red")
    with pytest.raises(TypeError):
        new_row(Household, colour="red")
