"""Seed the category tree and the default routing rules every city starts with;
the city administrator may change both. Categories without a rule get
routing.FALLBACK (start at the grid, 5 working days)."""
from django.db import migrations

CATEGORIES = [
    # code, name, English, sub-classes (code, name, English)
    ("livelihood", "民生服务", "Livelihood services", [
        ("elderly_care", "养老助老", "Elderly care"),
        ("social_assistance", "社会救助", "Social assistance"),
        ("medical_health", "医疗健康", "Health care"),
        ("employment", "就业服务", "Employment services"),
        ("certificates", "证明办理", "Certificates and paperwork"),
    ]),
    ("infrastructure", "基础设施/工程", "Infrastructure and engineering", [
        ("road_damage", "道路破损", "Damaged road"),
        ("drainage", "排水不畅", "Blocked drainage"),
        ("street_light", "路灯损坏", "Broken street light"),
        ("water_supply", "供水问题", "Water supply"),
        ("heating", "供暖问题", "Heating"),
    ]),
    ("public_safety", "公共安全", "Public safety", [
        ("fire_hazard", "消防隐患", "Fire hazard"),
        ("ebike_charging", "电动车违规充电", "Unsafe e-bike charging"),
        ("manhole_cover", "井盖缺失破损", "Missing or broken manhole cover"),
        ("falling_objects", "高空坠物隐患", "Falling-object hazard"),
    ]),
    ("environment", "环境卫生", "Environment and sanitation", [
        ("garbage", "生活垃圾清运", "Household waste collection"),
        ("construction_waste", "建筑垃圾", "Construction waste"),
        ("sanitation_blackspot", "卫生死角", "Neglected dirty spot"),
        ("noise", "噪声扰民", "Noise nuisance"),
    ]),
    ("disputes", "矛盾纠纷", "Disputes", [
        ("neighbour_dispute", "邻里纠纷", "Neighbour dispute"),
        ("family_dispute", "家庭纠纷", "Family dispute"),
        ("property_dispute", "物业纠纷", "Dispute with property management"),
        ("wage_dispute", "劳资纠纷", "Wage dispute"),
    ]),
    ("property", "物业管理", "Property management", [
        ("roof_leak", "房屋漏水", "Leaking roof or walls"),
        ("unit_door", "单元门损坏", "Broken building entrance door"),
        ("corridor_light", "楼道灯损坏", "Broken stairwell light"),
        ("elevator", "电梯故障", "Lift breakdown"),
        ("parking", "停车秩序", "Parking order"),
    ]),
    ("other", "其他", "Other", []),
]

RULES = [
    # category, start level, working days, hours, suggested partner type
    ("public_safety", "grid", None, 8, "派出所、消防救援"),  # same day
    ("unit_door", "", 3, None, "物业企业"),  # small repairs
    ("corridor_light", "", 3, None, "物业企业"),
    ("street_light", "", 3, None, "市政维修单位"),
    ("infrastructure", "community", 13, None, "专业维修单位"),  # engineering: 大事不出社区
    ("disputes", "", 5, None, "人民调解、法律服务"),
    ("property", "", 5, None, "物业企业"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    RoutingRule = apps.get_model("cases", "RoutingRule")
    for order, (code, name, name_en, children) in enumerate(CATEGORIES, start=1):
        top, _created = Category.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10, "parent": None}
        )
        for sub_order, (sub_code, sub_name, sub_en) in enumerate(children, start=1):
            Category.objects.update_or_create(
                code=sub_code,
                defaults={"name": sub_name, "name_en": sub_en, "sort_order": order * 10 + sub_order, "parent": top},
            )
    for code, start_level, working_days, hours, partner_type in RULES:
        RoutingRule.objects.update_or_create(
            category=Category.objects.get(code=code), level="",
            defaults={"start_level": start_level, "working_days": working_days, "hours": hours,
                      "partner_type": partner_type},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
