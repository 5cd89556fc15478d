"""组织生活: meeting types and their required frequencies (rule data), meeting records with
attendance and files, the per-year tally that compliance reads, and 民主评议党员 rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import TimeStamped
from zugong.members.models import Member
from zugong.orgs.models import Organization


class MeetingCategory(models.TextChoices):
    THREE_MEETINGS = "three_meetings_one_lesson", "三会一课"
    ORG_LIFE = "org_life", "组织生活"
    STUDY = "study", "学习"


class Holder(models.TextChoices):
    """Which organizations hold meetings of a type (and whose roster is ticked)."""

    BRANCH = "branch", "党支部"
    BRANCH_GROUP = "branch_group", "党小组"
    COMMITTEE = "committee", "党委（党组）、党总支"
    ANY = "any", "各级党组织"


class Quorum(models.TextChoices):
    NONE = "none", "不要求"
    COMMITTEE = "committee", "半数以上委员到会（支部委员会会议）"
    VOTING_MEMBERS = "voting_members", "半数以上有表决权的党员到会（党员大会）"


class MeetingType(models.Model):
    """A kind of meeting or study session; a county adds its own in the admin."""

    code = models.SlugField("编码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=40)
    category = models.CharField("类别", max_length=30, choices=MeetingCategory.choices)
    holder = models.CharField("召开组织", max_length=20, choices=Holder.choices)
    quorum = models.CharField(
        "到会要求", max_length=20, choices=Quorum.choices, default=Quorum.NONE
    )
    has_lecturer = models.BooleanField("有主讲人（党课）", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "会议类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    HALF_YEAR = "half_year", "每半年"
    YEAR = "year", "每年"


# Months per period: a period's index within the year is (month - 1) // months.
PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}


class Applicability(models.TextChoices):
    BRANCH = "branch", "所有党支部"
    BRANCH_WITH_COMMITTEE = "branch_with_committee", "设立支部委员会的党支部"
    BRANCH_GROUP = "branch_group", "党小组"
    COMMITTEE = "committee", "党委（党组）"


class CitationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已核实"
    SECONDARY = "secondary", "二手来源"
    UNCONFIRMED = "unconfirmed", "未核实"
    LOCAL = "local", "地方规定"


class MeetingRequirement(models.Model):
    """How often a type of meeting must be held, by whom, under which article: rule data."""

    code = models.SlugField("编码", max_length=60, unique=True)
    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.PROTECT, related_name="requirements", verbose_name="会议类型"
    )
    period = models.CharField("频次", max_length=12, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(
        "每期至少次数",
        default=1,
        help_text="按月记录是否召开；每年要求多次时按全年次数计算",
    )
    applies_to = models.CharField("适用组织", max_length=30, choices=Applicability.choices)
    rule_set = models.CharField(
        "规则集",
        max_length=60,
        default="national",
        help_text="national 为全国性规定；地方规定另设规则集",
    )
    citation_document = models.CharField("依据文件", max_length=120)
    citation_article = models.CharField("条款", max_length=200, blank=True)
    citation_status = models.CharField(
        "依据状态", max_length=12, choices=CitationStatus.choices, default=CitationStatus.CONFIRMED
    )
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("失效日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "组织生活频次要求"
        ordering = ["meeting_type__sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.meeting_type.name}{self.get_period_display()}至少{self.min_count}次"


class Meeting(TimeStamped):
    """One meeting or study session as it is kept in the 台账 (ledger)."""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织"
    )
    # A copy of org.path: the scope filter is one indexed prefix query without a join.
    org_path = models.CharField(max_length=255, editable=False)
    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.PROTECT, related_name="meetings", verbose_name="会议类型"
    )
    held_on = models.DateField("召开日期")
    starts_at = models.TimeField("开始时间", null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=40, blank=True)
    recorder = models.CharField("记录人", max_length=40, blank=True)
    topic = models.CharField("主题", max_length=200)
    agenda = models.TextField("议程", blank=True)
    content = models.TextField("会议内容（记录）", blank=True)
    decisions = models.TextField("决议事项", blank=True)
    observers = models.CharField("列席人员", max_length=300, blank=True)
    lecturer = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lectures",
        verbose_name="党课主讲人",
    )
    lecturer_name = models.CharField(
        "主讲人（非本库党员）", max_length=40, blank=True, help_text="主讲人不在党员库中时填写"
    )
    # Counts computed from the attendance by the services (应到/实到/请假/缺席).
    expected_count = models.PositiveIntegerField("应到人数", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    leave_count = models.PositiveIntegerField("请假人数", default=0)
    absent_count = models.PositiveIntegerField("缺席人数", default=0)
    # The quorum base: voting members for a 党员大会, committee members for a 支委会.
    quorum_expected = models.PositiveIntegerField("应到会（有表决权党员/委员）", default=0)
    quorum_present = models.PositiveIntegerField("实到会（有表决权党员/委员）", default=0)
    quorum_met = models.BooleanField("达到法定人数", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "会议记录"
        ordering = ["-held_on", "-starts_at", "-id"]
        indexes = [
            # Prefix (LIKE 'x%') scope filters need the pattern operator class on PostgreSQL.
            models.Index(
                fields=["org_path", "held_on"],
                name="meeting_path_date_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["org", "meeting_type", "held_on"], name="meeting_org_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.meeting_type.name}：{self.topic}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("life:meeting_detail", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name="会议"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendances", verbose_name="党员"
    )
    status = models.CharField("出席情况", max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField("请假/缺席原因", max_length=100, blank=True)
    # Snapshots at the meeting date: a later 转正 must not change an old meeting's quorum.
    has_vote = models.BooleanField("有表决权", default=True)
    is_committee_member = models.BooleanField("支委会委员", default=False)
    # A copy of meeting.held_on: "months a member took part" is one indexed query.
    held_on = models.DateField("会议日期", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "出席情况"
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="attendance_once_per_meeting"
            )
        ]
        indexes = [models.Index(fields=["member", "held_on"], name="attendance_member_date_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_status_display()}"


class FileKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "文件"


class MeetingFile(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="files", verbose_name="会议"
    )
    kind = models.CharField("类型", max_length=10, choices=FileKind.choices)
    # Stored under a random name outside the static files; served only through a scoped view.
    file = models.FileField("文件", upload_to="meetings/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议附件"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.original_name


class MeetingTally(models.Model):
    """Per organization, type and year: the months in which at least one meeting was held.

    Kept by the meeting services and rebuildable from the records, so that the compliance of a
    whole province reads one row per organization and type instead of every meeting.
    """

    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name="党组织"
    )
    org_path = models.CharField(max_length=255)
    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.CASCADE, related_name="+", verbose_name="会议类型"
    )
    year = models.PositiveSmallIntegerField("年度")
    # Bit (month - 1) is set when the month had a meeting of this type.
    month_mask = models.PositiveIntegerField("召开月份", default=0)
    count = models.PositiveIntegerField("全年次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "组织生活统计"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "meeting_type", "year"], name="meetingtally_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="meetingtally_path_idx",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.meeting_type_id} {self.year}: {self.month_mask:012b}"


# --- 民主评议党员 -------------------------------------------------------------------------------


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class RoundStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class AppraisalRound(TimeStamped):
    """One branch's yearly 民主评议党员: 个人自评, 党员互评, 民主测评, then the branch's grades."""

    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="appraisal_rounds",
        verbose_name="党支部",
    )
    org_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField("评议年度")
    started_on = models.DateField("开始日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评议会议",
    )
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "org_path"])

    class Meta:
        verbose_name = verbose_name_plural = "民主评议党员"
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="appraisal_one_round_per_year")
        ]
        # Prefix (LIKE 'x%') scope filters need the pattern operator class on PostgreSQL.
        indexes = [
            models.Index(
                fields=["org_path", "year"],
                name="appraisal_path_year_idx",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}年度民主评议党员"


class AppraisalEntry(models.Model):
    round = models.ForeignKey(
        AppraisalRound, on_delete=models.CASCADE, related_name="entries", verbose_name="评议"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="appraisal_entries", verbose_name="党员"
    )
    self_assessment = models.TextField("个人自评", blank=True)
    peer_comments = models.TextField("党员互评意见", blank=True)
    # 民主测评: how many ballots rated the member at each grade.
    votes_excellent = models.PositiveIntegerField("测评优秀票", default=0)
    votes_qualified = models.PositiveIntegerField("测评合格票", default=0)
    votes_basic = models.PositiveIntegerField("测评基本合格票", default=0)
    votes_unqualified = models.PositiveIntegerField("测评不合格票", default=0)
    grade = models.CharField("评定等次", max_length=12, choices=Grade.choices, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "评议结果"
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="appraisal_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}：{self.get_grade_display() or '未评定'}"


class HandlingMeasure(models.TextChoices):
    RECTIFY = "rectify", "限期改正"
    PERSUADE_TO_LEAVE = "persuade_to_leave", "劝其退党"
    REMOVE = "remove", "除名"
    EDUCATE = "educate", "批评教育"
    OTHER = "other", "其他"


class UnqualifiedHandling(TimeStamped):
    """组织处置 of a member graded 不合格: the measure, its decision and its outcome."""

    entry = models.ForeignKey(
        AppraisalEntry, on_delete=models.PROTECT, related_name="handlings", verbose_name="评议结果"
    )
    measure = models.CharField("处置方式", max_length=20, choices=HandlingMeasure.choices)
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=100, help_text="如：党支部大会")
    decision = models.TextField("决定内容")
    deadline = models.DateField("改正期限", null=True, blank=True)
    outcome = models.TextField("处置结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "不合格党员组织处置"
        ordering = ["entry", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}（{self.decided_on}）"
