"""Units (单位) as a materialized-path tree, their leadership posts, 职数 and the 职级 ladder.

The unit tree is the cadre side's own tree: a 乡镇 or a 县直部门 is a unit whatever its party
organization looks like, and the 干部科 role is anchored to it (accounts.User.anchor_unit).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped

UNIT_PATH_STEP = 4


class UnitKind(models.TextChoices):
    COUNTY = "county", "县（区）"
    LEADERSHIP = "leadership", "县领导班子"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    PARTY_DEPARTMENT = "party_department", "县直党委部门"
    GOVERNMENT_DEPARTMENT = "government_department", "县直政府部门"
    OTHER_ORGAN = "other_organ", "人大、政协、法检、群团机关"
    INSTITUTION = "institution", "事业单位"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    INTERNAL = "internal", "内设机构"


class PostLevel(models.TextChoices):
    """领导职务层次 (《公务员职务与职级并行规定》第六条, cadres.md §3.5), county-relevant first."""

    COUNTY_CHIEF = "county_chief", "县处级正职"
    COUNTY_DEPUTY = "county_deputy", "县处级副职"
    SECTION_CHIEF = "section_chief", "乡科级正职"
    SECTION_DEPUTY = "section_deputy", "乡科级副职"
    BUREAU_CHIEF = "bureau_chief", "厅局级正职"
    BUREAU_DEPUTY = "bureau_deputy", "厅局级副职"
    OTHER = "other", "其他（不定级）"


# Order from high to low: used to tell a promotion (提拔) from a lateral move.
POST_LEVEL_RANK = {
    PostLevel.BUREAU_CHIEF: 6,
    PostLevel.BUREAU_DEPUTY: 5,
    PostLevel.COUNTY_CHIEF: 4,
    PostLevel.COUNTY_DEPUTY: 3,
    PostLevel.SECTION_CHIEF: 2,
    PostLevel.SECTION_DEPUTY: 1,
    PostLevel.OTHER: 0,
}


class Unit(TimeStamped):
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类别", max_length=24, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级单位",
    )
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", editable=False)
    # 机构规格, e.g. 正科级 for a 乡镇; informs which PostLevel its 正职 holds.
    grade = models.CharField("机构规格", max_length=20, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    # The party organization of this unit, when the register has it (the 党委 of a 乡镇).
    party_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="对应党组织",
    )
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "path", "depth"])

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]
        # Subtrees are path ranges (orgs.models.subtree_q) on the unique index of `path`; the
        # filter lists' "this level and the next" reads by depth within a range.
        indexes = [models.Index(fields=["depth", "path"], name="cadre_unit_depth_path_idx")]

    def __str__(self) -> str:
        return self.name


class Rank(models.Model):
    """The 职级 ladder and the 领导职务层次 as a code table (seeded, editable in the admin)."""

    class Track(models.TextChoices):
        LEADERSHIP = "leadership", "领导职务"
        GRADE = "grade", "综合管理类职级"

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    track = models.CharField("序列", max_length=12, choices=Track.choices)
    # Higher is senior; a 晋升 moves to the next order up within the track.
    order = models.PositiveSmallIntegerField("高低顺序")
    # The leadership level this 职级 is treated as equal to (cadres.md §3.5, unconfirmed there).
    equivalent_level = models.CharField(
        "相当于领导职务层次", max_length=16, choices=PostLevel.choices, blank=True
    )
    grade_high = models.PositiveSmallIntegerField("对应级别（高）", null=True, blank=True)
    grade_low = models.PositiveSmallIntegerField("对应级别（低）", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "职务职级"
        ordering = ["track", "-order"]
        constraints = [
            models.UniqueConstraint(fields=["track", "order"], name="cadre_rank_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Post(TimeStamped):
    """A 领导职务 of a unit (e.g. 镇长, 副镇长): `seats` people may hold it at once."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="posts", verbose_name="单位"
    )
    title = models.CharField("职务名称", max_length=60)
    level = models.CharField("职务层次", max_length=16, choices=PostLevel.choices)
    seats = models.PositiveSmallIntegerField("配备人数", default=1)
    # 党委/政府/人大/政协 ... line, for 回避 "same line of command" checks and grouping.
    category = models.CharField("职务类别", max_length=20, blank=True)
    # 任期制 posts are elected or appointed for terms (R20); 试用期 applies only to non-elected.
    is_elected = models.BooleanField("选任制（不实行试用期）", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    unit_path = models.CharField(max_length=255, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "unit_path"])

    class Meta:
        verbose_name = verbose_name_plural = "领导职务"
        ordering = ["unit_path", "sort_order", "id"]
        indexes = [
            models.Index(fields=["unit_path", "sort_order", "id"], name="cadre_post_order_idx")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PostQuota(TimeStamped):
    """职数 approved for a unit at a level (e.g. 乡镇 正科 2, 副科 8), by the 编制 document."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="quotas", verbose_name="单位"
    )
    level = models.CharField("职务层次", max_length=16, choices=PostLevel.choices)
    approved = models.PositiveSmallIntegerField("核定职数")
    document = models.CharField("核定文件", max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "领导职数"
        constraints = [models.UniqueConstraint(fields=["unit", "level"], name="cadre_quota_unique")]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.get_level_display()}{self.approved}名"
