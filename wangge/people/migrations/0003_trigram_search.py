"""Trigram indexes for resident search by name or address on PostgreSQL (docs/performance.md).

``search_residents`` matches a name or an address anywhere in the text (``LIKE '%…%'``), which
no B-tree index serves: without these indexes every search by name reads the whole table
(≈ 0.4 s at 300,000 residents). A ``pg_trgm`` GIN index answers such a ``LIKE`` from the
index for a query of 3 characters or more. Search by pinyin and initials is a prefix
match, served by the ``varchar_pattern_ops`` indexes Django already creates for those columns.

PostgreSQL only: on SQLite (and any other database) both operations do nothing. The
address index is on ``areas_household``, the table the search joins; it is made here
because the search is this app's.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("people_resident_name_trgm", "people_resident", "name"),
    ("people_household_address_trgm", "areas_household", "address"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_seed_tags"), ("areas", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
