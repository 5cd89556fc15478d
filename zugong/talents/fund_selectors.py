"""Every read of the special fund (人才发展专项资金), filtered by the acting account's scope first:
budgets, allocations and disbursements, the ledger with its running balance, and the fund's use
per policy item and per talent.

Who: the fund is the county's money, kept by the 人才办 and the 组织部 (TALENT_WRITER_ROLES);
leaders read it; approvals belong to the 组织部 (FUND_APPROVER_ROLES). A township's 党委 reads its
talents, not the county's fund.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from zugong.accounts.models import Role, User
from zugong.talents.access import TALENT_WRITER_ROLES
from zugong.talents.models import (
    SPENDING_STATES,
    DisbursementState,
    FundAllocation,
    FundBudget,
    FundDisbursement,
    Talent,
)

FUND_WRITER_ROLES = TALENT_WRITER_ROLES
FUND_READER_ROLES = TALENT_WRITER_ROLES | {Role.LEADER}
# Approval is the 组织部's (the 人才办 applies, the department approves).
FUND_APPROVER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN})
NOT_READER = "只有人才办、组织部和领导可以查看人才发展专项资金"
ZERO = Decimal("0")


def can_read_fund(user: Any) -> bool:
    return getattr(user, "role", None) in FUND_READER_ROLES


def can_write_fund(user: Any) -> bool:
    return getattr(user, "role", None) in FUND_WRITER_ROLES


def can_approve_fund(user: Any) -> bool:
    return getattr(user, "role", None) in FUND_APPROVER_ROLES


def _path(user: User) -> str | None:
    if not can_read_fund(user):
        raise PermissionDenied(NOT_READER)
    return user.scope.path


# --- budgets ---------------------------------------------------------------------------------


def budgets(
    user: User, *, year: int | None = None, item: int | None = None, q: str = ""
) -> QuerySet[FundBudget]:
    path = _path(user)
    if path is None:
        return FundBudget.objects.none()
    qs = FundBudget.objects.filter(org_path__startswith=path).select_related("item__policy", "org")
    if year:
        qs = qs.filter(year=year)
    if item:
        qs = qs.filter(item_id=item)
    if q:
        qs = qs.filter(Q(item__name__icontains=q) | Q(item__policy__title__icontains=q))
    return qs.order_by("-year", "item__policy_id", "item__code", "id")


def get_budget(user: User, pk: int) -> FundBudget:
    found = budgets(user).select_related("created_by").filter(pk=pk).first()
    if found is None:
        raise Http404("专项资金预算不存在或不在管理范围内")
    return found


def budget_years(user: User) -> list[int]:
    path = _path(user)
    if path is None:
        return []
    return list(
        FundBudget.objects.filter(org_path__startswith=path)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def get_allocation(user: User, pk: int) -> FundAllocation:
    path = _path(user)
    found = (
        FundAllocation.objects.filter(pk=pk, budget__org_path__startswith=path)
        .select_related("budget__item__policy", "talent", "grant")
        .first()
        if path is not None
        else None
    )
    if found is None:
        raise Http404("资金分配不存在或不在管理范围内")
    return found


def talents_for_budget(user: User, budget: FundBudget) -> QuerySet[Talent]:
    """Talents an allocation of this budget may go to: inside both the budget's and the account's
    subtree."""
    path = user.scope.path
    if path is None:
        return Talent.objects.none()
    inner = max(path, budget.org_path, key=len)
    return Talent.objects.filter(org_path__startswith=inner).order_by("name", "id")


# --- disbursements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DisbursementFilters:
    state: str = ""
    year: int | None = None
    q: str = ""


def disbursements(user: User, f: DisbursementFilters | None = None) -> QuerySet[FundDisbursement]:
    path = _path(user)
    if path is None:
        return FundDisbursement.objects.none()
    f = f or DisbursementFilters()
    qs = FundDisbursement.objects.filter(budget__org_path__startswith=path).select_related(
        "budget__item", "talent", "applied_by", "decided_by"
    )
    if f.state:
        qs = qs.filter(state=f.state)
    if f.year:
        qs = qs.filter(budget__year=f.year)
    if f.q:
        qs = qs.filter(Q(talent__name__icontains=f.q) | Q(purpose__icontains=f.q))
    return qs.order_by("-applied_on", "-id")


def get_disbursement(user: User, pk: int) -> FundDisbursement:
    found = disbursements(user).select_related("allocation").filter(pk=pk).first()
    if found is None:
        raise Http404("拨付申请不存在或不在管理范围内")
    return found


def state_counts(user: User, year: int | None = None) -> dict[str, int]:
    qs = disbursements(user, DisbursementFilters(year=year)).order_by()
    return qs.aggregate(**{s: Count("id", filter=Q(state=s)) for s in DisbursementState.values})


# --- the ledger -------------------------------------------------------------------------------


@dataclass
class LedgerRow:
    on: date
    budget: FundBudget
    kind: str  # 预算 / 分配 / 拨付 / 撤销 (a reversal: a negative debit)
    talent: str
    description: str
    credit: Decimal  # the budget (money in)
    debit: Decimal  # an approved or paid disbursement (money out)
    allocated: Decimal  # an allocation (earmarked, still in the balance)
    balance: Decimal  # the budget's running balance after this row
    unallocated: Decimal  # what can still be allocated after this row
    state: str = ""


@dataclass
class Ledger:
    rows: list[LedgerRow] = field(default_factory=list)
    # Per budget: its final running balance and unallocated amount.
    closing: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "credit": sum((r.credit for r in self.rows), ZERO),
            "debit": sum((r.debit for r in self.rows), ZERO),
            "allocated": sum((r.allocated for r in self.rows), ZERO),
        }


def ledger(user: User, *, year: int, item: int | None = None) -> Ledger:
    """The fund's ledger for a year: per budget, the budget, its allocations and its approved or
    paid disbursements in date order, with the running balance. Three queries, whatever the size."""
    chosen = list(budgets(user, year=year, item=item).order_by("item__policy_id", "item__code"))
    ids = [b.pk for b in chosen]
    allocations: dict[int, list[FundAllocation]] = {}
    for a in (
        FundAllocation.objects.filter(budget_id__in=ids)
        .select_related("talent", "grant")
        .order_by("allocated_on", "id")
    ):
        allocations.setdefault(a.budget_id, []).append(a)
    spending: dict[int, list[FundDisbursement]] = {}
    for d in (
        FundDisbursement.objects.filter(
            budget_id__in=ids, state__in=(*SPENDING_STATES, DisbursementState.CANCELLED)
        )
        .select_related("talent")
        .order_by("decided_on", "id")
    ):
        spending.setdefault(d.budget_id, []).append(d)
    out = Ledger()
    for b in chosen:
        balance, unallocated = b.amount, b.amount
        out.rows.append(
            LedgerRow(
                b.set_on,
                b,
                "预算",
                "",
                f"{b.year}年度预算下达",
                b.amount,
                ZERO,
                ZERO,
                balance,
                unallocated,
            )
        )
        events: list[tuple[date, int, int, Any]] = [
            (a.allocated_on, 0, a.pk, a) for a in allocations.get(b.pk, [])
        ]
        events += [(d.decided_on, 1, d.pk, d) for d in spending.get(b.pk, [])]
        # A cancelled approval stays on its day and is reversed (红字) on the day it was cancelled.
        events += [
            (d.cancelled_on, 2, d.pk, d)
            for d in spending.get(b.pk, [])
            if d.state == DisbursementState.CANCELLED
        ]
        for on, kind, _pk, obj in sorted(events, key=lambda e: e[:3]):
            if kind == 0:
                unallocated -= obj.amount
                note = obj.note or (
                    f"兑现记录 {obj.grant.granted_on:%Y-%m-%d}" if obj.grant_id else ""
                )
                out.rows.append(
                    LedgerRow(
                        on,
                        b,
                        "分配",
                        obj.talent.name,
                        note,
                        ZERO,
                        ZERO,
                        obj.amount,
                        balance,
                        unallocated,
                    )
                )
            elif kind == 2:
                balance += obj.amount
                out.rows.append(
                    LedgerRow(
                        on,
                        b,
                        "撤销",
                        obj.talent.name,
                        f"撤销审批：{obj.cancel_reason}",
                        ZERO,
                        -obj.amount,
                        ZERO,
                        balance,
                        unallocated,
                        obj.get_state_display(),
                    )
                )
            else:
                balance -= obj.amount
                out.rows.append(
                    LedgerRow(
                        on,
                        b,
                        "拨付",
                        obj.talent.name,
                        obj.purpose,
                        ZERO,
                        obj.amount,
                        ZERO,
                        balance,
                        unallocated,
                        obj.get_state_display(),
                    )
                )
        out.closing[b.pk] = (balance, unallocated)
    return out


# --- the fund's use ---------------------------------------------------------------------------


CENT = Decimal("0.01")


@dataclass
class UsageRow:
    label: str
    detail: str
    budget: Decimal
    allocated: Decimal
    approved: Decimal  # approved or paid
    paid: Decimal
    count: int

    def __post_init__(self) -> None:
        # SQLite sums decimals as floats (190666.660000000): back to the cent.
        for name in ("budget", "allocated", "approved", "paid"):
            setattr(self, name, Decimal(getattr(self, name) or 0).quantize(CENT))

    @property
    def balance(self) -> Decimal:
        return self.budget - self.approved

    @property
    def rate(self) -> Decimal:
        if not self.budget:
            return ZERO
        return (Decimal(100) * self.approved / self.budget).quantize(Decimal("0.1"))


def usage_chart(rows: list[UsageRow]) -> dict:
    """The spec zugong/charts.js draws: budget, approved and paid per policy item (元)."""
    return {
        "type": "series",
        "labels": [r.label for r in rows],
        "series": [
            {"name": "年度预算", "data": [float(r.budget) for r in rows], "color": "#999"},
            {"name": "已审批拨付", "data": [float(r.approved) for r in rows]},
            {"name": "已拨付", "data": [float(r.paid) for r in rows], "color": "#f0a30a"},
        ],
    }


def usage_by_item(user: User, year: int) -> list[UsageRow]:
    rows = []
    for b in budgets(user, year=year).annotate(
        paid=Sum("disbursements__amount", filter=Q(disbursements__state=DisbursementState.PAID)),
        n=Count("disbursements", filter=Q(disbursements__state__in=SPENDING_STATES)),
    ):
        rows.append(
            UsageRow(
                b.item.name,
                b.item.policy.title,
                b.amount,
                b.allocated,
                b.spent,
                b.paid or ZERO,
                b.n,
            )
        )
    return rows


def usage_by_talent(user: User, year: int) -> list[UsageRow]:
    """Per talent: what was allocated to them this year and what was approved and paid."""
    path = _path(user)
    if path is None:
        return []
    allocated = {
        r["talent_id"]: r["total"]
        for r in FundAllocation.objects.filter(budget__org_path__startswith=path, budget__year=year)
        .values("talent_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    spent = {
        r["talent_id"]: r
        for r in FundDisbursement.objects.filter(
            budget__org_path__startswith=path, budget__year=year, state__in=SPENDING_STATES
        )
        .values("talent_id")
        .annotate(
            approved=Sum("amount"),
            paid=Sum("amount", filter=Q(state=DisbursementState.PAID)),
            n=Count("id"),
        )
        .order_by()
    }
    talents = Talent.objects.filter(pk__in=set(allocated) | set(spent)).order_by("name", "id")
    rows = []
    for t in talents:
        s = spent.get(t.pk, {})
        rows.append(
            UsageRow(
                t.name,
                t.employer,
                ZERO,
                allocated.get(t.pk, ZERO),
                s.get("approved") or ZERO,
                s.get("paid") or ZERO,
                s.get("n", 0),
            )
        )
    return rows
