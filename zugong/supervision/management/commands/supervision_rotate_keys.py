"""Re-encrypt every stored 举报 value under the newest key (the first of ZUGONG_SUPERVISION_KEYS).

Rotation: put the new key first, keep the old ones after it, run this command, then remove the old
keys. All values are rewritten in one transaction: a failure leaves every value as it was.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from zugong.supervision.crypto import reseal, reseal_bytes
from zugong.supervision.models import Report, ReportFile, ReportMessage, SealedIdentity

SEALED_FIELDS = {
    Report: ("subject_text_sealed", "text_sealed", "result_note_sealed"),
    ReportMessage: ("text_sealed",),
    SealedIdentity: ("name_sealed", "contact_sealed"),
    ReportFile: ("name_sealed",),
}


class Command(BaseCommand):
    help = "用最新密钥重新加密全部举报内容、附件和实名信息（密钥轮换）。"

    def handle(self, *args: object, **options: object) -> None:
        rows = 0
        with transaction.atomic():
            for model, fields in SEALED_FIELDS.items():
                for obj in model.objects.only("pk", *fields).iterator(chunk_size=500):
                    for field in fields:
                        setattr(obj, field, reseal(getattr(obj, field)))
                    obj.save(update_fields=list(fields))
                    rows += 1
            for stored in ReportFile.objects.only("pk", "blob").iterator(chunk_size=100):
                with stored.blob.open("rb") as handle:
                    data = reseal_bytes(handle.read())
                with stored.blob.open("wb") as handle:
                    handle.write(data)
                rows += 1
        self.stdout.write(f"已用最新密钥重新加密 {rows} 项。")
