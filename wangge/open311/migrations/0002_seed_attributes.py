"""Seed the questions a few categories ask through Open311; the city
administrator may change them in the admin. Together they use every datatype
of the spec, and two notices (variable false) that only inform the reporter."""
from django.db import migrations

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]

ATTRIBUTES = {
    # category: [(code, datatype, required, variable, description, datatype_description, values)]
    "roof_leak": [
        ("floor", "number", True, True, "漏水房间所在楼层", "填数字，如 5；地下室填 -1", []),
        ("anyone_in_danger", "singlevaluelist", True, True, "是否危及人身安全（如顶棚脱落、漏水漏电）", "", YES_NO),
        ("leaking_since", "datetime", False, True, "从什么时候开始漏水", "如 2026-11-29T09:30:00+08:00", []),
    ],
    "elevator": [
        ("trapped_notice", "string", False, False, "有人被困请立即拨打电梯内的应急电话或 96333", "", []),
        ("people_trapped", "singlevaluelist", True, True, "是否有人被困", "", YES_NO),
        ("lift", "string", True, True, "哪栋楼、哪部电梯", "如 3号楼 2单元东侧电梯", []),
    ],
    "noise": [
        ("periods", "multivaluelist", True, True, "噪声出现的时段", "可多选", [
            {"key": "morning", "name": "清晨（6—8时）"},
            {"key": "daytime", "name": "白天（8—18时）"},
            {"key": "evening", "name": "晚间（18—22时）"},
            {"key": "night", "name": "夜间（22—6时）"},
        ]),
        ("source", "text", False, True, "噪声来源", "如装修、广场舞、商铺音响、工地", []),
    ],
    "fire_hazard": [
        ("fire_notice", "string", False, False, "发现明火或有人员被困，请立即拨打 119", "", []),
        ("kinds", "multivaluelist", False, True, "隐患类型", "可多选", [
            {"key": "blocked_exit", "name": "堵塞消防通道或安全出口"},
            {"key": "extinguisher", "name": "灭火器缺失或过期"},
            {"key": "wiring", "name": "私拉乱接电线"},
            {"key": "flammables", "name": "楼道堆放易燃物"},
        ]),
    ],
}


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for code, attributes in ATTRIBUTES.items():
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        for order, (attr, datatype, required, variable, description, help_text, values) in enumerate(attributes, 1):
            ServiceAttribute.objects.update_or_create(
                category=category, code=attr,
                defaults={"order": order, "datatype": datatype, "required": required, "variable": variable,
                          "description": description, "datatype_description": help_text, "values": values},
            )


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial"), ("cases", "0002_seed_categories_and_routing")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
