"""Two people at once: the second change is refused, not lost; case numbers never repeat.
Real concurrency needs row locks, so these run on PostgreSQL (SQLite serialises writers anyway)."""
import threading

import pytest
from django.db import connection

from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import Case

pytestmark = [
    # Committed for real, from the seeded rows (a browser test before would defeat serialized rollback).
    pytest.mark.usefixtures("seeded_transactional_db"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are PostgreSQL's"),
]


def run_together(*jobs):
    """Run the jobs in threads released at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # the outcome under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_of_two_changes_from_the_same_version_one_wins_and_one_is_refused(city, make_case):
    case = make_case(status="reported")
    gw, head = (User.objects.get(username=u) for u in ("gw", "head"))
    results = run_together(
        lambda: services.accept_case(actor=gw, number=case.number, version=1),
        lambda: services.reject_case(actor=head, number=case.number, version=1, reason="重复上报"),
    )
    assert sorted(type(r).__name__ for r in results) == ["Case", "CaseVersionConflict"]
    case.refresh_from_db()
    assert case.version == 2 and case.events.count() == 1
    assert case.status == next(r for r in results if isinstance(r, Case)).status


def test_case_numbers_drawn_at_once_are_all_different(city):
    gw = User.objects.get(username="gw")
    data = {"title": "路灯不亮", "description": "小区门口路灯不亮", "category": "street_light", "source": "patrol",
            "area": "220184001001001"}
    results = run_together(*[lambda: services.report_case(actor=gw, data=data)] * 6)
    numbers = [r.number for r in results]
    assert len(set(numbers)) == 6, results
