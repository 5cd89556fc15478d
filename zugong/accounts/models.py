"""Accounts: a role and one anchor node; the scope is that node's subtree (DESIGN.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    DEPARTMENT_ADMIN = "department_admin", "组织部管理员"
    COMMITTEE_ADMIN = "committee_admin", "党（工）委管理员"
    BRANCH_ADMIN = "branch_admin", "党支部书记/管理员"
    LEADER = "leader", "领导（只读）"
    CADRE_OFFICER = "cadre_officer", "干部科"
    # 群众监督 (zugong.supervision): the 干部监督科 takes in and routes 举报 cases; a handler reads
    # only the cases assigned to them, whatever their role.
    SUPERVISION_OFFICER = "supervision_officer", "干部监督科"
    # Approves or refuses a written request to open a reporter's sealed identity.
    CUSTODIAN = "custodian", "举报人身份保管人"
    # A responsible unit (责任单位) that updates its own 问题清单 items only (zugong.inquiries).
    PROBLEM_TRACKER = "problem_tracker", "整改责任单位"
    # 人才办 (zugong.talents): the talent pool, policies, service packages and the special fund.
    TALENT_OFFICE = "talent_office", "人才办"


WRITER_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN, Role.BRANCH_ADMIN}
)
# Roles that shape the tree (create, move, dissolve organizations, edit 班子).
STRUCTURE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN})
# Roles that write cadre archives, 职数 and 选拔任用纪实 within their unit subtree (anchor_unit).
CADRE_WRITER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.CADRE_OFFICER})
# Roles that report member data upward and so export it unmasked.
UNMASKED_EXPORT_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN})


# Findings about cadre-side records (zugong.cadres) store their unit path behind this prefix:
# unit paths and party-organization paths share one alphabet, so a bare unit path could fall
# inside a party account's subtree.
CADRE_FINDING_PREFIX = "unit:"


def cadre_finding_path(unit_path: str) -> str:
    return f"{CADRE_FINDING_PREFIX}{unit_path}"


@dataclass(frozen=True)
class Scope:
    """The subtree an account may see: every path starting with `path`; None sees nothing."""

    path: str | None
    label: str

    def contains(self, path: str | None) -> bool:
        return self.path is not None and path is not None and path.startswith(self.path)


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=40, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.LEADER)
    anchor_org = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anchored_users",
        verbose_name="所辖组织",
        help_text="账号只能看到并管理该组织及其下级组织",
    )
    # The cadre side has its own tree (单位): a 干部科 account sees the cadres of this unit's
    # subtree; an account without it sees no cadre data at all, whatever its party-side role.
    anchor_unit = models.ForeignKey(
        "cadres.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anchored_users",
        verbose_name="所辖单位（干部）",
        help_text="账号只能看到并管理该单位及其下级单位的干部",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def scope(self) -> Scope:
        if self.anchor_org_id is None:
            return Scope(path=None, label="（未设置所辖组织）")
        org = self.anchor_org
        return Scope(path=org.path, label=org.name)

    @property
    def cadre_scope(self) -> Scope:
        if self.anchor_unit_id is None:
            return Scope(path=None, label="（未设置所辖单位）")
        unit = self.anchor_unit
        return Scope(path=unit.path, label=unit.name)

    @property
    def finding_paths(self) -> list[str]:
        """The path prefixes of the findings this account may see: its party subtree, and its
        unit subtree (prefixed) when it has one."""
        paths = [self.scope.path] if self.scope.path is not None else []
        if self.cadre_scope.path is not None:
            paths.append(cadre_finding_path(self.cadre_scope.path))
        return paths

    @property
    def can_write_cadres(self) -> bool:
        return self.role in CADRE_WRITER_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def can_shape_tree(self) -> bool:
        return self.role in STRUCTURE_ROLES

    @property
    def exports_unmasked(self) -> bool:
        return self.role in UNMASKED_EXPORT_ROLES


class SensitiveAccess(models.Model):
    """Every unmasked view of personal data (身份证号, 手机号) is logged."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, verbose_name="账号")
    subject_type = models.CharField("对象类型", max_length=40)
    subject_id = models.BigIntegerField("对象")
    fields = models.CharField("查看字段", max_length=100)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "敏感信息查看记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.subject_type}#{self.subject_id} 的{self.fields}"
