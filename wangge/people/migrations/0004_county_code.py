"""The county code on residents, their tags and the access log (docs/scaling.md, "4. Citus by county").

- Resident.tags gets a link model of its own, ResidentTag, on the same table
  (``people_resident_tags``): Django's automatic link table cannot carry a
  column more. Only the state changes for that; the table stays as it is.
- ``county_code`` is added empty, filled (residents and the log from their
  area code, ``substr(area_code, 1, 6)``; tags from their resident) and made
  NOT NULL.
- The ID number is unique with the county, (id_number, county_code), the key
  a table distributed by county can enforce; the services still refuse a
  number registered anywhere in the install (people.selectors.by_id_numbers).
  The unique index leads with id_number, so lookups by the number alone keep
  using it. A CHECK keeps the county equal to the area code's first 6 digits.

Reversible: going back drops the column and restores the old keys.
"""
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr


def fill(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    for name in ("Resident", "SensitiveAccess"):
        apps.get_model("people", name).objects.update(county_code=Substr("area_code", 1, 6))
    apps.get_model("people", "ResidentTag").objects.update(
        county_code=Subquery(Resident.objects.filter(pk=OuterRef("resident_id")).values("county_code")[:1])
    )


def county(null):
    return models.CharField(editable=False, max_length=6, null=null, verbose_name="区县代码")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_trigram_search")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResidentTag",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("resident", models.ForeignKey(on_delete=models.deletion.CASCADE, to="people.resident")),
                        ("tag", models.ForeignKey(on_delete=models.deletion.CASCADE, to="people.tag")),
                    ],
                    options={
                        "verbose_name": "居民重点人群",
                        "verbose_name_plural": "居民重点人群",
                        "db_table": "people_resident_tags",
                        # As Django made the automatic table: dropped below, in the database too.
                        "unique_together": {("resident", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="resident",
                    name="tags",
                    field=models.ManyToManyField(blank=True, related_name="residents", through="people.ResidentTag",
                                                 to="people.tag", verbose_name="重点人群"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(model_name="resident", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="sensitiveaccess", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="residenttag", name="county_code", field=county(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="resident", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="sensitiveaccess", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="residenttag", name="county_code", field=county(null=False)),
        migrations.AlterField(
            model_name="resident", name="id_number",
            field=models.CharField(max_length=18, verbose_name="居民身份证号"),
        ),
        migrations.AlterUniqueTogether(name="residenttag", unique_together=set()),
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.UniqueConstraint(fields=("id_number", "county_code"), name="resident_unique_id_number"),
        ),
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="resident_county_of_area"
            ),
        ),
        migrations.AddConstraint(
            model_name="residenttag",
            constraint=models.UniqueConstraint(fields=("resident", "tag", "county_code"), name="resident_tag_unique"),
        ),
        migrations.AddConstraint(
            model_name="sensitiveaccess",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="sensitive_access_county_of_area"
            ),
        ),
    ]
