"""人才发展专项资金: yearly budgets per policy item, allocations, disbursements and the ledger.

- FundBudget: one policy item's money for one year, held by an organization (the county's
  组织部/人才办). `allocated` and `spent` are stored sums kept by the services under a row lock
  (select_for_update); check constraints make `spent <= amount` and `allocated <= amount` hard
  limits of the database, so the balance (amount − spent) can never go below zero, even when
  two approvals race.
- FundAllocation: part of a budget earmarked for one talent (optionally for one Grant of the
  same item); `spent` is what was approved against it, again bounded by a constraint.
- FundDisbursement: a payment out of an allocation: 待审批 → 已审批 → 已拨付, or 未通过. The
  money counts as spent from the approval on.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

__all__ = [
    "FundBudget",
    "FundAllocation",
    "FundDisbursement",
    "DisbursementState",
    "SPENDING_STATES",
]

ZERO = Decimal("0")


class FundBudget(TimeStamped):
    year = models.PositiveSmallIntegerField("年度")
    item = models.ForeignKey(
        "talents.PolicyItem",
        on_delete=models.PROTECT,
        related_name="fund_budgets",
        verbose_name="政策事项",
    )
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="talent_fund_budgets",
        verbose_name="资金管理单位",
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    amount = models.DecimalField("年度预算（元）", max_digits=14, decimal_places=2)
    allocated = models.DecimalField(
        "已分配（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    spent = models.DecimalField(
        "已审批拨付（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    set_on = models.DateField("预算下达日期")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "人才发展专项资金预算"
        ordering = ["-year", "item_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "item", "year"], name="fund_budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fund_budget_amount"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(allocated__lte=F("amount")),
                name="fund_budget_allocated_within",
            ),
            # The balance (amount − spent) can never go below zero.
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=F("amount")),
                name="fund_budget_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.item.name}"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.org_path = self.org.path
        super().save(*args, **kwargs)

    @property
    def balance(self) -> Decimal:
        return self.amount - self.spent

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated


class FundAllocation(TimeStamped):
    budget = models.ForeignKey(
        FundBudget, on_delete=models.PROTECT, related_name="allocations", verbose_name="预算"
    )
    talent = models.ForeignKey(
        "talents.Talent",
        on_delete=models.PROTECT,
        related_name="fund_allocations",
        verbose_name="人才",
    )
    grant = models.ForeignKey(
        "talents.Grant",
        on_delete=models.PROTECT,
        related_name="fund_allocations",
        null=True,
        blank=True,
        verbose_name="对应兑现记录",
    )
    amount = models.DecimalField("分配金额（元）", max_digits=14, decimal_places=2)
    spent = models.DecimalField(
        "已审批拨付（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False
    )
    allocated_on = models.DateField("分配日期")
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "专项资金分配"
        ordering = ["allocated_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_allocation_amount"),
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=F("amount")),
                name="fund_allocation_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} → {self.talent}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.spent


class DisbursementState(models.TextChoices):
    APPLIED = "applied", "待审批"
    APPROVED = "approved", "已审批"
    PAID = "paid", "已拨付"
    REFUSED = "refused", "未通过"
    CANCELLED = "cancelled", "已撤销"


# The states in which a disbursement's amount counts as spent.
SPENDING_STATES = (DisbursementState.APPROVED, DisbursementState.PAID)


class FundDisbursement(TimeStamped):
    allocation = models.ForeignKey(
        FundAllocation,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name="资金分配",
    )
    # Copies of the allocation's budget and talent, for the ledger and the statistics.
    budget = models.ForeignKey(
        FundBudget, on_delete=models.PROTECT, related_name="disbursements", verbose_name="预算"
    )
    talent = models.ForeignKey(
        "talents.Talent",
        on_delete=models.PROTECT,
        related_name="fund_disbursements",
        verbose_name="人才",
    )
    amount = models.DecimalField("拨付金额（元）", max_digits=14, decimal_places=2)
    purpose = models.CharField("用途", max_length=200)
    state = models.CharField(
        "状态", max_length=10, choices=DisbursementState.choices, default=DisbursementState.APPLIED
    )
    applied_on = models.DateField("申请日期")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="审批人",
    )
    refuse_reason = models.CharField("不予通过原因", max_length=300, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher = models.CharField("拨付凭证号", max_length=60, blank=True)
    # 撤销审批: an approved, unpaid disbursement taken back; the ledger shows a reversal that day.
    cancelled_on = models.DateField("撤销日期", null=True, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "专项资金拨付"
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["budget", "state"], name="disbursement_budget_state")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_disbursement_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.talent} {self.amount}元（{self.get_state_display()}）"
