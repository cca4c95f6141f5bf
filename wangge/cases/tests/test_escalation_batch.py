"""The escalation job in batches gives exactly what escalating one case at a time gives:
the same status, level, office, owner, deadline, version and counts on the case, one
event with the same fields, and the same notifications; it escalates each overdue
case once however often it runs; and a case someone else holds is taken afterwards
on the per-case path, which leaves it alone if that someone changed it."""
import datetime
import itertools
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case, CaseEvent, Notification
from wangge.cases.states import ACTIVE

PAST = timezone.now() - datetime.timedelta(days=2)
# Working days (other), clock hours (fire_hazard: public safety),
# and engineering (road_damage: infrastructure, 13 working days).
CATEGORIES = ("other", "fire_hazard", "road_damage")
IGNORED = {"id", "number", "tracking", "reported_at", "updated_at", "deadline"}


def owners(city, level, grid):
    """Who may hold a case at a level: its office, a person, a partner by name (in the
    other street, whose offices have no staff, only the office)."""
    if grid != city.grid:
        return [{}]
    person = {"grid": city.grid_worker, "community": city.community_head, "street": city.street_staff}[level]
    return [{}, {"owner_user": person}, {"partner": "京华物业"}]


def build_overdue_set(city, make_case):
    """One overdue case for every active status × level below the city × owner × category,
    in both streets' grids."""
    cases = []
    for status, level, category, grid in itertools.product(
        sorted(ACTIVE), ("grid", "community", "street"), CATEGORIES, (city.grid, city.other_grid)
    ):
        for owner in owners(city, level, grid):
            case = make_case(status=status, level=level, category=category, grid=grid, deadline=PAST,
                             owner_user=owner.get("owner_user"))
            if owner.get("partner"):
                Case.objects.filter(pk=case.pk).update(owner_kind="partner", owner_partner=owner["partner"])
            cases.append(case)
    return cases


def row(case: Case) -> dict:
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if f.attname not in IGNORED}


def event_row(event: CaseEvent) -> dict:
    return {f.attname: getattr(event, f.attname) for f in CaseEvent._meta.concrete_fields
            if f.attname not in {"id", "case_id", "created_at"}}


def notices(case: Case) -> list:
    return sorted((n.user_id, n.text.replace(case.number, "<number>")) for n in Notification.objects.filter(case=case))


@pytest.fixture
def pairs(city, staff, make_case):
    """Twin sets of the same overdue cases: the first for the per-case path, the second for the batch."""
    return list(zip(build_overdue_set(city, make_case), build_overdue_set(city, make_case), strict=True))


def test_the_batch_escalates_exactly_as_the_per_case_path(pairs, make_case, city):
    left_alone = [
        make_case(status="accepted", level="city", deadline=PAST),  # nowhere higher to go
        make_case(status="handled", deadline=PAST),  # waits for the check: not overdue work
        make_case(status="in_progress"),  # on time
    ]
    for one, _twin in pairs:
        services._escalate_one(one.number, one.version)
    # The per-case path gave the first set new deadlines; only the twins are overdue now.
    escalated = services.escalate_overdue(batch_size=7)  # several batches

    assert sorted(escalated) == sorted(twin.number for _one, twin in pairs)
    for one, twin in pairs:
        one.refresh_from_db()
        twin.refresh_from_db()
        assert row(twin) == row(one), one.number
        if one.category.code == "fire_hazard":  # clock hours from the moment of escalation
            assert abs(twin.deadline - one.deadline) < datetime.timedelta(minutes=1)
        else:  # the end of a working day
            assert twin.deadline == one.deadline
        assert twin.deadline > timezone.now()
        assert [event_row(e) for e in twin.events.all()] == [event_row(e) for e in one.events.all()]
        assert notices(twin) == notices(one)
    # What the table says escalation means, on a few of them.
    one = next(c for c, _t in pairs  # from the community office to the street's
               if (c.status, c.level, c.owner_kind, c.grid_id) == ("reported", "street", "office", city.grid.pk))
    assert (one.level, one.status, one.owner_kind, one.owner_area.code, one.escalated_count, one.version) == (
        "street", "reported", "office", one.area_code[:9], 1, 2)
    event = one.events.get()
    assert (event.actor_id, event.actor_label, event.action, event.note, event.seq) == (
        None, "系统", "escalate", "超期自动升级", 2)
    assert notices(one) == [(city.street_staff.pk, f"诉求 <number>「{one.title}」：升级（超期自动升级）")]
    heard = {n.user.username for _c, t in pairs for n in Notification.objects.filter(case=t)}
    assert heard == {"head", "cs", "street", "city"}  # offices with staff (the other street has none)
    for case in left_alone:
        assert Case.objects.get(pk=case.pk).version == 1


