"""Every write of the special fund: budgets, allocations, disbursements and their approval.

The balance of a budget (amount − spent) can never go below zero:

1. an approval locks the budget row, then the allocation row (select_for_update, always in this
   order, so two approvals queue instead of deadlocking), re-reads both and refuses an amount
   above either balance with a message naming the rule;
2. the stored sums are bounded by check constraints in the database (fund_budget_balance_not_
   negative, fund_allocation_within), so even a write that bypassed this module could not
   overdraw a budget: the IntegrityError is turned into the same refusal, and the whole
   transaction is rolled back (nothing written in part).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import User
from zugong.talents.fund_selectors import can_approve_fund, can_write_fund
from zugong.talents.models import (
    DisbursementState,
    FundAllocation,
    FundBudget,
    FundDisbursement,
    Grant,
    PolicyItem,
    Talent,
)

NOT_WRITER = "只有人才办、组织部管理员或系统管理员可以管理人才发展专项资金"
NOT_APPROVER = "只有组织部管理员或系统管理员可以审批专项资金拨付"
RULE_BALANCE = "专项资金余额不得为负（拨付不得超过预算余额）"
RULE_ALLOCATION = "拨付不得超过分配给该人才的金额"
RULE_ALLOCATED = "分配合计不得超过年度预算"
CENT = Decimal("0.01")


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


def _require_writer(actor: User, path: str) -> None:
    if not can_write_fund(actor):
        raise PermissionDenied(NOT_WRITER)
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def _positive(amount: Decimal, field: str, label: str) -> Decimal:
    if amount is None or amount <= 0:
        raise ValidationError({field: f"{label}：必须大于0"})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: f"{label}：最多保留两位小数（分）"})
    return amount


def _not_future(on: date, field: str, label: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: f"{label}：不能晚于今天"})


# --- budgets ---------------------------------------------------------------------------------


@transaction.atomic
def create_budget(
    *, actor: User, year: int, item: PolicyItem, amount: Decimal, set_on: date, note: str = ""
) -> FundBudget:
    org = actor.anchor_org
    if org is None:
        raise PermissionDenied("账号未设置所辖组织")
    _require_writer(actor, org.path)
    if amount is None or amount < 0:
        raise ValidationError({"amount": "年度预算：不能为负数"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度：请填写四位年份"})
    if set_on.year not in (year - 1, year):
        raise ValidationError({"set_on": f"预算下达日期：应在{year - 1}年或{year}年内"})
    if FundBudget.objects.filter(org=org, item=item, year=year).exists():
        raise ValidationError({"item": f"政策事项：{year}年“{item.name}”已有预算，请修改原预算"})
    return FundBudget.objects.create(
        year=year, item=item, org=org, amount=amount, set_on=set_on, note=note, created_by=actor
    )


@transaction.atomic
def change_budget(*, actor: User, budget: FundBudget, amount: Decimal, note: str) -> FundBudget:
    _require_writer(actor, budget.org_path)
    budget = FundBudget.objects.select_for_update().get(pk=budget.pk)
    floor = max(budget.spent, budget.allocated)
    if amount is None or amount < floor:
        raise ValidationError(
            {
                "amount": f"年度预算：不能低于已分配或已审批拨付的金额{_yuan(floor)}"
                f"（规则：{RULE_ALLOCATED}；{RULE_BALANCE}）"
            }
        )
    budget.amount, budget.note = amount, note
    budget.save()
    return budget


# --- allocations -----------------------------------------------------------------------------


@transaction.atomic
def allocate(
    *,
    actor: User,
    budget: FundBudget,
    talent: Talent,
    amount: Decimal,
    allocated_on: date,
    grant: Grant | None = None,
    note: str = "",
) -> FundAllocation:
    """Earmark part of a budget for a talent (optionally for one of their grants of the item)."""
    _require_writer(actor, budget.org_path)
    _positive(amount, "amount", "分配金额")
    if not (talent.org_path.startswith(budget.org_path) and actor.scope.contains(talent.org_path)):
        raise ValidationError({"talent": f"人才：“{talent.name}”不在该预算或您的管理范围内"})
    if grant is not None:
        if grant.talent_id != talent.pk or grant.item_id != budget.item_id:
            raise ValidationError(
                {"grant": "对应兑现记录：必须是该人才享受本预算政策事项的兑现记录"}
            )
        if grant.amount and amount > grant.amount:
            raise ValidationError({"grant": f"分配金额：超过兑现记录核定金额{_yuan(grant.amount)}"})
        if allocated_on < grant.granted_on:
            raise ValidationError(
                {
                    "allocated_on": "分配日期：不能早于对应兑现记录的兑现日期"
                    f"{grant.granted_on:%Y-%m-%d}"
                }
            )
    _not_future(allocated_on, "allocated_on", "分配日期")
    locked = FundBudget.objects.select_for_update().get(pk=budget.pk)
    if allocated_on < locked.set_on:
        raise ValidationError(
            {"allocated_on": f"分配日期：不能早于预算下达日期{locked.set_on:%Y-%m-%d}"}
        )
    if amount > locked.unallocated:
        raise ValidationError(
            {
                "amount": f"分配金额：{_yuan(amount)}超过预算未分配余额{_yuan(locked.unallocated)}"
                f"（规则：{RULE_ALLOCATED}）"
            }
        )
    allocation = FundAllocation.objects.create(
        budget=locked,
        talent=talent,
        grant=grant,
        amount=amount,
        allocated_on=allocated_on,
        note=note,
        created_by=actor,
    )
    locked.allocated += amount
    locked.save()
    return allocation


# --- disbursements ---------------------------------------------------------------------------


@transaction.atomic
def apply(
    *, actor: User, allocation: FundAllocation, amount: Decimal, purpose: str, applied_on: date
) -> FundDisbursement:
    """申请: an application within today's balances (the approval checks them again)."""
    budget = allocation.budget
    _require_writer(actor, budget.org_path)
    _positive(amount, "amount", "拨付金额")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "用途：必须填写"})
    _not_future(applied_on, "applied_on", "申请日期")
    if applied_on < allocation.allocated_on:
        raise ValidationError(
            {"applied_on": f"申请日期：不能早于分配日期{allocation.allocated_on:%Y-%m-%d}"}
        )
    budget.refresh_from_db()
    allocation.refresh_from_db()
    _check_balances(amount, budget, allocation, field="amount")
    return FundDisbursement.objects.create(
        allocation=allocation,
        budget=budget,
        talent_id=allocation.talent_id,
        amount=amount,
        purpose=purpose[:200],
        applied_on=applied_on,
        applied_by=actor,
    )


