"""The demo city's cases: every case replays through the state table, the figures look like the article's,
the open cases fill the work lists, and a load is the same twice and safe to repeat."""
import datetime
import hashlib
from collections import Counter
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Post, User
from wangge.accounts.scope import Scope
from wangge.areas.codes import Level
from wangge.areas.models import Area
from wangge.cases import routing, selectors, services
from wangge.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    Notification,
    OwnerKind,
    Rating,
)
from wangge.cases.states import (
    ACTIVE,
    OPEN,
    RANK,
    ROLE_LEVEL,
    TRANSITIONS,
    Action,
    Actor,
    Status,
    level_above,
    office_code,
    refusal,
)
from wangge.partners.models import Partner
from wangge.people.validators import validate_phone
from wangge.projects.models import Project, ProjectCase, ProjectStatus
from wangge.stats import courses
from wangge.stats.models import Course

from . import case_texts, loader, training
from . import cases as demo_cases
from .tests import run_demo

# A Wednesday morning in term time: the open cases are placed relative to it.
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
HISTORY_BEFORE = timezone.make_aware(datetime.datetime(2025, 8, 1))


def load(scale: float, now=NOW) -> None:
    loader.load(scale=scale, password=loader.DEFAULT_PASSWORD, now=now)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One load at scale 0.2 for a class of tests that only read it (each test's own changes roll back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load(0.2)
        yield
        transaction.set_rollback(True)


# --- the replay -----------------------------------------------------------------------


class Replay:
    """Checks a case against its events by replaying them through wangge.cases.states, the way the
    services apply them. Knows nothing of how the demo planned them."""

    def __init__(self, now: datetime.datetime, loaded_at: datetime.datetime | None = None):
        self.now = now
        # The demo's escalation job ran every JOB_EVERY until JOB_PAUSE before the load.
        self.job_stop = (loaded_at or now) - demo_cases.JOB_PAUSE
        self.posts: dict[int, list[tuple[str, str]]] = {}
        for user_id, role, code in Post.objects.values_list("user_id", "role", "area_code"):
            self.posts.setdefault(user_id, []).append((role, code))
        self.users = User.objects.in_bulk()
        self.offices = dict(Area.objects.values_list("code", "name"))
        self.routes: dict = {}
        # The partner organisations by name: a case dispatched by name is linked to the one serving its grid.
        self.partners: dict[str, list[tuple[str, int]]] = {}
        for pk, name, code in Partner.objects.filter(is_active=True).values_list("pk", "name", "area_code"):
            self.partners.setdefault(name, []).append((code, pk))
        # (case id, time) of every merge a duplicate recorded on its original.
        self.merges = {
            (merged_into, at)
            for merged_into, at in CaseEvent.objects.filter(action=Action.MERGE, to_status=Status.MERGED)
            .values_list("case__merged_into_id", "created_at")
        }

    def route(self, category, level=""):
        key = (category.pk, level)
        if key not in self.routes:
            self.routes[key] = routing.route(category, level)
        return self.routes[key]

    def actor(self, event) -> Actor:
        if event.actor_id is None:
            assert event.actor_label in ("系统", "居民"), event.actor_label
            return Actor.system() if event.actor_label == "系统" else Actor.resident()
        return Actor(user=self.users[event.actor_id], posts=tuple(self.posts.get(event.actor_id, ())))

    def owner_user(self, case, label: str, level: str) -> User:
        """The one account covering the case's grid at that level whose name the event shows."""
        found = [
            u for u, posts in ((self.users[pk], posts) for pk, posts in self.posts.items())
            if str(u) == label and any(case.area_code.startswith(code) and ROLE_LEVEL.get(role) == level
                                       for role, code in posts)
        ]
        assert len(found) == 1, f"{case.number}: owner {label} at {level}"
        return found[0]

    def check(self, case, events) -> None:
        number = case.number
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), number
        assert case.version == len(events), number
        first = events[0]
        start_level = self.route(case.category).start_level
        assert (first.action, first.from_status, first.to_status, first.from_level, first.to_level) == (
            Action.REPORT, "", Status.REPORTED, "", start_level), number
        assert first.created_at == case.reported_at and first.actor_id == case.reporter_user_id, number
        assert first.owner_label == self.offices[office_code(case.area_code, start_level)], number
        deadline = self.route(case.category, start_level).deadline(case.reported_at)
        owner = (OwnerKind.OFFICE, None, "")
        handled_by = None
        counts = Counter()
        stamps = {"accepted_at": None, "handled_at": None, "verified_at": None, "closed_at": None, "rated_at": None}
        rating = ""
        for prev, e in pairwise(events):
            where = f"{number} #{e.seq} {e.action}"
            assert e.created_at > prev.created_at, where
            assert (e.from_status, e.from_level) == (prev.to_status, prev.to_level), where
            if prev.to_status in ACTIVE and prev.to_level != Level.CITY and e.created_at > deadline + demo_cases.JOB_EVERY:
                # While the job runs, nothing waits past the deadline for longer than it takes to come;
                # after it stopped, only the job itself, running again, comes late.
                assert deadline + demo_cases.JOB_EVERY >= self.job_stop, f"{where}: overdue, the job would have come"
                assert e.action == Action.ESCALATE and e.actor_id is None, where
            if e.action == Action.MERGE and e.to_status != Status.MERGED:
                # The original of a merged duplicate: an event, and nothing else changes.
                assert (case.pk, e.created_at) in self.merges, where
                assert (e.to_status, e.to_level, e.owner_label) == (prev.to_status, prev.to_level, prev.owner_label)
                continue
            if e.action == Action.PROJECT:
                # A 民生项目 took the case up or finished: a note by staff who see the case; nothing else changes.
                assert (e.to_status, e.to_level, e.owner_label) == (prev.to_status, prev.to_level, prev.owner_label)
                assert self.actor(e).rank_over(case.area_code) is not None, where
                assert e.note.startswith(("加入民生项目《", "民生项目《")), where
                continue
            transition = TRANSITIONS[e.action]
            actor = self.actor(e)
            owner_user = owner[1]
            state = SimpleNamespace(
                status=prev.to_status, level=prev.to_level, area_code=case.area_code,
                owner_user_id=owner_user.pk if owner_user else None, owner_user=owner_user,
            )
            assert refusal(transition, state, actor, handled_by_id=handled_by) is None, (
                where, refusal(transition, state, actor, handled_by_id=handled_by))
            dissatisfied = e.action == Action.RATE and e.note.split("：")[0] == str(Rating.DISSATISFIED.label)
            expected = Status.IN_PROGRESS if dissatisfied else transition.to_status(prev.to_status)
            assert e.to_status == expected, where
            if e.action == Action.ESCALATE:
                assert e.to_level == level_above(prev.to_level), where
                if actor.kind == "system":
                    assert e.note == "超期自动升级" and deadline < e.created_at, where
                owner = (OwnerKind.OFFICE, None, "")
                deadline = self.route(case.category, e.to_level).deadline(e.created_at)
            elif e.action == Action.DISPATCH:
                assert RANK[e.to_level] <= RANK[prev.to_level], where
                if e.owner_label.endswith("（联建单位）"):
                    assert e.to_level == prev.to_level, where
                    owner = (OwnerKind.PARTNER, None, e.owner_label.removesuffix("（联建单位）"))
                elif e.owner_label == self.offices[office_code(case.area_code, e.to_level)]:
                    owner = (OwnerKind.OFFICE, None, "")
                else:
                    owner = (OwnerKind.USER, self.owner_user(case, e.owner_label, e.to_level), "")
            else:
                assert e.to_level == prev.to_level, where
                if e.action == Action.START and owner[0] == OwnerKind.OFFICE:
                    owner = (OwnerKind.USER, actor.user, "")
                if e.action == Action.HANDLE:
                    handled_by = actor.user.pk
                    assert len(e.note) >= 2, where
                if e.action in (Action.REJECT, Action.REOPEN):
                    assert len(e.note) >= 2, where
                if e.action == Action.REOPEN or dissatisfied:
                    counts["reopened"] += 1
                    deadline = self.route(case.category, e.to_level).deadline(e.created_at)
                    stamps.update(handled_at=None, verified_at=None, closed_at=None)
                if e.action == Action.RATE:
                    rating = next(r for r in Rating if e.note.split("：")[0] == str(r.label))
                    stamps["rated_at"] = e.created_at
            counts[e.action] += 1
            stamp = {Status.ACCEPTED: "accepted_at", Status.HANDLED: "handled_at", Status.VERIFIED: "verified_at",
                     Status.CLOSED: "closed_at"}.get(e.to_status)
            if stamp and e.to_status != e.from_status:
                stamps[stamp] = e.created_at
            assert e.owner_label == self.owner_label(case, owner, e.to_level), where
        last = events[-1]
        assert (case.status, case.level) == (last.to_status, last.to_level), number
        assert (case.owner_kind, case.owner_user_id, case.owner_partner) == (
            owner[0], owner[1].pk if owner[1] else None, owner[2]), number
        assert case.owner_area.code == office_code(case.area_code, case.level), number
        serving = [pk for code, pk in self.partners.get(case.owner_partner, ()) if case.area_code.startswith(code)]
        linked = serving[0] if case.owner_kind == OwnerKind.PARTNER and len(serving) == 1 else None
        assert case.owner_partner_org_id == linked, number
        assert case.deadline == deadline, number
        assert case.reopened_count == counts["reopened"], number
        assert case.escalated_count == counts[Action.ESCALATE], number
        assert {k: getattr(case, k) for k in stamps} == stamps, number
        assert case.rating == rating, number
        assert (case.merged_into_id is not None) == (case.status == Status.MERGED), number
        if case.status in ACTIVE and case.level != Level.CITY:
            # Still waiting: the job, which stopped JOB_PAUSE before the load, had not found it overdue.
            assert deadline + demo_cases.JOB_EVERY >= min(self.now, self.job_stop), f"{number} should have been escalated"

    def owner_label(self, case, owner, level) -> str:
        kind, user, partner = owner
        if kind == OwnerKind.USER:
            return str(user)
        if kind == OwnerKind.PARTNER:
            return f"{partner}（联建单位）"
        return self.offices[office_code(case.area_code, level)]


