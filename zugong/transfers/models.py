"""组织关系转接, 流动党员, 失联党员 and 出党: the cases, their approval state and the action log.

Party-rules §4 and §2.3. A case needing approval (a transfer out of or within the county, an
出党 case) walks a chain of levels (支部 → 党(工)委 → 组织部); which levels are required is a
rule parameter (transfers.rules). The member stays in the issuing branch until the case completes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import CodeItem, TimeStamped
from zugong.members.models import Member, MemberType
from zugong.orgs.models import Organization


class Level(models.IntegerChoices):
    """Approval levels, lowest first; an account's role decides the level it acts at."""

    BRANCH = 1, "党支部"
    COMMITTEE = 2, "党（工）委"
    DEPARTMENT = 3, "组织部"


class CaseStatus(models.TextChoices):
    PENDING = "pending", "审批中"
    RETURNED = "returned", "退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    APPROVED = "approved", "已审批待开介绍信"
    AWAITING_RECEIPT = "awaiting_receipt", "已开介绍信待回执"
    REGISTERED = "registered", "已登记待接收"
    COMPLETED = "completed", "已办结"


OPEN_STATUSES = frozenset(
    {
        CaseStatus.PENDING,
        CaseStatus.RETURNED,
        CaseStatus.APPROVED,
        CaseStatus.AWAITING_RECEIPT,
        CaseStatus.REGISTERED,
    }
)


class TransferKind(models.TextChoices):
    OUT = "out", "转出县外"
    IN = "in", "县外转入"
    WITHIN = "within", "县内转接"


class ApprovalCase(TimeStamped):
    """What every approval case shares: status, the chain's levels and the current step."""

    status = models.CharField(
        "办理状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.PENDING
    )
    # The levels required when the case was submitted (a later change of the parameter does
    # not reshuffle a case under way), e.g. [1, 2, 3]; `step` indexes into it.
    chain = models.JSONField("审批层级", default=list)
    step = models.PositiveSmallIntegerField("当前审批步骤", default=0)
    applied_on = models.DateField("申请日期")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    reason = models.CharField("原因", max_length=300)
    # The issuing side's scope path (copy of the organization's path).
    org_path = models.CharField(max_length=255, editable=False)

    class Meta:
        abstract = True

    @property
    def current_level(self) -> int | None:
        if self.status != CaseStatus.PENDING or self.step >= len(self.chain):
            return None
        return self.chain[self.step]

    @property
    def current_level_label(self) -> str:
        level = self.current_level
        return Level(level).label if level else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Transfer(ApprovalCase):
    """One 组织关系转接 with its 介绍信 (存根/介绍信/回执 carry the same data)."""

    kind = models.CharField("转接类型", max_length=10, choices=TransferKind.choices)
    # Empty for 县外转入 until the member is created on acceptance.
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name="党员",
    )
    from_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name="转出党组织",
    )
    from_org_name = models.CharField("转出党组织名称", max_length=120, blank=True)
    to_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name="转入党支部",
    )
    to_org_name = models.CharField("转入党组织名称（抬头）", max_length=120, blank=True)
    to_org_path = models.CharField(max_length=255, blank=True, editable=False)
    # The person, for 县外转入 (copied into the register on acceptance).
    person_name = models.CharField("姓名", max_length=40, blank=True)
    person_gender = models.ForeignKey(
        CodeItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="性别",
        limit_choices_to={"table__code": "gender"},
    )
    person_id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    person_birth_date = models.DateField("出生日期", null=True, blank=True)
    person_member_type = models.CharField(
        "党员类别", max_length=14, choices=MemberType.choices, blank=True
    )
    person_joined_on = models.DateField("入党日期", null=True, blank=True)
    person_confirmed_on = models.DateField("转正日期", null=True, blank=True)
    person_phone = models.CharField("手机号", max_length=20, blank=True)
    # The 介绍信.
    letter_issuer = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters_issued",
        verbose_name="开具介绍信的党组织",
    )
    letter_issuer_name = models.CharField("开具介绍信的党组织名称", max_length=120, blank=True)
    letter_number = models.CharField("介绍信编号", max_length=40, blank=True)
    letter_issued_on = models.DateField("开具日期", null=True, blank=True)
    dues_paid_to = models.DateField("党费交至（年月）", null=True, blank=True)
    letter_valid_until = models.DateField("有效期至", null=True, blank=True)
    # The 回执: received back by the issuing side (转出), sent by the receiving side (转入).
    received_on = models.DateField("报到/接收日期", null=True, blank=True)
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_org_name = models.CharField("回执单位", max_length=120, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "组织关系转接"
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["org_path"], name="transfer_org_prefix_idx"),
            models.Index(fields=["to_org_path"], name="transfer_to_prefix_idx"),
            models.Index(fields=["status", "org_path"], name="transfer_status_path_idx"),
        ]
        constraints = [
            # A letter number is used once by its issuer (组通字〔2006〕45号: numbered by the issuer).
            models.UniqueConstraint(
                fields=["letter_issuer", "letter_number"],
                condition=models.Q(letter_issuer__isnull=False) & ~models.Q(letter_number=""),
                name="transfer_letter_number_unique",
            ),
            models.UniqueConstraint(
                fields=["letter_issuer_name", "letter_number"],
                condition=models.Q(letter_issuer__isnull=True) & ~models.Q(letter_number=""),
                name="transfer_external_letter_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_kind_display()}（{self.get_status_display()}）"

    @property
    def subject_name(self) -> str:
        return self.member.name if self.member_id else self.person_name


class FlowDirection(models.TextChoices):
    OUT = "out", "流出"
    IN = "in", "流入"


class FlowRecord(TimeStamped):
    """A 流动党员 who keeps the 组织关系 where it is: out of a county branch, or into one."""

    direction = models.CharField("流向", max_length=4, choices=FlowDirection.choices)
    # 流出: the county member; 流入: a member of another place, by name and ID.
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flows",
        verbose_name="党员",
    )
    person_name = models.CharField("姓名", max_length=40, blank=True)
    person_id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    person_phone = models.CharField("联系电话", max_length=20, blank=True)
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="flows",
        verbose_name="流出/流入党支部",
    )
    org_path = models.CharField(max_length=255, editable=False)
    other_place = models.CharField("外出流向/原组织关系所在地", max_length=200)
    other_org_name = models.CharField("流入地/原所在党组织", max_length=120, blank=True)
    reason = models.CharField("外出/流入原因", max_length=200)
    started_on = models.DateField("外出/流入日期")
    expected_until = models.DateField("预计返回/离开日期", null=True, blank=True)
    settled = models.BooleanField("地点相对固定", default=False)
    card_number = models.CharField("《流动党员活动证》编号", max_length=40, blank=True)
    ended_on = models.DateField("返回/离开日期", null=True, blank=True)
    end_note = models.CharField("结束说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "流动党员"
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["org_path"], name="flow_org_prefix_idx")]

    def __str__(self) -> str:
        name = self.member.name if self.member_id else self.person_name
        return f"{name} {self.get_direction_display()}（{self.started_on}）"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class LostStatus(models.TextChoices):
    LOST = "lost", "失联"
    SUSPENDED = "suspended", "已停止党籍"
    FOUND = "found", "已恢复联系"
    REMOVED = "removed", "已除名"


