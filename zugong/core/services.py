"""Writes shared by every app: storing findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext, evaluate

FINDING_BATCH = 2000


@transaction.atomic
def refresh_findings(
    subject_type: str, subjects: Sequence[Any], ctx: RuleContext | None = None, *, new: bool = False
) -> int:
    """Replace the stored findings of these subjects with a fresh evaluation; returns the count.

    `new=True` says the subjects were just created, so there is nothing stored to replace.
    """
    ids = [] if new else [s.pk for s in subjects]
    for start in range(0, len(ids), FINDING_BATCH):
        Finding.objects.filter(
            subject_type=subject_type, subject_id__in=ids[start : start + FINDING_BATCH]
        ).delete()
    drafts = evaluate(subject_type, subjects, ctx)
    Finding.objects.bulk_create(
        [
            Finding(
                rule_id=d.rule.id,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                subject_label=d.subject_label[:120],
                org_path=d.org_path,
                severity=d.severity,
                message=d.message[:300],
                citation=d.citation[:300],
                due_on=d.due_on,
            )
            for d in drafts
        ],
        batch_size=FINDING_BATCH,
    )
    return len(drafts)


def refresh_findings_in_batches(subject_type: str, querysets: Iterable[Sequence[Any]]) -> int:
    ctx = RuleContext()
    return sum(refresh_findings(subject_type, batch, ctx) for batch in querysets)
