"""The county code on visits and care reminders (docs/scaling.md, "4. Citus by county").

Added empty, filled (visits from their area code, ``substr(area_code, 1, 6)``;
reminders from their resident) and made NOT NULL. ``client_id`` becomes
unique with the county and the reminders' once-only key takes it in; a CHECK
keeps a visit's county equal to its area code's first 6 digits. The unique
indexes lead with the old key, so the lookups by it keep using them.
Reversible: going back drops the column and restores the old keys.
"""
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr


def fill(apps, schema_editor):
    apps.get_model("visits", "Visit").objects.update(county_code=Substr("area_code", 1, 6))
    Resident = apps.get_model("people", "Resident")
    apps.get_model("visits", "CareReminder").objects.update(
        county_code=Subquery(Resident.objects.filter(pk=OuterRef("resident_id")).values("county_code")[:1])
    )


def county(null):
    return models.CharField(editable=False, max_length=6, null=null, verbose_name="区县代码")


class Migration(migrations.Migration):
    dependencies = [("visits", "0002_seed_care_policies"), ("people", "0004_county_code")]

    operations = [
        migrations.AddField(model_name="visit", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="carereminder", name="county_code", field=county(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="visit", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="carereminder", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="visit", name="client_id", field=models.UUIDField(verbose_name="客户端编号")),
        migrations.RemoveConstraint(model_name="carereminder", name="care_reminder_once"),
        migrations.AddConstraint(
            model_name="carereminder",
            constraint=models.UniqueConstraint(
                fields=("resident", "due_on", "stage", "county_code"), name="care_reminder_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.UniqueConstraint(fields=("client_id", "county_code"), name="visit_unique_client_id"),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="visit_county_of_area"
            ),
        ),
    ]
