"""示范创建: demonstration campaigns (示范村, 4310 示范社区/精品小区/标准小区, 模范机关, 两新示范点).

A campaign is one kind of demonstration in one year with a target number and a checklist of
criteria with points. Candidates are organizations of the tree whose category fits the kind; each
goes through the stages 申报 → 培育 → 验收 → 命名 → 复查 one step at a time (摘牌 when a named one
fails 复查), every step logged with who, when and why.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

ZERO = Decimal("0")


def campaign_file_path(instance: models.Model, filename: str) -> str:
    # Random names under MEDIA_ROOT, which no URL serves: files go out only through scoped views.
    return f"campaigns/{secrets.token_hex(16)}.bin"


class CampaignKind(TimeStamped):
    """A kind of demonstration (示范村, 模范机关（执法）...), editable by the 组织部.

    `org_categories` lists the 党组织类别 (code table org_category) whose organizations may be
    candidates; `group` gathers related kinds (模范机关, 两新党建示范点, “4310”工程).
    """

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    group = models.CharField("所属类别", max_length=40, blank=True)
    org_categories = models.ManyToManyField(
        "core.CodeItem",
        related_name="+",
        verbose_name="适用党组织类别",
        limit_choices_to={"table__code": "org_category"},
    )
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "示范创建类型"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Campaign(TimeStamped):
    kind = models.ForeignKey(
        CampaignKind, on_delete=models.PROTECT, related_name="campaigns", verbose_name="创建类型"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("名称", max_length=100)
    programme = models.CharField(
        "所属工程", max_length=40, blank=True, help_text="如“4310”工程、“一园区两商圈三市场四行业”"
    )
    target = models.PositiveIntegerField("目标数", validators=[MinValueValidator(1)])
    pass_score = models.DecimalField(
        "验收合格分",
        max_digits=6,
        decimal_places=1,
        default=Decimal("80"),
        validators=[MinValueValidator(ZERO)],
        help_text="验收时各项标准均已评分且总分不低于此分数方可通过",
    )
    description = models.TextField("创建要求", blank=True)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    history = HistoricalRecords(excluded_fields=["org_path", "created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "示范创建"
        ordering = ["-year", "kind__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "year"], name="campaign_kind_year"),
            models.CheckConstraint(condition=models.Q(target__gte=1), name="campaign_target_1"),
            models.CheckConstraint(
                condition=models.Q(pass_score__gte=0), name="campaign_pass_score_0"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TownshipTarget(TimeStamped):
    """A campaign's yearly target broken down to a 乡镇（街道）/系统 党(工)委 (分解目标)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="township_targets", verbose_name="示范创建"
    )
    township = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="乡镇（街道）/系统",
    )
    target = models.PositiveIntegerField("分解目标数", validators=[MinValueValidator(1)])
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "示范创建分解目标"
        ordering = ["campaign", "township__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "township"], name="campaign_township_once"),
            models.CheckConstraint(
                condition=models.Q(target__gte=1), name="campaign_township_target_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.township}：{self.target}"


class Criterion(models.Model):
    """One item of a campaign's checklist, scored from 0 to `max_points`."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="criteria", verbose_name="示范创建"
    )
    title = models.CharField("标准", max_length=200)
    description = models.TextField("评分细则", blank=True)
    max_points = models.DecimalField(
        "分值", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "创建标准"
        ordering = ["campaign", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0), name="criterion_points_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    DECLARED = "declared", "申报"
    CULTIVATING = "cultivating", "培育"
    ACCEPTED = "accepted", "验收"
    NAMED = "named", "命名"
    REVIEWED = "reviewed", "复查"
    REVOKED = "revoked", "摘牌"


# The stages in order; 摘牌 is a branch off 命名/复查, not a step of the sequence.
STAGE_ORDER = [Stage.DECLARED, Stage.CULTIVATING, Stage.ACCEPTED, Stage.NAMED, Stage.REVIEWED]
# Allowed transitions: one step forward; 复查 may be repeated (a yearly review); 摘牌 only after 命名.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.DECLARED: frozenset({Stage.CULTIVATING}),
    Stage.CULTIVATING: frozenset({Stage.ACCEPTED}),
    Stage.ACCEPTED: frozenset({Stage.NAMED}),
    Stage.NAMED: frozenset({Stage.REVIEWED, Stage.REVOKED}),
    Stage.REVIEWED: frozenset({Stage.REVIEWED, Stage.REVOKED}),
    Stage.REVOKED: frozenset(),
}
# Named (and not 摘牌): what counts against the target.
NAMED_STAGES = (Stage.NAMED, Stage.REVIEWED)
# Scores may be entered until the 验收 decision.
SCORING_STAGES = (Stage.DECLARED, Stage.CULTIVATING)


class Candidate(TimeStamped):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="candidates", verbose_name="示范创建"
    )
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="创建对象"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    # The 乡镇（街道）/系统 党(工)委 above the organization: the unit of the progress table.
    township = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属乡镇（街道）/系统",
    )
    stage = models.CharField(
        "阶段", max_length=12, choices=Stage.choices, default=Stage.DECLARED, db_index=True
    )
    reason = models.TextField("申报理由（创建基础）", blank=True)
    declared_on = models.DateField("申报日期")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申报人"
    )
    total_score = models.DecimalField("总分", max_digits=7, decimal_places=1, default=ZERO)
    decision_number = models.CharField("命名文号", max_length=60, blank=True)
    named_on = models.DateField("命名日期", null=True, blank=True)
    revoked_on = models.DateField("摘牌日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["org_path", "created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "创建对象"
        ordering = ["campaign", "-total_score", "id"]
        indexes = [models.Index(fields=["campaign", "stage"], name="candidate_campaign_stage")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="candidate_once_per_campaign"),
            models.CheckConstraint(
                condition=models.Q(stage__in=["declared", "cultivating", "accepted"])
                | (models.Q(named_on__isnull=False) & ~models.Q(decision_number="")),
                name="candidate_named_has_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="revoked") | models.Q(revoked_on__isnull=False),
                name="candidate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.campaign}"

    @property
    def is_named(self) -> bool:
        return self.stage in NAMED_STAGES


class StageEvent(models.Model):
    """The log of a candidate's stages: 申报, every later step, with who, when and the remark."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="events", verbose_name="创建对象"
    )
    from_stage = models.CharField("原阶段", max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    on = models.DateField("日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("记录时间", auto_now_add=True)
    remark = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "创建阶段记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_to_stage_display()}（{self.on:%Y-%m-%d}）"


class Score(models.Model):
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="scores", verbose_name="创建对象"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name="标准"
    )
    points = models.DecimalField("得分", max_digits=5, decimal_places=1)
    remark = models.CharField("评分说明", max_length=300, blank=True)
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="评分人"
    )
    scored_at = models.DateTimeField("评分时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "评分"
        ordering = ["criterion__sort_order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion"], name="score_once"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}：{self.points}"


class EvidenceFile(models.Model):
    """佐证材料 of a candidate (for one criterion or the whole), typed by content, random name."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="evidence", verbose_name="创建对象"
    )
    criterion = models.ForeignKey(
        Criterion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="对应标准",
    )
    blob = models.FileField("文件", upload_to=campaign_file_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
