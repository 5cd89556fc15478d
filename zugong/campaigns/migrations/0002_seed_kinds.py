"""The kinds of demonstration the county runs, with the 党组织类别 whose organizations fit each.

The 组织部 edits this table afterwards (new kinds, other categories); see docs/campaigns.md.
"""

from django.db import migrations

# org_category codes (zugong/core/seed_data.py): 01 农村（行政村） 02 城市社区 03 机关 04 事业单位
# 05 学校 06 医院 08 非公有制企业 09 社会组织.
KINDS = [
    ("village", "农村党建示范村", "", ["01"], "以行政村党组织为创建对象。"),
    ("community", "示范社区", "“4310”工程", ["02"], "以城市社区党组织为创建对象。"),
    ("fine_estate", "精品小区", "“4310”工程", ["02"], "以社区党组织及其小区（网格）党支部、党小组为创建对象。"),
    ("standard_estate", "标准小区", "“4310”工程", ["02"], "以社区党组织及其小区（网格）党支部、党小组为创建对象。"),
    ("organ_general", "模范机关（综合）", "模范机关", ["03"], "党政综合部门机关党组织。"),
    ("organ_enforcement", "模范机关（执法）", "模范机关", ["03"], "行政执法部门机关党组织。"),
    ("organ_window", "模范机关（窗口）", "模范机关", ["03", "04"], "窗口服务单位党组织。"),
    ("organ_education", "模范机关（教育）", "模范机关", ["03", "05"], "教育系统机关和学校党组织。"),
    ("organ_health", "模范机关（卫健）", "模范机关", ["03", "04", "06"], "卫健系统机关和医疗卫生单位党组织。"),
    ("new_park", "两新党建示范点（园区）", "两新党建示范点", ["08", "09"], "园区非公企业和社会组织党组织。"),
    ("new_district", "两新党建示范点（商圈）", "两新党建示范点", ["08", "09"], "商圈非公企业和社会组织党组织。"),
    ("new_market", "两新党建示范点（市场）", "两新党建示范点", ["08", "09"], "专业市场非公企业和社会组织党组织。"),
    ("new_sector", "两新党建示范点（行业）", "两新党建示范点", ["08", "09"], "行业党组织和社会组织党组织。"),
]  # fmt: skip


def seed(apps, schema_editor):
    Kind = apps.get_model("campaigns", "CampaignKind")
    CodeItem = apps.get_model("core", "CodeItem")
    for i, (code, name, group, categories, description) in enumerate(KINDS):
        kind, _ = Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "description": description,
                "sort_order": (i + 1) * 10,
            },
        )
        kind.org_categories.set(
            CodeItem.objects.filter(table__code="org_category", code__in=categories)
        )


def unseed(apps, schema_editor):
    Kind = apps.get_model("campaigns", "CampaignKind")
    Kind.objects.filter(code__in=[k[0] for k in KINDS], campaigns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("core", "0002_seed_code_tables"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
