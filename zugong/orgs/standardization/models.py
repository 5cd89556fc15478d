"""标准化规范化建设, 评星定级 and 软弱涣散党组织整顿 (DESIGN.md §4: checklists are versioned data).

- A ChecklistTemplate (考评细则) applies to one organization category (or to all) from a year on;
  its items carry points, the scoring standard and, for items fed from the records, the feed.
- An AnnualScore (年度考评) is one branch's score of one year: one ScoreLine per item, the
  automatic ones frozen with the figures they were computed from, the manual ones entered by the
  township committee with evidence files; the total gives the stars.
- A WeakOrg (软弱涣散党组织) is identified from the bottom of the ranking or by a named cause,
  confirmed by the 组织部, and tracked through its rectification measures to 销号.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import StepLog, TimeStamped

__all__ = [
    "AnnualScore",
    "ChecklistItem",
    "ChecklistTemplate",
    "ItemFeed",
    "ScoreEvidence",
    "ScoreLine",
    "ScoreStatus",
    "WeakBasis",
    "WeakOrg",
    "WeakOrgEvent",
    "WeakOrgEvidence",
    "WeakOrgMeasure",
    "WeakStatus",
]

ZERO = Decimal("0")
WEAK_CAUSE_TABLE = "weak_org_cause"


def standards_file_path(instance: models.Model, filename: str) -> str:
    # Random names under MEDIA_ROOT, which no URL serves: files go out only through scoped views.
    return f"standards/{secrets.token_hex(16)}.bin"


class ItemFeed(models.TextChoices):
    MANUAL = "manual", "人工评分"
    MEETINGS = "meetings", "组织生活开展情况（自动）"
    TERM = "term", "按期换届（自动）"
    DUES = "dues", "党费交纳（自动）"
    COMPLETENESS = "completeness", "党员信息完整度（自动）"


class ChecklistTemplate(TimeStamped):
    """考评细则: one version of the checklist for a category (blank: every category) from a year."""

    name = models.CharField("细则名称", max_length=100)
    category = models.ForeignKey(
        "core.CodeItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="适用党组织类别",
        help_text="不选表示适用于所有类别（没有专门细则的类别使用通用细则）",
        limit_choices_to={"table__code": "org_category"},
    )
    year_from = models.PositiveSmallIntegerField("起用年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_active = models.BooleanField("启用", default=True)
    source = models.CharField(
        "依据",
        max_length=300,
        blank=True,
        help_text="如：某县党支部标准化规范化建设考评细则（本地示例，未确认）",
    )
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "标准化考评细则"
        ordering = ["-year_from", "category__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year_from", "version"], name="checklist_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year_from}年起，第{self.version}版）"

    @property
    def category_label(self) -> str:
        return self.category.name if self.category_id else "通用（所有类别）"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="items", verbose_name="细则"
    )
    code = models.CharField("序号", max_length=10)
    dimension = models.CharField("考评方面", max_length=40)
    title = models.CharField("考评内容", max_length=100)
    standard = models.TextField("评分标准（扣分规则）", blank=True)
    max_points = models.DecimalField("分值", max_digits=5, decimal_places=2)
    feed = models.CharField(
        "计分方式", max_length=20, choices=ItemFeed.choices, default=ItemFeed.MANUAL
    )
    evidence_hint = models.CharField("佐证材料", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考评项目"
        ordering = ["template", "sort_order", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_item_code"),
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0), name="checklist_item_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}（{self.max_points}分）"

    @property
    def is_auto(self) -> bool:
        return self.feed != ItemFeed.MANUAL


class ScoreStatus(models.TextChoices):
    SCORED = "scored", "已评分"
    CONFIRMED = "confirmed", "组织部已确认"


class AnnualScore(TimeStamped):
    """年度考评: one branch, one year; the total and the stars follow from the lines."""

    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="annual_scores",
        verbose_name="党支部",
    )
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField("考评年度")
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="scores", verbose_name="考评细则"
    )
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, default=ZERO)
    stars = models.PositiveSmallIntegerField("星级", default=1)
    status = models.CharField(
        "状态", max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.SCORED
    )
    as_of = models.DateField("自动项统计截至")
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="评分人",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("评语", max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["org_path", "created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "年度考评"
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="annual_score_org_year"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="annual_score_stars_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "org_path"], name="annual_score_year_path")]

    def __str__(self) -> str:
        return f"{self.org}（{self.year}年度，{self.total}分，{self.stars}星）"

    @property
    def is_confirmed(self) -> bool:
        return self.status == ScoreStatus.CONFIRMED

    @property
    def star_symbols(self) -> str:
        return "★" * self.stars + "☆" * (5 - self.stars)


class ScoreLine(models.Model):
    """One item of a score, with the item as it stood when scored (templates change later)."""

    score = models.ForeignKey(
        AnnualScore, on_delete=models.CASCADE, related_name="lines", verbose_name="年度考评"
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="lines", verbose_name="考评项目"
    )
    code = models.CharField("序号", max_length=10)
    dimension = models.CharField("考评方面", max_length=40)
    title = models.CharField("考评内容", max_length=100)
    max_points = models.DecimalField("分值", max_digits=5, decimal_places=2)
    feed = models.CharField("计分方式", max_length=20, choices=ItemFeed.choices)
    points = models.DecimalField("得分", max_digits=5, decimal_places=2)
    # Automatic items: how many units (missed meetings, unpaid person-months ...) at what rate.
    units = models.PositiveIntegerField("扣分单位数", default=0)
    rate = models.DecimalField("每单位扣分", max_digits=5, decimal_places=2, default=ZERO)
    figures = models.JSONField("来源数据", default=dict, blank=True)
    source_text = models.CharField("来源说明", max_length=300, blank=True)
    note = models.CharField("评分说明", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考评得分"
        ordering = ["score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "item"], name="score_line_item"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0, points__lte=models.F("max_points")),
                name="score_line_points_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}：{self.points}/{self.max_points}"

    @property
    def deducted(self) -> Decimal:
        return self.max_points - self.points


class StoredFile(models.Model):
    blob = models.FileField("文件", upload_to=standards_file_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ScoreEvidence(StoredFile):
    """A 佐证材料 for one item of a branch's year, uploaded before or after the score is saved."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党支部"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField("考评年度")
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="evidence", verbose_name="考评项目"
    )

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = "考评佐证材料"
        indexes = [models.Index(fields=["org", "year"], name="score_evidence_org_year")]


