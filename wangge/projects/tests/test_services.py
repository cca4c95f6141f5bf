"""Projects (民生项目) as the services write them: 立项 from a suggestion, linking only
open cases of the area that no other open project holds, partners and volunteers
the actor sees that serve the area, and completion, which writes an event into every
linked case's timeline and takes each case forward exactly as far as the case state
table lets the acting user — in one transaction."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge.accounts.scope import OutOfScope, Scope
from wangge.cases import services as case_services
from wangge.cases.models import Case
from wangge.projects import selectors, services
from wangge.projects.models import Project, ProjectStatus

from .conftest import COMMUNITY, report

MONTH = "2026-06"


def events(case):
    return list(Case.objects.get(pk=case.pk).events.order_by("seq").values_list("action", "note"))


def statuses(cases):
    return [Case.objects.get(pk=c.pk).status for c in cases]


def create(actor, cases=(), **kwargs):
    data = {"title": "老国税小区楼顶防水维修", "area": COMMUNITY, "month": MONTH, "category": "roof_leak",
            "plan": "统一更换防水层", **kwargs}
    return services.create_project(actor=actor, cases=[c.number for c in cases], **data)


# --- suggestions -------------------------------------------------------------------------
def test_suggestions_cluster_open_cases_of_one_category_by_estate_biggest_first(city, estate, roof_cases):
    gw = city.grid_worker
    other = [report(city.community_head, city.grid_b, city.household_b.building) for _ in range(2)]  # grid 2
    report(gw, city.grid, estate.buildings.first(), category="corridor_light", title="楼道灯不亮")
    rejected = report(gw, city.grid, estate.buildings.first())
    case_services.reject_case(actor=gw, number=rejected.number, version=rejected.version, reason="重复上报")
    report(city.other_grid_worker, city.other_grid, city.other_household.building)

    scope = Scope.for_user(city.community_head)
    [first] = selectors.suggest_projects(scope, selectors.current_month())
    assert (first["place"], first["category"], first["is_old"], first["count"], first["area"]) == (
        "老国税小区", "roof_leak", True, 3, COMMUNITY)
    assert first["cases"] == [c.number for c in roof_cases]
    assert first["title"] == "老国税小区房屋漏水集中整治"

    both = selectors.suggest_projects(scope, selectors.current_month(), min_cases=2)
    assert [(s["place"], s["count"]) for s in both] == [("老国税小区", 3), ("测试小区", 2)]
    assert both[1]["cases"] == [c.number for c in other]
    # Only cases reported by the end of the month count; another street sees none of these.
    assert selectors.suggest_projects(scope, "2020-01") == []
    assert selectors.suggest_projects(Scope.for_user(city.other_grid_worker), selectors.current_month(),
                                      min_cases=1) == []  # one case is no cluster, and ours are not theirs


def test_cases_in_an_open_project_are_no_longer_suggested(city, roof_cases):
    head = city.community_head
    create(head, roof_cases[:1])
    assert selectors.suggest_projects(Scope.for_user(head), selectors.current_month()) == []


# --- 立项 and linking ------------------------------------------------------------------
def test_a_project_from_a_suggestion_links_its_cases_and_each_timeline_says_so(city, roof_cases):
    head = city.community_head
    project = create(head, roof_cases)
    assert (project.status, project.area_code, project.month, project.category.code) == (
        ProjectStatus.PLANNED, COMMUNITY, MONTH, "roof_leak")
    assert [link.case for link in project.links.all()] == roof_cases
    assert {(link.linked_by, link.linked_at) for link in project.links.all()} == {(head, project.created_at)}
    for case in roof_cases:
        assert events(case)[-1] == ("project", "加入民生项目《老国税小区楼顶防水维修》")
    # Joining a project moves nothing: the case stays where the state table put it.
    assert statuses(roof_cases) == ["dispatched"] * 3


def test_only_open_cases_of_the_area_held_by_no_other_open_project_are_linked(city, estate, roof_cases, other_head):
    head, gw = city.community_head, city.grid_worker
    project = create(head, roof_cases[:1])
    closed = report(gw, city.grid, estate.buildings.first())
    closed = case_services.reject_case(actor=gw, number=closed.number, version=closed.version, reason="不属实")
    elsewhere = report(city.other_grid_worker, city.other_grid, city.other_household.building)
    with pytest.raises(ValidationError) as refused:
        services.link_cases(actor=head, project=project,
                            cases=[roof_cases[0].number, closed.number, elsewhere.number, roof_cases[1].number])
    messages = refused.value.message_dict["cases"]
    assert len(messages) == 3 and "已在本项目中" in messages[0]
    assert project.links.count() == 1  # all or nothing
    second = create(head, roof_cases[1:2], title="另一个项目")
    with pytest.raises(ValidationError, match="已在民生项目《另一个项目》中"):
        services.link_cases(actor=head, project=project, cases=[roof_cases[1].number])
    # Once that project is cancelled the case is free again.
    services.cancel_project(actor=head, project=second, reason="并入楼顶防水项目")
    services.link_cases(actor=head, project=project, cases=[roof_cases[1].number])
    assert project.links.count() == 2
    assert events(roof_cases[1])[-2:] == [
        ("project", "民生项目《另一个项目》已取消：并入楼顶防水项目"),
        ("project", "加入民生项目《老国税小区楼顶防水维修》"),
    ]


def test_unlinking_lets_a_case_go_with_an_event(city, roof_cases):
    head = city.community_head
    project = create(head, roof_cases)
    services.unlink_case(actor=head, project=project, case=roof_cases[0].number)
    assert project.links.count() == 2
    assert events(roof_cases[0])[-1] == ("project", "移出民生项目《老国税小区楼顶防水维修》")
    with pytest.raises(ValidationError):
        services.unlink_case(actor=head, project=project, case=roof_cases[0].number)


def test_a_project_belongs_to_a_community_or_street_in_scope(city, other_head):
    head = city.community_head
    with pytest.raises(ValidationError) as refused:
        create(head, area=city.grid.code, month="2026-13", title="")
    assert set(refused.value.message_dict) == {"area", "month", "title"}
    with pytest.raises(OutOfScope):
        create(other_head, area=COMMUNITY)
    with pytest.raises(OutOfScope):
        create(city.grid_worker)  # a grid worker's scope is their grid
    assert create(city.street_staff, area=city.street.code).area_code == city.street.code
    assert not Project.objects.filter(area_code=COMMUNITY).exists()


def test_partners_and_volunteers_must_be_visible_and_serve_the_area(city, repairers, volunteers):
    head = city.community_head
    ours, theirs = repairers
    project = create(head)
    services.assign_partners(actor=head, project=project, partners=[ours.pk])
    services.assign_volunteers(actor=head, project=project, volunteers=[volunteers[0].pk, volunteers[1].pk])
    services.assign_residents(actor=head, project=project, residents=[city.resident.pk])
    assert list(project.partners.all()) == [ours]
    assert set(project.volunteers.all()) == set(volunteers[:2])
    with pytest.raises(ValidationError) as refused:
        services.assign_partners(actor=head, project=project, partners=[ours.pk, theirs.pk])
    assert str(theirs.pk) in refused.value.message_dict["partners"][0]
    with pytest.raises(ValidationError):
        services.assign_volunteers(actor=head, project=project, volunteers=[volunteers[2].pk])
    with pytest.raises(ValidationError):
        services.assign_residents(actor=head, project=project, residents=[city.other_resident.pk])
    assert list(project.partners.all()) == [ours] and project.volunteers.count() == 2


# --- completion --------------------------------------------------------------------------
def test_completing_writes_every_case_and_moves_each_as_far_as_the_state_table_allows(city, estate, roof_cases,
                                                                                      staff):
    """The head completes the project with the cases in three states:

    - two escalated to the community: the head starts and handles them with the result,
      but may not verify their own handling — they wait for another community worker;
    - one the grid worker handled already: the head verifies and closes it;
    - one just reported at grid level: the head may accept it, but starting it is the
      grid's work — it stops at accepted, and the reason is reported.
    """
    head, gw = city.community_head, city.grid_worker
    done_by_grid = report(gw, city.grid, estate.buildings.last())
    done_by_grid = case_services.accept_and_start_case(actor=gw, number=done_by_grid.number,
                                                       version=done_by_grid.version)
    done_by_grid = case_services.handle_case(actor=gw, number=done_by_grid.number, version=done_by_grid.version,
                                             note="已临时封堵")
    fresh = report(gw, city.grid, estate.buildings.first())
    cases = [*roof_cases[:2], done_by_grid, fresh]
    project = create(head, cases)
    services.start_project(actor=head, project=project)

    closing = services.close_project(actor=head, project=project, result="更换楼顶防水层 600 平方米，雨后复查无渗漏")

    project.refresh_from_db()
    assert (project.status, project.result, project.closed_by) == (
        ProjectStatus.COMPLETED, "更换楼顶防水层 600 平方米，雨后复查无渗漏", head)
    assert statuses(cases) == ["handled", "handled", "closed", "accepted"]
    assert [(c.from_status, c.to_status) for c in closing.cases] == [
        ("dispatched", "handled"), ("dispatched", "handled"), ("handled", "closed"), ("reported", "accepted")]
    assert [c.stopped for c in closing.cases] == [
        "不能核查自己处置的诉求", "不能核查自己处置的诉求", "", "社区书记/主任不能开始处置网格级诉求"]
    finished = ("project", "民生项目《老国税小区楼顶防水维修》已完成：更换楼顶防水层 600 平方米，雨后复查无渗漏")
    result = "更换楼顶防水层 600 平方米，雨后复查无渗漏"
    assert events(roof_cases[0])[-3:] == [finished, ("start", "民生项目《老国税小区楼顶防水维修》"), ("handle", result)]
    assert events(done_by_grid)[-3:] == [finished, ("verify", result), ("close", result)]
    assert events(fresh)[-2:] == [finished, ("accept", "民生项目《老国税小区楼顶防水维修》")]

    # Another community worker checks the head's work on the case page as usual.
    case = Case.objects.get(pk=roof_cases[0].pk)
    case = case_services.verify_case(actor=staff, number=case.number, version=case.version)
    assert case.status == "verified"


def test_completing_without_moving_the_cases_only_records_it(city, roof_cases):
    head = city.community_head
    project = create(head, roof_cases)
    closing = services.close_project(actor=head, project=project, result="已修好", close_cases=False)
    assert statuses(roof_cases) == ["dispatched"] * 3
    assert all(not c.moved for c in closing.cases)
    assert events(roof_cases[2])[-1] == ("project", "民生项目《老国税小区楼顶防水维修》已完成：已修好")
    project.refresh_from_db()
    assert project.started_at == project.closed_at  # completed straight from planned


def test_a_finished_project_is_history(city, roof_cases, repairers):
    head = city.community_head
    project = create(head, roof_cases[:1])
    with pytest.raises(ValidationError) as refused:
        services.close_project(actor=head, project=project, result=" ")
    assert "result" in refused.value.message_dict
    services.close_project(actor=head, project=project, result="已修好")
    for change in (
        lambda: services.close_project(actor=head, project=project, result="再完成一次"),
        lambda: services.cancel_project(actor=head, project=project, reason="取消"),
        lambda: services.link_cases(actor=head, project=project, cases=[roof_cases[1].number]),
        lambda: services.assign_partners(actor=head, project=project, partners=[repairers[0].pk]),
        lambda: services.update_project(actor=head, project=project, title="改名"),
        lambda: services.start_project(actor=head, project=project),
    ):
        with pytest.raises(ValidationError):
            change()
    assert Case.objects.get(pk=roof_cases[1].pk).events.filter(action="project").count() == 0


def test_another_areas_staff_cannot_touch_the_project_or_its_cases(city, roof_cases, other_head):
    head = city.community_head
    project = create(head, roof_cases)
    for change in (
        lambda: services.close_project(actor=other_head, project=project, result="越权完成"),
        lambda: services.cancel_project(actor=other_head, project=project, reason="越权取消"),
        lambda: services.link_cases(actor=other_head, project=project, cases=[]),
        lambda: services.unlink_case(actor=other_head, project=project, case=roof_cases[0].number),
        lambda: services.update_project(actor=other_head, project=project, title="越权"),
        lambda: services.start_project(actor=other_head, project=project),
        lambda: services.assign_volunteers(actor=other_head, project=project, volunteers=[]),
    ):
        with pytest.raises(OutOfScope):
            change()
    project.refresh_from_db()
    assert (project.status, project.title, project.links.count()) == ("planned", "老国税小区楼顶防水维修", 3)
    assert selectors.projects_for(Scope.for_user(other_head)).count() == 0


def test_explicit_times_for_loaders(city, roof_cases):
    head = city.community_head
    at = timezone.make_aware(datetime.datetime(2025, 6, 3, 9, 30))
    project = create(head, roof_cases[:1], month="2025-06", at=at)
    services.start_project(actor=head, project=project, at=at + datetime.timedelta(days=2))
    services.close_project(actor=head, project=project, result="已修好", at=at + datetime.timedelta(days=20))
    project.refresh_from_db()
    assert (project.created_at, project.links.get().linked_at) == (at, at)
    assert (project.started_at - at).days == 2 and (project.closed_at - at).days == 20
