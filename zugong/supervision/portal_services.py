"""Writes made by the public portal: a new 举报, a new receipt code, information added later.

Nothing here receives anything about the client; dates are days. Each write is one transaction,
and files written by a transaction that fails are removed again.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zugong.cadres.models import Cadre, PublicNotice
from zugong.orgs.models import Organization
from zugong.supervision import uploads
from zugong.supervision.crypto import seal
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    CaseEvent,
    Channel,
    MessageVisibility,
    Report,
    ReportFile,
    ReportMessage,
    ReportState,
    SealedIdentity,
    SubjectKind,
)
from zugong.supervision.receipts import new_receipt, receipt_hash

# The reporter can no longer add information once the case is finished.
CLOSED_TO_REPORTER = (ReportState.CLOSED, ReportState.REJECTED)


def _unused_receipt() -> tuple[str, str]:
    """A new code and its hash; a collision (about 1 in 10^16 per report) just draws again."""
    while True:
        code = new_receipt()
        digest = receipt_hash(code)
        assert digest is not None
        if not Report.objects.filter(receipt_hash=digest).exists():
            return code, digest


def _store_files(report: Report, files: list[uploads.CleanFile], on: date) -> list[ReportFile]:
    stored: list[ReportFile] = []
    try:
        for file in files:
            stored.append(uploads.store(report, file, on))
    except Exception:
        uploads.discard(stored)
        raise
    return stored


def _mark_notice(notice: PublicNotice) -> None:
    """The 公示 shows "有反映，核查中" (PublicNotice.under_review) and counts the feedback.

    A queryset update on purpose: save() would stamp updated_at and a history row with the time
    of day the report came in, which could be matched with a network log."""
    PublicNotice.objects.filter(pk=notice.pk).update(
        feedback_count=F("feedback_count") + 1, under_review=True
    )


def _reporter_event(report: Report, kind: str, on: date) -> CaseEvent:
    """A step taken by the reporter, timed to the day only (CaseEvent.at is set on insert)."""
    event = CaseEvent.objects.create(report=report, kind=kind, actor=None)
    day_start = timezone.make_aware(datetime.combine(on, time.min))
    CaseEvent.objects.filter(pk=event.pk).update(at=day_start)
    event.at = day_start
    return event


def submit_report(
    *,
    channel: str,
    text: str,
    subject_text: str = "",
    notice: PublicNotice | None = None,
    cadre: Cadre | None = None,
    org: Organization | None = None,
    files: list[uploads.CleanFile] | None = None,
    identity_name: str = "",
    identity_contact: str = "",
    today: date | None = None,
) -> tuple[Report, str]:
    """A new 举报 in state 待受理, and its receipt code (shown once, never stored)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": "反映渠道：请选择。"})
    if not text.strip():
        raise ValidationError({"text": "反映内容：必须填写。"})
    if identity_contact.strip() and not identity_name.strip():
        raise ValidationError({"name": "姓名：填写联系方式的，请同时填写姓名。"})
    today = today or timezone.localdate()
    if notice is not None:
        cadre = notice.cadre
    report = Report(
        channel=channel,
        subject_notice=notice,
        subject_cadre=cadre,
        subject_org=org,
        subject_kind=(
            SubjectKind.NOTICE
            if notice
            else SubjectKind.CADRE
            if cadre
            else SubjectKind.ORGANIZATION
            if org
            else SubjectKind.NONE
        ),
        subject_text_sealed=seal(subject_text.strip()),
        text_sealed=seal(text.strip()),
        has_identity=bool(identity_name.strip()),
        received_on=today,
        state=ReportState.RECEIVED,
        step_due_on=step_due(ReportState.RECEIVED, today),
        unit_path=cadre.unit_path if cadre else "",
        org_path=org.path if org else "",
    )
    stored: list[ReportFile] = []
    try:
        with transaction.atomic():
            code, report.receipt_hash = _unused_receipt()
            report.save()
            stored = _store_files(report, files or [], today)
            if report.has_identity:
                SealedIdentity.objects.create(
                    report=report,
                    name_sealed=seal(identity_name.strip()),
                    contact_sealed=seal(identity_contact.strip()),
                    provided_on=today,
                )
            _reporter_event(report, CaseEvent.Kind.RECEIVED, today)
            if notice is not None:
                _mark_notice(notice)
    except Exception:
        uploads.discard(stored)
        raise
    return report, code


def find_by_receipt(code: str) -> Report | None:
    digest = receipt_hash(code)
    if digest is None:
        return None
    return Report.objects.filter(receipt_hash=digest).first()


@transaction.atomic
def replace_receipt(report: Report) -> str:
    """A filed-on-behalf report gets a code only the reporter knows (the old hash is gone)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    code, locked.receipt_hash = _unused_receipt()
    locked.receipt_must_change = False
    locked.save(update_fields=["receipt_hash", "receipt_must_change"])
    report.receipt_hash, report.receipt_must_change = locked.receipt_hash, False
    return code


def can_add_information(report: Report) -> bool:
    return report.state not in CLOSED_TO_REPORTER


def add_information(
    *,
    report: Report,
    text: str,
    files: list[uploads.CleanFile] | None = None,
    today: date | None = None,
) -> ReportMessage:
    """What the reporter adds with the code: a message without author, its files, an event."""
    today = today or timezone.localdate()
    text = text.strip()
    if not text and not files:
        raise ValidationError({"text": "补充内容：请填写内容或上传文件。"})
    stored: list[ReportFile] = []
    try:
        with transaction.atomic():
            locked = Report.objects.select_for_update().get(pk=report.pk)
            if not can_add_information(locked):
                raise ValidationError(
                    f"补充信息：本件已{locked.get_state_display()}，不能再补充。"
                    "如有新的情况，请重新反映。"
                )
            message = ReportMessage.objects.create(
                report=locked,
                author=None,
                visibility=MessageVisibility.PUBLIC,
                text_sealed=seal(text or "（补充了附件）"),
                created_on=today,
            )
            stored = _store_files(locked, files or [], today)
            _reporter_event(locked, CaseEvent.Kind.REPORTER_ADDED, today)
    except Exception:
        uploads.discard(stored)
        raise
    return message