class LostContact(TimeStamped):
    """A member who lost contact with the party organization (条例第二十四条)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="lost_contacts", verbose_name="党员"
    )
    org_path = models.CharField(max_length=255, editable=False)
    lost_since = models.DateField("失去联系日期")
    reported_on = models.DateField("登记日期")
    search_note = models.TextField("查找情况")
    status = models.CharField(
        "状态", max_length=10, choices=LostStatus.choices, default=LostStatus.LOST
    )
    suspended_on = models.DateField("停止党籍日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    close_note = models.CharField("结束说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "失联党员"
        ordering = ["-lost_since", "-id"]
        indexes = [models.Index(fields=["org_path"], name="lost_org_prefix_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["lost", "suspended"]),
                name="one_open_lost_contact_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} 失联（{self.lost_since}起，{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in (LostStatus.LOST, LostStatus.SUSPENDED)


class QuitKind(models.TextChoices):
    WITHDRAW = "withdraw", "退党"
    PERSUADED = "persuaded", "劝退"
    REMOVED = "removed", "除名"
    EXPELLED = "expelled", "开除党籍"


class QuitCase(ApprovalCase):
    """出党: the branch's decision, then approval (or filing) by the higher levels."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="quit_cases", verbose_name="党员"
    )
    kind = models.CharField("出党方式", max_length=10, choices=QuitKind.choices)
    decision_on = models.DateField("支部大会决定日期")
    decision_note = models.TextField("决定情况")
    lost_contact = models.ForeignKey(
        LostContact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quit_cases",
        verbose_name="失联记录",
    )
    completed_on = models.DateField("出党日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "出党"
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["org_path"], name="quit_org_prefix_idx")]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}（{self.get_status_display()}）"


class Action(models.TextChoices):
    APPLY = "apply", "提出申请"
    RESUBMIT = "resubmit", "重新提交"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    WITHDRAW = "withdraw", "撤回"
    ISSUE_LETTER = "issue_letter", "开具介绍信"
    RECEIPT = "receipt", "回执登记"
    REGISTER = "register", "登记介绍信"
    ASSIGN = "assign", "分配党支部"
    ACCEPT = "accept", "接收"
    COMPLETE = "complete", "办结"


class ActionLog(models.Model):
    """Every action on a transfer or an 出党 case: who, at which level, what, with what remark."""

    transfer = models.ForeignKey(
        Transfer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name="组织关系转接",
    )
    quit_case = models.ForeignKey(
        QuitCase,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name="出党",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    level = models.PositiveSmallIntegerField("操作层级", choices=Level.choices, null=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    result = models.CharField("结果", max_length=20, choices=CaseStatus.choices)
    remark = models.CharField("意见/说明", max_length=300, blank=True)
    at = models.DateTimeField("操作时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(transfer__isnull=False, quit_case__isnull=True)
                | models.Q(transfer__isnull=True, quit_case__isnull=False),
                name="actionlog_one_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.get_result_display()}"
