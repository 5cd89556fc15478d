"""The talent record (公民身份号码 is its key) and its 人才发展档案."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped, Versioned

__all__ = [
    "Talent",
    "TalentCategory",
    "RecruitMode",
    "Education",
    "TalentStatus",
    "ArchiveEntry",
    "ArchiveKind",
    "EDUCATION_RANK",
]


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


class Education(models.TextChoices):
    """Highest education, coarse as talent statistics count it (GB/T 4658 groups)."""

    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专或高中"
    BELOW = "below", "初中及以下"


# Higher is more: "本科及以上" is rank >= EDUCATION_RANK["bachelor"].
EDUCATION_RANK = {
    Education.BELOW: 0,
    Education.SECONDARY: 1,
    Education.COLLEGE: 2,
    Education.BACHELOR: 3,
    Education.MASTER: 4,
    Education.DOCTOR: 5,
}


class TalentStatus(models.TextChoices):
    ACTIVE = "active", "在库"
    LEFT = "left", "已离开"


class Talent(Versioned, TimeStamped):
    """One talent of the county's 人才库.

    Scope: `org` is the party organization of the area the talent belongs to (the township's
    党委 or a 县直 system committee); `org_path` copies its path so that a subtree is one indexed
    range, like every other scoped record.
    """

    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名全拼", max_length=120, editable=False, default="")
    name_initials = models.CharField("姓名首字母", max_length=40, editable=False, default="")
    gender = models.CharField(
        "性别", max_length=1, choices=[("1", "男"), ("2", "女")], editable=False, default=""
    )
    birth_date = models.DateField("出生日期", null=True, blank=True, editable=False)
    category = models.CharField("人才类别", max_length=20, choices=TalentCategory.choices)
    # 高层次人才 tiers (A/B/C/D类 ...) differ between localities: the codes are the rule
    # parameter talents.high_level_tiers (default A/B/C/D, not a national standard).
    tier = models.CharField("层次", max_length=20, blank=True)
    field = models.CharField("专业领域", max_length=60, blank=True)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    title = models.CharField("职称（职业资格）", max_length=60, blank=True)
    honors = models.CharField("人才称号与荣誉", max_length=300, blank=True)
    education = models.CharField("最高学历", max_length=12, choices=Education.choices, blank=True)
    major = models.CharField("所学专业", max_length=60, blank=True)
    recruit_mode = models.CharField(
        "引育方式", max_length=20, choices=RecruitMode.choices, blank=True
    )
    arrived_on = models.DateField("来县（入库）日期", null=True, blank=True)
    policy = models.ForeignKey(
        "talents.Policy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recruited_talents",
        verbose_name="引进依据政策",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=TalentStatus.choices, default=TalentStatus.ACTIVE
    )
    left_on = models.DateField("离开日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
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
    history = HistoricalRecords(excluded_fields=["org_path", "name_pinyin", "name_initials"])

    class Meta:
        verbose_name = verbose_name_plural = "人才"
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["org_path", "category"], name="talent_scope_category"),
            models.Index(fields=["org_path", "name_pinyin", "id"], name="talent_list_order"),
            models.Index(fields=["name_initials"], name="talent_initials"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="left") | models.Q(left_on__isnull=True),
                name="talent_left_on_only_when_left",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.org_path = self.org.path
        super().save(*args, **kwargs)


class ArchiveKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "业绩成果"
    PROJECT = "project", "项目"
    AWARD = "award", "奖励荣誉"
    EVALUATION = "evaluation", "考核评价"
    TRAINING = "training", "培养培训"


class ArchiveEntry(TimeStamped):
    """One dated entry of a talent's 人才发展档案 (achievements, projects, awards, evaluations)."""

    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="archive", verbose_name="人才"
    )
    kind = models.CharField("类型", max_length=12, choices=ArchiveKind.choices)
    occurred_on = models.DateField("日期")
    title = models.CharField("名称", max_length=200)
    result = models.CharField("等次或结果", max_length=60, blank=True)
    issuer = models.CharField("授予或评价单位", max_length=100, blank=True)
    description = models.TextField("内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="录入人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "人才发展档案"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["talent", "occurred_on"], name="archive_talent_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"
