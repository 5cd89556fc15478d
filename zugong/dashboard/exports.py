from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.models import Finding
from zugong.core.rules.registry import RULES, SUBJECT_KINDS


def _subject_title(subject_type: str) -> str:
    kind = SUBJECT_KINDS.get(subject_type)
    return kind.title if kind is not None and kind.title else subject_type


def finding_rows(qs: QuerySet[Finding]) -> Iterable[list[Any]]:
    for f in qs.iterator(chunk_size=2000):
        rule = RULES.get(f.rule_id)
        yield [
            _subject_title(f.subject_type),
            f.subject_label,
            rule.title if rule else f.rule_id,
            f.get_severity_display(),
            f.message,
            f.due_on,
            f.citation,
        ]


register_exporter(
    Exporter(
        name="findings",
        title="待办问题清单",
        headers=["对象类型", "对象", "规则", "级别", "问题", "期限", "依据"],
        rows=finding_rows,
        widths=[10, 24, 28, 8, 60, 12, 60],
    )
)
