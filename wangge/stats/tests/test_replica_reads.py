"""The figures read the read replica (docs/scaling.md, "Read replicas").

With a ``replica`` alias configured, ``GET /api/v1/stats``, the dashboard, the briefing and
figures.compute read every figure — cases and their events, visits and needs, households, key
residents, care policies and tallies, activities, volunteers, projects — from the replica
connection; the primary serves only the lookup of the area (the 404), the session, the signed-in
user and their posts, and the bell's unread count. The numbers are exactly those read from the
primary. Inside a transaction everything stays on the primary.

The care tallies are read with what vouches for them (stamps, ids, the import log) and with the
places computed live from the one database: all on the replica here, all on the primary for the
nightly job that writes them.

The replica alias is a TEST MIRROR of the test database (as wangge/scale/tests/test_replica.py
sets it up): a second connection that sees what the primary has committed, so these tests
commit (``transaction=True``) and record which connection executes each query.
"""
import datetime
import json
import re
import uuid

import pytest
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wangge.accounts.models import ApiToken, Post, User
from wangge.accounts.scope import Scope
from wangge.activities.models import Activity
from wangge.areas.models import Area, Household
from wangge.cases.models import Case, CaseEvent, Category, Notification
from wangge.db import reading
from wangge.people.models import Resident, Tag
from wangge.scale.tests.test_replica import replica  # noqa: F401 -- the TEST MIRROR alias, per class
from wangge.stats import briefing, figures, tallies
from wangge.stats.models import BriefingDraft, CareStamp, CareTally
from wangge.stats.tests.conftest import march  # noqa: F401 -- the hand-made March of cases and visits
from wangge.stats.tests.test_service_figures import JUNE, NOW, june  # noqa: F401 -- care, activities, volunteers
from wangge.testing import is_read, make_id_number, signed_in
from wangge.visits.models import CarePolicy, Need, Visit
from wangge.volunteers.models import ServiceRecord, Volunteer

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


def table(model) -> str:
    return model._meta.db_table


# What the figures are read from: never the primary's while a replica is configured.
FIGURE_TABLES = {table(m) for m in (
    Case, CaseEvent, Category, Visit, Need, Household, Resident, Resident.tags.through, Tag, CarePolicy, CareTally, CareStamp,
    Activity, Volunteer, ServiceRecord,
)}
if apps.is_installed("wangge.projects"):
    from wangge.projects.models import Project

    FIGURE_TABLES.add(table(Project))
# What a request may still read on the primary: its area, session, user and posts, the bell.
PRIMARY_TABLES = {table(Area), "django_session", table(User), table(Post), table(ApiToken), table(Notification)}


def tables(queries) -> set[str]:
    return {name for query in queries for name in TABLE.findall(query["sql"])}


class Seen:
    """The queries each connection executed inside the block."""

    def __enter__(self):
        self._primary = CaptureQueriesContext(connections["default"])
        self._replica = CaptureQueriesContext(connections["replica"])
        self._primary.__enter__()
        self._replica.__enter__()
        return self

    def __exit__(self, *exc):
        self._replica.__exit__(*exc)
        self._primary.__exit__(*exc)

    @property
    def primary(self) -> set[str]:
        return tables(self._primary.captured_queries)

    @property
    def replica(self) -> set[str]:
        return tables(self._replica.captured_queries)

    @property
    def replica_statements(self) -> list[str]:
        return [q["sql"] for q in self._replica.captured_queries]


def on_the_primary(fn, *args, **kwargs):
    """``fn`` with every read on the primary: inside a transaction ``reading()`` is ``default``."""
    with transaction.atomic():
        assert reading() == "default"
        return fn(*args, **kwargs)


