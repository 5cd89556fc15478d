"""The talent record (公民身份号码 is its key) and its 人才发展档案."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

__all__ = ["Talent", "TalentCategory", "RecruitMode"]


class TalentCategory(models.TextChoices):
    HIGH_LEVEL = "high_level", "高层次人才"
    SPECIAL = "special", "特殊人才"
    RURAL_PRACTICAL = "rural_practical", "农村实用人才"
    LOCAL = "local", "乡土人才"
    YOUNG = "young", "青年人才"
    OTHER = "other", "其他人才"


class RecruitMode(models.TextChoices):
    INTRODUCED = "introduced", "引进"
    CULTIVATED = "cultivated", "培养"
    FLEXIBLE = "flexible", "柔性引进"


class Talent(TimeStamped):
    """One talent of the county's 人才库.

    Scope: `org` is the party organization of the area the talent belongs to (the township's
    党委 or a 县直 system committee); `org_path` copies its path so that a subtree is one indexed
    range, like every other scoped record.
    """

    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    category = models.CharField("人才类别", max_length=20, choices=TalentCategory.choices)
    # 高层次人才 tiers (A/B/C/D类 ...) differ between localities: a code, configured in policies.
    tier = models.CharField("层次", max_length=20, blank=True)
    field = models.CharField("专业领域", max_length=60, blank=True)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    recruit_mode = models.CharField(
        "引育方式", max_length=20, choices=RecruitMode.choices, blank=True
    )
    arrived_on = models.DateField("来县（入库）日期", null=True, blank=True)
    org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="talents",
        verbose_name="所属乡镇（系统）",
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="录入人",
    )
    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "人才"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org_path", "category"], name="talent_scope_category")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.org_path = self.org.path
        super().save(*args, **kwargs)
