"""能上能下: adjustments of cadres who 不适宜担任现职 (《推进领导干部能上能下规定》2022) and the
incentives (表彰, 容错纠错) that go with them."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from zugong.cadres.models.archive import Cadre
from zugong.core.models import TimeStamped


class AdjustmentSituation(models.Model):
    """One listed situation of 第五条 (2022); (一)–(八) confirmed, the rest editable data."""

    code = models.SlugField("编码", max_length=20, unique=True)
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("情形", max_length=200)
    status = models.CharField(
        "核实状态", max_length=12, choices=[("confirmed", "已核实"), ("unconfirmed", "待核实")]
    )
    source = models.CharField("来源", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "不适宜担任现职情形"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.text


class AdjustmentWay(models.TextChoices):
    REASSIGN = "reassign", "调离岗位"
    CHANGE_RANK = "change_rank", "改任职级"
    REMOVE = "remove", "免职"
    DEMOTE = "demote", "降职"


class Adjustment(TimeStamped):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="adjustments", verbose_name="干部"
    )
    situation = models.ForeignKey(
        AdjustmentSituation, on_delete=models.PROTECT, related_name="+", verbose_name="情形"
    )
    way = models.CharField("调整方式", max_length=12, choices=AdjustmentWay.choices)
    facts = models.TextField("主要事实")
    basis = models.CharField("依据", max_length=200, blank=True)
    # Procedure (第十一条 ff.): 提出 → 核实 → 沟通 → 决定 → 谈话/宣布.
    proposed_on = models.DateField("提出调整建议")
    verified_on = models.DateField("核实日期", null=True, blank=True)
    talked_on = models.DateField("沟通谈话", null=True, blank=True)
    decided_on = models.DateField("党委（党组）决定", null=True, blank=True)
    announced_on = models.DateField("宣布日期", null=True, blank=True)
    post_before = models.CharField("调整前职务", max_length=200, blank=True)
    post_after = models.CharField("调整后职务/职级", max_length=200, blank=True)
    # 影响期: until when the cadre may not be promoted; reuse after it is recorded below.
    impact_until = models.DateField("影响期至", null=True, blank=True)
    reused_on = models.DateField("重新使用日期", null=True, blank=True)
    reuse_note = models.CharField("重新使用情况", max_length=200, blank=True)
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "能上能下调整"
        ordering = ["unit_path", "-proposed_on"]
        indexes = [models.Index(fields=["unit_path"], name="cadre_adjustment_path_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_way_display()}"


class IncentiveKind(models.TextChoices):
    COMMENDATION = "commendation", "表彰奖励"
    FAULT_TOLERANCE = "fault_tolerance", "容错纠错"
    CLARIFICATION = "clarification", "澄清正名"


class Incentive(TimeStamped):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="incentives", verbose_name="干部"
    )
    kind = models.CharField("类别", max_length=16, choices=IncentiveKind.choices)
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=100)
    content = models.TextField("内容")
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "激励记录"
        ordering = ["unit_path", "-decided_on"]
        indexes = [models.Index(fields=["unit_path"], name="cadre_incentive_path_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()}"