def as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def town(seeded_transactional_db, city, march, june):  # noqa: F811
    """March's cases and visits, June's care visits, activities and volunteers (committed), and a
    project completed in June when the projects app is installed."""
    if apps.is_installed("wangge.projects"):
        from wangge.projects.models import Project, ProjectStatus

        Project.objects.create(
            title="加装楼道灯", month="2026-06", area=city.community, status=ProjectStatus.COMPLETED,
            created_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
            updated_at=datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC),
            closed_at=datetime.datetime(2026, 6, 20, 10, tzinfo=datetime.UTC),
        )
    return city


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestFigures:
    def test_compute_reads_every_figure_from_the_replica_and_only_the_area_from_the_primary(self, town):
        scope = Scope.of(town.city.code)
        for area, period in ((town.community.code, JUNE), (town.city.code, MARCH), (town.grid.code, JUNE)):
            with Seen() as seen:
                found = figures.compute(scope, area, *period, now=NOW)
            assert seen.primary == {table(Area)}, seen.primary
            assert {table(Case), table(CaseEvent), table(Visit), table(Need), table(Household), table(Resident),
                    table(CarePolicy), table(Activity), table(ServiceRecord), table(Volunteer)} <= seen.replica
            assert all(is_read(sql) for sql in seen.replica_statements)
            assert found == on_the_primary(figures.compute, scope, area, *period, now=NOW)

    def test_and_not_trivially(self, town):
        found = figures.compute(Scope.of(town.city.code), town.community.code, *JUNE, now=NOW)
        assert found["care_visits_due"] == 5 and found["activities"] == 2 and found["volunteer_hours"] == 5.5
        if apps.is_installed("wangge.projects"):
            assert found["projects_completed"] == 1
        march_found = figures.compute(Scope.of(town.city.code), town.community.code, *MARCH, now=NOW)
        assert march_found["cases_reported"] == 6 and march_found["escalated"] == 1
        assert march_found["needs_surfaced"] == 2

    def test_children_and_the_monthly_trend_read_the_replica(self, town):
        scope = Scope.of(town.city.code)
        with Seen() as seen:
            kids = figures.children(scope, town.city.code, *MARCH, now=NOW)
            trend = figures.monthly(scope, town.city.code, MARCH[1], now=NOW)
        assert seen.primary == {table(Area)}  # each child's own lookup (its 404), nothing else
        assert {table(Area), table(Case)} <= seen.replica
        assert kids == on_the_primary(figures.children, scope, town.city.code, *MARCH, now=NOW)
        assert trend == on_the_primary(figures.monthly, scope, town.city.code, MARCH[1], now=NOW)
        assert [k["cases_reported"] for k in kids] == [6, 1]

    def test_inside_a_transaction_everything_stays_on_the_primary(self, town):
        scope = Scope.of(town.city.code)
        with Seen() as seen, transaction.atomic():
            figures.compute(scope, town.community.code, *JUNE, now=NOW)
            figures.monthly(scope, town.community.code, JUNE[1], now=NOW)
            briefing.compose(scope, town.community.code, "2026-06", now=NOW)
        assert seen.replica == set()
        assert {table(Case), table(CaseEvent), table(Visit), table(Resident), table(Activity)} <= seen.primary


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestCareTallies:
    """The tallies and what vouches for them are read from one database: the replica for a read,
    the primary for the job that writes them."""

    def tallied(self):
        return tallies.periods(timezone.localdate(NOW))[0]

    def test_the_job_reads_and_writes_the_primary_only(self, town):
        with Seen() as seen:
            written = tallies.refresh(NOW)
        assert written > 0
        assert seen.replica == set()
        assert {table(CareStamp), table(Visit), table(Resident), table(CareTally)} <= seen.primary

    def test_a_read_takes_tallies_stamps_ids_and_the_live_part_from_the_replica(self, town):
        tallies.refresh(NOW)
        scope = Scope.of(town.city.code)
        p = figures.Period.of(*self.tallied(), NOW)
        with Seen() as seen:
            found = figures.care_visit_figures(scope, town.city.code, p)
            held = tallies.holding(scope, town.city.code, p)
        assert held is not None and held[0] and not held[1]  # every place from its tally, none live
        assert seen.primary == set()
        assert {table(CareTally), table(CareStamp), table(Visit), table(Resident), table(Area)} <= seen.replica
        live = on_the_primary(figures.care_live, scope, town.city.code, p)
        assert (found["care_visits_due"], found["care_visits_on_time"], found["care_overdue_now"]) == live
        assert found == on_the_primary(figures.care_visit_figures, scope, town.city.code, p)

    def test_after_changes_since_the_job_the_replica_reading_is_still_exact(self, town):
        """A late visit (a stamp raised), a visit of today and a new key resident: the tallies of
        the places touched no longer hold, on the replica as on the primary."""
        tallies.refresh(NOW)
        scope = Scope.of(town.city.code)
        p = figures.Period.of(*self.tallied(), NOW)
        before = figures.care_visit_figures(scope, town.city.code, p)
        Visit.objects.create(client_id=uuid.uuid4(), household=town.household_b, building=town.household_b.building,
                             area_code=town.household_b.area_code, visited_at=NOW - datetime.timedelta(days=3),
                             kind="home", recorded_by=town.grid_worker)
        Visit.objects.bulk_create([Visit(
            client_id=uuid.uuid4(), household=town.household, building=town.household.building,
            area_code=town.household.area_code, visited_at=NOW - datetime.timedelta(hours=1), kind="phone",
            recorded_by=town.grid_worker)])
        newcomer = Resident.objects.create(name="赵桂兰", household=town.household_b,
                                           area_code=town.household_b.area_code, gender="F",
                                           birth_date=datetime.date(1950, 1, 1),
                                           id_number=make_id_number(datetime.date(1950, 1, 1)))
        newcomer.tags.add(Tag.objects.get(code="living_alone"))
        Resident.objects.filter(pk=newcomer.pk).update(created_at=NOW - datetime.timedelta(days=60))
        assert CareStamp.objects.filter(version__gt=0).exists()
        with Seen() as seen:
            after = figures.care_visit_figures(scope, town.city.code, p)
            valid, others, today_visits, _last = tallies.holding(scope, town.city.code, p)
        assert valid and others and today_visits  # some tallies hold, some places live, today corrected
        assert seen.primary == set()
        assert after == on_the_primary(figures.care_visit_figures, scope, town.city.code, p)
        live = on_the_primary(figures.care_live, scope, town.city.code, p)
        assert (after["care_visits_due"], after["care_visits_on_time"], after["care_overdue_now"]) == live
        # 赵桂兰 (weekly since 5-16) owes 6-25, missed; 刘伊蕊 was visited today: no longer overdue
        assert (before["care_visits_due"], before["care_overdue_now"]) == (4, 2)
        assert (after["care_visits_due"], after["care_visits_on_time"], after["care_overdue_now"]) == (5, 3, 1)


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestPages:
    def test_the_stats_endpoint_reads_its_figures_from_the_replica(self, town, api_client):
        client = api_client().login("head")
        with Seen() as seen:
            response = client.get("/api/v1/stats", area=town.community.code, **{"from": "2026-03-01",
                                                                                  "to": "2026-03-31"})
        assert response.status_code == 200, response.content
        assert seen.primary <= PRIMARY_TABLES and not seen.primary & FIGURE_TABLES, seen.primary
        assert {table(Case), table(Visit), table(Household)} <= seen.replica
        expected = on_the_primary(figures.compute, Scope.for_user(town.community_head), town.community.code, *MARCH)
        body = response.json()
        assert body == as_json(expected)
        assert body["cases_reported"] == 6

    def test_the_children_endpoint_too(self, town, api_client):
        client = api_client().login("city")
        with Seen() as seen:
            response = client.get("/api/v1/stats/children", area=town.city.code, **{"from": "2026-03-01",
                                                                                     "to": "2026-03-31"})
        assert response.status_code == 200
        assert seen.primary <= PRIMARY_TABLES and not seen.primary & FIGURE_TABLES, seen.primary
        expected = on_the_primary(figures.children, Scope.for_user(town.city_admin), town.city.code, *MARCH)
        assert response.json()["children"] == as_json(expected)

    def test_the_dashboard_reads_its_figures_from_the_replica(self, town):
        client = signed_in(town.community_head)
        with Seen() as seen:
            response = client.get(f"/stats/{town.community.code}/", {"from": "2026-03-01", "to": "2026-03-31"})
        assert response.status_code == 200
        assert seen.primary <= PRIMARY_TABLES and not seen.primary & FIGURE_TABLES, seen.primary
        assert {table(Case), table(CaseEvent), table(Visit), table(Need), table(Household)} <= seen.replica
        scope = Scope.for_user(town.community_head)
        totals = response.context["f"]
        assert totals == on_the_primary(figures.compute, scope, town.community.code, *MARCH)
        assert response.context["trend"] == on_the_primary(figures.monthly, scope, town.community.code, MARCH[1], 12)
        assert totals["cases_reported"] == 6

    def test_the_briefing_reads_the_replica_and_its_saved_draft_the_primary(self, town):
        client = signed_in(town.community_head)
        with Seen() as seen:
            response = client.get(f"/stats/{town.community.code}/briefing/", {"month": "2026-06"})
        assert response.status_code == 200
        assert table(BriefingDraft) in seen.primary  # an edit just saved is shown at once
        assert not (seen.primary - {table(BriefingDraft)}) & FIGURE_TABLES, seen.primary
        assert {table(Case), table(Activity), table(Visit)} <= seen.replica
        scope = Scope.for_user(town.community_head)
        doc = response.context["doc"]
        assert doc["text"] == on_the_primary(briefing.current, scope, town.community.code, "2026-06")["text"]
        assert doc["activities"]["kinds"] and "服务活动2场" in doc["text"]

    def test_inside_a_request_in_a_transaction_the_endpoint_reads_the_primary(self, town, api_client):
        """ATOMIC_REQUESTS, or a view in transaction.atomic(), keeps every read on the primary."""
        client = api_client().login("head")
        with Seen() as seen, transaction.atomic():
            response = client.get("/api/v1/stats", area=town.community.code)
        assert response.status_code == 200
        assert seen.replica == set()
        assert table(Case) in seen.primary
