"""Recording a visit: once per client id, its needs solved or raised as cases in
one transaction, and an offline entry refused when the household changed meanwhile."""
import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge.cases.models import Case, Notification
from wangge.testing import household, resident, user
from wangge.visits import selectors, services
from wangge.visits.models import Need, Visit

pytestmark = pytest.mark.django_db


def entry(hh, **extra):
    return {
        "client_id": str(uuid.uuid4()), "household": hh.pk, "kind": "street_chat",
        "summary": "在楼下和刘阿姨唠了唠", **extra,
    }


TWO_NEEDS = [
    {"text": "想办高龄补贴认证，不会用手机", "solved_on_spot": True, "category": "certificates"},
    {"text": "屋顶渗水，下雨天卧室漏水\n已经两个月了", "raise_case": True, "category": "water_supply"},
]


def test_a_visit_with_two_needs_solves_one_and_raises_the_other_as_a_case(city):
    recorded = services.record_visit(actor=city.grid_worker, data=entry(city.household, needs=TWO_NEEDS))

    assert recorded.created
    visit = recorded.visit
    assert (visit.area_code, visit.building, visit.recorded_by) == (city.grid.code, city.household.building, city.grid_worker)
    assert list(visit.visitors.all()) == [city.grid_worker]
    solved, raised = visit.needs.order_by("pk")
    assert solved.solved_on_spot and solved.case is None
    case = raised.case
    assert (case.source, case.household, case.building, case.grid) == (
        "visit", city.household, city.household.building, city.grid
    )
    assert case.reporter_user == city.grid_worker and case.category.code == "water_supply"
    assert case.title == "屋顶渗水，下雨天卧室漏水" and case.description == TWO_NEEDS[1]["text"]


def test_a_need_found_on_a_patrol_becomes_a_patrol_case(city):
    data = {"client_id": str(uuid.uuid4()), "building": city.household.building_id, "kind": "patrol",
            "needs": [{"text": "单元门坏了", "raise_case": True, "category": "unit_door"}]}
    visit = services.record_visit(actor=city.grid_worker, data=data).visit
    assert visit.needs.get().case.source == "patrol" and visit.household is None


def test_the_same_client_id_twice_records_one_visit(city):
    data = entry(city.household, needs=TWO_NEEDS)
    first = services.record_visit(actor=city.grid_worker, data=data)
    again = services.record_visit(actor=city.grid_worker, data={**data, "summary": "changed on resend"})

    assert (first.created, again.created) == (True, False)
    assert again.visit.pk == first.visit.pk and again.visit.summary == data["summary"]
    assert Visit.objects.count() == 1 and Need.objects.count() == 2 and Case.objects.count() == 1


def test_someone_elses_client_id_is_refused_without_showing_their_visit(city):
    data = entry(city.household)
    services.record_visit(actor=city.grid_worker, data=data)
    with pytest.raises(ValidationError) as refused:
        services.record_visit(actor=city.other_grid_worker, data={**data, "household": city.other_household.pk})
    assert "client_id" in refused.value.message_dict


def test_a_failing_case_rolls_back_the_visit_its_needs_and_earlier_cases(city, monkeypatch):
    calls = []

    def report_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the case office is down")
        return real(**kwargs)

    real = services.report_case
    monkeypatch.setattr(services, "report_case", report_then_fail)
    needs = [{"text": "路灯不亮", "raise_case": True, "category": "street_light"}, *TWO_NEEDS]
    with pytest.raises(RuntimeError):
        services.record_visit(actor=city.grid_worker, data=entry(city.household, needs=needs))

    assert len(calls) == 2
    assert (Visit.objects.count(), Need.objects.count(), Case.objects.count(), Notification.objects.count()) == (0, 0, 0, 0)


def test_a_case_refused_by_the_case_rules_names_the_need(city):
    # A public place recorded at the community cannot hold a case: cases belong to a grid.
    data = {"client_id": str(uuid.uuid4()), "place": "文化广场", "area": city.community.code, "kind": "patrol",
            "needs": [{"text": "井盖缺失", "raise_case": True, "category": "manhole_cover"}]}
    with pytest.raises(ValidationError) as refused:
        services.record_visit(actor=city.community_head, data=data)
    assert "needs.0.area" in refused.value.message_dict
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("need, field", [
    ({"text": "", "solved_on_spot": True}, "needs.0.text"),
    ({"text": "只记下来"}, "needs.0.solved_on_spot"),
    ({"text": "两样都选", "solved_on_spot": True, "raise_case": True, "category": "other"}, "needs.0.solved_on_spot"),
    ({"text": "转诉求没分类", "raise_case": True}, "needs.0.category"),
    ({"text": "未知分类", "raise_case": True, "category": "nope"}, "needs.0.category"),
])
def test_each_need_is_either_solved_or_raised_with_a_category(city, need, field):
    with pytest.raises(ValidationError) as refused:
        services.record_visit(actor=city.grid_worker, data=entry(city.household, needs=[need]))
    assert field in refused.value.message_dict


