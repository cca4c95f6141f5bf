"""The county code on cases, their events, photos and notifications (docs/scaling.md, "4. Citus by county").

Added empty, filled (cases from their area code, ``substr(area_code, 1, 6)``;
events, photos and notifications from their case, a notification without a
case from its recipient's first post) and made NOT NULL. Case numbers and
tracking codes become unique with the county, and so do a case's event
numbers; the unique indexes lead with the old key, so the lookups by number,
by tracking code and by case keep using them. A CHECK keeps a case's county
equal to its area code's first 6 digits. Reversible: going back drops the
column and restores the old keys.
"""
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.update(county_code=Substr("area_code", 1, 6))
    of_case = Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("county_code")[:1])
    for name in ("CaseEvent", "CasePhoto"):
        apps.get_model("cases", name).objects.update(county_code=of_case)
    Notification = apps.get_model("cases", "Notification")
    Notification.objects.filter(case__isnull=False).update(county_code=of_case)
    first_post = apps.get_model("accounts", "Post").objects.filter(user_id=OuterRef("user_id")).order_by("area_code")
    Notification.objects.filter(case__isnull=True).update(
        county_code=Coalesce(Substr(Subquery(first_post.values("area_code")[:1]), 1, 6), Value(""))
    )


def county(null):
    return models.CharField(editable=False, max_length=6, null=null, verbose_name="区县代码")


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_figure_period_indexes"), ("accounts", "0001_initial")]

    operations = [
        migrations.AddField(model_name="case", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="caseevent", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="casephoto", name="county_code", field=county(null=True)),
        migrations.AddField(model_name="notification", name="county_code", field=county(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="case", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="caseevent", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="casephoto", name="county_code", field=county(null=False)),
        migrations.AlterField(model_name="notification", name="county_code", field=county(null=False)),
        migrations.AlterField(
            model_name="case", name="number", field=models.CharField(editable=False, max_length=20, verbose_name="编号"),
        ),
        migrations.AlterField(
            model_name="case", name="tracking",
            field=models.CharField(editable=False, max_length=12, verbose_name="查询码"),
        ),
        migrations.RemoveConstraint(model_name="caseevent", name="case_event_unique_seq"),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.UniqueConstraint(fields=("case", "seq", "county_code"), name="case_event_unique_seq"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("number", "county_code"), name="case_unique_number"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=("tracking", "county_code"), name="case_unique_tracking"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=Q(county_code=Substr("area_code", 1, 6)), name="case_county_of_area"
            ),
        ),
    ]
