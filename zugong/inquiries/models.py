"""大调研 (investigation plans, activities, opinions) and 问题清单/督办 (problems tracked to 销号).

Two worlds meet here and stay apart: a problem may be promoted from an opinion or from a verified
举报, but only by an explicit, logged step in which staff write a new, de-identified text; the
problem keeps a bare reference ("举报件 #123"), never the report's words.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import StepLog, TimeStamped


def inquiry_file_path(instance: models.Model, filename: str) -> str:
    # Random names under MEDIA_ROOT, which no URL serves: files go out only through scoped views.
    return f"inquiries/{secrets.token_hex(16)}.bin"


class InvestigationPlan(TimeStamped):
    """A 大调研: one topic, a period, a team and the organizations it visits."""

    topic = models.CharField("调研主题", max_length=200)
    description = models.TextField("调研内容", blank=True)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="investigation_plans",
        verbose_name="牵头组织",
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    targets = models.ManyToManyField(
        "orgs.Organization", blank=True, related_name="investigated_by", verbose_name="调研对象"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "大调研"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="plan_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class TeamMember(models.Model):
    """A member of a plan's 调研组: a staff account, or just a name (e.g. a retired cadre)."""

    plan = models.ForeignKey(InvestigationPlan, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="账号",
    )
    name = models.CharField("姓名", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "调研组成员"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    VISIT = "visit", "走访查看"
    FORUM = "forum", "座谈交流"
    CONSULT = "consult", "征求意见"


class Activity(TimeStamped):
    plan = models.ForeignKey(
        InvestigationPlan,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name="大调研",
    )
    kind = models.CharField("形式", max_length=10, choices=ActivityKind.choices)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=200)
    participants = models.PositiveIntegerField("参加人数", default=0)
    minutes = models.TextField("记录", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "调研活动"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}（{self.place}）"


class StoredFile(models.Model):
    """An uploaded file: typed by its content, stored under a random name outside the web root."""

    blob = models.FileField("文件", upload_to=inquiry_file_path)
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


class ActivityFile(StoredFile):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = "调研活动附件"


class OpinionSource(models.TextChoices):
    ACTIVITY = "activity", "调研活动"
    LETTER = "letter", "来信"
    PHONE = "phone", "来电"
    OTHER = "other", "其他"


class Opinion(TimeStamped):
    """An opinion collected during a plan; it is answered, and may become a problem."""

    plan = models.ForeignKey(
        InvestigationPlan, on_delete=models.CASCADE, related_name="opinions", verbose_name="大调研"
    )
    source = models.CharField("来源", max_length=10, choices=OpinionSource.choices)
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
        verbose_name="调研活动",
    )
    topic = models.CharField("意见类别", max_length=60)
    org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="涉及组织",
    )
    text = models.TextField("意见内容")
    received_on = models.DateField("收集日期")
    answer = models.TextField("答复内容", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="答复人",
    )
    answered_on = models.DateField("答复日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "意见建议"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(answer="", answered_on__isnull=True)
                    | (~models.Q(answer="") & models.Q(answered_on__isnull=False))
                ),
                name="opinion_answer_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"意见 #{self.pk}（{self.topic}）"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)


class ProblemList(TimeStamped):
    """A 问题清单 (e.g. the problems of one plan); it may be published on the portal."""

    title = models.CharField("清单名称", max_length=200)
    plan = models.ForeignKey(
        InvestigationPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem_lists",
        verbose_name="所属大调研",
    )
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="牵头组织"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    published = models.BooleanField(
        "公开整改进度", default=False, help_text="公开后，群众可在门户查看标题、责任单位和进度"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "问题清单"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemState(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSURE_REQUESTED = "requested", "申请销号"
    CLOSED = "closed", "已销号"


class SourceKind(models.TextChoices):
    NONE = "none", "直接列入"
    OPINION = "opinion", "意见建议"
    REPORT = "report", "举报件"


ZERO = Decimal("0")
HUNDRED = Decimal("100")


class Problem(TimeStamped):
    """One item of a 问题清单. A county item with township children takes its progress from them."""

    problem_list = models.ForeignKey(
        ProblemList, on_delete=models.CASCADE, related_name="problems", verbose_name="问题清单"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级问题",
    )
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    topic = models.CharField("问题类别", max_length=60, blank=True)
    responsible_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位"
    )
    responsible_path = models.CharField(max_length=255, editable=False, db_index=True)
    owner_name = models.CharField("责任人", max_length=40, blank=True)
    measures = models.TextField("整改措施", blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    weight = models.PositiveIntegerField(
        "权重", default=1, help_text="上级问题的进度按下级问题的权重加权平均；全部为 0 时取平均值"
    )
    progress = models.DecimalField(
        "整改进度（%）",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )
    state = models.CharField(
        "销号状态", max_length=10, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    source_kind = models.CharField(
        "来源", max_length=10, choices=SourceKind.choices, default=SourceKind.NONE
    )
    # A bare reference ("举报件 #123", "意见 #45"): never the source's text.
    source_reference = models.CharField("来源编号", max_length=40, blank=True)
    source_opinion = models.ForeignKey(
        Opinion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name="来源意见",
    )
    history = HistoricalRecords(excluded_fields=["responsible_path"])

    class Meta:
        verbose_name = verbose_name_plural = "问题"
        ordering = ["problem_list", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="problem_state_deadline_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="problem_progress_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(closed_on__isnull=False),
                name="problem_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.state == ProblemState.CLOSED


class Milestone(models.Model):
    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="milestones", verbose_name="问题"
    )
    title = models.CharField("节点", max_length=200)
    planned_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "整改节点"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(StoredFile):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")

    class Meta(StoredFile.Meta):
        verbose_name = verbose_name_plural = "整改佐证材料"


class ProblemEvent(StepLog):
    """The log of a problem's decisive steps: promotion, 销号 request, approval, refusal, reopening."""

    class Kind(models.TextChoices):
        PROMOTED = "promoted", "列入问题清单"
        REQUESTED = "requested", "申请销号"
        APPROVED = "approved", "同意销号"
        REFUSED = "refused", "不同意销号"
        REOPENED = "reopened", "重新整改"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)

    class Meta(StepLog.Meta):
        verbose_name = verbose_name_plural = "问题办理记录"
