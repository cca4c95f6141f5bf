"""Seed the key-population tags (重点人群) every city starts with; the city administrator may add more."""
from django.db import migrations

TAGS = [
    # code, name, English, derived from age (years), sort order
    ("living_alone", "独居老人", "Elderly living alone", None, 10),
    ("empty_nest", "空巢老人", "Empty-nest elderly", None, 20),
    ("elderly_80", "高龄老人", "Very old (80+)", 80, 30),
    ("disabled", "残疾人", "Person with disability", None, 40),
    ("low_income", "低保户", "Minimum-subsistence household", None, 50),
    ("veteran", "退役军人", "Veteran", None, 60),
    ("old_party_member", "老党员", "Veteran party member", None, 70),
    ("left_behind_child", "留守儿童", "Left-behind child", None, 80),
    ("severe_mental_illness", "严重精神障碍患者", "Person with severe mental illness", None, 90),
]


def seed(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for code, name, name_en, min_age, order in TAGS:
        Tag.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "min_age": min_age, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
