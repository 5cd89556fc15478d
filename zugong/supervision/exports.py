"""Exports of the case handling: the case list (metadata only: never the report text, the
subject or the identity) and the statistics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.supervision.models import OPEN_STATES, Report
from zugong.supervision.stats import CaseStatistics

CASE_HEADERS = [
    "编号",
    "渠道",
    "收到日期",
    "状态",
    "本环节期限",
    "是否逾期",
    "承办人",
    "办结日期",
    "办结结果",
    "代为登记",
]


def case_rows(qs: QuerySet[Report], today: date) -> Iterable[list[Any]]:
    for r in qs:
        overdue = r.state in OPEN_STATES and r.step_due_on is not None and r.step_due_on < today
        yield [
            r.number,
            r.get_channel_display(),
            r.received_on,
            r.get_state_display(),
            r.step_due_on,
            "逾期" if overdue else "",
            "、".join(str(a.handler) for a in getattr(r, "active_assignments", [])),
            r.closed_on,
            r.get_result_display() if r.result else "",
            "是" if r.filed_by_id else "",
        ]


register_exporter(
    Exporter(
        name="supervision_cases",
        title="举报件办理情况",
        headers=CASE_HEADERS,
        rows=case_rows,
        widths=[12, 24, 12, 14, 12, 8, 24, 12, 10, 10],
    )
)


def stats_rows(s: CaseStatistics) -> Iterable[list[Any]]:
    yield ["合计", "举报件", s.total]
    for section, items in s.sections():
        for label, count in items:
            yield [section, label, count]
    yield ["办理时长", "已办结件数", s.closed]
    yield [
        "办理时长",
        "中位数（工作日）",
        s.median_workdays if s.median_workdays is not None else "",
    ]
    yield ["办理时长", "平均（工作日）", s.mean_workdays if s.mean_workdays is not None else ""]


register_exporter(
    Exporter(
        name="supervision_stats",
        title="举报统计",
        headers=["维度", "项目", "数值"],
        rows=stats_rows,
        widths=[16, 30, 12],
    )
)
