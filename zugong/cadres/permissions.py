"""Who may read and write cadre data: an account anchored to the unit tree (anchor_unit), on a
record inside that unit's subtree; writing also needs the 干部科 (or system administrator) role.

Cadre records are the most sensitive personal data of the county, so the party-side roles
(组织部管理员, 党委, 支部) see none of it unless they are also given a unit anchor.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def cadre_path_of(obj: Any) -> str | None:
    """The unit path a cadre-side record is scoped by (a Unit's own path, or a copy)."""
    for attr in ("unit_path", "path"):
        value = getattr(obj, attr, None)
        if value:
            return value
    return None


@rules.predicate
def has_cadre_scope(user: Any) -> bool:
    return bool(user.is_authenticated and user.cadre_scope.path is not None)


@rules.predicate
def in_cadre_scope(user: Any, obj: Any) -> bool:
    if obj is None:
        return True
    return user.cadre_scope.contains(cadre_path_of(obj))


@rules.predicate
def writes_cadres(user: Any) -> bool:
    return bool(user.is_authenticated and user.can_write_cadres)


rules.add_perm("cadres.view", has_cadre_scope & in_cadre_scope)
rules.add_perm("cadres.edit", has_cadre_scope & writes_cadres & in_cadre_scope)


def require_cadre_reader(request: HttpRequest) -> None:
    """Every cadre page starts here: no unit anchor, no cadre data (superusers included)."""
    if request.user.cadre_scope.path is None:
        raise PermissionDenied("您的账号没有干部管理范围（所辖单位），请联系系统管理员。")


def require_cadre_writer(request: HttpRequest, obj: Any = None) -> None:
    require_cadre_reader(request)
    user = request.user
    if not user.can_write_cadres or (obj is not None and not in_cadre_scope(user, obj)):
        raise PermissionDenied("您的角色没有此项操作权限（干部信息仅干部科可以修改）。")
