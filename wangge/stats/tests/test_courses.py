"""Training courses: recorded with their attendees, and the figures of the attendees' areas in
equal periods before and after the course, with the change. A course is seen by those whose
scope covers the area it was held for; another area's attendees are not shown to them.

The hand-made fortnight (course on 11–12 March 2026, 10 days each side: before 1–10 March,
after 13–22 March):
  京华社区 (the community head's post)
    before: A resident 3-02, due 3-05, closed late 3-06; B resident 3-05, waiting (due 4-30)
    after:  C visit 3-14, due 3-16, closed 3-15; D patrol 3-15, due 3-18, closed 3-17;
            E visit 3-16, waiting (due 4-30); one of its two households visited 3-14
  东洼社区第一网格 (gw2's post)
    before: F visit 3-03, waiting (due 4-30); after: nothing
"""
import datetime
import itertools
import secrets
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge.accounts.scope import OutOfScope, Scope
from wangge.accounts.services import assign_post
from wangge.areas.models import Area
from wangge.cases.models import Case, Category, OwnerKind
from wangge.cases.states import office_code
from wangge.stats import courses, services
from wangge.stats.models import Course
from wangge.testing import signed_in
from wangge.visits.models import Visit

pytestmark = pytest.mark.django_db

_numbers = itertools.count(800001)


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


NOW = at(4, 15, 12)


def case(grid, *, reported, source, status="reported", deadline=None, **extra):
    return Case.objects.create(
        number=f"SQ-2026-{next(_numbers)}", tracking=secrets.token_hex(5).upper(), title="t", description="d",
        category=Category.objects.get(code="other"), source=source, grid=grid, level="grid",
        owner_area=Area.objects.get(code=office_code(grid.code, "grid")), owner_kind=OwnerKind.OFFICE,
        status=status, deadline=deadline or at(4, 30), reported_at=reported, **extra,
    )


@pytest.fixture
def fortnight(city):
    g, og = city.grid, city.other_grid
    case(g, reported=at(3, 2), source="resident", status="closed", accepted_at=at(3, 2), deadline=at(3, 5),
         closed_at=at(3, 6))
    case(g, reported=at(3, 5), source="resident")
    case(g, reported=at(3, 14), source="visit", status="closed", accepted_at=at(3, 14), deadline=at(3, 16),
         closed_at=at(3, 15))
    case(g, reported=at(3, 15), source="patrol", status="closed", accepted_at=at(3, 15), deadline=at(3, 18),
         closed_at=at(3, 17))
    case(g, reported=at(3, 16), source="visit")
    case(og, reported=at(3, 3), source="visit")
    Visit.objects.create(client_id=uuid.uuid4(), area_code=g.code, kind="home", visited_at=at(3, 14),
                         household=city.household, building=city.household.building, recorded_by=city.grid_worker)


@pytest.fixture
def course(city, fortnight):
    return services.record_course(
        scope=Scope.for_user(city.city_admin), actor=city.city_admin, name="全市社区工作者专题培训班",
        organiser="市委组织部、市委社工部", start_date=datetime.date(2026, 3, 11), end_date=datetime.date(2026, 3, 12),
        area=city.city.code, attendees=["head", "gw2"],
    )


def lines(result, area) -> dict[str, dict]:
    row = next(r for r in result["areas"] if r["area"] == area)
    return {line["key"]: line for line in row["figures"]}


# --- the comparison ---------------------------------------------------------------------------
def test_the_periods_are_equal_and_touch_the_course_on_either_side(course):
    assert courses.periods(course, 10) == (
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 10)), (datetime.date(2026, 3, 13), datetime.date(2026, 3, 22)))
    assert courses.periods(course)[0][0] == datetime.date(2026, 3, 11) - datetime.timedelta(days=90)


def test_the_attendees_areas_are_the_areas_of_their_posts(city, course):
    assert courses.attendee_areas(course) == [city.community.code, city.other_grid.code]
    # each post's area is one area, even one lying inside another attendee's area
    assign_post(user=city.other_grid_worker, role="grid_worker", area=city.grid_b)
    assign_post(user=city.other_grid_worker, role="partner_staff", area=city.street)  # no area scope
    fresh = Course.objects.get(pk=course.pk)
    assert courses.attendee_areas(fresh) == [city.community.code, city.grid_b.code, city.other_grid.code]


