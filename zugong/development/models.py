"""发展党员: the step catalog (data), one person's case and its recorded steps, 审批权限,
留党察看, the deployment's rule-set calendar, the yearly 发展计划 and 入党志愿书 numbers.

The 25 steps of the 2014 细则 are rows of StepDefinition seeded by a data migration; a county
marks steps optional or adds local ones there, never in code (party-rules.md §1.1).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import CodeItem, TimeStamped
from zugong.members.models import Member
from zugong.orgs.models import Organization

NATIONAL_2014 = "national-2014"
NATIONAL_2026 = "national-2026"
LOCAL_OVERLAY = "development-local"


class RuleSetChoice(models.TextChoices):
    NATIONAL_2014 = NATIONAL_2014, "《中国共产党发展党员工作细则》（2014）"
    NATIONAL_2026 = NATIONAL_2026, "《中国共产党发展党员工作细则》（2026年修订，待核实）"


class Stage(models.IntegerChoices):
    APPLICATION = 1, "申请入党"
    ACTIVIST = 2, "入党积极分子的确定和培养教育"
    CANDIDATE = 3, "发展对象的确定和考察"
    ADMISSION = 4, "预备党员的接收"
    PROBATION = 5, "预备党员的教育考察和转正"


class PersonRole(models.TextChoices):
    CULTIVATION_CONTACT = "cultivation_contact", "培养联系人"
    SPONSOR = "sponsor", "入党介绍人"
    TALKER = "talker", "谈话人"


class StepDefinition(models.Model):
    """One step of the workflow: what it is called and what it records."""

    code = models.SlugField("编码", max_length=60, unique=True)
    # 1–25 for the canonical steps of the 2014 细则; empty for a local step.
    number = models.PositiveSmallIntegerField("细则步骤序号", null=True, blank=True, unique=True)
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices)
    # Local steps slot between canonical ones (canonical n sits at n*10).
    sort_order = models.PositiveIntegerField("排序", unique=True)
    name = models.CharField("名称", max_length=60)
    is_canonical = models.BooleanField("细则规定步骤", default=True)
    is_optional = models.BooleanField("可省略", default=False)
    is_active = models.BooleanField("启用", default=True)
    repeatable = models.BooleanField("可多次记录", default=False)
    date_label = models.CharField("日期含义", max_length=40, default="办理日期")
    people_roles = models.JSONField("记录的人员", default=list, blank=True)
    records_vote = models.BooleanField("记录表决", default=False)
    records_training = models.BooleanField("记录培训天数学时", default=False)
    records_notice = models.BooleanField("记录公示", default=False)
    records_review = models.BooleanField("记录政审结论", default=False)
    documents = models.JSONField("应有材料", default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员步骤"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return f"{self.number or '本地'}. {self.name}" if self.number else f"（本地）{self.name}"

    @property
    def label(self) -> str:
        return f"第{self.number}步“{self.name}”" if self.number else f"本地步骤“{self.name}”"


class RuleSetPeriod(models.Model):
    """The deployment's choice: which national rule set is in force from which date."""

    rule_set = models.CharField("规则集", max_length=30, choices=RuleSetChoice.choices)
    effective_from = models.DateField("生效日期", unique=True)
    source = models.CharField("依据", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员规则集生效时间"
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from} 起：{self.get_rule_set_display()}"


class ApprovalAuthority(models.Model):
    """A 基层党委 that holds 审批权限 for 接收预备党员 and 转正 (党总支 never does)."""

    org = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        related_name="development_approval",
        verbose_name="党组织",
    )
    granted_on = models.DateField("授权日期")
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    document = models.CharField("授权文件", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员审批权限"

    def __str__(self) -> str:
        return f"{self.org}（{self.granted_on} 起）"

    def holds_on(self, day: object) -> bool:
        return self.granted_on <= day and (self.revoked_on is None or day < self.revoked_on)  # type: ignore[operator]


class DisciplinaryProbation(models.Model):
    """留党察看: while it runs the member has no 表决权 and cannot be an 入党介绍人."""

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="disciplinary_probations",
        verbose_name="党员",
    )
    starts_on = models.DateField("处分日期")
    # The day the member's rights are restored; empty while it runs.
    rights_restored_on = models.DateField("恢复党员权利日期", null=True, blank=True)
    document = models.CharField("处分决定文号", max_length=200)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "留党察看处分"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.member}：留党察看（{self.starts_on} 起）"

    def clean(self) -> None:
        if self.rights_restored_on and self.rights_restored_on <= self.starts_on:
            raise ValidationError({"rights_restored_on": "恢复党员权利日期：应晚于处分日期。"})

    def runs_on(self, day: object) -> bool:
        return self.starts_on <= day and (  # type: ignore[operator]
            self.rights_restored_on is None or day < self.rights_restored_on  # type: ignore[operator]
        )


class CaseStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已完成"
    CANCELLED = "cancelled", "已终止"


