"""Trigram indexes on the spaced name and address, for 2-character searches on PostgreSQL (docs/performance.md).

The trigram indexes of 0003 cannot answer ``name LIKE '%张斌%'``: two characters hold no trigram,
so a city-wide search by a 2-character name read every resident (p95 2.2 s at a million). These
indexes are built on the text with a filler letter after every character,
``regexp_replace(name, '(.)', '\\1x', 'g')`` (张斌 → 张x斌x): there two characters make two
trigrams (``张x斌``, ``x斌x``). ``search_residents`` asks a 2-character query of that same
expression and keeps the plain ``LIKE`` beside it as the exact check (people.selectors.spaced_form).
``regexp_replace`` is IMMUTABLE, so it can be indexed.

The address gets one too: 2-character address fragments are real queries (an estate by its short
name, 永兴 for 永兴小区), and a union whose address half has no index reads every household.

PostgreSQL only: on SQLite (and any other database) both operations do nothing. ANALYZE gives the
planner statistics of the new expressions (it keeps them only for indexed expressions).
"""
from django.db import migrations

SPACED = r"regexp_replace({column}, '(.)', '\1x', 'g')"
INDEXES = [
    ("people_resident_name_spaced_trgm", "people_resident", "name"),
    ("people_household_address_spaced_trgm", "areas_household", "address"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        expression = SPACED.format(column=column)
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)")
        schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_county_code"), ("areas", "0001_initial")]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
