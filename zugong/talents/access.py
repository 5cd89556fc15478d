"""Who may do what in 人才 (zugong.talents); scope is always the account's subtree as well."""

from __future__ import annotations

from typing import Any

from zugong.accounts.models import Role

# The 人才办 sits in the 组织部: both keep the talent pool, policies, packages and the fund.
TALENT_WRITER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.TALENT_OFFICE})
# Leaders read everything in scope; a township's 党委 reads its own area's talents.
TALENT_READER_ROLES = TALENT_WRITER_ROLES | {Role.LEADER, Role.COMMITTEE_ADMIN}


def can_read_talents(user: Any) -> bool:
    return getattr(user, "role", None) in TALENT_READER_ROLES


def can_write_talents(user: Any) -> bool:
    return getattr(user, "role", None) in TALENT_WRITER_ROLES