def test_running_twice_escalates_once(city, make_case):
    cases = [make_case(status=s, deadline=PAST) for s in sorted(ACTIVE)]
    assert sorted(services.escalate_overdue()) == sorted(c.number for c in cases)
    assert services.escalate_overdue() == []
    for case in cases:
        case.refresh_from_db()
        assert (case.level, case.version, case.escalated_count, case.events.count()) == ("community", 2, 1, 1)


def test_a_case_whose_new_deadline_has_passed_by_the_next_batch_goes_up_once_per_run(city, make_case):
    """Only cases overdue when the run started are taken: a zero time limit cannot carry a case
    from the grid to the city in one run."""
    from wangge.cases.models import RoutingRule

    RoutingRule.objects.create(level="", category=None, hours=0)  # "other" has no rule of its own
    case = make_case(status="in_progress", deadline=PAST)
    assert services.escalate_overdue(batch_size=1) == [case.number]
    case.refresh_from_db()
    assert (case.level, case.escalated_count) == ("community", 1)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's")
@pytest.mark.usefixtures("seeded_transactional_db")
class TestSomeoneElseHoldsACase:
    """The batch skips a locked case; the per-case path then waits for it and compares versions."""

    def run(self, city, make_case, holder_work):
        others = [make_case(status="in_progress", deadline=PAST) for _i in range(5)]
        held = make_case(status="in_progress", owner_user=city.grid_worker, deadline=PAST)
        locked, release, result = threading.Event(), threading.Event(), {}

        def holder():
            try:
                with transaction.atomic():
                    Case.objects.select_for_update().get(pk=held.pk)
                    locked.set()
                    release.wait(10)
                    holder_work(held)
            finally:
                connection.close()

        def job():
            try:
                result["escalated"] = services.escalate_overdue()
            finally:
                connection.close()

        threads = [threading.Thread(target=holder)]
        threads[0].start()
        assert locked.wait(10)
        threads.append(threading.Thread(target=job))
        threads[1].start()
        # Once the batches are committed (the others escalated), the job is at the held case.
        deadline = time.monotonic() + 20
        while Case.objects.filter(pk__in=[c.pk for c in others], version=2).count() < len(others):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        release.set()
        for thread in threads:
            thread.join(30)
        held.refresh_from_db()
        return others, held, result["escalated"]

    def test_an_unchanged_case_is_escalated_after_the_lock_is_released(self, city, make_case):
        others, held, escalated = self.run(city, make_case, lambda case: None)
        assert escalated == [c.number for c in others] + [held.number]
        assert (held.level, held.version, held.events.get().actor_label) == ("community", 2, "系统")

    def test_a_case_changed_meanwhile_is_left_for_the_next_run(self, city, make_case):
        gw = User.objects.get(username="gw")

        def escalate_by_hand(case):
            services.escalate_case(actor=gw, number=case.number, version=1, reason="需要社区协调")

        others, held, escalated = self.run(city, make_case, escalate_by_hand)
        assert escalated == [c.number for c in others]
        assert (held.level, held.version) == ("community", 2)
        assert [e.actor_id for e in held.events.all()] == [gw.pk]
