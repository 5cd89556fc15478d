"""举报 (reports) and their handling by the 干部监督科.

The reporter side keeps as little as possible: the text, files and the optional identity are
encrypted (crypto.py), the receipt code is only a hash, dates are days (no time of day that could
be matched with a network log), and nothing about the client is stored (privacy.py).

The staff side is accountable: every step, assignment and case view is recorded with who and when.
Access to a case is per assignment (CaseAssignment), never by role alone.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped
from zugong.supervision.crypto import unseal


class Channel(models.TextChoices):
    SELECTION = "selection", "干部选拔任用和任前公示异议"
    ORGANIZATION = "organization", "基层党组织"
    MEMBER = "member", "党员"
    OTHER = "other", "其他"


class SubjectKind(models.TextChoices):
    CADRE = "cadre", "干部"
    ORGANIZATION = "organization", "党组织"
    NOTICE = "notice", "任前公示"
    NONE = "none", "未指明"


class ReportState(models.TextChoices):
    RECEIVED = "received", "待受理"
    REJECTED = "rejected", "不予受理"
    ACCEPTED = "accepted", "已受理，待分办"
    INVESTIGATING = "investigating", "核查中"
    ANSWERED = "answered", "已反馈"
    CLOSED = "closed", "已办结"


OPEN_STATES = (
    ReportState.RECEIVED,
    ReportState.ACCEPTED,
    ReportState.INVESTIGATING,
    ReportState.ANSWERED,
)


class ReportResult(models.TextChoices):
    TRUE = "true", "属实"
    PARTLY_TRUE = "partly_true", "部分属实"
    FALSE = "false", "不属实"
    UNVERIFIABLE = "unverifiable", "无法核实"


class Report(models.Model):
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    subject_kind = models.CharField(
        "反映对象类型", max_length=20, choices=SubjectKind.choices, default=SubjectKind.NONE
    )
    subject_cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="被反映干部",
    )
    subject_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="被反映党组织",
    )
    subject_notice = models.ForeignKey(
        "cadres.PublicNotice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="任前公示",
    )
    # Encrypted: the free-text "about whom" and the report itself.
    subject_text_sealed = models.TextField("反映对象（加密）", blank=True)
    text_sealed = models.TextField("反映内容（加密）")
    receipt_hash = models.CharField("查询码摘要", max_length=64, unique=True)
    # Filed by staff on someone's behalf (来信来访): the reporter must set a new code first.
    receipt_must_change = models.BooleanField("查询码需更换", default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="代为登记人",
    )
    has_identity = models.BooleanField("实名", default=False)
    received_on = models.DateField("收到日期")
    state = models.CharField(
        "状态", max_length=20, choices=ReportState.choices, default=ReportState.RECEIVED
    )
    # The due date of the current step (受理, 分办, 核查, 反馈), in working days (case rules).
    step_due_on = models.DateField("本环节办理期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    reject_reason = models.CharField("不予受理理由", max_length=500, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    result = models.CharField("办结结果", max_length=20, choices=ReportResult.choices, blank=True)
    result_note_sealed = models.TextField("办结情况（加密）", blank=True)
    reopened_times = models.PositiveSmallIntegerField("重新办理次数", default=0)
    # The unit (cadre side) or organization the report is about, for 回避 and statistics.
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    org_path = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "举报件"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["state", "step_due_on"], name="report_state_due_idx"),
            models.Index(fields=["channel", "received_on"], name="report_channel_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=ReportState.REJECTED) | ~Q(reject_reason=""),
                name="report_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.CLOSED) | ~Q(result=""),
                name="report_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}举报 #{self.pk}"

    @property
    def text(self) -> str:
        return unseal(self.text_sealed)

    @property
    def subject_text(self) -> str:
        return unseal(self.subject_text_sealed)

    @property
    def result_note(self) -> str:
        return unseal(self.result_note_sealed)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def number(self) -> str:
        """The case number staff quote (编号): not the receipt code, which only the reporter has."""
        return f"JB{self.pk:06d}"


def report_file_path(instance: ReportFile, filename: str) -> str:
    # Random names outside the web root; the original name is kept encrypted.
    return f"supervision/{secrets.token_hex(16)}.bin"


class ReportFile(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    blob = models.FileField("文件（加密）", upload_to=report_file_path)
    name_sealed = models.TextField("文件名（加密）")
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    added_on = models.DateField("上传日期")
    from_reporter = models.BooleanField("反映人提供", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "举报附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report} 附件 {self.pk}"

    @property
    def name(self) -> str:
        return unseal(self.name_sealed)


class SealedIdentity(models.Model):
    """A reporter's real name and contact, apart from the report and opened only on approval."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    name_sealed = models.TextField("姓名（加密）")
    contact_sealed = models.TextField("联系方式（加密）", blank=True)
    provided_on = models.DateField("提供日期")

    class Meta:
        verbose_name = verbose_name_plural = "实名信息（密封）"

    def __str__(self) -> str:
        return f"{self.report} 实名信息"


class IdentityRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        DENIED = "denied", "未批准"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    reason = models.TextField("申请理由")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审批人（保管人）",
    )
    decision_reason = models.TextField("审批意见", blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "实名信息查看申请"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_by__isnull=False),
                name="identity_request_decided_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} 实名查看申请（{self.get_state_display()}）"


class MessageVisibility(models.TextChoices):
    PUBLIC = "public", "反馈给反映人"
    INTERNAL = "internal", "内部记录"


class ReportMessage(models.Model):
    """A reply the reporter reads with the code (public), an internal note, or information the
    reporter added later (author empty)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="工作人员",
    )
    visibility = models.CharField("可见范围", max_length=10, choices=MessageVisibility.choices)
    text_sealed = models.TextField("内容（加密）")
    created_on = models.DateField("日期")

    class Meta:
        verbose_name = verbose_name_plural = "举报往来记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_visibility_display()} {self.created_on}"

    @property
    def text(self) -> str:
        return unseal(self.text_sealed)

    @property
    def from_reporter(self) -> bool:
        return self.author_id is None


class CaseAssignment(TimeStamped):
    """Who may open a case: the handlers it was assigned to (分办), while the assignment lasts."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField("有效", default=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分办"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "handler"],
                condition=Q(active=True),
                name="one_active_assignment_per_handler",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.handler}"


class CaseEvent(models.Model):
    """One step of a case's handling, for its timeline and the statistics."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "收到"
        ACCEPTED = "accepted", "受理"
        REJECTED = "rejected", "不予受理"
        ASSIGNED = "assigned", "分办"
        UNASSIGNED = "unassigned", "撤回分办"
        NOTE = "note", "核查记录"
        ANSWERED = "answered", "反馈"
        CLOSED = "closed", "办结"
        REOPENED = "reopened", "重新办理"
        REMINDED = "reminded", "到期提醒"
        ESCALATED = "escalated", "逾期督办"
        REPORTER_ADDED = "reporter_added", "反映人补充"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("环节", max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="经办人",
    )
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_kind_display()}"


class CaseAccess(models.Model):
    """Every time staff open a case, a file or a sealed identity (who, when, what)."""

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        FILE = "file", "下载附件"
        IDENTITY = "identity", "查看实名信息"
        EXPORT = "export", "导出"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "查阅记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_action_display()}"


class HandlerProfile(TimeStamped):
    """A staff account that may be given cases (承办人), linked to its own cadre record so that
    回避 can be checked against the cadre and unit a report names. Kept by the 干部监督科."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handler_profile",
        verbose_name="账号",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="本人干部档案",
        help_text="用于核对回避；未关联时无法核对回避",
    )
    active = models.BooleanField("可承办", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "承办人"
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)
