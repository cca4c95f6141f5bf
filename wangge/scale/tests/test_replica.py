"""Read replicas (docs/scaling.md): with a ``replica`` alias configured, what reads through
``wangge.db.reading()`` goes to the replica, every write goes to the primary, and migrations run on
the primary only; with no replica, ``reading()`` is the primary.

In these tests the replica alias is the test database itself, as Django's ``TEST: {"MIRROR":
"default"}`` makes it: a second connection that sees what the primary has committed (so the tests
that use it commit, like a real replica). On PostgreSQL that connection is read-only, as settings
make every replica connection.
"""
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from wangge.areas.models import Household
from wangge.db import PrimaryReplicaRouter, reading
from wangge.people.models import Resident, Tag
from wangge.testing import area, household, resident

ROOT = Path(__file__).resolve().parents[3]


def settings_with(**env) -> dict:
    """wangge.settings' databases and routers, loaded in a fresh process with this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'databases': settings.DATABASES, 'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    environ.update(DJANGO_SETTINGS_MODULE="wangge.settings", **env)
    out = subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


class TestSettings:
    def test_a_replica_url_adds_a_read_only_replica_alias_mirrored_in_tests(self):
        loaded = settings_with(DATABASE_URL="postgres://wangge@primary.example:5432/wangge",
                               DATABASE_REPLICA_URL="postgres://wangge@replica.example:5432/wangge")
        replica = loaded["databases"]["replica"]
        assert loaded["databases"]["default"]["HOST"] == "primary.example"
        assert replica["HOST"] == "replica.example"
        assert replica["ENGINE"] == "django.db.backends.postgresql"
        assert replica["TEST"]["MIRROR"] == "default"
        assert "default_transaction_read_only=on" in replica["OPTIONS"]["options"]
        assert loaded["routers"] == ["wangge.db.PrimaryReplicaRouter"]

    def test_without_a_replica_url_there_is_only_the_primary(self):
        loaded = settings_with(DATABASE_URL="postgres://wangge@primary.example:5432/wangge")
        assert list(loaded["databases"]) == ["default"]
        assert loaded["routers"] == ["wangge.db.PrimaryReplicaRouter"]


class TestWithoutReplica:
    @pytest.mark.django_db
    def test_reading_is_the_primary(self):
        assert "replica" not in connections.settings
        assert reading() == "default"

    @pytest.mark.django_db(transaction=True)
    def test_reading_is_the_primary_outside_a_transaction_too(self):
        assert reading() == "default"

    def test_the_router_writes_and_migrates_on_the_primary_only(self):
        router = PrimaryReplicaRouter()
        assert router.db_for_write(Resident) == "default"
        assert router.db_for_read(Resident) is None
        assert router.allow_migrate("default", "people") is True
        assert router.allow_migrate("replica", "people") is False


@pytest.fixture(scope="class")
def replica(django_db_setup, django_db_blocker):
    """A ``replica`` alias on the test database, set up as Django sets up a TEST MIRROR: the
    primary's connection settings (its test database name included), read-only on PostgreSQL.
    Removed again after the class, so no other test sees it."""
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings["TEST"] = {**settings["TEST"], "MIRROR": "default"}
    if settings["ENGINE"] == "django.db.backends.postgresql":
        settings["OPTIONS"] = {**settings["OPTIONS"], "options": "-c default_transaction_read_only=on"}
    connections.settings["replica"] = settings
    yield "replica"
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
class TestWithReplica:
    @pytest.fixture
    def grid_household(self):
        area("229998", "测试市")
        area("229998001", "测试街道")
        area("229998001001", "测试社区")
        grid = area("229998001001001", "测试网格")
        return household(grid, "101")

    def test_reading_is_the_replica(self):
        assert reading() == "replica"

    def test_inside_a_transaction_reading_is_the_primary_that_holds_its_writes(self):
        with transaction.atomic():
            Tag.objects.create(code="replica-test", name="副本测试")
            assert reading() == "default"
            assert Tag.objects.using(reading()).filter(code="replica-test").exists()
        assert reading() == "replica"

    def test_reads_through_the_helper_go_to_the_replica(self, grid_household):
        resident("刘伊蕊", grid_household)
        with queries_on("default") as primary, queries_on("replica") as replica:
            found = list(Resident.objects.using(reading()).filter(name="刘伊蕊"))
        assert [r.name for r in found] == ["刘伊蕊"]
        assert found[0]._state.db == "replica"
        assert len(replica) == 1 and "people_resident" in replica[0]["sql"]
        assert len(primary) == 0

    def test_related_rows_of_a_replica_row_are_read_from_the_replica(self, grid_household):
        resident("刘伊蕊", grid_household)
        found = Resident.objects.using(reading()).get(name="刘伊蕊")
        with queries_on("default") as primary, queries_on("replica") as replica:
            assert found.household.room == "101"
        assert len(replica) == 1 and len(primary) == 0

    def test_reads_without_the_helper_stay_on_the_primary(self, grid_household):
        resident("刘伊蕊", grid_household)
        with queries_on("default") as primary, queries_on("replica") as replica:
            assert Resident.objects.filter(name="刘伊蕊").count() == 1
        assert len(primary) == 1 and len(replica) == 0

    def test_a_row_read_from_the_replica_is_saved_to_the_primary(self, grid_household):
        resident("刘伊蕊", grid_household)
        found = Resident.objects.using(reading()).get(name="刘伊蕊")
        found.note = "独居，每周探访"
        with queries_on("default") as primary, queries_on("replica") as replica:
            found.save()
        assert any(q["sql"].startswith("UPDATE") for q in primary)
        assert len(replica) == 0
        assert found._state.db == "default"
        assert Resident.objects.get(pk=found.pk).note == "独居，每周探访"

    def test_creates_and_deletes_go_to_the_primary(self):
        with queries_on("default") as primary, queries_on("replica") as replica:
            tag = Tag.objects.create(code="replica-test", name="副本测试")
            Tag.objects.using(reading()).get(code="replica-test").delete()
        assert tag._state.db == "default"
        assert any(q["sql"].startswith("INSERT") for q in primary)
        assert any(q["sql"].startswith("DELETE") for q in primary)
        assert all(q["sql"].startswith("SELECT") for q in replica)
        assert not Tag.objects.filter(code="replica-test").exists()

    def test_a_replica_row_may_be_related_to_a_primary_row(self, grid_household):
        from_replica = Household.objects.using(reading()).get(pk=grid_household.pk)
        new = resident("王建国", from_replica, gender="M")
        assert new._state.db == "default"
        assert Resident.objects.get(pk=new.pk).household_id == grid_household.pk

    def test_migrations_run_on_the_primary_only(self):
        from django.db import router

        assert router.allow_migrate_model("default", Resident) is True
        assert router.allow_migrate_model("replica", Resident) is False

    def test_the_replica_connection_refuses_writes_on_postgresql(self):
        if connections["replica"].vendor != "postgresql":
            pytest.skip("read-only replica connections are a PostgreSQL setting")
        with pytest.raises(DatabaseError, match="read-only"):
            Tag.objects.using("replica").create(code="replica-test", name="副本测试")
