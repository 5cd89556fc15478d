"""The archive of one cadre: every field of the 任免审批表 and the structured records behind it.

Texts that the form prints as written (奖惩情况, 年度考核结果 when typed by hand, 任免理由 ...)
are kept as text; the parts a system must count or check (简历, education, posts, 职级,
assessments, family) are rows. Unknown LRMX elements are kept to be written back (cadres.md §1.2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zugong.cadres.models.units import PostLevel, Rank, Unit
from zugong.core.models import TimeStamped, Versioned


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    TRANSFERRED = "transferred", "调出"
    DISMISSED = "dismissed", "辞职辞退"
    DECEASED = "deceased", "去世"


class CadreIdentity(models.TextChoices):
    """干部身份, one of 三龄两历一身份."""

    CIVIL_SERVANT = "civil_servant", "公务员"
    REFERENCE = "reference", "参照公务员法管理"
    INSTITUTION = "institution", "事业单位人员"
    ENTERPRISE = "enterprise", "国有企业人员"
    OTHER = "other", "其他"


class Cadre(Versioned, TimeStamped):
    # 任免审批表 page 1
    name = models.CharField("姓名", max_length=40)
    name_pinyin = models.CharField("姓名全拼", max_length=120, editable=False, default="")
    name_initials = models.CharField("姓名首字母", max_length=40, editable=False, default="")
    gender = models.CharField("性别", max_length=2, choices=[("男", "男"), ("女", "女")])
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    # Reversed, so "the last digits" is an indexed prefix search (as in the member register).
    id_number_reversed = models.CharField(max_length=18, editable=False, default="")
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    native_place = models.CharField("籍贯", max_length=60, blank=True)
    birthplace = models.CharField("出生地", max_length=60, blank=True)
    # The LRMX 入党时间 text (e.g. "200108；民建"), and the CPC date parsed from it.
    party_joined_text = models.CharField("入党时间", max_length=60, blank=True)
    party_joined_on = models.DateField("入党日期", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=20, blank=True, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=60, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    identity = models.CharField(
        "干部身份",
        max_length=16,
        choices=CadreIdentity.choices,
        default=CadreIdentity.CIVIL_SERVANT,
    )
    current_post_text = models.CharField("现任职务", max_length=200, blank=True)
    proposed_post = models.CharField("拟任职务", max_length=200, blank=True)
    proposed_removal = models.CharField("拟免职务", max_length=200, blank=True)
    # 任免审批表 page 2 texts
    rewards_text = models.TextField("奖惩情况", blank=True)
    assessments_text = models.TextField(
        "年度考核结果", blank=True, help_text="留空则按最近三年的年度考核记录生成"
    )
    appointment_reason = models.TextField("任免理由", blank=True)
    reporting_unit = models.CharField("呈报单位", max_length=100, blank=True)
    age_reference_on = models.DateField("计算年龄时间", null=True, blank=True)
    filled_on = models.DateField("填表时间", null=True, blank=True)
    filled_by = models.CharField("填表人", max_length=40, blank=True)
    photo = models.FileField("照片", upload_to="cadre_photos/", blank=True)
    # Where the cadre works now: the scope of the 干部科 reaches them through this unit.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cadres", verbose_name="所在单位"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    current_level = models.CharField(
        "现职务层次", max_length=16, choices=PostLevel.choices, blank=True
    )
    current_level_since = models.DateField("任现职务层次时间", null=True, blank=True)
    current_rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="现职级",
    )
    status = models.CharField(
        "状态", max_length=12, choices=CadreStatus.choices, default=CadreStatus.ACTIVE
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_records",
        verbose_name="党员档案",
    )
    # From the last LRMX import, written back on export: {"unknown": [{"after", "xml"}, ...],
    # "retirement_month": ..., "pre_reform_age_limit": ...} (cadres.md §1.2, §1.4).
    lrmx_extra = models.JSONField("LRMX其他元素", default=dict, blank=True, editable=False)
    lrmx_version = models.CharField("LRMX版本", max_length=20, blank=True)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(
        excluded_fields=[
            "created_at",
            "updated_at",
            "unit_path",
            "name_pinyin",
            "name_initials",
            "id_number_reversed",
        ]
    )

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["unit_path", "name_pinyin", "id"]
        indexes = [
            models.Index(fields=["unit_path", "name_pinyin", "id"], name="cadre_list_order_idx"),
            models.Index(
                fields=["name_pinyin"], name="cadre_pinyin_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_initials"],
                name="cadre_initials_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["name"], name="cadre_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["id_number_reversed"],
                name="cadre_id_tail_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["birth_date"], name="cadre_birth_idx"),
            models.Index(fields=["status", "unit_path"], name="cadre_status_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.unit_path = self.unit.path
        self.id_number_reversed = self.id_number[::-1]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CadreChild(models.Model):
    """Rows of one cadre's archive; their scope is their cadre's."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, verbose_name="干部")

    class Meta:
        abstract = True


