"""Exports read their rows from the read replica and write their log to the primary
(docs/scaling.md, "Read replicas").

With a ``replica`` alias configured, every list export (cases, visits, activities, volunteers),
the dashboard's workbook, the briefing's document and the ledger export read the rows they write
from the replica connection; the export log (StatsExport), the ledger's export record and its
access log (SensitiveAccess) are written to the primary, and nothing is written through the
replica. A large export written by the background worker does the same. The file holds exactly
the rows of the same export read from the primary; inside a transaction everything stays there.

The replica alias is a TEST MIRROR of the test database (as in wangge/scale/tests/test_replica.py):
these tests commit and record which connection executes each query.
"""
from io import BytesIO

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from wangge.activities.models import Activity
from wangge.areas.models import Household
from wangge.cases.models import Case
from wangge.ledger.models import ExportRecord
from wangge.people.models import Resident, SensitiveAccess
from wangge.scale.tests.test_replica import replica  # noqa: F401 -- the TEST MIRROR alias, per class
from wangge.stats.models import StatsExport
from wangge.stats.tests.conftest import march  # noqa: F401 -- the hand-made March of cases and visits
from wangge.stats.tests.test_replica_reads import Seen, table
from wangge.stats.tests.test_service_figures import june  # noqa: F401 -- care, activities, volunteers
from wangge.testing import is_read, signed_in
from wangge.visits.models import Visit
from wangge.volunteers.models import Volunteer
from wangge.web import export_tasks

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
# Each list export and the table its rows come from.
LISTS = [
    ("/cases/export.xlsx", {"list": "all", **MARCH}, Case),
    ("/visits/export.xlsx", {"area": "220184001001", **MARCH}, Visit),
    ("/activities/export.xlsx", {"date_from": "2026-06-01", "date_to": "2026-06-30"}, Activity),
    ("/volunteers/export.xlsx", {}, Volunteer),
]


def rows_of(response) -> list[list]:
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"], response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(row) for row in load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True)]


def writes(statements) -> list[str]:
    return [sql for sql in statements if not is_read(sql)]


def inserts_into(model, queries) -> bool:
    return any(q["sql"].startswith(f'INSERT INTO "{table(model)}"') for q in queries)


@pytest.fixture
def town(seeded_transactional_db, city, march, june):  # noqa: F811
    return city


def primary_then_replica(client, method, url, params):
    """The export read from the primary (the request inside a transaction), then from the replica."""
    send = getattr(client, method)
    with Seen() as seen, transaction.atomic():
        on_primary = send(url, params)
    assert seen.replica == set()  # inside a transaction every read stays on the primary
    with Seen() as seen:
        on_replica = send(url, params)
    return on_primary, on_replica, seen


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestListExports:
    @pytest.mark.parametrize(("url", "params", "model"), LISTS)
    def test_a_list_export_reads_its_rows_from_the_replica_and_logs_on_the_primary(self, town, url, params, model):
        head = signed_in("head")
        on_primary, on_replica, seen = primary_then_replica(head, "get", url, params)
        rows = rows_of(on_replica)
        assert len(rows) > 1 and rows == rows_of(on_primary)
        assert table(model) in seen.replica and table(model) not in seen.primary, (seen.primary, seen.replica)
        assert inserts_into(StatsExport, seen._primary.captured_queries)
        assert writes(seen.replica_statements) == []
        assert StatsExport.objects.count() == 2

    def test_the_background_export_reads_the_replica_too(self, town, settings, tmp_path):
        settings.DATA_DIR = tmp_path / "data"
        settings.WANGGE_EXPORT_BACKGROUND_ROWS = 1
        head = signed_in("head")
        with Seen() as asked:
            response = head.get("/cases/export.xlsx", {"list": "all", **MARCH})
        assert response.status_code == 302
        assert table(Case) in asked.replica and table(Case) not in asked.primary  # counted on the replica
        assert inserts_into(DBTaskResult, asked._primary.captured_queries)  # queued on the primary
        token = response["Location"].split("/")[2]
        with Seen() as seen:
            assert export_tasks.run_export(token)["rows"] > 1
        assert table(Case) in seen.replica and table(Case) not in seen.primary
        assert inserts_into(StatsExport, seen._primary.captured_queries)
        assert writes(seen.replica_statements) == []
        downloaded = rows_of(head.get(f"/exports/{token}/download"))
        settings.WANGGE_EXPORT_BACKGROUND_ROWS = 10_000
        with transaction.atomic():
            direct = rows_of(head.get("/cases/export.xlsx", {"list": "all", **MARCH}))
        assert downloaded == direct

    def test_the_dashboard_workbook_reads_the_replica(self, town):
        head = signed_in("head")
        url = f"/stats/{town.community.code}/export.xlsx"
        on_primary, on_replica, seen = primary_then_replica(head, "get", url, {"from": "2026-03-01",
                                                                                "to": "2026-03-31"})
        assert rows_of(on_replica) == rows_of(on_primary)
        assert {table(Case), table(Visit), table(Household)} <= seen.replica
        assert not {table(Case), table(Visit), table(Household)} & seen.primary
        assert inserts_into(StatsExport, seen._primary.captured_queries)
        assert writes(seen.replica_statements) == []

    def test_the_briefing_document_reads_the_replica(self, town):
        head = signed_in("head")
        url = f"/stats/{town.community.code}/briefing/2026-06.doc"
        on_primary, on_replica, seen = primary_then_replica(head, "get", url, {})
        assert on_replica.status_code == 200 and on_replica.content == on_primary.content
        assert {table(Case), table(Activity), table(Visit)} <= seen.replica
        assert not {table(Case), table(Activity), table(Visit)} & seen.primary
        assert inserts_into(StatsExport, seen._primary.captured_queries)
        assert writes(seen.replica_statements) == []


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestLedgerExport:
    @pytest.mark.parametrize(("kind", "model"), [("residents", Resident), ("households", Household)])
    def test_the_ledger_export_reads_the_replica_and_logs_every_opening_on_the_primary(self, town, kind, model):
        head = signed_in("head")  # may reveal: a residents' export is in full, each resident logged
        on_primary, on_replica, seen = primary_then_replica(head, "post", "/ledger/export/", {"kind": kind,
                                                                                             "area": ""})
        rows = rows_of(on_replica)
        assert len(rows) > 3 and rows[2:] == rows_of(on_primary)[2:]  # below the title and the header
        assert table(model) in seen.replica and table(model) not in seen.primary, (seen.primary, seen.replica)
        assert inserts_into(ExportRecord, seen._primary.captured_queries)
        assert writes(seen.replica_statements) == []
        if kind == "residents":
            assert inserts_into(SensitiveAccess, seen._primary.captured_queries)
            first, second = ExportRecord.objects.order_by("pk")
            assert first.full and second.full and first.rows == second.rows == 2
            assert SensitiveAccess.objects.filter(reason__contains=f"第{second.pk}号").count() == 2