def _check_balances(
    amount: Decimal, budget: FundBudget, allocation: FundAllocation, field: str | None = None
) -> None:
    def refuse(message: str) -> ValidationError:
        return ValidationError({field: message} if field else message)

    if amount > budget.balance:
        raise refuse(
            f"拨付金额：{_yuan(amount)}超过“{budget}”预算余额{_yuan(budget.balance)}"
            f"（规则：{RULE_BALANCE}）"
        )
    if amount > allocation.remaining:
        raise refuse(
            f"拨付金额：{_yuan(amount)}超过分配给{allocation.talent.name}的剩余金额"
            f"{_yuan(allocation.remaining)}（规则：{RULE_ALLOCATION}）"
        )


def _require_approver(actor: User, path: str) -> None:
    if not can_approve_fund(actor):
        raise PermissionDenied(NOT_APPROVER)
    if not actor.scope.contains(path):
        raise Http404("不在管理范围内")


def approve(*, actor: User, disbursement: FundDisbursement, on: date) -> FundDisbursement:
    """审批通过: the amount is spent from now on. Locks budget → allocation → disbursement."""
    _require_approver(actor, disbursement.budget.org_path)
    _not_future(on, "on", "审批日期")
    try:
        with transaction.atomic():
            budget = FundBudget.objects.select_for_update().get(pk=disbursement.budget_id)
            allocation = FundAllocation.objects.select_for_update().get(
                pk=disbursement.allocation_id
            )
            d = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
            _check_pending(d, actor, on)
            _check_balances(d.amount, budget, allocation)
            budget.spent += d.amount
            budget.save()
            allocation.spent += d.amount
            allocation.save()
            d.state, d.decided_on, d.decided_by = DisbursementState.APPROVED, on, actor
            d.save()
            return d
    except IntegrityError as exc:
        # The database's own limit caught what the checks above did not: nothing was written.
        raise ValidationError(f"审批未通过：{RULE_BALANCE}（数据库约束拒绝了该笔拨付）") from exc


