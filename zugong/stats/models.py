"""Effective-dated history of the register: what a member and an organization were on any day.

The register rows (Member, Organization) hold the present. These tables hold stretches of time
("periods", valid_from inclusive, valid_to exclusive, open-ended when null) with the fields the
党内统计 counts by, written in the same transaction as the register change and dated by the
business date of the change (转接接收日期, 党籍变更日期, 批准日期 …), not by the time of entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.core.models import CodeItem


class PeriodSource(models.TextChoices):
    BASELINE = "baseline", "建立时点名册"
    REGISTER = "register", "登记录入"
    IMPORT = "import", "一张表导入"
    ADMISSION = "admission", "发展党员（上级党委批准）"
    READMISSION = "readmission", "重新入党"
    TRANSFER_IN = "transfer_in", "县外转入"
    TRANSFER_WITHIN = "transfer_within", "县内转接"
    STATUS = "status", "党籍状态变更"
    CONVERSION = "conversion", "预备党员转正"
    EDIT = "edit", "信息变更"
    CORRECTION = "correction", "信息更正（自始有效）"
    ORG_CHANGE = "org_change", "组织调整"
    DEMO = "demo", "演示数据"


class Period(models.Model):
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期（不含）", null=True, blank=True)
    source = models.CharField("变更来源", max_length=20, choices=PeriodSource.choices)
    recorded_at = models.DateTimeField("记录时间", auto_now=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


def _code(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        CodeItem,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )


class MemberPeriod(Period):
    """One stretch of a member's countable state: branch, 党籍 status, type and categories."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.CASCADE, related_name="periods"
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    status = models.CharField("党籍状态", max_length=20)
    member_type = models.CharField("党员类型", max_length=20)
    gender = _code("性别")
    ethnicity = _code("民族")
    education = _code("学历")
    job_category = _code("工作岗位")

    TRACKED = (
        "org_id",
        "status",
        "member_type",
        "gender_id",
        "ethnicity_id",
        "education_id",
        "job_category_id",
    )

    class Meta:
        verbose_name = verbose_name_plural = "党员时段"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "valid_from"], name="member_period_start_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="member_period_not_empty",
            ),
        ]
        indexes = [
            models.Index(fields=["valid_from", "org"], name="member_period_from_idx"),
            models.Index(fields=["org", "valid_from"], name="member_period_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.valid_from}–{self.valid_to or ''}"


class OrgPeriod(Period):
    """One stretch of an organization's place in the tree (path, parent), category and status."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.CASCADE, related_name="periods"
    )
    parent = models.ForeignKey(
        "orgs.Organization",
        verbose_name="上级党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    path = models.CharField("路径", max_length=255)
    kind = models.CharField("组织类型", max_length=30)
    category = _code("组织类别")
    status = models.CharField("状态", max_length=20)
    name = models.CharField("名称", max_length=200)

    TRACKED = ("parent_id", "path", "kind", "category_id", "status", "name")

    class Meta:
        verbose_name = verbose_name_plural = "党组织时段"
        constraints = [
            models.UniqueConstraint(fields=["org", "valid_from"], name="org_period_start_uniq"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="org_period_not_empty",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "path"], name="org_period_from_idx")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.valid_from}–{self.valid_to or ''}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "统计中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class StatsRun(models.Model):
    """One 党内统计 年报 for a subtree and a year, computed by a background task."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name="统计范围", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField("统计年度")
    as_of = models.DateField("统计时点")
    status = models.CharField(
        "状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    result = models.JSONField("统计结果", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "党内统计年报"
        ordering = ["-requested_at"]
        constraints = [
            # The same report asked for twice at once is one piece of work.
            models.UniqueConstraint(
                fields=["org", "year"],
                condition=models.Q(status__in=["queued", "running"]),
                name="stats_run_one_active",
            )
        ]
        indexes = [models.Index(fields=["org_path", "year"], name="stats_run_scope_idx")]

    def __str__(self) -> str:
        return f"{self.year}年党内统计"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class RollupTree(models.TextChoices):
    ORG = "org", "党组织"
    UNIT = "unit", "干部单位"


class StructureRollup(models.Model):
    """The subtree count of one node by one dimension value (age band, education, category …):
    what a 驾驶舱 panel reads, so a panel costs the nodes shown and not the records under them.
    Nodes are party organizations or, for the cadre panels, units of the cadre tree. No foreign
    key: the table is rebuilt whole every day (ages move), see stats.structure."""

    tree = models.CharField(max_length=4, choices=RollupTree.choices)
    node_id = models.PositiveIntegerField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=20)
    # Counts, or sums of money in 分 (the dues amounts).
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "结构统计"
        constraints = [
            models.UniqueConstraint(
                fields=["tree", "node_id", "dimension", "value"], name="structure_rollup_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tree}:{self.node_id} {self.dimension}={self.value}: {self.n}"


class RollupBuild(models.Model):
    """When the structure roll-up was last rebuilt, and what it cost."""

    built_at = models.DateTimeField("计算时间", auto_now_add=True)
    as_of = models.DateField("统计日期")
    seconds = models.FloatField("用时（秒）")
    rows = models.PositiveIntegerField("行数")

    class Meta:
        verbose_name = verbose_name_plural = "结构统计计算记录"
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.rows} rows)"
