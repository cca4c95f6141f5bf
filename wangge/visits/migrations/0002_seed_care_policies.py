"""Seed the care-visit frequencies from published practice (关爱走访): 独居老人 and
高龄老人 at least weekly; 空巢老人, 残疾人, 低保户, 严重精神障碍患者 and 留守儿童 at
least monthly; 老党员 monthly and on 七一 and the Spring Festival. The city
administrator may change them; a tag missing from the list has no policy."""
from django.db import migrations

POLICIES = [
    # tag code, interval days, fixed dates
    ("living_alone", 7, []),
    ("elderly_80", 7, []),
    ("empty_nest", 30, []),
    ("disabled", 30, []),
    ("low_income", 30, []),
    ("severe_mental_illness", 30, []),
    ("left_behind_child", 30, []),
    ("old_party_member", 30, ["07-01", "spring_festival"]),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    CarePolicy = apps.get_model("visits", "CarePolicy")
    for code, interval, fixed in POLICIES:
        tag = Tag.objects.filter(code=code).first()
        if tag is not None:
            CarePolicy.objects.update_or_create(tag=tag, defaults={"interval_days": interval, "fixed_dates": fixed})


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
