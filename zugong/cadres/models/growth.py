"""Young cadres: the 优秀年轻干部 reserve pool, front-line assignments (蹲苗) with their 跟踪管理
notes and evaluations, and the 七种能力 ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zugong.cadres.models.archive import Cadre
from zugong.cadres.models.units import PostLevel
from zugong.core.models import TimeStamped


class ReserveEntry(TimeStamped):
    """A cadre in the reserve pool for a target level; leaving keeps the row (left_on)."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="reserve_entries", verbose_name="干部"
    )
    target_level = models.CharField("储备层次", max_length=16, choices=PostLevel.choices)
    entered_on = models.DateField("入库日期")
    recommended_by = models.CharField("推荐方式", max_length=100, blank=True)
    # Entry outside the criteria (age, 年度考核) is allowed only with the reason recorded here.
    exception_reason = models.CharField("不符合入库条件的入库理由", max_length=200, blank=True)
    left_on = models.DateField("出库日期", null=True, blank=True)
    left_reason = models.CharField("出库原因", max_length=200, blank=True)
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "优秀年轻干部库"
        ordering = ["unit_path", "-entered_on"]
        indexes = [models.Index(fields=["unit_path"], name="cadre_reserve_path_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(left_on__isnull=True),
                name="cadre_one_open_reserve_entry",
                violation_error_message="该干部已在库。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.get_target_level_display()}）"


class AssignmentKind(models.TextChoices):
    RURAL_REVITALIZATION = "rural", "乡村振兴"
    PROJECT = "project", "项目建设"
    EMERGENCY = "emergency", "应急处突"
    PETITION = "petition", "信访维稳"
    INVESTMENT = "investment", "招商引资"
    GRASSROOTS = "grassroots", "基层一线挂职"
    OTHER = "other", "其他"


class Assignment(TimeStamped):
    """A front-line assignment (蹲苗/墩苗): where, when, with whom, to achieve what."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="assignments", verbose_name="干部"
    )
    kind = models.CharField("岗位类别", max_length=12, choices=AssignmentKind.choices)
    place = models.CharField("地点/岗位", max_length=120)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    mentor = models.CharField("导师/联系领导", max_length=60, blank=True)
    goals = models.TextField("目标任务", blank=True)
    # Months between 跟踪管理 notes; the national practice is quarterly (a rule parameter
    # supplies the default, a case may set its own).
    tracking_months = models.PositiveSmallIntegerField("跟踪间隔（月）", null=True, blank=True)
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "一线历练"
        ordering = ["unit_path", "-started_on"]
        indexes = [models.Index(fields=["unit_path"], name="cadre_assignment_path_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cadre_assignment_dates_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.place}"


class TrackingNote(TimeStamped):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="notes", verbose_name="一线历练"
    )
    noted_on = models.DateField("跟踪日期")
    content = models.TextField("跟踪情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "跟踪管理记录"
        ordering = ["assignment", "-noted_on"]

    def __str__(self) -> str:
        return f"{self.noted_on} {self.content[:20]}"


# 七种能力 (习近平 2020-10 中青年干部培训班讲话): rated 1–5 in each evaluation.
SEVEN_ABILITIES: tuple[tuple[str, str], ...] = (
    ("political", "政治能力"),
    ("research", "调查研究能力"),
    ("decision", "科学决策能力"),
    ("reform", "改革攻坚能力"),
    ("emergency", "应急处突能力"),
    ("mass_work", "群众工作能力"),
    ("implementation", "抓落实能力"),
)


class Evaluation(TimeStamped):
    """An evaluation of a young cadre (at an assignment's end or yearly), with ability ratings."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        FAIR = "fair", "一般"
        POOR = "poor", "较差"

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="evaluations", verbose_name="干部"
    )
    assignment = models.ForeignKey(
        Assignment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        verbose_name="一线历练",
    )
    evaluated_on = models.DateField("评价日期")
    grade = models.CharField("总体评价", max_length=10, choices=Grade.choices)
    summary = models.TextField("评价意见", blank=True)
    # {"political": 4, ...}: one 1–5 score per key of SEVEN_ABILITIES.
    abilities = models.JSONField("七种能力评分", default=dict, blank=True)
    evaluator = models.CharField("评价人/单位", max_length=60, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "年轻干部评价"
        ordering = ["cadre", "-evaluated_on"]

    def __str__(self) -> str:
        return f"{self.evaluated_on} {self.get_grade_display()}"