class ResumeEntry(CadreChild):
    """One line of the 简历; `parent` set for a （其间：…） study or 兼任 inside a main entry."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="resume_entries", verbose_name="干部"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="during",
        verbose_name="所属经历",
    )
    start = models.DateField("起始年月")
    end = models.DateField("截止年月", null=True, blank=True)
    text = models.CharField("经历", max_length=500)
    position = models.PositiveSmallIntegerField("顺序")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "简历"
        ordering = ["cadre", "position"]

    def __str__(self) -> str:
        return self.text


class EducationKind(models.TextChoices):
    FULLTIME = "fulltime", "全日制教育"
    PARTTIME = "parttime", "在职教育"


class Education(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="educations", verbose_name="干部"
    )
    kind = models.CharField("教育类别", max_length=10, choices=EducationKind.choices)
    education = models.CharField("学历", max_length=30, blank=True)
    degree = models.CharField("学位", max_length=30, blank=True)
    school = models.CharField("学历毕业院校系及专业", max_length=120, blank=True)
    degree_school = models.CharField("学位毕业院校系及专业", max_length=120, blank=True)
    started_on = models.DateField("入学时间", null=True, blank=True)
    finished_on = models.DateField("毕业时间", null=True, blank=True)
    # The one row per kind printed on the 任免审批表 (最高学历).
    on_form = models.BooleanField("填入任免审批表", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "学历学位"
        ordering = ["cadre", "kind", "-finished_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "kind"],
                condition=Q(on_form=True),
                name="cadre_education_one_on_form",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.education} {self.degree}".strip()


class PostHolding(CadreChild):
    """A post held: exactly one 主职 at a time; 兼职 say whether they use a 职数."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="post_holdings", verbose_name="干部"
    )
    post = models.ForeignKey(
        "cadres.Post",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holdings",
        verbose_name="领导职务",
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    title = models.CharField("职务", max_length=100)
    level = models.CharField("职务层次", max_length=16, choices=PostLevel.choices, blank=True)
    is_main = models.BooleanField("主职", default=True)
    counts_toward_quota = models.BooleanField("占用职数", default=True)
    started_on = models.DateField("任职时间")
    ended_on = models.DateField("免职时间", null=True, blank=True)
    document = models.CharField("任免文件号", max_length=80, blank=True)
    # 试用期 (R11): the end date; null when the post has none.
    probation_until = models.DateField("试用期满", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "任职"
        ordering = ["cadre", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(is_main=True, ended_on__isnull=True),
                name="cadre_one_current_main_post",
                violation_error_message="同一时间只能有一个主职。",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cadre_post_dates_ordered",
                violation_error_message="免职时间不能早于任职时间。",
            ),
        ]
        indexes = [models.Index(fields=["post", "ended_on"], name="cadre_holding_post_idx")]

    def __str__(self) -> str:
        return self.title


class RankHolding(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="rank_holdings", verbose_name="干部"
    )
    rank = models.ForeignKey(Rank, on_delete=models.PROTECT, related_name="+", verbose_name="职级")
    started_on = models.DateField("任职级时间")
    ended_on = models.DateField("截止时间", null=True, blank=True)
    document = models.CharField("文件号", max_length=80, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "职级"
        ordering = ["cadre", "-started_on"]

    def __str__(self) -> str:
        return str(self.rank)


class ProfessionalTitle(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="professional_titles", verbose_name="干部"
    )
    name = models.CharField("专业技术职务", max_length=60)
    obtained_on = models.DateField("取得时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "专业技术职务"
        ordering = ["cadre", "-obtained_on"]

    def __str__(self) -> str:
        return self.name


class FamilyMember(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="family", verbose_name="干部"
    )
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=40)
    birth_month = models.DateField("出生日期", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    employer_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "家庭主要成员及重要社会关系"
        ordering = ["cadre", "position", "id"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"

    @property
    def is_deceased(self) -> bool:
        # The exchange format has no field for it; the text says 去世 (cadres.md §1.3).
        return "去世" in self.employer_and_post


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    QUALIFIED = "qualified", "合格"
    BASIC_QUALIFIED = "basic_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"
    UNDETERMINED = "undetermined", "不定等次"
    NOT_ASSESSED = "not_assessed", "不进行考核"


class AnnualAssessment(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="assessments", verbose_name="干部"
    )
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核等次", max_length=16, choices=AssessmentGrade.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="cadre_assessment_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度{self.get_grade_display()}"


class RewardKind(models.TextChoices):
    REWARD = "reward", "奖励"
    PUNISHMENT = "punishment", "惩处"


class RewardPunishment(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="rewards", verbose_name="干部"
    )
    kind = models.CharField("类别", max_length=10, choices=RewardKind.choices)
    name = models.CharField("名称", max_length=120)
    approved_on = models.DateField("批准日期")
    approver = models.CharField("批准机关", max_length=100, blank=True)
    # A punishment's 影响期 (e.g. 记过 18 months); promotion checks read it.
    effect_until = models.DateField("影响期至", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "奖惩"
        ordering = ["cadre", "-approved_on"]

    def __str__(self) -> str:
        return self.name


class Training(CadreChild):
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="trainings", verbose_name="干部"
    )
    name = models.CharField("培训名称", max_length=120)
    organizer = models.CharField("主办单位", max_length=100, blank=True)
    is_assigned = models.BooleanField("组织调训", default=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "教育培训"
        ordering = ["cadre", "-started_on"]

    def __str__(self) -> str:
        return self.name


class VerifiedItem(models.TextChoices):
    """三龄两历一身份 (cadres.md §3.3)."""

    BIRTH = "birth", "出生日期"
    WORK_START = "work_start", "参加工作时间"
    PARTY_JOINED = "party_joined", "入党时间"
    EDUCATION = "education", "学历学位"
    WORK_HISTORY = "work_history", "工作经历"
    IDENTITY = "identity", "干部身份"


class Verification(CadreChild):
    """One 专项审核 认定 of an item: what the organization recognized, when, and why."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="verifications", verbose_name="干部"
    )
    item = models.CharField("审核项目", max_length=14, choices=VerifiedItem.choices)
    verified_value = models.CharField("认定结果", max_length=200)
    verified_on = models.DateField("认定日期")
    basis = models.CharField("认定依据", max_length=200, blank=True)
    outcome = models.CharField("认定情况", max_length=60, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "三龄两历一身份认定"
        ordering = ["cadre", "item", "-verified_on"]

    def __str__(self) -> str:
        return f"{self.get_item_display()}：{self.verified_value}"