def check_every_case(now, loaded_at=None) -> int:
    replay = Replay(now, loaded_at)
    events: dict[int, list] = {}
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        events.setdefault(event.case_id, []).append(event)
    cases = list(Case.objects.select_related("category", "owner_area"))
    for case in cases:
        replay.check(case, events[case.pk])
    return len(cases)


# --- a year of cases at scale 0.2 ---------------------------------------------------------


def shares(values) -> dict[str, float]:
    values = list(values)
    return {k: n / len(values) for k, n in Counter(values).items()}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestAYearOfCases:
    """Scale 0.2 (about 600 cases), open cases placed relative to NOW."""

    def test_every_case_replays_through_the_state_table(self):
        assert check_every_case(NOW) > 500

    def test_the_history_looks_like_a_year_of_the_articles_work(self):
        history = Case.objects.filter(reported_at__lt=HISTORY_BEFORE)
        assert 550 < history.count() < 750
        status = shares(history.values_list("status", flat=True))
        assert set(status) == {Status.RATED, Status.REJECTED, Status.MERGED}, "the history is finished"
        assert 0.85 < status[Status.RATED] < 0.97
        assert 0.015 < status[Status.REJECTED] < 0.08 and 0.005 < status[Status.MERGED] < 0.06

        source = shares(history.values_list("source", flat=True))
        assert set(source) == {"visit", "patrol", "resident", "hotline", "partner", "assigned"}
        assert source["visit"] + source["patrol"] >= 0.40

        def proactive(rows):
            return sum(s in ("visit", "patrol") for s in rows) / len(rows)

        course = timezone.make_aware(datetime.datetime.combine(demo_cases.COURSE_END, datetime.time()))
        before = history.filter(reported_at__lt=course).values_list("source", flat=True)
        after = history.filter(reported_at__gte=course).values_list("source", flat=True)
        assert proactive(after) > proactive(before) + 0.08, "主动发现 rises after the course"

        level = shares(history.values_list("level", flat=True))
        assert level[Level.GRID] > 0.6 and 0.1 < level[Level.COMMUNITY] < 0.35 and 0.01 < level[Level.STREET] < 0.1
        assert level.get(Level.CITY, 0) < 0.01

        top = shares(history.values_list("category__parent__code", flat=True))
        assert set(top) == {"livelihood", "infrastructure", "public_safety", "environment", "disputes", "property", None}
        assert all(top[code] > 0.1 for code in ("livelihood", "environment", "property"))

        rated = history.filter(status=Status.RATED)
        rating = shares(rated.values_list("rating", flat=True))
        assert rating[Rating.SATISFIED] > 0.8 and 0.05 < rating[Rating.BASICALLY_SATISFIED] < 0.2

        events = CaseEvent.objects.filter(case__in=history)
        by_job = events.filter(action=Action.ESCALATE, actor__isnull=True).values("case").distinct().count()
        by_hand = events.filter(action=Action.ESCALATE, actor__isnull=False).values("case").distinct().count()
        reopened = history.filter(reopened_count__gt=0).count()
        dissatisfied = events.filter(action=Action.RATE, note__startswith="不满意").count()
        n = history.count()
        assert 0.02 < by_job / n < 0.1 and 0.02 < by_hand / n < 0.12 and 0.02 < reopened / n < 0.12
        assert dissatisfied > 0 and events.filter(action=Action.REOPEN).exists()
        assert events.filter(action=Action.DISPATCH, owner_label__endswith="（联建单位）").count() > n * 0.15

    def test_cases_carry_valid_numbers_tracking_codes_phones_and_places(self):
        cases = list(Case.objects.select_related("household", "building", "grid", "category"))
        counters = dict(CaseCounter.objects.values_list("year", "last"))
        by_year: dict[int, list[Case]] = {}
        for case in sorted(cases, key=lambda c: (c.reported_at, c.number)):
            year = timezone.localtime(case.reported_at).year
            by_year.setdefault(year, []).append(case)
        for year, rows in by_year.items():
            assert [c.number for c in rows] == [f"SQ-{year}-{i:06d}" for i in range(1, len(rows) + 1)]
            assert counters[year] == len(rows)
        assert set(by_year) == {2024, 2025, 2026}
        assert len({c.tracking for c in cases}) == len(cases)
        assert all(len(c.tracking) == 10 and set(c.tracking) <= set(services.TRACKING_ALPHABET) for c in cases)
        for case in cases:
            assert case.area_code == case.grid.code and case.grid.level == Level.GRID
            if case.source in ("resident", "hotline"):
                assert validate_phone(case.reporter_phone) == case.reporter_phone
            if case.reporter_user_id is None:
                # Reported on the public page: a resident, a phone, no title of their own, no household.
                assert case.source == "resident" and case.urgency == "normal" and case.household_id is None
                assert case.title == services._clean_public({
                    "description": case.description, "category": case.category.code, "phone": case.reporter_phone,
                    "area": case.area_code,
                })["title"]
            if case.household_id:
                assert case.household.area_code == case.area_code and case.building_id == case.household.building_id
            if case.building_id:
                assert case.building.area_code == case.area_code

    def test_staff_reported_cases_are_reported_by_someone_whose_areas_cover_the_grid(self):
        for case in Case.objects.filter(reporter_user__isnull=False).select_related("reporter_user"):
            codes = case.reporter_user.posts.values_list("area_code", flat=True)
            assert any(case.area_code.startswith(code) for code in codes), case.number

    def test_liu_yirui_s_leaking_roof_was_found_on_a_visit_fixed_and_rated_satisfied(self):
        case = Case.objects.get(reporter_resident__name="刘伊蕊", category__code="roof_leak")
        assert (case.category.code, case.source, case.area_code) == ("roof_leak", "visit", "220184001001001")
        assert case.household == case.reporter_resident.household
        assert (case.status, case.rating) == (Status.RATED, Rating.SATISFIED)
        assert case.reporter_user.username == "demo_grid"
        events = list(case.events.order_by("seq"))
        assert [e.action for e in events] == ["report", "accept", "start", "handle", "verify", "close", "rate"]
        assert {e.actor.username for e in events[:4]} == {"demo_grid"}
        assert {e.actor.username for e in events[4:]} == {"demo_community"}
        assert timezone.make_aware(datetime.datetime(2025, 6, 1)) < case.reported_at < HISTORY_BEFORE

    def test_the_open_cases_fill_every_work_list_of_the_headline_accounts(self):
        open_cases = Case.objects.filter(reported_at__gte=HISTORY_BEFORE)
        status = Counter(open_cases.values_list("status", flat=True))
        for wanted in (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.HANDLED,
                       Status.VERIFIED, Status.CLOSED, Status.RATED, Status.MERGED):
            assert status[wanted], wanted
        active = open_cases.filter(status__in=ACTIVE)
        assert active.filter(deadline__lt=NOW, level=Level.CITY).exists()
        assert active.filter(deadline__lt=NOW).exclude(level=Level.CITY).exists()
        assert active.filter(deadline__gte=NOW, deadline__lt=NOW + datetime.timedelta(hours=24)).exists()
        assert CaseEvent.objects.filter(case__in=open_cases, action=Action.ESCALATE, actor__isnull=True).exists()
        assert open_cases.filter(status=Status.IN_PROGRESS, reopened_count__gt=0).exists()
        assert Notification.objects.filter(read_at__isnull=True).exists()

    def test_a_case_reported_through_the_services_gets_the_next_number(self):
        year = timezone.localtime().year
        last = CaseCounter.objects.get(year=year).last if CaseCounter.objects.filter(year=year).exists() else 0
        worker = User.objects.get(username="demo_grid")
        case = services.report_case(actor=worker, data={
            "title": "楼道灯不亮", "description": "3号楼2单元楼道灯坏了", "category": "corridor_light",
            "source": "visit", "area": "220184001001001",
        })
        assert case.number == f"SQ-{year}-{last + 1:06d}"
        assert CaseCounter.objects.get(year=2026).last == Case.objects.filter(number__startswith="SQ-2026-").count()

    # --- 民生项目 ---------------------------------------------------------------------------

    def test_lao_guoshui_s_may_leaks_became_a_roof_repair_with_the_alliance_and_two_volunteers(self):
        project = Project.objects.get(title=case_texts.JINRONG_ROOF_PROJECT.title)
        jinrong = Area.objects.get(name="金融社区").code
        assert (project.area_code, project.month, project.category.code) == (jinrong, "2025-05", "roof_leak")
        assert project.status == ProjectStatus.COMPLETED and project.result.startswith("红心物业联盟完成老国税小区")
        assert timezone.localtime(project.closed_at).strftime("%Y-%m") == "2025-06"
        assert project.created_at < project.started_at < project.closed_at
        assert project.created_by.username == project.closed_by.username == f"head_{jinrong}"
        assert list(project.partners.values_list("name", flat=True)) == ["红心物业联盟"]
        volunteers = list(project.volunteers.all())
        assert len(volunteers) == 2
        assert all(v.area_code == jinrong and v.teams.filter(area_code=jinrong).exists() for v in volunteers)
        cases = list(project.cases.select_related("building__estate", "category", "owner_partner_org"))
        assert len(cases) >= 3
        may = (timezone.make_aware(datetime.datetime(2025, 5, 1)), timezone.make_aware(datetime.datetime(2025, 6, 1)))
        for case in cases:
            assert (case.category.code, case.building.estate.name) == ("roof_leak", "老国税小区"), case.number
            assert may[0] <= case.reported_at < may[1] and case.area_code.startswith(jinrong), case.number
            assert case.status == Status.RATED and case.owner_partner_org.name == "红心物业联盟", case.number
            notes = dict(case.events.filter(action__in=(Action.VERIFY, Action.CLOSE)).values_list("action", "note"))
            assert notes == {Action.VERIFY: project.result, Action.CLOSE: project.result}, case.number
        reporters = {c.reporter_resident_id for c in cases if c.reporter_resident_id}
        assert set(project.residents.values_list("pk", flat=True)) == reporters

    def test_the_projects_have_their_cases_partner_and_volunteers_one_of_them_under_way_now(self):
        projects = {p.title: p for p in Project.objects.all()}
        roof, lights, doors = (case_texts.JINRONG_ROOF_PROJECT.title, case_texts.DONGFENG_LIGHTS_PROJECT.title,
                               case_texts.JINRONG_DOORS_PROJECT.title)
        assert set(projects) == {roof, lights, doors}
        for project in projects.values():
            assert project.links.count() >= 2 and project.partners.count() == 1, project.title
            assert project.volunteers.exists(), project.title
            assert not project.volunteers.exclude(area_code=project.area_code).exists(), project.title
            assert not project.cases.exclude(area_code__startswith=project.area_code).exists(), project.title
        lights = projects[lights]
        assert (lights.status, lights.month, lights.area.name) == (ProjectStatus.COMPLETED, "2025-04", "东风社区")
        assert not lights.volunteers.filter(is_governance_partner=False).exists(), "红卫士's governance partners"
        assert list(lights.partners.values_list("name", flat=True)) == ["公主岭市房屋维修中心"]
        doors = projects[doors]
        assert doors.status in (ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS) and doors.result == ""
        assert NOW - datetime.timedelta(days=10) < doors.created_at < NOW and doors.closed_at is None
        assert doors.month == timezone.localtime(doors.created_at).strftime("%Y-%m")
        for case in doors.cases.all():
            # Made safe and waiting for the community's check when the project is done; still with the alliance.
            assert case.status == Status.HANDLED and case.owner_partner_org.name == "红心物业联盟", case.number
            assert case.reported_at < doors.created_at

    def test_each_linked_case_has_its_project_s_events_in_time_order(self):
        links = list(ProjectCase.objects.select_related("project", "case", "linked_by"))
        assert len(links) >= 8
        for link in links:
            project, case = link.project, link.case
            events = list(case.events.order_by("seq"))
            assert [e.created_at for e in events] == sorted(e.created_at for e in events), case.number
            mine = [e for e in events if e.action == Action.PROJECT]
            joined = f"加入民生项目《{project.title}》"
            assert mine[0].note == joined and mine[0].created_at == link.linked_at == project.created_at, case.number
            assert mine[0].actor == link.linked_by == project.created_by, case.number
            assert events[events.index(mine[0]) - 1].action == Action.HANDLE, "made safe before it was linked"
            if project.status == ProjectStatus.COMPLETED:
                done = f"民生项目《{project.title}》已完成：{project.result}"
                assert [e.note for e in mine] == [joined, done] and mine[1].created_at == project.closed_at
                after = [e.action for e in events[events.index(mine[1]) + 1:]]
                assert after == [Action.VERIFY, Action.CLOSE, Action.RATE], case.number
            else:
                assert mine == [events[-1]], case.number

    # --- cases with a partner organisation -----------------------------------------------------

    def test_demo_partner_sees_exactly_the_cases_of_its_organisation_some_waiting_for_it(self):
        user = User.objects.get(username="demo_partner")
        alliance = Partner.objects.get(name="红心物业联盟")
        owned = Case.objects.filter(owner_kind=OwnerKind.PARTNER, owner_partner_org=alliance)
        seen = set(selectors.visible_cases(user).values_list("pk", flat=True))
        assert seen and seen == set(owned.values_list("pk", flat=True))
        waiting = owned.filter(status=Status.DISPATCHED)
        assert waiting.count() >= 2 and not waiting.filter(deadline__lt=NOW).exists()
        assert set(selectors.search_cases(user, work_list="mine").values_list("pk", flat=True)) == set(
            owned.filter(status__in=OPEN).values_list("pk", flat=True))
        assert Notification.objects.filter(user=user, case__in=waiting).exists(), "told of what was sent to it"
        # Other organisations are linked too wherever exactly one of the name serves the grid (the replay checks it).
        assert Case.objects.exclude(owner_partner_org=alliance).filter(owner_partner_org__isnull=False).exists()

    # --- the training course -------------------------------------------------------------------

    def test_the_articles_course_has_its_attendees_and_figures_before_and_after(self):
        course = Course.objects.get(name=training.NAME)
        assert (course.start_date, course.end_date, course.area_code) == (training.START, training.END, "220184")
        assert course.end_date < demo_cases.COURSE_END and course.created_at < HISTORY_BEFORE
        attendees = set(course.attendees.values_list("username", flat=True))
        assert {"demo_community", "demo_grid", "demo_grid2"} <= attendees
        admin = User.objects.get(username="demo_city")
        for days in (30, courses.DEFAULT_DAYS):
            result = courses.comparison(Scope.for_user(admin), course, days=days, now=NOW)
            assert result["after_complete"] and result["hidden"] == 0
            rows = {row["area_name"]: {f["key"]: f for f in row["figures"]} for row in result["areas"]}
            assert {"京华社区", "东洼社区", "京华社区第一网格", "东洼社区第一网格"} <= set(rows)
            for name in ("京华社区", "东洼社区"):
                for key in ("cases_reported", "proactive_share", "cases_closed"):
                    assert rows[name][key]["before"] and rows[name][key]["after"], (days, name, key)
        # The article's question, over the history's last month: more found on the rounds after the course.
        rows_30 = courses.comparison(Scope.for_user(admin), course, days=30, now=NOW)["areas"]
        jinghua = next(r for r in rows_30 if r["area_name"] == "京华社区")
        share = next(f for f in jinghua["figures"] if f["key"] == "proactive_share")
        assert share["verdict"] == "better", share
        # ... and handled cases verified and closed within their deadlines (按期结案).
        on_time = next(f for f in jinghua["figures"] if f["key"] == "on_time_closure_rate")
        assert on_time["verdict"] == "better", on_time

    def test_loading_again_adds_no_cases(self):
        before = (case_digest(), Notification.objects.count(), list(CaseCounter.objects.values_list()))
        load(0.2, now=NOW + datetime.timedelta(days=30))
        assert (case_digest(), Notification.objects.count(), list(CaseCounter.objects.values_list())) == before