def test_each_figure_before_and_after_with_the_change(city, course):
    result = courses.comparison(Scope.for_user(city.city_admin), course, days=10, now=NOW)
    assert result["before"] == {"from": "2026-03-01", "to": "2026-03-10"}
    assert result["after"] == {"from": "2026-03-13", "to": "2026-03-22"}
    assert result["after_complete"] is True and result["hidden"] == 0
    assert [r["area_name"] for r in result["areas"]] == ["京华社区", "东洼社区第一网格"]

    jinghua = lines(result, city.community.code)
    expected = {
        "cases_reported": (2, 3, 1, None),
        "proactive_cases": (0, 3, 3, "better"),
        "proactive_share": (0.0, 1.0, 1.0, "better"),
        "cases_due": (1, 2, 1, None),
        "closed_on_time": (0, 2, 2, None),
        "on_time_closure_rate": (0.0, 1.0, 1.0, "better"),
        "cases_closed": (1, 2, 1, None),
        "households_visited": (0, 1, 1, "better"),
        "visit_coverage": (0.0, 0.5, 0.5, "better"),
        "rework_rate": (0.0, 0.0, 0.0, "same"),
    }
    for key, (before, after, change, verdict) in expected.items():
        line = jinghua[key]
        assert (line["before"], line["after"], line["change"], line["verdict"]) == (before, after, change, verdict), key
    assert jinghua["proactive_share"]["name"] == "主动发现率" and jinghua["proactive_share"]["rate"] is True
    assert jinghua["cases_reported"]["rate"] is False

    dongwa = lines(result, city.other_grid.code)
    assert (dongwa["cases_reported"]["before"], dongwa["cases_reported"]["after"], dongwa["cases_reported"]["change"]) \
        == (1, 0, -1)
    assert (dongwa["proactive_share"]["before"], dongwa["proactive_share"]["after"],
            dongwa["proactive_share"]["change"]) == (1.0, None, None)


def test_snapshot_figures_and_breakdowns_are_not_compared(city, course):
    keys = lines(courses.comparison(Scope.for_user(city.city_admin), course, days=10, now=NOW), city.community.code)
    assert not keys.keys() & {"overdue_now", "households", "by_category", "by_source", "by_level", "visits_by_kind",
                              "area", "area_name", "level", "from", "to"}


def test_an_after_period_not_yet_over_is_flagged(city, course):
    result = courses.comparison(Scope.for_user(city.city_admin), course, days=10, now=at(3, 20))
    assert result["after_complete"] is False


def test_attendee_areas_outside_the_viewers_scope_are_left_out_and_counted(city, fortnight):
    held = services.record_course(scope=Scope.for_user(city.city_admin), actor=city.city_admin, name="河北街道培训",
                                  start_date=datetime.date(2026, 3, 11), end_date=datetime.date(2026, 3, 11),
                                  area=city.street.code, attendees=["head", "gw2"])
    result = courses.comparison(Scope.for_user(city.street_staff), held, days=10, now=NOW)
    assert [r["area"] for r in result["areas"]] == [city.community.code]
    assert result["hidden"] == 1


def test_a_course_is_seen_only_by_those_whose_scope_covers_its_area(city, course):
    assert list(courses.courses_for(Scope.for_user(city.city_admin))) == [course]
    assert not courses.courses_for(Scope.for_user(city.community_head)).exists()
    with pytest.raises(OutOfScope):
        courses.comparison(Scope.for_user(city.community_head), course)


# --- recording ----------------------------------------------------------------------------------
def test_recording_checks_dates_area_and_attendees(city):
    scope = Scope.for_user(city.community_head)
    with pytest.raises(ValidationError) as refused:
        services.record_course(scope=scope, actor=city.community_head, name=" ", start_date=datetime.date(2026, 3, 2),
                               end_date=datetime.date(2026, 3, 1), area=city.community.code, attendees=["gw2", "gw"])
    errors = refused.value.message_dict
    assert set(errors) == {"name", "end_date", "attendees"}
    assert "gw2" in errors["attendees"][0] and "gw" not in errors["attendees"][0].replace("gw2", "")
    with pytest.raises(OutOfScope):
        services.record_course(scope=scope, actor=city.community_head, name="x", start_date=datetime.date(2026, 3, 1),
                               end_date=datetime.date(2026, 3, 1), area=city.other_community.code)
    assert not Course.objects.exists()