class Case(TimeStamped):
    """One person's way from 入党申请人 to 正式党员."""

    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("公民身份号码", max_length=18, db_index=True)
    birth_date = models.DateField("出生日期")
    gender = models.ForeignKey(
        CodeItem,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="性别",
        limit_choices_to={"table__code": "gender"},
    )
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="development_cases",
        verbose_name="党支部",
    )
    org_path = models.CharField(max_length=255, editable=False)
    applied_on = models.DateField("递交入党申请书日期")
    stage = models.PositiveSmallIntegerField("所处阶段", choices=Stage.choices, default=1)
    last_step = models.ForeignKey(
        StepDefinition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="最近完成步骤",
    )
    status = models.CharField(
        "状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    # The rule set of the newest recorded step; each step keeps its own stamp.
    rule_set = models.CharField("适用规则集", max_length=30, choices=RuleSetChoice.choices)
    expected_leave_on = models.DateField(
        "预计离开工作学习单位日期",
        null=True,
        blank=True,
        help_text="细则第十九条：发展对象未来三个月内将离开的，一般不办理接收预备党员手续",
    )
    member = models.OneToOneField(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_case",
        verbose_name="党员名册记录",
    )
    closed_on = models.DateField("结束日期", null=True, blank=True)
    close_reason = models.CharField("结束原因", max_length=300, blank=True)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "发展党员档案"
        ordering = ["org_path", "applied_on", "id"]
        indexes = [
            models.Index(fields=["status", "org_path"], name="devcase_status_path_idx"),
            models.Index(
                fields=["org_path"],
                name="devcase_path_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            # One person, one open case.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(status="open"),
                name="devcase_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaseStep(models.Model):
    """One recorded step of a case, with the rule set it was judged by and the warnings given."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="steps", verbose_name="档案"
    )
    definition = models.ForeignKey(
        StepDefinition, on_delete=models.PROTECT, related_name="+", verbose_name="步骤"
    )
    done_on = models.DateField("日期")
    responsible_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="办理组织",
    )
    documents = models.TextField("材料", blank=True)
    note = models.TextField("说明", blank=True)
    # 支部大会: 应到会有表决权, 实到, 赞成, 反对, 弃权.
    voters_due = models.PositiveIntegerField("应到会有表决权的正式党员", null=True, blank=True)
    voters_present = models.PositiveIntegerField("实到会有表决权的党员", null=True, blank=True)
    votes_yes = models.PositiveIntegerField("赞成", null=True, blank=True)
    votes_no = models.PositiveIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    training_days = models.DecimalField(
        "集中培训天数", max_digits=5, decimal_places=1, null=True, blank=True
    )
    training_hours = models.DecimalField(
        "集中培训学时", max_digits=6, decimal_places=1, null=True, blank=True
    )
    notice_from = models.DateField("公示开始日期", null=True, blank=True)
    notice_to = models.DateField("公示结束日期", null=True, blank=True)
    review_passed = models.BooleanField("政审结论合格", null=True, blank=True)
    rule_set = models.CharField("判定所依规则集", max_length=30, choices=RuleSetChoice.choices)
    # The warnings shown when the step was recorded: frozen, never re-judged.
    warnings = models.JSONField("记录时的提醒", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "发展党员步骤记录"
        ordering = ["case", "definition__sort_order", "done_on", "id"]
        indexes = [models.Index(fields=["case", "definition"], name="devstep_case_def_idx")]

    def __str__(self) -> str:
        return f"{self.case}：{self.definition.name}（{self.done_on}）"


class StepPerson(models.Model):
    """A 培养联系人, 入党介绍人 or 谈话人 of a step: a register member, or a name from elsewhere."""

    step = models.ForeignKey(
        CaseStep, on_delete=models.CASCADE, related_name="people", verbose_name="步骤"
    )
    role = models.CharField("身份", max_length=24, choices=PersonRole.choices)
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党员",
    )
    name = models.CharField("姓名", max_length=40)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "步骤相关人员"
        ordering = ["step", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.name}"


class ProbationExtension(models.Model):
    """延长预备期: at most once, half a year to a year (细则第三十二条)."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="extension", verbose_name="档案"
    )
    decided_on = models.DateField("支部大会决定日期")
    months = models.PositiveSmallIntegerField("延长月数")
    reason = models.CharField("理由", max_length=300)
    rule_set = models.CharField("判定所依规则集", max_length=30, choices=RuleSetChoice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "延长预备期"

    def __str__(self) -> str:
        return f"{self.case}：延长预备期{self.months}个月"


class DevelopmentPlan(TimeStamped):
    """年度发展党员计划: the quota the county gives one township (乡镇/街道) organization."""

    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="development_plans",
        verbose_name="党组织",
    )
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveIntegerField("计划名额")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "年度发展党员计划"
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="devplan_one_per_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年：{self.quota}名"


class AdmissionFormRange(models.Model):
    """A year's block of 入党志愿书 numbers; blocks never overlap."""

    year = models.PositiveSmallIntegerField("年度")
    first_number = models.PositiveBigIntegerField("起始编号")
    last_number = models.PositiveBigIntegerField("截止编号")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "入党志愿书编号段"
        ordering = ["year", "first_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_number__lte=models.F("last_number")),
                name="admission_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.first_number}–{self.last_number}"


class AdmissionFormNumberStatus(models.TextChoices):
    USED = "used", "已使用"
    VOID = "void", "已作废"


class AdmissionFormNumber(models.Model):
    """One 入党志愿书 number given out: never deleted, voided with a reason when spoiled."""

    form_range = models.ForeignKey(
        AdmissionFormRange, on_delete=models.PROTECT, related_name="numbers", verbose_name="编号段"
    )
    number = models.PositiveBigIntegerField("编号", unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="admission_forms", verbose_name="档案"
    )
    issued_on = models.DateField("发放日期")
    status = models.CharField(
        "状态",
        max_length=8,
        choices=AdmissionFormNumberStatus.choices,
        default=AdmissionFormNumberStatus.USED,
    )
    voided_on = models.DateField("作废日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "入党志愿书编号"
        ordering = ["number"]

    def __str__(self) -> str:
        return str(self.number)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("入党志愿书编号一经使用不得删除，作废的请登记作废原因。")