# --- at full scale, and at a small one ----------------------------------------------------


@pytest.mark.django_db
def test_at_full_scale_every_case_replays_and_the_articles_figures_hold():
    load(1.0)
    check_every_case(NOW)
    history = Case.objects.filter(reported_at__lt=HISTORY_BEFORE)
    assert 2700 < history.count() < 3400
    jinrong = Area.objects.get(name="金融社区").code
    disputes_2025 = history.filter(
        area_code__startswith=jinrong, category__parent__code="disputes",
        reported_at__gte=timezone.make_aware(datetime.datetime(2025, 1, 1)),
    )
    assert disputes_2025.count() == disputes_2025.filter(status=Status.RATED).count() == 32
    dongwa = Area.objects.get(name="东洼社区").code
    to_street = history.filter(area_code__startswith=dongwa, category__parent__code="infrastructure",
                               level=Level.STREET)
    assert to_street.count() == to_street.filter(status=Status.RATED, escalated_count=1).count() == 16
    assert not CaseEvent.objects.filter(case__in=to_street, action=Action.ESCALATE, actor__isnull=True).exists()
    jinghua = Area.objects.get(name="京华社区").code
    after_course = history.filter(
        area_code__startswith=jinghua, source__in=("visit", "patrol"), status=Status.RATED,
        category__code__in=("roof_leak", "unit_door", "construction_waste"),
        reported_at__gte=timezone.make_aware(datetime.datetime(2025, 6, 1)),
    )
    assert after_course.count() > 10
    cleanups = history.filter(area_code__startswith=dongwa, category__code="sanitation_blackspot",
                              level=Level.GRID, events__action=Action.DISPATCH,
                              events__owner_label__contains="党支部")
    assert cleanups.count() >= 24


