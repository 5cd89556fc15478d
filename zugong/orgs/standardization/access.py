"""Who may do what in 标准化/星级/软弱涣散 (scope checks live in the selectors and services).

- The 组织部 (department and system administrators) keeps the checklists and the parameters,
  confirms the stars, confirms the 软弱涣散 list and approves its 销号.
- Township committees (党（工）委管理员) score the branches of their subtree, propose 软弱涣散
  organizations, keep their rectification plans and ask for 销号; the 组织部 may do the same.
- A branch secretary reads its own branch's sheet and uploads evidence for it; it also records
  the measures and evidence of its own rectification.
- Leaders read. Other roles (干部科, 监督, 人才办 ...) have no business here: 403.
"""

from __future__ import annotations

from typing import Any

from zugong.accounts.models import Role

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN})
SCORER_ROLES = ADMIN_ROLES | {Role.COMMITTEE_ADMIN}
EVIDENCE_ROLES = SCORER_ROLES | {Role.BRANCH_ADMIN}
READER_ROLES = EVIDENCE_ROLES | {Role.LEADER}

NOT_READER = "您的角色不涉及标准化规范化建设和星级评定"
NOT_ADMIN = "只有组织部管理员或系统管理员可以进行此项操作"
NOT_SCORER = "只有党（工）委管理员或组织部可以评分和管理整顿方案"
NOT_EVIDENCE = "只有党（工）委、组织部或本支部管理员可以上传佐证材料和报告整顿进展"


def can_read(user: Any) -> bool:
    return user.role in READER_ROLES


def is_admin(user: Any) -> bool:
    return user.role in ADMIN_ROLES


def can_score(user: Any) -> bool:
    return user.role in SCORER_ROLES


def can_add_evidence(user: Any) -> bool:
    return user.role in EVIDENCE_ROLES