def _check_pending(d: FundDisbursement, actor: User, on: date) -> None:
    if d.state != DisbursementState.APPLIED:
        raise ValidationError(f"审批：该笔拨付已{d.get_state_display()}，不能重复审批")
    if d.applied_by_id == actor.pk:
        raise ValidationError("审批：申请人不能审批本人提交的拨付申请")
    if on < d.applied_on:
        raise ValidationError({"on": f"审批日期：不能早于申请日期{d.applied_on:%Y-%m-%d}"})


@transaction.atomic
def refuse(
    *, actor: User, disbursement: FundDisbursement, on: date, reason: str
) -> FundDisbursement:
    _require_approver(actor, disbursement.budget.org_path)
    _not_future(on, "on", "审批日期")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "不予通过原因：不通过时必须填写"})
    d = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
    _check_pending(d, actor, on)
    d.state, d.decided_on, d.decided_by, d.refuse_reason = (
        DisbursementState.REFUSED,
        on,
        actor,
        reason[:300],
    )
    d.save()
    return d


@transaction.atomic
def cancel(
    *, actor: User, disbursement: FundDisbursement, on: date, reason: str
) -> FundDisbursement:
    """撤销审批: an approved disbursement that was not paid is taken back; its amount returns to
    the budget and the allocation. A paid one cannot be: money that left is recovered by a
    separate 收回 outside this ledger. Locks in the order approve() does."""
    _require_approver(actor, disbursement.budget.org_path)
    _not_future(on, "on", "撤销日期")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤销原因：必须填写"})
    budget = FundBudget.objects.select_for_update().get(pk=disbursement.budget_id)
    allocation = FundAllocation.objects.select_for_update().get(pk=disbursement.allocation_id)
    d = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
    if d.state != DisbursementState.APPROVED:
        raise ValidationError(
            f"撤销审批：只能撤销已审批、尚未拨付的申请，当前为“{d.get_state_display()}”"
        )
    if on < d.decided_on:
        raise ValidationError({"on": f"撤销日期：不能早于审批日期{d.decided_on:%Y-%m-%d}"})
    budget.spent -= d.amount
    budget.save()
    allocation.spent -= d.amount
    allocation.save()
    d.state, d.cancelled_on, d.cancel_reason = DisbursementState.CANCELLED, on, reason[:300]
    d._change_reason = f"撤销审批：{reason}"[:100]
    d.save()
    return d


@transaction.atomic
def pay(*, actor: User, disbursement: FundDisbursement, on: date, voucher: str) -> FundDisbursement:
    """已拨付: the payment of an approved disbursement, with its voucher number."""
    _require_writer(actor, disbursement.budget.org_path)
    _not_future(on, "on", "拨付日期")
    d = FundDisbursement.objects.select_for_update().get(pk=disbursement.pk)
    if d.state != DisbursementState.APPROVED:
        raise ValidationError(f"拨付：只能拨付已审批的申请，当前为“{d.get_state_display()}”")
    if on < d.decided_on:
        raise ValidationError({"on": f"拨付日期：不能早于审批日期{d.decided_on:%Y-%m-%d}"})
    voucher = (voucher or "").strip()
    if not voucher:
        raise ValidationError({"voucher": "拨付凭证号：必须填写"})
    d.state, d.paid_on, d.voucher = DisbursementState.PAID, on, voucher[:60]
    d.save()
    return d
