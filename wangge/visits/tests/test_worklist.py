"""Sweeps and the dated work list: whose grids, and in which order."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge.accounts.scope import Scope
from wangge.testing import household, user
from wangge.visits import selectors, services

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date
WEDNESDAY, THURSDAY, FRIDAY = D(2026, 7, 1), D(2026, 7, 2), D(2026, 7, 3)


@pytest.fixture
def sweep(city):
    """东洼-style: every Wednesday and Friday all of 京华社区's staff go down to the grids."""
    return services.create_plan(actor=city.community_head, data={
        "name": "每周三、周五全员下沉网格", "community": city.community.code, "weekdays": [3, 5],
        "target_households": 15, "starts_on": "2026-06-01",
    })


def test_the_work_list_puts_due_care_visits_on_top_then_the_least_recently_visited(city, make_visit, tag_resident):
    today = WEDNESDAY
    recent, old, never = household(city.grid, "102"), household(city.grid, "103"), household(city.grid, "104")
    make_visit(recent, by=city.grid_worker, when=at(today - datetime.timedelta(days=2)))
    make_visit(old, by=city.grid_worker, when=at(today - datetime.timedelta(days=40)))
    # 刘伊蕊 lives alone and was visited a fortnight ago: her weekly visit is overdue.
    tag_resident(city.resident, "living_alone", registered=D(2026, 1, 1))
    make_visit(city.household, by=city.grid_worker, when=at(today - datetime.timedelta(days=14)))

    work = selectors.worklist(city.grid_worker, today)

    assert [i.household for i in work.items] == [city.household, never, old, recent]
    top = work.items[0]
    assert [(r.resident, r.due.overdue) for r in top.care] == [(city.resident, True)]
    assert work.grids == [city.grid] and work.plans == [] and work.target is None


def test_a_visit_later_than_the_day_does_not_reorder_that_days_list(city, make_visit):
    later = household(city.grid, "102")
    make_visit(later, by=city.grid_worker, when=at(THURSDAY))
    make_visit(city.household, by=city.grid_worker, when=at(WEDNESDAY - datetime.timedelta(days=1)))
    assert [i.household for i in selectors.worklist(city.grid_worker, WEDNESDAY).items] == [later, city.household]


def test_a_grid_worker_works_their_own_grid_on_sweep_days(city, sweep):
    work = selectors.worklist(city.grid_worker, WEDNESDAY)
    assert work.grids == [city.grid] and work.plans == [sweep] and work.target == 15


def test_community_staff_share_the_grids_on_sweep_days_only(city, sweep):
    staff = user("cs", "community_staff", city.community)
    head_grids = selectors.worklist(city.community_head, FRIDAY).grids
    staff_grids = selectors.worklist(staff, FRIDAY).grids
    assert head_grids == [city.grid] and staff_grids == [city.grid_b]
    assert [i.household for i in selectors.worklist(staff, FRIDAY).items] == [city.household_b]
    # No sweep on Thursday: community staff without a grid have no list of their own.
    assert selectors.worklist(city.community_head, THURSDAY).grids == []


def test_a_place_chosen_replaces_ones_own_grids(city):
    work = selectors.worklist(city.community_head, THURSDAY, area=city.community.code)
    assert work.grids == [city.grid, city.grid_b]
    assert selectors.worklist(city.grid_worker, THURSDAY, area=city.other_grid.code).items == []


def test_a_paused_or_finished_plan_does_not_occur(city, sweep):
    services.set_plan_active(actor=city.community_head, plan_id=sweep.pk, active=False)
    assert selectors.plans_on(city.grid_worker, WEDNESDAY) == []
    sweep.is_active, sweep.ends_on = True, D(2026, 6, 30)
    sweep.save()
    assert selectors.plans_on(city.grid_worker, WEDNESDAY) == []


def test_chosen_participants_only(city):
    plan = services.create_plan(actor=city.community_head, data={
        "name": "周六楼栋巡查", "community": city.community.code, "weekdays": [6], "all_staff": False,
        "participants": ["gw"], "grids": [city.grid.code], "target_households": 5,
        "starts_on": "2026-06-01",
    })
    saturday = D(2026, 7, 4)
    assert selectors.plans_on(city.grid_worker, saturday) == [plan]
    assert selectors.plans_on(city.community_head, saturday) == []


@pytest.mark.parametrize("change, field", [
    ({"weekdays": [0]}, "weekdays"),
    ({"weekdays": []}, "weekdays"),
    ({"community": "220184002001"}, "community"),
    ({"grids": ["220184002001001"]}, "grids"),
    ({"all_staff": False, "participants": ["gw2"]}, "participants"),
    ({"target_households": 0}, "target_households"),
    ({"starts_on": "2026-07-01", "ends_on": "2026-06-01"}, "ends_on"),
])
def test_plan_fields_are_checked(city, change, field):
    data = {"name": "走访", "community": city.community.code, "weekdays": [3], "target_households": 10, **change}
    with pytest.raises(ValidationError) as refused:
        services.create_plan(actor=city.community_head, data=data)
    assert field in refused.value.message_dict


def test_grid_workers_do_not_plan_sweeps_but_see_their_communitys(city, sweep):
    with pytest.raises(ValidationError):
        services.create_plan(actor=city.grid_worker, data={
            "name": "x", "community": city.community.code, "weekdays": [3], "target_households": 5,
        })
    assert list(selectors.plans_for(Scope.for_user(city.grid_worker))) == [sweep]
    assert list(selectors.plans_for(Scope.for_user(city.other_grid_worker))) == []
