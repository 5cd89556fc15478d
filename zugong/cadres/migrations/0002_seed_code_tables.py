from django.db import migrations

from zugong.cadres.seed_data import (
    RANKS,
    SITUATION_SOURCE_CONFIRMED,
    SITUATION_SOURCE_UNCONFIRMED,
    SITUATIONS,
)


def seed(apps, schema_editor):
    Rank = apps.get_model("cadres", "Rank")
    Situation = apps.get_model("cadres", "AdjustmentSituation")
    for code, name, track, order, level, high, low in RANKS:
        Rank.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "track": track,
                "order": order,
                "equivalent_level": level,
                "grade_high": high,
                "grade_low": low,
            },
        )
    for number, text, confirmed in SITUATIONS:
        Situation.objects.update_or_create(
            code=f"2022-5-{number}",
            defaults={
                "number": number,
                "text": text,
                "status": "confirmed" if confirmed else "unconfirmed",
                "source": SITUATION_SOURCE_CONFIRMED if confirmed else SITUATION_SOURCE_UNCONFIRMED,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("cadres", "Rank").objects.all().delete()
    apps.get_model("cadres", "AdjustmentSituation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
