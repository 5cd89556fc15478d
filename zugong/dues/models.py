"""党费: each member's yearly standard, each month's payment, the branch setting and a monthly tally.

《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）: the standard is set once a year
(每年初核定), paid monthly (or quarterly where the branch agreed, 第十二条). Reports read the tally
(per branch path, year and month), never the members.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped
from zugong.members.models import Member
from zugong.orgs.models import Organization

ZERO = Decimal("0.00")


class DuesCategory(models.TextChoices):
    """收入类别: which article's formula applies (第二条 to 第六条)."""

    SALARIED = "salaried", "在职（按月领取工资）"
    ANNUAL_SALARY = "annual_salary", "实行年薪制"
    IRREGULAR = "irregular", "不按月取得收入（个体经营等）"
    RETIRED = "retired", "离退休"
    FARMER = "farmer", "农民"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    LOW_INCOME = "low_income", "依靠抚恤、救济或领取低保"


# Categories whose amount is a rate times an income base (第二条 to 第五条).
INCOME_CATEGORIES = frozenset(
    {
        DuesCategory.SALARIED,
        DuesCategory.ANNUAL_SALARY,
        DuesCategory.IRREGULAR,
        DuesCategory.RETIRED,
    }
)
# Categories that pay a fixed small amount a month (第六条).
FIXED_CATEGORIES = frozenset(
    {DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.LOW_INCOME}
)


class Reduction(models.TextChoices):
    NONE = "none", "按标准交纳"
    REDUCED = "reduced", "少交"
    EXEMPT = "exempt", "免交"


MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class DuesStandard(TimeStamped):
    """一名党员一年的党费交纳标准（每年初核定，年内一般不变动）."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_standards", verbose_name="党员"
    )
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("收入类别", max_length=20, choices=DuesCategory.choices)
    income_base = models.DecimalField(
        "月收入基数（元）", max_digits=12, decimal_places=2, default=ZERO
    )
    # The bracket rate (0.0050 = 0.5%); 0 for the fixed amounts of 第六条.
    rate = models.DecimalField("交纳比例", max_digits=6, decimal_places=4, default=ZERO)
    # What the formula gives, before any 少交/免交.
    standard_amount = models.DecimalField(
        "按规定月交纳额（元）", max_digits=10, decimal_places=2, default=ZERO
    )
    # What is due each month: the standard amount, the approved reduced amount, or 0 when exempt.
    monthly_amount = models.DecimalField(
        "月交纳额（元）", max_digits=10, decimal_places=2, default=ZERO
    )
    reduction = models.CharField(
        "少交/免交", max_length=10, choices=Reduction.choices, default=Reduction.NONE
    )
    approval_authority = models.CharField("批准机关", max_length=100, blank=True)
    approval_date = models.DateField("批准日期", null=True, blank=True)
    approval_number = models.CharField("批准文号", max_length=60, blank=True)
    starts_month = models.PositiveSmallIntegerField(
        "起交月份", default=1, validators=MONTH_VALIDATORS
    )
    ends_month = models.PositiveSmallIntegerField(
        "止交月份", null=True, blank=True, validators=MONTH_VALIDATORS
    )
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="所在党支部"
    )
    org_path = models.CharField(max_length=255, editable=False)
    note = models.CharField("备注", max_length=300, blank=True)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "org_path"], no_db_index=["member", "org"]
    )

    class Meta:
        verbose_name = verbose_name_plural = "党费交纳标准"
        ordering = ["org_path", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_standard_member_year"),
            models.CheckConstraint(
                condition=models.Q(income_base__gte=0), name="dues_standard_base_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["year", "org_path"],
                name="dues_standard_year_path_idx",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["org_path"],
                name="dues_standard_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.year}年）：每月{self.monthly_amount}元"

    def is_due(self, month: int) -> bool:
        """Whether the month lies within the paying months and anything is due for it."""
        return self.covers(month) and self.monthly_amount > 0

    def covers(self, month: int) -> bool:
        return self.starts_month <= month <= (self.ends_month or 12)

    @property
    def rate_percent(self) -> str:
        return f"{(self.rate * 100).normalize():f}%" if self.rate else "—"


class DuesPayment(TimeStamped):
    """One member's dues for one month (the month paid FOR), as collected by the branch."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name="党员"
    )
    year = models.PositiveSmallIntegerField("所属年度")
    month = models.PositiveSmallIntegerField("所属月份", validators=MONTH_VALIDATORS)
    amount = models.DecimalField("交纳金额（元）", max_digits=10, decimal_places=2)
    # The month's due amount when recorded (kept in step when the standard changes), so reports
    # can tell arrears from voluntary extra without reading the standards.
    due_amount = models.DecimalField(
        "应交金额（元）", max_digits=10, decimal_places=2, default=ZERO, editable=False
    )
    paid_on = models.DateField("交纳日期")
    by_proxy = models.BooleanField("代交", default=False)
    proxy_name = models.CharField("代交人", max_length=40, blank=True)
    receipt_number = models.CharField("收据号", max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="收缴党支部"
    )
    org_path = models.CharField(max_length=255, editable=False)
    is_voided = models.BooleanField("已作废", default=False)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "org_path", "due_amount"],
        no_db_index=["member", "org", "recorded_by"],
    )

    class Meta:
        verbose_name = verbose_name_plural = "党费交纳记录"
        ordering = ["-year", "-month", "id"]
        constraints = [
            # A voided record stays for the audit trail; the month can be recorded again.
            models.UniqueConstraint(
                fields=["member", "year", "month"],
                condition=models.Q(is_voided=False),
                name="dues_payment_member_month",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="dues_payment_positive"),
        ]
        indexes = [
            models.Index(
                fields=["year", "month", "org_path"],
                name="dues_payment_month_path_idx",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["org_path"], name="dues_payment_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年{self.month}月 {self.amount}元"


class DuesBranchSetting(TimeStamped):
    """How a branch collects: monthly, or quarterly where the branch agreed (第十二条)."""

    org = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="dues_setting", verbose_name="党支部"
    )
    quarterly_allowed = models.BooleanField("允许按季度交纳", default=False)
    decided_on = models.DateField("支部同意日期", null=True, blank=True)
    basis = models.CharField("依据（支部委员会会议记录等）", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "党支部党费收缴设置"

    def __str__(self) -> str:
        return f"{self.org}：{'按季度' if self.quarterly_allowed else '按月'}收缴"


class DuesTally(models.Model):
    """Per branch (by path), year and month: what is due and what came in.

    Kept by the services (zugong.dues.tally) and rebuildable from the records; a subtree report
    is one GROUP BY over these rows, O(branches) instead of O(members).
    """

    org_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    due_count = models.IntegerField("应交人数", default=0)
    due_amount = models.DecimalField("应交金额", max_digits=14, decimal_places=2, default=ZERO)
    paid_count = models.IntegerField("已交人数", default=0)
    paid_amount = models.DecimalField("实交金额", max_digits=14, decimal_places=2, default=ZERO)
    # The part of the payments that covers what was due (voluntary extra excluded).
    covered_amount = models.DecimalField(
        "已交应交金额", max_digits=14, decimal_places=2, default=ZERO
    )
    # The same five figures summed over January to this month: a year-to-date report reads one
    # row per branch (the current month's) instead of one per branch and month.
    ytd_due_count = models.IntegerField("累计应交人次", default=0)
    ytd_due_amount = models.DecimalField(
        "累计应交金额", max_digits=14, decimal_places=2, default=ZERO
    )
    ytd_paid_count = models.IntegerField("累计已交人次", default=0)
    ytd_paid_amount = models.DecimalField(
        "累计实交金额", max_digits=14, decimal_places=2, default=ZERO
    )
    ytd_covered_amount = models.DecimalField(
        "累计已交应交金额", max_digits=14, decimal_places=2, default=ZERO
    )

    class Meta:
        verbose_name = verbose_name_plural = "党费收缴统计"
        constraints = [
            models.UniqueConstraint(
                fields=["org_path", "year", "month"], name="dues_tally_path_month"
            )
        ]
        indexes = [
            # Covering (PostgreSQL INCLUDE): a subtree's month is an index-only scan.
            models.Index(
                fields=["year", "month", "org_path"],
                name="dues_tally_month_path_idx",
                opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
                include=[
                    "due_count",
                    "due_amount",
                    "paid_count",
                    "paid_amount",
                    "covered_amount",
                    "ytd_due_count",
                    "ytd_due_amount",
                    "ytd_paid_count",
                    "ytd_paid_amount",
                    "ytd_covered_amount",
                ],
            ),
            models.Index(
                fields=["org_path"], name="dues_tally_path_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_path} {self.year}-{self.month}"