def test_only_staff_of_areas_in_scope_can_be_named_as_attendees(city):
    names = set(services.course_attendee_choices(Scope.for_user(city.community_head)).values_list("username", flat=True))
    assert names == {"gw", "head"}  # partner staff hold no area scope; gw2, street and city lie outside or above


# --- API ----------------------------------------------------------------------------------------
def test_the_api_records_lists_and_compares(city, fortnight, api_client):
    client = api_client().login("city")
    response = client.post("/api/v1/courses", {
        "name": "全市社区工作者专题培训班", "start_date": "2026-03-11", "end_date": "2026-03-12", "area": city.city.code,
        "attendees": ["head", "gw2"], "organiser": "市委组织部"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"] == city.city.code and body["area_name"] == "公主岭市"
    assert [a["username"] for a in body["attendees"]] == ["gw2", "head"]

    listed = client.get("/api/v1/courses").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert client.get(f"/api/v1/courses/{body['id']}").json()["name"] == "全市社区工作者专题培训班"

    result = client.get(f"/api/v1/courses/{body['id']}/comparison", days=10).json()
    share = lines(result, city.community.code)["proactive_share"]
    assert (share["before"], share["after"], share["change"]) == (0.0, 1.0, 1.0)
    assert result["days"] == 10
    assert client.get(f"/api/v1/courses/{body['id']}/comparison").json()["days"] == 90
    assert client.get(f"/api/v1/courses/{body['id']}/comparison", days=0).status_code == 422
    assert client.get(f"/api/v1/courses/{body['id']}/comparison", days=400).status_code == 422


def test_the_api_refuses_what_lies_outside_the_callers_scope(city, course, api_client):
    head = api_client().login("head")
    assert head.get("/api/v1/courses").json() == {"items": [], "count": 0}
    assert head.get(f"/api/v1/courses/{course.pk}").status_code == 404
    assert head.get(f"/api/v1/courses/{course.pk}/comparison").status_code == 404
    assert head.post("/api/v1/courses", {
        "name": "x", "start_date": "2026-03-01", "end_date": "2026-03-01", "area": city.other_community.code,
    }).status_code == 404
    refused = head.post("/api/v1/courses", {
        "name": "x", "start_date": "2026-03-02", "end_date": "2026-03-01", "area": city.community.code,
        "attendees": ["gw2"]})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["detail"]} == {"end_date", "attendees"}
    assert Course.objects.count() == 1


# --- pages --------------------------------------------------------------------------------------
def test_the_pages_list_record_and_compare(city, fortnight):
    client = signed_in("city")
    response = client.post("/courses/new/", {
        "name": "全市社区工作者专题培训班", "organiser": "", "area": city.city.code, "start_date": "2026-03-11",
        "end_date": "2026-03-12", "attendees": ["head", "gw2"], "note": ""})
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.pk}/"
    assert "全市社区工作者专题培训班" in client.get("/courses/").content.decode()
    html = client.get(f"/courses/{course.pk}/", {"days": 10}).content.decode()
    assert "2026-03-01 — 2026-03-10" in html and "2026-03-13 — 2026-03-22" in html
    row = html[html.index('data-figure="proactive_share"'):]
    row = row[:row.index("</tr>")]
    assert "0.0%" in row and "100.0%" in row and "+100.0个百分点" in row and "better" in row
    row = html[html.index('data-figure="cases_reported"'):]
    assert '<td class="num">2</td><td class="num">3</td>' in row[:row.index("</tr>")]


def test_the_pages_answer_404_outside_the_scope(city, course):
    client = signed_in("head")
    assert client.get(f"/courses/{course.pk}/").status_code == 404
    assert "全市社区工作者专题培训班" not in client.get("/courses/").content.decode()
    response = client.post("/courses/new/", {
        "name": "x", "area": city.other_community.code, "start_date": "2026-03-01", "end_date": "2026-03-01"})
    assert response.status_code == 422  # not one of the areas offered
    assert Course.objects.count() == 1
