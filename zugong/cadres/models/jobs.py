"""Long cadre file jobs with progress: an LRMX import batch (upload → preview → apply) and the
batch exports (任免审批表 PDF, .docx zip, .lrmx zip). Files live in private media storage and
are downloaded only through scoped views by the account that started the job."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zugong.cadres.models.units import Unit
from zugong.core.models import TimeStamped


class CadreFileJob(TimeStamped):
    class Kind(models.TextChoices):
        LRMX_IMPORT = "lrmx_import", "任免审批表（LRMX）导入"
        ADFORM_PDF = "adform_pdf", "任免审批表批量导出（PDF）"
        ADFORM_DOCX = "adform_docx", "任免审批表批量导出（Word）"
        LRMX_EXPORT = "lrmx_export", "任免审批表批量导出（LRMX）"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        PARSING = "parsing", "正在读取"
        PREVIEW = "preview", "待确认"
        APPLYING = "applying", "正在写入"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已放弃"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    input_file = models.FileField("上传文件", upload_to="cadre_jobs/%Y/%m/", blank=True)
    output_file = models.FileField("生成文件", upload_to="cadre_jobs/%Y/%m/", blank=True)
    # New cadres from an import go to this unit; an export lists the cadres in `cadre_ids`.
    target_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cadre_ids = models.JSONField("干部", default=list, blank=True)
    total = models.PositiveIntegerField("总数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    # The preview of an import: one entry per file (action, cadre, differences, errors).
    items = models.JSONField("明细", default=list, blank=True)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    scope_path = models.CharField("发起时的管理范围", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="发起人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "干部文件任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.processed / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED}
