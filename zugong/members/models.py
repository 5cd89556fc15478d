"""The member register: the fields of the 中组部 党员信息 set, with history and status changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import CodeItem, TimeStamped, Versioned
from zugong.orgs.models import Organization


class MemberType(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "死亡"
    TRANSFERRED_OUT = "transferred_out", "转出"


# Members counted in the register's totals (在册党员).
COUNTED_STATUSES = frozenset({MemberStatus.NORMAL})


def _code_fk(table: str, verbose: str) -> models.ForeignKey:
    return models.ForeignKey(
        CodeItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
        limit_choices_to={"table__code": table},
        # Lists filter these ids within a subtree; an index per code table would only slow
        # down every insert of a large import.
        db_index=False,
    )


class Member(Versioned, TimeStamped):
    name = models.CharField("姓名", max_length=40)
    name_pinyin = models.CharField("姓名全拼", max_length=120, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=40, editable=False)
    gender = _code_fk("gender", "性别")
    ethnicity = _code_fk("ethnicity", "民族")
    id_number = models.CharField("公民身份号码", max_length=18)
    # Reversed so that "the last digits" is an indexed prefix search.
    id_number_reversed = models.CharField(max_length=18, editable=False)
    birth_date = models.DateField("出生日期")
    native_place = models.CharField("籍贯", max_length=60, blank=True)
    education = _code_fk("education", "学历")
    degree = _code_fk("degree", "学位")
    phone = models.CharField("手机号", max_length=20, blank=True)
    job_category = _code_fk("job_category", "人员类别/工作岗位")
    joined_on = models.DateField("入党日期", null=True, blank=True)
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    member_type = models.CharField("党员类别", max_length=14, choices=MemberType.choices)
    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", verbose_name="所在党支部"
    )
    # A copy of org.path: the scope filter is one indexed prefix query without a join.
    org_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(
        "党籍状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.NORMAL
    )
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    work_started_on = models.DateField("参加工作日期", null=True, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    photo = models.FileField("照片", upload_to="member_photos/", blank=True)
    completeness = models.PositiveSmallIntegerField("信息完整度", default=0, editable=False)
    # History is read per record (by id): no other index, so that imports stay fast.
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "id_number_reversed", "org_path"],
        no_db_index=["org", "gender", "ethnicity", "education", "degree", "job_category"],
    )

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["org_path", "name_pinyin", "id"]
        # Few, chosen indexes: each costs every insert of a 100,000-row import. Prefix
        # searches (LIKE 'x%') need the pattern operator class on PostgreSQL.
        indexes = [
            models.Index(fields=["org_path", "name_pinyin", "id"], name="member_list_order_idx"),
            models.Index(fields=["status", "org_path"], name="member_status_path_idx"),
            models.Index(
                fields=["org_path"], name="member_org_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["id_number"], name="member_id_number_idx"),
            models.Index(
                fields=["id_number_reversed"],
                name="member_id_tail_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["name_pinyin"], name="member_pinyin_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_initials"],
                name="member_initials_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["birth_date"], name="member_birth_idx"),
            # A subtree filtered by age band: without it PostgreSQL ANDs the whole birth-date
            # index with the path range (36 ms for a township of a province, 2 ms with it).
            models.Index(
                fields=["org_path", "birth_date"],
                name="member_path_birth_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES


class MemberStatusChange(models.Model):
    """A change of 党籍状态 with its date and reason; members are never deleted."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="status_changes", verbose_name="党员"
    )
    from_status = models.CharField("原状态", max_length=16, choices=MemberStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=MemberStatus.choices)
    changed_on = models.DateField("变更日期")
    reason = models.CharField("原因", max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name="操作人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "党籍状态变更"
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}（{self.changed_on}）"