@pytest.mark.django_db
def test_every_community_has_a_handful_of_cases_at_a_small_scale():
    load(0.05)
    for community in Area.objects.filter(level=Level.COMMUNITY):
        history = Case.objects.filter(area_code__startswith=community.code, reported_at__lt=HISTORY_BEFORE)
        assert history.count() >= demo_cases.MIN_PER_COMMUNITY, community.name
    assert Case.objects.filter(reporter_resident__name="刘伊蕊").exists()


# --- the open cases and the work lists ---------------------------------------------------


def test_the_work_lists_have_content_now(db):
    """The open cases are placed relative to the time of loading, so the lists are full whenever the demo is loaded."""
    run_demo("--scale", "0.05")
    lists = {
        username: {name: selectors.search_cases(User.objects.get(username=username), work_list=name).count()
                   for name in selectors.WORK_LISTS}
        for username in ("demo_grid", "demo_community", "demo_street")
    }
    assert all(lists["demo_grid"][name] for name in ("mine", "queue", "overdue", "due_soon", "awaiting_rating"))
    assert lists["demo_community"]["awaiting_verification"] and lists["demo_community"]["queue"]
    assert lists["demo_street"]["overdue"] and lists["demo_street"]["queue"]


def test_the_escalation_job_takes_up_the_overdue_open_cases(db):
    loaded_at = timezone.now()
    run_demo("--scale", "0.05")
    check_every_case(timezone.now(), loaded_at)
    overdue = set(Case.objects.filter(status__in=ACTIVE, deadline__lt=timezone.now())
                  .exclude(level=Level.CITY).values_list("number", flat=True))
    assert overdue
    assert set(services.escalate_overdue()) == overdue
    check_every_case(timezone.now(), loaded_at)
    assert not Case.objects.filter(status__in=ACTIVE, deadline__lt=timezone.now()).exclude(level=Level.CITY).exists()


