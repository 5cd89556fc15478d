"""服务包: requests for a service to a talent, their handling and satisfaction.

A request is entered by the 人才办 — on the talent's behalf, or for the talent's employer
(用人单位), whose name and contact are recorded as the requester. It is assigned to a service
officer (服务专员, an account) and runs 待受理 → 已受理 → 办理中 → 已办结, or is 退回 with a reason
from any open state. Each step has a due date in working days (package_rules.py); the talent's
satisfaction (1–5 and text) is recorded after 办结. Every step is logged in ServiceEvent.

Scope: `org_path` copies the talent's organization path, so a subtree is one indexed range.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

__all__ = [
    "ServiceKind",
    "RequestSource",
    "ServiceState",
    "OPEN_SERVICE_STATES",
    "ServiceRequest",
    "ServiceEvent",
]


class ServiceKind(models.TextChoices):
    MEDICAL = "medical", "医疗服务"
    LIVING = "living", "生活补贴"
    HOUSING = "housing", "住房保障"
    SCHOOLING = "schooling", "子女入学"
    OTHER = "other", "其他服务"


class RequestSource(models.TextChoices):
    OFFICE = "office", "人才办代为申请"
    EMPLOYER = "employer", "用人单位申请"


class ServiceState(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    HANDLING = "handling", "办理中"
    DONE = "done", "已办结"
    RETURNED = "returned", "已退回"


OPEN_SERVICE_STATES = (ServiceState.SUBMITTED, ServiceState.ACCEPTED, ServiceState.HANDLING)


class ServiceRequest(TimeStamped):
    talent = models.ForeignKey(
        "talents.Talent",
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name="人才",
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField("服务类别", max_length=12, choices=ServiceKind.choices)
    item = models.ForeignKey(
        "talents.PolicyItem",
        on_delete=models.PROTECT,
        related_name="service_requests",
        null=True,
        blank=True,
        verbose_name="对应政策事项",
    )
    content = models.TextField("服务诉求", max_length=2000)
    source = models.CharField("申请方式", max_length=10, choices=RequestSource.choices)
    requester_name = models.CharField("申请人（单位）", max_length=100)
    requester_contact = models.CharField("联系人及电话", max_length=60, blank=True)
    submitted_on = models.DateField("申请日期")
    state = models.CharField(
        "办理状态", max_length=10, choices=ServiceState.choices, default=ServiceState.SUBMITTED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="服务专员",
    )
    # The current step: when it started and its last allowed day (working days, the rule's
    # parameter in force on the start day); None once the request is 办结 or 退回.
    step_started_on = models.DateField("本环节开始日期")
    step_due_on = models.DateField("本环节办理期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    handling_on = models.DateField("开始办理日期", null=True, blank=True)
    closed_on = models.DateField("办结（退回）日期", null=True, blank=True)
    result = models.TextField("办理结果", max_length=2000, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField("满意度（1–5）", null=True, blank=True)
    feedback = models.CharField("评价意见", max_length=500, blank=True)
    feedback_on = models.DateField("评价日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "人才服务事项"
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "state"], name="service_scope_state"),
            models.Index(fields=["state", "step_due_on"], name="service_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5, state=ServiceState.DONE),
                name="service_satisfaction_after_done",
            ),
            models.CheckConstraint(
                condition=~Q(state=ServiceState.RETURNED) | ~Q(return_reason=""),
                name="service_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"RCFW{self.submitted_on:%Y}-{self.pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_SERVICE_STATES

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.org_path = self.talent.org_path
        super().save(*args, **kwargs)


class ServiceEvent(models.Model):
    """The log of one request: each step, assignment and the satisfaction feedback."""

    class Kind(models.TextChoices):
        CREATED = "created", "登记申请"
        ASSIGNED = "assigned", "指派服务专员"
        ACCEPTED = "accepted", "受理"
        HANDLING = "handling", "开始办理"
        DONE = "done", "办结"
        RETURNED = "returned", "退回"
        FEEDBACK = "feedback", "满意度评价"

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=10, choices=Kind.choices)
    on = models.DateField("办理日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("记录时间", auto_now_add=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务事项办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.on:%Y-%m-%d}）"
