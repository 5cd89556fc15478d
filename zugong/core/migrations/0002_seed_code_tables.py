"""Seed the code tables (字典) from zugong/core/seed_data.py; administrators may edit them later."""

from django.db import migrations

SURNAME_TABLE = {"code": "surname_pinyin", "name": "姓氏读音", "standard": "本地补充：多音字姓氏读音（姓氏 → 拼音，音节以空格分隔）"}


def seed(apps, schema_editor):
    from zugong.core.seed_data import CODE_TABLES

    CodeTable = apps.get_model("core", "CodeTable")
    CodeItem = apps.get_model("core", "CodeItem")
    for spec in [*CODE_TABLES, {**SURNAME_TABLE, "items": []}]:
        table, _ = CodeTable.objects.update_or_create(
            code=spec["code"], defaults={"name": spec["name"], "standard": spec["standard"]}
        )
        for order, item in enumerate(spec["items"]):
            code, name = item[0], item[1]
            parent = item[2] if len(item) > 2 else ""
            CodeItem.objects.update_or_create(
                table=table, code=code, defaults={"name": name, "parent_code": parent, "sort_order": order}
            )


def unseed(apps, schema_editor):
    apps.get_model("core", "CodeItem").objects.all().delete()
    apps.get_model("core", "CodeTable").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