@pytest.mark.parametrize("change, field", [
    ({"kind": "patrol"}, "kind"),
    ({"kind": "walk"}, "kind"),
    ({"building": 1}, "place"),
    ({"household": None}, "place"),
    ({"visited_at": "yesterday"}, "visited_at"),
    ({"lat": 43.5}, "lng"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"visitors": ["gw2"]}, "visitors"),
])
def test_bad_fields_are_named(city, change, field):
    with pytest.raises(ValidationError) as refused:
        services.record_visit(actor=city.grid_worker, data={**entry(city.household), **change})
    assert field in refused.value.message_dict


def test_a_visit_in_the_future_is_refused_but_an_offline_one_from_yesterday_is_kept(city):
    future = (timezone.now() + datetime.timedelta(hours=3)).isoformat()
    with pytest.raises(ValidationError):
        services.record_visit(actor=city.grid_worker, data=entry(city.household, visited_at=future))
    yesterday = timezone.now() - datetime.timedelta(days=1)
    visit = services.record_visit(actor=city.grid_worker, data=entry(city.household, visited_at=yesterday.isoformat())).visit
    assert abs((visit.visited_at - yesterday).total_seconds()) < 1


def test_a_colleague_of_the_community_may_come_along(city):
    visit = services.record_visit(actor=city.grid_worker, data=entry(city.household, visitors=["head"])).visit
    assert {u.username for u in visit.visitors.all()} == {"gw", "head"}


def test_a_household_outside_the_scope_does_not_exist_for_the_worker(city):
    with pytest.raises(ValidationError) as refused:
        services.record_visit(actor=city.other_grid_worker, data=entry(city.household))
    assert "household" in refused.value.message_dict
    assert Visit.objects.count() == 0


# --- offline conflicts -------------------------------------------------------------------------------
def test_an_entry_made_on_a_stale_household_is_refused_with_what_changed(city):
    seen = selectors.household_version(city.household.pk)
    colleague = user("gw_b", "grid_worker", city.grid)
    services.record_visit(actor=colleague, data=entry(city.household, needs=TWO_NEEDS[1:]))

    with pytest.raises(services.HouseholdChanged) as conflict:
        services.record_visit(actor=city.grid_worker, data=entry(city.household, household_version=seen))
    assert [v.recorded_by for v in conflict.value.since] == [colleague]
    assert conflict.value.version == selectors.household_version(city.household.pk)
    assert Visit.objects.count() == 1

    # Sent again with the version it was shown, it is recorded.
    data = entry(city.household, household_version=conflict.value.version)
    assert services.record_visit(actor=city.grid_worker, data=data).created


def test_residents_moving_in_change_the_household(city):
    seen = selectors.household_version(city.household.pk)
    resident("新住户", city.household)
    with pytest.raises(services.HouseholdChanged):
        services.record_visit(actor=city.grid_worker, data=entry(city.household, household_version=seen))


def test_ones_own_visits_since_are_not_a_conflict(city):
    """Two entries made offline at one household, sent one after the other."""
    seen = selectors.household_version(city.household.pk)
    services.record_visit(actor=city.grid_worker, data=entry(city.household, household_version=seen))
    assert services.record_visit(actor=city.grid_worker, data=entry(city.household, household_version=seen)).created


def test_a_resend_of_a_recorded_entry_is_not_a_conflict_with_itself(city):
    data = entry(city.household, household_version=selectors.household_version(city.household.pk))
    services.record_visit(actor=city.grid_worker, data=data)
    city.resident.note = "changed"  # even after the household changed
    city.resident.save()
    assert services.record_visit(actor=city.grid_worker, data=data).created is False


def test_other_households_do_not_disturb_the_version(city):
    other = household(city.grid, "601")
    seen = selectors.household_version(city.household.pk)
    services.record_visit(actor=user("gw_b", "grid_worker", city.grid), data=entry(other))
    assert selectors.household_version(city.household.pk) == seen
