"""Who may do what in 示范创建 (the scope checks live in selectors and services).

- The 组织部 (组织部管理员, 系统管理员) keeps the kind table, creates campaigns and their criteria,
  scores candidates (the scorer of record) and decides every stage after 申报: 培育, 验收, 命名,
  复查 and 摘牌.
- A township committee (党（工）委管理员) nominates (申报) organizations of its subtree and uploads
  the evidence of its own candidates; it does not score: scoring is the 组织部's 验收 work.
- Branch secretaries and leaders read, within their scope. Other roles do not see 示范创建.
"""

from __future__ import annotations

from typing import Any

from zugong.accounts.models import Role

DEPARTMENT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN})
NOMINATOR_ROLES = DEPARTMENT_ROLES | {Role.COMMITTEE_ADMIN}
READER_ROLES = NOMINATOR_ROLES | {Role.BRANCH_ADMIN, Role.LEADER}

NOT_READER = "您的角色不能查看示范创建"
NOT_DEPARTMENT = "只有组织部管理员或系统管理员可以管理示范创建、评分和决定验收、命名、复查、摘牌"
NOT_NOMINATOR = "只有组织部或党（工）委管理员可以申报创建对象和上传佐证材料"


def can_read(user: Any) -> bool:
    return user.role in READER_ROLES


def can_manage(user: Any) -> bool:
    return user.role in DEPARTMENT_ROLES


def can_nominate(user: Any) -> bool:
    return user.role in NOMINATOR_ROLES