class WeakBasis(models.TextChoices):
    RANKING = "ranking", "考评排名靠后"
    CAUSE = "cause", "存在软弱涣散情形"


class WeakStatus(models.TextChoices):
    PROPOSED = "proposed", "拟列入（待组织部确认）"
    RECTIFYING = "rectifying", "整顿中"
    REQUESTED = "requested", "申请销号"
    CLOSED = "closed", "已销号"
    REJECTED = "rejected", "未列入"


OPEN_WEAK_STATUSES = (WeakStatus.RECTIFYING, WeakStatus.REQUESTED)


class WeakOrg(TimeStamped):
    """软弱涣散党组织: identified, confirmed by the 组织部, rectified and closed (销号)."""

    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="weak_listings",
        verbose_name="党组织",
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField("整顿年度")
    basis = models.CharField("列入依据", max_length=10, choices=WeakBasis.choices)
    cause_codes = models.JSONField("软弱涣散情形", default=list, blank=True)
    ranking_note = models.CharField("考评排名", max_length=200, blank=True)
    situation = models.TextField("主要问题表现", blank=True)
    responsible = models.CharField(
        "整顿责任人（包联领导）", max_length=60, blank=True, help_text="如：乡镇党委书记 某某"
    )
    deadline = models.DateField("整顿期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=WeakStatus.choices, default=WeakStatus.PROPOSED
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提出人"
    )
    history = HistoricalRecords(excluded_fields=["org_path", "created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "软弱涣散党组织"
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="weak_org_once_a_year"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False),
                name="weak_org_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="weak_org_status_deadline")]

    def __str__(self) -> str:
        return f"{self.org}（{self.year}年度软弱涣散整顿）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WEAK_STATUSES


class WeakOrgMeasure(models.Model):
    weak_org = models.ForeignKey(
        WeakOrg, on_delete=models.CASCADE, related_name="measures", verbose_name="整顿对象"
    )
    title = models.CharField("整顿措施", max_length=200)
    deadline = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.CharField("完成情况", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "整顿措施"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title


class WeakOrgEvidence(StoredFile):
    weak_org = models.ForeignKey(WeakOrg, on_delete=models.CASCADE, related_name="evidence")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = "整顿佐证材料"


class WeakOrgEvent(StepLog):
    """The log of a rectification's decisive steps."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", "提出列入"
        CONFIRMED = "confirmed", "确认列入"
        REJECTED = "rejected", "不予列入"
        PROGRESS = "progress", "报告进展"
        REQUESTED = "requested", "申请销号"
        APPROVED = "approved", "同意销号"
        REFUSED = "refused", "不同意销号"

    weak_org = models.ForeignKey(WeakOrg, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)

    class Meta(StepLog.Meta):
        verbose_name = verbose_name_plural = "整顿办理记录"
