"""选拔任用纪实: one case per post to fill, its steps in the order of the 2019 条例, the people
considered, and the 任前公示 that the public supervision portal shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zugong.cadres.models.archive import Cadre
from zugong.cadres.models.units import Post, Unit
from zugong.core.models import TimeStamped


class SelectionStepKind(models.TextChoices):
    """The steps in their order; a case moves through them one by one."""

    MOTION = "motion", "分析研判和动议"
    RECOMMENDATION = "recommendation", "民主推荐"
    INSPECTION = "inspection", "考察"
    DISCIPLINE_OPINION = "discipline_opinion", "纪委监委意见（函询）"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项报告核查"
    DECISION = "decision", "讨论决定"
    PUBLIC_NOTICE = "public_notice", "任前公示"
    APPOINTMENT = "appointment", "任职"
    PROBATION = "probation", "试用期满考核"
    ARCHIVE = "archive", "纪实归档"


SELECTION_STEP_ORDER: tuple[str, ...] = tuple(SelectionStepKind.values)


class SelectionMode(models.TextChoices):
    PROMOTION = "promotion", "提拔任职"
    FURTHER_USE = "further_use", "进一步使用"
    LATERAL = "lateral", "平职交流"
    EXCEPTIONAL = "exceptional", "破格提拔"
    COMPETITION = "competition", "竞争上岗"


class SelectionStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    PAUSED = "paused", "暂停"
    ENDED = "ended", "终止"
    COMPLETED = "completed", "已归档"


class SelectionCase(TimeStamped):
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="selection_cases", verbose_name="拟任职务"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    title = models.CharField("事项名称", max_length=200)
    mode = models.CharField("选任方式", max_length=12, choices=SelectionMode.choices)
    reason = models.TextField("动议理由", blank=True)
    opened_on = models.DateField("动议日期")
    status = models.CharField(
        "状态", max_length=10, choices=SelectionStatus.choices, default=SelectionStatus.ACTIVE
    )
    # The step the case waits on; empty once archived.
    current_step = models.CharField(
        "当前环节", max_length=20, choices=SelectionStepKind.choices, blank=True
    )
    status_reason = models.CharField("暂停/终止原因", max_length=300, blank=True)
    appointee = models.ForeignKey(
        Cadre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="拟任人选",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "选拔任用纪实"
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="cadre_selection_path_idx"),
            models.Index(fields=["status", "unit_path"], name="cadre_selection_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class SelectionCandidate(TimeStamped):
    """A person considered: 推荐 votes, whether chosen for 考察, and whether finally decided."""

    case = models.ForeignKey(
        SelectionCase, on_delete=models.CASCADE, related_name="candidates", verbose_name="纪实"
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="+", verbose_name="人选"
    )
    talk_votes = models.PositiveIntegerField("谈话调研推荐票", null=True, blank=True)
    meeting_votes = models.PositiveIntegerField("会议推荐票", null=True, blank=True)
    is_inspected = models.BooleanField("列为考察对象", default=False)
    is_chosen = models.BooleanField("确定为拟任人选", default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "人选"
        constraints = [
            models.UniqueConstraint(fields=["case", "cadre"], name="cadre_candidate_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_chosen=True), name="cadre_one_chosen_candidate"
            ),
        ]

    def __str__(self) -> str:
        return str(self.cadre)


class SelectionStep(TimeStamped):
    """A recorded step: when, by whom, the figures (`details`, per-step keys) and the documents."""

    case = models.ForeignKey(
        SelectionCase, on_delete=models.CASCADE, related_name="steps", verbose_name="纪实"
    )
    step = models.CharField("环节", max_length=20, choices=SelectionStepKind.choices)
    done_on = models.DateField("办理日期")
    # Step figures: votes, people talked to, members present, 公示 dates, 文件号 ...
    details = models.JSONField("情况", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "纪实环节"
        ordering = ["case", "done_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="cadre_selection_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.done_on}"


class PublicNotice(TimeStamped):
    """A 任前公示 (R10: ≥ 5 working days). The supervision portal lists active notices and takes
    feedback on them; the public sees only whether feedback is under verification."""

    case = models.ForeignKey(
        SelectionCase, on_delete=models.CASCADE, related_name="notices", verbose_name="纪实"
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="public_notices", verbose_name="公示对象"
    )
    public_text = models.TextField("公示内容")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    feedback_count = models.PositiveIntegerField("收到反映件数", default=0)
    feedback_summary = models.TextField("反映内容及核查情况", blank=True)
    under_review = models.BooleanField("有反映，核查中", default=False)
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "任前公示"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["ends_on", "starts_on"], name="cadre_notice_dates_idx"),
            models.Index(fields=["unit_path"], name="cadre_notice_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 任前公示"
