"""One demo account per role, anchored in the demo county, and the table of logins."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zugong.accounts.models import Role, User
from zugong.orgs.models import Organization

# Documented in the README; only ever set on a database the demo seed created.
DEMO_PASSWORD = "Zugong@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    anchor: str  # a key of CountyPlan.anchors
    superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("sysadmin", "周建华", Role.SYSTEM_ADMIN, "county", superuser=True),
    DemoAccount("zzb", "王丽萍", Role.DEPARTMENT_ADMIN, "county"),
    DemoAccount("chengguan", "李伟", Role.COMMITTEE_ADMIN, "chengguan"),
    DemoAccount("dongguan", "陈静", Role.COMMITTEE_ADMIN, "dongguan"),
    DemoAccount("zhibu", "张国强", Role.BRANCH_ADMIN, "branch"),
    DemoAccount("lingdao", "刘志明", Role.LEADER, "county"),
    # The 干部科: reads the party side like a leader, writes cadre archives (anchor_unit).
    DemoAccount("ganbu", "赵敏", Role.CADRE_OFFICER, "county"),
    # 群众监督: the 干部监督科 routes 举报 cases; the custodian opens sealed identities on request.
    DemoAccount("jiandu", "孙立新", Role.SUPERVISION_OFFICER, "county"),
    DemoAccount("baoguan", "郑秀梅", Role.CUSTODIAN, "county"),
    # Two 承办人 of the 监督科, linked to 组织部 cadres for the 回避 check (supervision demo).
    DemoAccount("chengban1", "吴志刚", Role.SUPERVISION_OFFICER, "county"),
    DemoAccount("chengban2", "何晓燕", Role.SUPERVISION_OFFICER, "county"),
    # A responsible unit of the 问题清单: updates its own items only.
    DemoAccount("zhenggai", "吴海涛", Role.PROBLEM_TRACKER, "chengguan"),
    # 人才办: the talent pool, policies, service packages and the special fund.
    DemoAccount("rencai", "刘晓东", Role.TALENT_OFFICE, "county"),
)


def create_demo_accounts(anchors: Mapping[str, Organization]) -> list[User]:
    """Create (or reset) the demo accounts; call only right after loading the demo county."""
    users = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first() or User(
            username=account.username
        )
        user.full_name = account.full_name
        user.role = account.role
        user.anchor_org = anchors[account.anchor]
        user.is_staff = account.superuser
        user.is_superuser = account.superuser
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        users.append(user)
    return users


def existing_demo_accounts() -> list[User]:
    order = {a.username: i for i, a in enumerate(DEMO_ACCOUNTS)}
    users = User.objects.filter(username__in=order).select_related("anchor_org")
    return sorted(users, key=lambda u: order[u.username])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table(users: Iterable[User], *, check_passwords: bool = False) -> str:
    """用户名 / 角色 / 所辖组织 / 密码, aligned for a terminal with wide Chinese characters.

    With check_passwords the password column says so when the demo password no longer works,
    so an old database never advertises a password it does not have.
    """
    rows = [("用户名", "姓名", "角色", "所辖组织", "密码")]
    for user in users:
        password = DEMO_PASSWORD
        if check_passwords and not user.check_password(DEMO_PASSWORD):
            password = "（已修改）"
        anchor = user.anchor_org.name if user.anchor_org_id else "（未设置）"
        rows.append((user.username, user.full_name, user.get_role_display(), anchor, password))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
