"""Who may ask for and read the 党内统计: accounts anchored in the party tree, within their scope."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

from zugong.accounts.models import Role

READER_ROLES = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.DEPARTMENT_ADMIN,
        Role.COMMITTEE_ADMIN,
        Role.BRANCH_ADMIN,
        Role.LEADER,
    }
)
NOT_READER = "您的角色不能查看党内统计"


def require_reader(view: Any) -> Any:
    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.role not in READER_ROLES or request.user.scope.path is None:
            raise PermissionDenied(NOT_READER)
        return view(request, *args, **kwargs)

    return wrapped
