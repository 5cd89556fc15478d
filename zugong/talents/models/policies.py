"""人才政策: a policy document, its items with eligibility as data, and grants to talents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

__all__ = ["Policy", "PolicyItem", "PolicyItemKind", "Grant"]


class Policy(TimeStamped):
    """A talent policy document (人才新政 若干措施)."""

    title = models.CharField("政策名称", max_length=200)
    document_number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("印发日期")
    effective_from = models.DateField("施行日期")
    effective_until = models.DateField("截止日期", null=True, blank=True)
    issuer = models.CharField("印发机关", max_length=100, blank=True)
    summary = models.TextField("主要内容", blank=True)
    # The organization whose area the policy covers (the county committee for a county policy):
    # it applies to the talents of that subtree and is read by accounts inside or above it.
    # Empty (a record made without one) reads as "the whole deployment" (org_path "").
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="talent_policies",
        verbose_name="适用范围",
        null=True,
        blank=True,
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "人才政策"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.org_path = self.org.path if self.org_id else ""
        super().save(*args, **kwargs)

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (
            self.effective_until is None or on <= self.effective_until
        )


class PolicyItemKind(models.TextChoices):
    MONEY = "money", "资金补贴"
    SERVICE = "service", "服务保障"


class PolicyItem(TimeStamped):
    """One measure of a policy (安家补贴, 生活补贴, 住房, 子女入学, 配偶就业, 医疗绿色通道 ...).

    `eligibility` is data, not code: e.g. {"categories": ["high_level"], "tiers": ["A", "B"],
    "min_years_in_county": 0, "max_years_in_county": 5, "fields": [], "recruit_modes": []}.
    """

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="items", verbose_name="所属政策"
    )
    code = models.SlugField("编码", max_length=40)
    name = models.CharField("政策事项", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=PolicyItemKind.choices)
    amount = models.DecimalField(
        "标准金额（元）", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    service = models.CharField("服务内容", max_length=200, blank=True)
    period_months = models.PositiveSmallIntegerField("享受期限（月）", null=True, blank=True)
    source_clause = models.CharField("依据条款", max_length=200, blank=True)
    eligibility = models.JSONField("享受条件", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "政策事项"
        ordering = ["policy", "code"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="policy_item_code_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="policy_item_amount"),
        ]

    def __str__(self) -> str:
        return self.name


class Grant(TimeStamped):
    """A policy item granted to a talent (享受记录), from a date, for the item's period."""

    talent = models.ForeignKey(
        "talents.Talent", on_delete=models.PROTECT, related_name="grants", verbose_name="人才"
    )
    item = models.ForeignKey(
        PolicyItem, on_delete=models.PROTECT, related_name="grants", verbose_name="政策事项"
    )
    granted_on = models.DateField("兑现日期")
    ends_on = models.DateField("享受截止", null=True, blank=True)
    amount = models.DecimalField("核定金额（元）", max_digits=12, decimal_places=2, default=0)
    remark = models.CharField("备注", max_length=200, blank=True)
    # A grant that no longer meets its conditions (or ends early) is stopped, never deleted.
    stopped_on = models.DateField("终止日期", null=True, blank=True)
    stop_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "政策兑现"
        ordering = ["-granted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "item"], name="grant_once_per_item"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="grant_amount"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("granted_on")),
                name="grant_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.talent}：{self.item}"

    def current_on(self, on: date) -> bool:
        """Still enjoyed on `on`: granted, not stopped, and the period not over."""
        if self.granted_on > on:
            return False
        if self.stopped_on is not None and self.stopped_on <= on:
            return False
        return self.ends_on is None or on <= self.ends_on
