"""Excel export of the 发展党员 case list (the filtered list, every page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number
from zugong.development.models import Case

CASE_HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "党支部",
    "递交入党申请书日期",
    "所处阶段",
    "最近完成步骤",
    "状态",
    "适用规则集",
    "结束日期",
    "结束原因",
]


def case_rows(qs: QuerySet[Case], *, unmasked: bool = False) -> Iterable[list[Any]]:
    for c in qs.select_related("org", "gender", "last_step").iterator(chunk_size=2000):
        yield [
            c.name,
            c.id_number if unmasked else mask_id_number(c.id_number),
            c.gender.name,
            c.birth_date,
            c.org.name,
            c.applied_on,
            c.get_stage_display(),
            c.last_step.name if c.last_step_id else "",
            c.get_status_display(),
            c.get_rule_set_display(),
            c.closed_on,
            c.close_reason,
        ]


register_exporter(
    Exporter(
        name="development_cases",
        title="发展党员档案",
        headers=CASE_HEADERS,
        rows=case_rows,
        widths=[10, 20, 6, 12, 30, 14, 24, 20, 8, 36, 12, 30],
    )
)
