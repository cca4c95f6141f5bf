"""Each figure on the hand-made March (conftest.py), with the answer worked out by hand."""
import datetime

import pytest

from wangge.accounts.scope import OutOfScope, Scope
from wangge.stats import figures

from .conftest import MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinghua(city, march, now):
    """京华社区's March, as its head sees it."""
    return figures.compute(Scope.for_user(city.community_head), city.community.code, *MARCH, now=now)


def test_case_counts(jinghua):
    # c1 c2 c3 c4 c5 c8 reported in March; c6 in February; c7 merged
    assert jinghua["cases_reported"] == 6
    # c1 c2 c3 c8 accepted in March (c6 in February, c4 rejected, c5 waiting)
    assert jinghua["cases_accepted"] == 4
    # c1 (3-4), c2 (3-12), c6 (3-1); c8's closure was undone by its rework
    assert jinghua["cases_closed"] == 3
    # deadlines in March and passed: c1 c2 c3 c6 c8 (c4 rejected, c7 merged, c5 due in April)
    assert jinghua["cases_due"] == 5
    assert jinghua["cases_due_closed"] == 3  # c1 c2 c6
    assert jinghua["closed_on_time"] == 2  # c1 c6; c2 closed two days late
    assert jinghua["overdue_now"] == 2  # c3 c8, in progress past their deadlines on 4-15
    assert jinghua["escalated"] == 1  # c3 on 3-15


def test_closure_rates(jinghua):
    assert jinghua["on_time_closure_rate"] == 0.4  # 2 / 5
    assert jinghua["closure_rate"] == 0.6  # 3 / 5


def test_rework_and_resolution(jinghua):
    assert jinghua["cases_reworked"] == 2  # c2 c8 of the four accepted in March
    assert jinghua["rework_rate"] == 0.5
    assert jinghua["cases_resolved"] == 2  # c1 c2 finished
    assert jinghua["resolution_rate"] == 0.5


def test_response_rate(jinghua):
    # answered: c1 c2 c3 c8 accepted, c4 rejected; c5 still waits
    assert jinghua["cases_responded"] == 5
    assert jinghua["response_rate"] == round(5 / 6, 4)


def test_proactive_share(jinghua):
    assert jinghua["proactive_cases"] == 3  # c1 visit, c3 patrol, c8 visit
    assert jinghua["proactive_share"] == 0.5


def test_satisfaction_counts_basically_satisfied_as_nine_tenths(jinghua):
    # rated in March: c1 满意, c6 基本满意, c8 不满意 (its latest rating, though reopened since)
    assert (jinghua["ratings"], jinghua["ratings_satisfied"], jinghua["ratings_basically_satisfied"],
            jinghua["ratings_dissatisfied"]) == (3, 1, 1, 1)
    assert jinghua["satisfaction_rate"] == round((1 + 0.9) / 3, 4)


def test_average_handling_time_from_report_to_closure(jinghua):
    # c1 48 h, c2 216 h, c6 9 days less an hour = 215 h
    assert jinghua["avg_handling_hours"] == round((48 + 216 + 215) / 3, 1)


def test_breakdowns(jinghua):
    assert jinghua["by_category"] == [
        {"code": "other", "name": "其他", "count": 4},
        {"code": "environment", "name": "环境卫生", "count": 2},  # c1's sub-class counts for its parent
    ]
    assert jinghua["by_source"] == {"visit": 2, "patrol": 1, "resident": 2, "hotline": 1, "partner": 0,
                                    "assigned": 0}
    assert jinghua["by_level"] == {"grid": 5, "community": 1, "street": 0, "city": 0}


def test_visit_figures(jinghua):
    assert jinghua["households"] == 2
    assert jinghua["households_visited"] == 2  # visited twice counts once; a patrol reaches no household
    assert jinghua["visit_coverage"] == 1.0
    assert jinghua["visits"] == 4
    assert jinghua["visits_by_kind"] == {"home": 2, "phone": 1, "street_chat": 0, "patrol": 1}
    assert (jinghua["needs_surfaced"], jinghua["solved_on_spot"], jinghua["needs_to_cases"]) == (2, 1, 1)
    assert jinghua["solved_on_spot_rate"] == 0.5


def test_an_area_includes_its_descendants_and_nothing_else(city, march, now):
    scope = Scope.for_user(city.city_admin)
    grid = figures.compute(scope, city.grid.code, *MARCH, now=now)
    grid_b = figures.compute(scope, city.grid_b.code, *MARCH, now=now)
    community = figures.compute(scope, city.community.code, *MARCH, now=now)
    whole = figures.compute(scope, city.city.code, *MARCH, now=now)
    assert (grid["cases_reported"], grid_b["cases_reported"], community["cases_reported"]) == (5, 1, 6)
    assert whole["cases_reported"] == 7  # and c9 in 东洼社区
    assert whole["closed_on_time"] == 3 and whole["cases_due"] == 6
    assert (grid["households"], grid["households_visited"]) == (1, 1)


def test_a_community_head_never_sees_another_community(city, march, now):
    head = Scope.for_user(city.community_head)
    with pytest.raises(OutOfScope):
        figures.compute(head, city.other_community.code, *MARCH, now=now)
    with pytest.raises(OutOfScope):
        figures.compute(head, city.city.code, *MARCH, now=now)  # the city holds 东洼 too
    with pytest.raises(OutOfScope):
        figures.compute(Scope.for_user(city.grid_worker), city.community.code, *MARCH, now=now)
    children = figures.children(Scope.for_user(city.street_staff), city.street.code, *MARCH, now=now)
    assert [c["area"] for c in children] == [city.community.code]


def test_empty_denominators_give_none_not_zero(city, now):
    empty = figures.compute(Scope.for_user(city.city_admin), city.city.code, *MARCH, now=now)
    assert empty["cases_reported"] == 0
    assert empty["on_time_closure_rate"] is None and empty["satisfaction_rate"] is None
    assert empty["avg_handling_hours"] is None


def test_monthly_trend_agrees_with_compute(city, march, now):
    scope = Scope.for_user(city.community_head)
    months = figures.monthly(scope, city.community.code, datetime.date(2026, 3, 31), months=3, now=now)
    assert [m["month"] for m in months] == ["2026-01", "2026-02", "2026-03"]
    march_row, march_all = months[-1], figures.compute(scope, city.community.code, *MARCH, now=now)
    for key in ("cases_reported", "proactive_cases", "cases_closed", "cases_due", "closed_on_time",
                "proactive_share", "on_time_closure_rate"):
        assert march_row[key] == march_all[key], key
    assert months[1]["cases_reported"] == 1  # c6
