"""Party organizations as a materialized-path tree, their roll-up counts and leadership teams."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from zugong.core.models import CodeItem, TimeStamped, Versioned

# Each level adds a fixed-width segment, so a subtree is one indexed prefix query.
PATH_STEP = 4
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def path_successor(path: str) -> str | None:
    """The next path of the same length ("0001002Z" -> "00010030"), None after the last one."""
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):
        digit = PATH_ALPHABET.index(chars[i])
        if digit + 1 < len(PATH_ALPHABET):
            chars[i] = PATH_ALPHABET[digit + 1]
            return "".join(chars)
        chars[i] = PATH_ALPHABET[0]
    return None


def subtree_q(field: str, path: str) -> models.Q:
    """Rows whose `field` path lies under `path`, as the range [path, successor) rather than
    LIKE 'path%': a plain b-tree index that starts with another column, such as
    (status, unit_path), can seek a range in any collation but a LIKE only under "C". Paths use
    digits and capitals of one width per level, which every collation orders as "C" does."""
    upper = path_successor(path) if path else None
    bounds = {f"{field}__gte": path, f"{field}__lt": upper} if upper else {f"{field}__gte": path}
    return models.Q(**bounds)


class OrgKind(models.TextChoices):
    COUNTY_COMMITTEE = "county_committee", "县委"
    PARTY_COMMITTEE = "party_committee", "党（工）委"
    PARTY_GROUP = "party_group", "党组"
    PRIMARY_PARTY_COMMITTEE = "primary_party_committee", "基层党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    BRANCH_GROUP = "branch_group", "党小组"


# Which kinds may sit directly under which (县委 → 党(工)委/党组 → 党总支 → 党支部 → 党小组).
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.COUNTY_COMMITTEE: frozenset(
        {
            OrgKind.PARTY_COMMITTEE,
            OrgKind.PARTY_GROUP,
            OrgKind.PRIMARY_PARTY_COMMITTEE,
            OrgKind.GENERAL_BRANCH,
            OrgKind.BRANCH,
        }
    ),
    OrgKind.PARTY_COMMITTEE: frozenset(
        {OrgKind.PRIMARY_PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}
    ),
    OrgKind.PARTY_GROUP: frozenset({OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}),
    OrgKind.PRIMARY_PARTY_COMMITTEE: frozenset({OrgKind.GENERAL_BRANCH, OrgKind.BRANCH}),
    OrgKind.GENERAL_BRANCH: frozenset({OrgKind.BRANCH}),
    OrgKind.BRANCH: frozenset({OrgKind.BRANCH_GROUP}),
    OrgKind.BRANCH_GROUP: frozenset(),
}


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "已撤销"


class UnitSituation(models.TextChoices):
    SAME_AS_PARENT = "same_as_parent", "与上级党组织所在单位相同"
    LEGAL_ENTITY = "legal_entity", "法人单位"
    JOINT = "joint", "联合党支部"
    OTHER = "other", "其他"


class Organization(Versioned, TimeStamped):
    name = models.CharField("组织全称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("组织编码", max_length=30, unique=True)
    kind = models.CharField("组织层级", max_length=30, choices=OrgKind.choices)
    category = models.ForeignKey(
        CodeItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="党组织类别",
        limit_choices_to={"table__code": "org_category"},
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级党组织",
    )
    path = models.CharField("路径", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("层级深度")
    status = models.CharField(
        "状态", max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE, db_index=True
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolved_reason = models.CharField("撤销原因", max_length=200, blank=True)
    unit_name = models.CharField("所在单位", max_length=100, blank=True)
    unit_situation = models.CharField(
        "所在单位情况",
        max_length=20,
        choices=UnitSituation.choices,
        default=UnitSituation.SAME_AS_PARENT,
    )
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orgs:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    @property
    def ancestor_paths(self) -> list[str]:
        return [self.path[: i * PATH_STEP] for i in range(1, self.depth + 1)]


class OrgRollup(models.Model):
    """Subtree counts kept by the services, so an organization page costs O(1), not O(members).

    `members_*` count members in good standing (党籍正常) whose branch lies in the subtree.
    Rebuilt from the records by `manage.py rebuild_rollups`; a test checks it equals the truth.
    """

    org = models.OneToOneField(
        Organization, primary_key=True, on_delete=models.CASCADE, related_name="rollup"
    )
    members_direct = models.IntegerField("本组织党员", default=0)
    members_total = models.IntegerField("党员总数", default=0)
    full_members_total = models.IntegerField("正式党员", default=0)
    probationary_total = models.IntegerField("预备党员", default=0)
    female_total = models.IntegerField("女党员", default=0)
    completeness_sum = models.BigIntegerField("信息完整度合计", default=0)
    complete_total = models.IntegerField("信息完整的党员", default=0)
    orgs_total = models.IntegerField("下属组织（含自身）", default=0)
    branches_total = models.IntegerField("党支部", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "组织统计"

    COUNTERS = (
        "members_direct",
        "members_total",
        "full_members_total",
        "probationary_total",
        "female_total",
        "completeness_sum",
        "complete_total",
        "orgs_total",
        "branches_total",
    )

    def __str__(self) -> str:
        return f"{self.org_id}：{self.members_total}名党员"

    @property
    def completeness_average(self) -> int:
        # Floor, so that 99.6% never shows as a complete 100%.
        return self.completeness_sum // self.members_total if self.members_total else 0


class TeamKind(models.TextChoices):
    BRANCH_COMMITTEE = "branch_committee", "支部委员会"
    GENERAL_BRANCH_COMMITTEE = "general_branch_committee", "党总支委员会"
    PARTY_COMMITTEE = "party_committee", "党委委员会"


class LeadershipTeam(TimeStamped):
    """One term of an organization's elected committee (领导班子 / 支部委员会)."""

    org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="teams", verbose_name="党组织"
    )
    kind = models.CharField("班子类型", max_length=30, choices=TeamKind.choices)
    elected_on = models.DateField("选举日期")
    term_years = models.PositiveSmallIntegerField("任期（年）")
    term_ends_on = models.DateField("任期届满日期")
    term_rule_source = models.CharField("任期依据", max_length=200, blank=True)
    is_current = models.BooleanField("本届", default=True)
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "领导班子"
        ordering = ["-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=models.Q(is_current=True), name="one_current_team_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.get_kind_display()}（{self.elected_on:%Y}年选举）"


class Position(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization_member", "组织委员"
    PROPAGANDA = "propaganda_member", "宣传委员"
    DISCIPLINE = "discipline_member", "纪检委员"
    YOUTH = "youth_member", "青年委员"
    WOMEN = "women_member", "妇女委员"
    MEMBER = "member", "委员"


class TeamSeat(models.Model):
    team = models.ForeignKey(
        LeadershipTeam, on_delete=models.CASCADE, related_name="seats", verbose_name="班子"
    )
    person_name = models.CharField("姓名", max_length=40)
    position = models.CharField("职务", max_length=30, choices=Position.choices)
    started_on = models.DateField("任职日期", null=True, blank=True)
    ended_on = models.DateField("离任日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "班子成员"
        ordering = ["team", "position", "id"]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_position_display()}）"


from zugong.orgs.standardization.models import *  # noqa: E402, F403
