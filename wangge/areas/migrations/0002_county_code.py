"""The county code on buildings and households (docs/scaling.md, "4. Citus by county").

The column is added empty, filled in one UPDATE per table from the area code
(``substr(area_code, 1, 6)``, on SQLite and PostgreSQL alike), then made NOT
NULL; the unique keys take it in, and a CHECK keeps it equal to the area
code's first 6 digits. Reversible: going back drops the column and restores
the keys without it.
"""
from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Substr


def fill(apps, schema_editor):
    for name in ("Building", "Household"):
        apps.get_model("areas", name).objects.update(county_code=Substr("area_code", 1, 6))


def county(null):
    return models.CharField(editable=False, max_length=6, null=null, verbose_name="区县代码")


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]

    operations = [
        migrations.AddField(model_name="building", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="household", name="county_code", field=county(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="building", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="household", name="county_code", field=county(null=False)),
        migrations.RemoveConstraint(model_name="building", name="building_unique_name_in_estate"),
        migrations.RemoveConstraint(model_name="household", name="household_unique_room_in_building"),
        migrations.AddConstraint(
            model_name="building",
            constraint=models.UniqueConstraint(
                fields=("grid", "estate", "name", "county_code"), name="building_unique_name_in_estate"
            ),
        ),
        migrations.AddConstraint(
            model_name="building",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="building_county_of_area"
            ),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.UniqueConstraint(
                fields=("building", "unit", "room", "county_code"), name="household_unique_room_in_building"
            ),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="household_county_of_area"
            ),
        ),
    ]
