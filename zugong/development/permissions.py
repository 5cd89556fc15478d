"""Who may write 发展党员 records: a writing role on a case inside its scope; the county's
plan quotas and 入党志愿书 number ranges are set by the 组织部 only (issue 4, 发展计划)."""

from __future__ import annotations

from typing import Any

import rules

from zugong.accounts.models import Role
from zugong.accounts.permissions import in_scope, is_writer

# The 组织部 sets the yearly quotas and hands out the number ranges; townships only read them.
DEPARTMENT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN})


@rules.predicate
def is_department(user: Any) -> bool:
    return bool(user.is_authenticated and user.role in DEPARTMENT_ROLES)


rules.add_perm("development.edit_case", is_writer & in_scope)
rules.add_perm("development.manage_plans", is_department & in_scope)
