"""Excel exports of the special fund: budgets, disbursements, the ledger and the fund's use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.talents.fund_selectors import Ledger, UsageRow
from zugong.talents.models import FundBudget, FundDisbursement

BUDGET_HEADERS = [
    "年度",
    "政策",
    "政策事项",
    "年度预算（元）",
    "已分配（元）",
    "已审批拨付（元）",
    "余额（元）",
    "未分配（元）",
    "预算下达日期",
    "备注",
]
DISBURSEMENT_HEADERS = [
    "年度",
    "政策事项",
    "人才",
    "拨付金额（元）",
    "用途",
    "状态",
    "申请日期",
    "申请人",
    "审批日期",
    "审批人",
    "不予通过原因",
    "拨付日期",
    "拨付凭证号",
]
LEDGER_HEADERS = [
    "日期",
    "年度",
    "政策事项",
    "类型",
    "人才",
    "摘要",
    "预算（元）",
    "分配（元）",
    "拨付（元）",
    "拨付状态",
    "资金余额（元）",
    "未分配余额（元）",
]
USAGE_HEADERS = [
    "名称",
    "说明",
    "年度预算（元）",
    "已分配（元）",
    "已审批拨付（元）",
    "已拨付（元）",
    "余额（元）",
    "使用率（%）",
    "拨付笔数",
]


def budget_rows(qs: QuerySet[FundBudget]) -> Iterable[list[Any]]:
    for b in qs.select_related("item__policy"):
        yield [
            b.year,
            b.item.policy.title,
            b.item.name,
            b.amount,
            b.allocated,
            b.spent,
            b.balance,
            b.unallocated,
            b.set_on,
            b.note,
        ]


def disbursement_rows(qs: QuerySet[FundDisbursement]) -> Iterable[list[Any]]:
    for d in qs.select_related("budget__item", "talent", "applied_by", "decided_by").iterator(
        chunk_size=2000
    ):
        yield [
            d.budget.year,
            d.budget.item.name,
            d.talent.name,
            d.amount,
            d.purpose,
            d.get_state_display(),
            d.applied_on,
            d.applied_by.display_name,
            d.decided_on,
            d.decided_by.display_name if d.decided_by_id else "",
            d.refuse_reason,
            d.paid_on,
            d.voucher,
        ]


def ledger_rows(ledger: Ledger) -> Iterable[list[Any]]:
    for r in ledger.rows:
        yield [
            r.on,
            r.budget.year,
            r.budget.item.name,
            r.kind,
            r.talent,
            r.description,
            r.credit or None,
            r.allocated or None,
            r.debit or None,
            r.state,
            r.balance,
            r.unallocated,
        ]


def usage_rows(rows: list[UsageRow], with_budget: bool = True) -> Iterable[list[Any]]:
    for r in rows:
        yield [
            r.label,
            r.detail,
            r.budget if with_budget else None,
            r.allocated,
            r.approved,
            r.paid,
            r.balance if with_budget else None,
            float(r.rate) if with_budget else None,
            r.count,
        ]


register_exporter(
    Exporter(
        "talent_fund_budgets",
        "专项资金预算",
        BUDGET_HEADERS,
        budget_rows,
        [8, 30, 16, 14, 14, 14, 14, 14, 12, 24],
    )
)
register_exporter(
    Exporter(
        "talent_fund_disbursements",
        "专项资金拨付",
        DISBURSEMENT_HEADERS,
        disbursement_rows,
        [8, 16, 10, 14, 30, 10, 12, 10, 12, 10, 24, 12, 16],
    )
)
register_exporter(
    Exporter(
        "talent_fund_ledger",
        "专项资金台账",
        LEDGER_HEADERS,
        ledger_rows,
        [12, 8, 16, 8, 10, 30, 14, 14, 14, 10, 14, 14],
    )
)
register_exporter(
    Exporter(
        "talent_fund_usage",
        "专项资金使用情况",
        USAGE_HEADERS,
        usage_rows,
        [16, 30, 14, 14, 14, 14, 14, 10, 8],
    )
)