# --- repeating the load ---------------------------------------------------------------------


def case_digest() -> str:
    cases = Case.objects.order_by("id").values_list(
        "number", "tracking", "title", "description", "category__code", "source", "urgency", "area_code",
        "household__address", "reporter_user__username", "reporter_phone", "reporter_resident__id_number", "level",
        "owner_kind", "owner_user__username", "owner_partner", "owner_partner_org__name", "status", "deadline",
        "rating", "rating_comment", "reported_at", "merged_into__number",
    )
    events = CaseEvent.objects.order_by("case__number", "seq").values_list(
        "case__number", "seq", "actor__username", "actor_label", "action", "from_status", "to_status",
        "from_level", "to_level", "owner_label", "note", "created_at",
    )
    projects = Project.objects.order_by("created_at", "title").values_list(
        "title", "area_code", "month", "category__code", "plan", "status", "result", "created_by__username",
        "created_at", "updated_at", "started_at", "closed_at", "closed_by__username",
    )
    links = ProjectCase.objects.order_by("project__title", "case__number").values_list(
        "project__title", "case__number", "linked_by__username", "linked_at")
    people = [
        (p.title, sorted(p.partners.values_list("name", flat=True)),
         sorted(p.volunteers.values_list("name", "phone")), sorted(p.residents.values_list("id_number", flat=True)))
        for p in Project.objects.order_by("title")
    ]
    course = Course.objects.order_by("name", "attendees__username").values_list(
        "name", "organiser", "start_date", "end_date", "area_code", "note", "created_by__username", "created_at",
        "attendees__username")
    return hashlib.sha256(repr([*cases, *events, *projects, *links, *people, *course]).encode()).hexdigest()


class _Discard(Exception):
    pass


def _digest_of_a_fresh_load() -> str:
    with pytest.raises(_Discard), transaction.atomic():
        load(0.05)
        result = case_digest()
        raise _Discard
    assert not Case.objects.exists()
    return result


@pytest.mark.django_db
def test_two_loads_with_the_same_now_give_the_same_cases():
    assert _digest_of_a_fresh_load() == _digest_of_a_fresh_load()


# Loads at these moments once merged a duplicate into an original that was already overdue while
# the job had stopped; every open case must replay cleanly whenever the demo is loaded.
@pytest.mark.parametrize("minute", range(40, 60, 3))
def test_the_open_cases_replay_cleanly_at_any_load_time(db, minute):
    now = datetime.datetime(2026, 11, 29, 2, minute, tzinfo=datetime.timezone.utc)
    loader.load(scale=0.05, password="demo", now=now)
    check_every_case(now, now)
