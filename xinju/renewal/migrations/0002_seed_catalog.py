"""The item catalog as renewal.md lists it, with the works the programme's report names.

Data, not code: headquarters keeps it in the admin afterwards (a fourth category, new items,
items no longer offered). Quantities of items with an indicator roll up into the district's
reported figures, so those items use the indicator's unit.
"""

from django.db import migrations

CATEGORIES = [
    ("basic", "基础类", "满足安全需要和基本生活需求：市政配套基础设施和建筑物公共部位维修。", 10),
    ("improvement", "完善类", "满足生活便利需要和改善型生活需求：环境及配套设施、建筑节能改造、加装电梯等。", 20),
    ("upgrade", "提升类", "丰富社区服务供给、提升居民生活品质：公共服务设施和智慧化改造。", 30),
]

# (category, code, name, unit, indicator)
ITEMS = [
    ("basic", "water-supply", "供水管网改造", "km", "pipelines"),
    ("basic", "sewers", "排水管网及化粪池改造（疏通改造堵塞下水道）", "km", "pipelines"),
    ("basic", "rain-sewage-separation", "雨污分流改造", "km", "pipelines"),
    ("basic", "power-supply", "供电线路改造", "km", "pipelines"),
    ("basic", "telecom-fibre", "通信光纤改造", "km", "pipelines"),
    ("basic", "overhead-lines", "架空线缆规整及入地", "km", "pipelines"),
    ("basic", "gas", "燃气管道改造", "km", "pipelines"),
    ("basic", "heating", "供热管网改造", "km", "pipelines"),
    ("basic", "roads", "小区道路修缮", "m2", ""),
    ("basic", "fire-safety", "消防设施改造", "set", ""),
    ("basic", "security", "安防设施", "set", ""),
    ("basic", "waste-sorting", "垃圾分类设施", "unit", ""),
    ("basic", "roof-waterproofing", "屋面防水（顶层）", "m2", ""),
    ("basic", "external-walls", "外墙修缮", "m2", ""),
    ("basic", "stairwells", "楼道及院落整治", "building", ""),
    ("improvement", "wall-insulation", "外墙保温节能改造", "m2", ""),
    ("improvement", "lifts", "加装电梯", "lift", "lifts"),
    ("improvement", "illegal-structures", "拆除违法建设", "m2", ""),
    ("improvement", "greening", "绿化提升", "m2", ""),
    ("improvement", "lighting", "照明设施", "unit", ""),
    ("improvement", "accessibility", "适老化及无障碍设施", "set", ""),
    ("improvement", "parking", "停车位", "space", "parking"),
    ("improvement", "ev-charging", "汽车充电桩", "unit", "charging"),
    ("improvement", "ebike-charging", "电动自行车充电设施", "unit", "charging"),
    ("improvement", "parcel-boxes", "智能快件箱及信报箱", "set", ""),
    ("improvement", "play-area", "儿童游乐场地（滑梯等）", "m2", "leisure"),
    ("improvement", "paths", "步行道", "m", ""),
    ("improvement", "benches", "休闲座椅", "unit", ""),
    ("improvement", "fitness", "文化休闲及健身场地", "m2", "leisure"),
    ("improvement", "property-rooms", "物业管理用房", "unit", "facilities"),
    ("upgrade", "service-centre", "社区综合服务站", "unit", "facilities"),
    ("upgrade", "health-station", "卫生服务站", "unit", "facilities"),
    ("upgrade", "kindergarten", "幼儿园", "unit", "facilities"),
    ("upgrade", "smart-access", "楼栋智能门禁", "set", ""),
    ("upgrade", "perimeter", "智能安防及周界防护", "set", ""),
    ("upgrade", "elderly-care", "养老服务设施", "unit", "facilities"),
    ("upgrade", "childcare", "托育设施", "unit", "facilities"),
    ("upgrade", "meal-assistance", "助餐点", "unit", "facilities"),
    ("upgrade", "housekeeping", "家政服务网点", "unit", "facilities"),
    ("upgrade", "convenience-store", "便利店及便民市场", "unit", "facilities"),
    ("upgrade", "parcel-station", "快递驿站", "unit", "facilities"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("renewal", "Category")
    CatalogItem = apps.get_model("renewal", "CatalogItem")
    cats = {}
    for code, name, description, order in CATEGORIES:
        cats[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )
    for n, (cat, code, name, unit, indicator) in enumerate(ITEMS, start=1):
        CatalogItem.objects.get_or_create(
            code=code,
            defaults={
                "category": cats[cat],
                "name": name,
                "unit": unit,
                "indicator": indicator,
                "order": n * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("renewal", "CatalogItem").objects.filter(
        code__in=[i[1] for i in ITEMS]
    ).delete()
    apps.get_model("renewal", "Category").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("renewal", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
