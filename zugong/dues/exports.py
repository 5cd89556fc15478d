"""Excel exports of the dues pages: payments, a branch's month, its standards, the report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.dues.models import DuesPayment, DuesStandard
from zugong.dues.selectors import DuesReport, RosterRow
from zugong.members.models import Member

PAYMENT_HEADERS = [
    "姓名",
    "所属年度",
    "所属月份",
    "交纳金额（元）",
    "应交金额（元）",
    "交纳日期",
    "代交",
    "代交人",
    "收据号",
    "收缴党支部",
    "登记人",
    "状态",
    "作废原因",
    "备注",
]


def payment_rows(qs: QuerySet[DuesPayment]) -> Iterable[list[Any]]:
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.member.name,
            p.year,
            p.month,
            p.amount,
            p.due_amount,
            p.paid_on,
            "是" if p.by_proxy else "否",
            p.proxy_name,
            p.receipt_number,
            p.org.name,
            str(p.recorded_by) if p.recorded_by_id else "",
            "已作废" if p.is_voided else "有效",
            p.void_reason,
            p.note,
        ]


register_exporter(
    Exporter(
        name="dues_payments",
        title="党费交纳记录",
        headers=PAYMENT_HEADERS,
        rows=payment_rows,
        widths=[10, 8, 8, 12, 12, 12, 6, 10, 14, 30, 12, 8, 20, 20],
    )
)


ROSTER_HEADERS = [
    "姓名",
    "收入类别",
    "月收入基数（元）",
    "交纳比例",
    "月交纳额（元）",
    "少交/免交",
    "状态",
    "交纳金额（元）",
    "交纳日期",
    "代交人",
    "收据号",
]


def roster_rows(rows: Sequence[RosterRow]) -> Iterable[list[Any]]:
    for r in rows:
        s, p = r.standard, r.payment
        yield [
            r.member.name,
            s.get_category_display() if s else "",
            s.income_base if s else "",
            s.rate_percent if s else "",
            s.monthly_amount if s else "",
            s.get_reduction_display() if s else "",
            r.state_label,
            p.amount if p else "",
            p.paid_on if p else "",
            p.proxy_name if p else "",
            p.receipt_number if p else "",
        ]


register_exporter(
    Exporter(
        name="dues_roster",
        title="党费收缴表",
        headers=ROSTER_HEADERS,
        rows=roster_rows,
        widths=[10, 22, 14, 10, 12, 10, 10, 12, 12, 10, 14],
    )
)


STANDARD_HEADERS = [
    "姓名",
    "年度",
    "收入类别",
    "月收入基数（元）",
    "交纳比例",
    "按规定月交纳额（元）",
    "少交/免交",
    "月交纳额（元）",
    "批准机关",
    "批准日期",
    "批准文号",
    "起交月份",
    "止交月份",
    "备注",
]


def standard_rows(
    rows: Sequence[tuple[Member, DuesStandard | None, DuesStandard | None]], year: int
) -> Iterable[list[Any]]:
    for member, s, _last in rows:
        if s is None:
            yield [member.name, year, "未核定", *[""] * 11]
            continue
        yield [
            member.name,
            s.year,
            s.get_category_display(),
            s.income_base,
            s.rate_percent,
            s.standard_amount,
            s.get_reduction_display(),
            s.monthly_amount,
            s.approval_authority,
            s.approval_date,
            s.approval_number,
            s.starts_month,
            s.ends_month or "",
            s.note,
        ]


register_exporter(
    Exporter(
        name="dues_standards",
        title="党费交纳标准",
        headers=STANDARD_HEADERS,
        rows=standard_rows,
        widths=[10, 6, 22, 14, 10, 14, 10, 12, 20, 12, 18, 8, 8, 20],
    )
)


REPORT_HEADERS = [
    "党组织",
    "应交人数",
    "已交人数",
    "未交人数",
    "应交金额（元）",
    "实交金额（元）",
    "欠交金额（元）",
    "收缴率",
]


def report_rows(report: DuesReport) -> Iterable[list[Any]]:
    for c in [*report.rows, report.total]:
        yield [
            c.label,
            c.due_count,
            c.paid_count,
            c.unpaid_count,
            c.due_amount,
            c.paid_amount,
            c.arrears_amount,
            f"{c.paid_percent}%",
        ]


register_exporter(
    Exporter(
        name="dues_report",
        title="党费收缴情况统计表",
        headers=REPORT_HEADERS,
        rows=report_rows,
        widths=[34, 10, 10, 10, 14, 14, 14, 10],
    )
)
