"""Shared data: code tables (字典), the holiday calendar, rule parameters and stored findings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A register record under optimistic locking (zugong.core.locking): every save of an existing
    row adds one to `version`, also a save with update_fields, so that a form opened before any
    change (an edit, a status change, a move, an import) no longer matches. Bulk updates bypass
    save() and add one themselves."""

    version = models.PositiveIntegerField("版本号", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "version" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)


class StepLog(models.Model):
    """One decisive step in a tracked item's log (a problem, a rectification): the subclass adds the
    item and its `kind` choices; this is who did it, when, and the remark."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.at:%Y-%m-%d}）"


class CodeTable(models.Model):
    """A 字典: one national-standard code list (性别, 民族, 学历 ...)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    standard = models.CharField("依据标准", max_length=80, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "字典"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CodeItem(models.Model):
    table = models.ForeignKey(
        CodeTable, on_delete=models.PROTECT, related_name="items", verbose_name="字典"
    )
    code = models.CharField("代码", max_length=20)
    name = models.CharField("名称", max_length=60)
    parent_code = models.CharField("上级代码", max_length=20, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "字典项"
        ordering = ["table", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="codeitem_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """An administrator's entry in the working-day calendar; it wins over chinese-calendar."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "调休上班", default=False, help_text="勾选表示该日为调休工作日；不勾选表示放假"
    )
    name = models.CharField("名称", max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name or ('调休上班' if self.is_workday else '放假')}"


class HolidayYear(models.Model):
    """A year whose holiday and 调休 table the administrator declares complete."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField(
        "依据", max_length=200, blank=True, help_text="如：国务院办公厅关于某年部分节假日安排的通知"
    )

    class Meta:
        verbose_name = verbose_name_plural = "已录入节假日年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class RuleSetting(models.Model):
    """Switches a rule set (e.g. a local overlay) on or off for this deployment."""

    rule_set = models.CharField("规则集", max_length=60, unique=True)
    enabled = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "规则集设置"

    def __str__(self) -> str:
        return f"{self.rule_set}（{'启用' if self.enabled else '停用'}）"


class RuleParameter(models.Model):
    """A versioned override of a rule parameter; the newest one in force on a date wins."""

    rule_id = models.CharField("规则", max_length=80)
    key = models.CharField("参数", max_length=60)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="设置人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "规则参数"
        ordering = ["rule_id", "key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "key", "effective_from"], name="ruleparam_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}.{self.key} = {self.value}（{self.effective_from} 起）"


class Finding(models.Model):
    """A stored rule verdict about one record, scoped by the organization path it belongs to."""

    class Severity(models.TextChoices):
        BLOCK = "block", "阻断"
        WARN = "warn", "提醒"
        # A reminder that something may now be done (e.g. a cadre may be re-used): no fault.
        INFO = "info", "提示"

    rule_id = models.CharField("规则", max_length=80, db_index=True)
    subject_type = models.CharField("对象类型", max_length=40)
    subject_id = models.BigIntegerField("对象")
    subject_label = models.CharField("对象名称", max_length=120)
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    severity = models.CharField("级别", max_length=8, choices=Severity.choices)
    message = models.CharField("问题", max_length=300)
    citation = models.CharField("依据", max_length=300)
    due_on = models.DateField("期限", null=True, blank=True)
    detected_at = models.DateTimeField("发现时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "发现的问题"
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="finding_subject_idx"),
        ]
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.subject_label}：{self.message}"


class ImportJob(TimeStamped):
    """One upload of a 一张表 sheet: validated in full, then written in one transaction or not at all."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "校验未通过"
        WRITING = "writing", "写入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("导入类型", max_length=40)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    error_file = models.FileField("标注错误的表格", upload_to="imports/%Y/%m/", blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    scope_path = models.CharField("导入时的管理范围", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="导入人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
