"""Periods for a register that existed before effective dating: it is known only as it is today,
so each member and organization gets one open period from the day of this migration (the
records begin then), organizations from their founding day when it is earlier."""

from django.db import migrations
from django.utils import timezone

BATCH = 5000
MEMBER_FIELDS = (
    "org_id",
    "status",
    "member_type",
    "gender_id",
    "ethnicity_id",
    "education_id",
    "job_category_id",
)


def backfill(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    Member = apps.get_model("members", "Member")
    Organization = apps.get_model("orgs", "Organization")
    MemberPeriod = apps.get_model("stats", "MemberPeriod")
    OrgPeriod = apps.get_model("stats", "OrgPeriod")
    today = timezone.localdate()
    batch = []
    for org in Organization.objects.order_by("pk").iterator(chunk_size=BATCH):
        start = min(org.founded_on, today) if org.founded_on else today
        batch.append(
            OrgPeriod(
                org_id=org.pk,
                valid_from=start,
                source="baseline",
                parent_id=org.parent_id,
                path=org.path,
                kind=org.kind,
                category_id=org.category_id,
                status=org.status,
                name=org.name,
            )
        )
        if len(batch) == BATCH:
            OrgPeriod.objects.bulk_create(batch)
            batch = []
    OrgPeriod.objects.bulk_create(batch)
    batch = []
    for member in Member.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            MemberPeriod(
                member_id=member.pk,
                valid_from=today,
                source="baseline",
                **{f: getattr(member, f) for f in MEMBER_FIELDS},
            )
        )
        if len(batch) == BATCH:
            MemberPeriod.objects.bulk_create(batch)
            batch = []
    MemberPeriod.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("members", "0003_lean_indexes"),
        ("orgs", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
