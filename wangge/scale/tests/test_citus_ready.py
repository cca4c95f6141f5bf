"""Is the schema ready to be distributed by county (Citus, docs/scaling.md)?

For each large table: does it carry the county code (the first 6 digits of an
area code) in a column of its own, and does each of its unique keys include
that column? Citus can only enforce a unique key that contains the
distribution column, and co-locates rows (so joins stay on one node) only when
related tables are distributed by the same value.

Every large table carries ``county_code`` (kept right by wangge.areas.county,
checked in test_county_code.py), and its unique keys include it:
``id_number``, ``number``, ``tracking`` and ``client_id`` are unique with the
county in the database, and unique in the whole install by the services.
Primary keys are still ``id`` alone (docs/scaling.md, what remains).
"""
from django.apps import apps
from django.db import models

# The tables that grow with the population or with time (rows per million residents, roughly, per year).
LARGE = [
    "people.Resident",          # 1,000,000
    "people.Resident_tags",     # ~300,000
    "areas.Household",          # 420,000
    "areas.Building",           # 13,000
    "cases.Case",               # 330,000 a year
    "cases.CaseEvent",          # 2,500,000 a year
    "cases.Notification",
    "cases.CasePhoto",
    "people.SensitiveAccess",
    "visits.Visit",
    "visits.CareReminder",
]
COUNTY_COLUMNS = ("county_code",)


def _model(label: str):
    if label == "people.Resident_tags":
        return apps.get_model("people", "Resident").tags.through
    return apps.get_model(label)


def gaps() -> dict[str, list[str]]:
    """What keeps each large table from being distributed by county."""
    found: dict[str, list[str]] = {}
    for label in LARGE:
        model = _model(label)
        problems = []
        columns = {f.column for f in model._meta.concrete_fields}
        county = next((c for c in COUNTY_COLUMNS if c in columns), None)
        if county is None:
            carrier = "area_code" if "area_code" in columns else "nothing"
            problems.append(f"no county_code column (carries {carrier})")
        uniques = [[model._meta.get_field(n).column for n in c.fields]
                   for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
        uniques += [[f.column] for f in model._meta.concrete_fields if f.unique and not f.primary_key]
        for key in uniques:
            if county is None or county not in key:
                problems.append(f"unique key without the county: ({', '.join(key)})")
        if problems:
            found[label] = problems
    return found


def test_the_large_tables_are_listed_and_exist():
    for label in LARGE:
        assert _model(label)._meta.db_table


def test_every_large_table_carries_the_county_code_in_its_unique_keys():
    assert gaps() == {}
