"""Object permissions as django-rules predicates: a role that may do it, on a record in scope."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def in_scope(user: Any, obj: Any) -> bool:
    if obj is None:
        return True
    path = getattr(obj, "path", None) or getattr(obj, "org_path", None)
    return user.scope.contains(path)


@rules.predicate
def is_writer(user: Any) -> bool:
    return bool(user.is_authenticated and user.can_write)


@rules.predicate
def shapes_tree(user: Any) -> bool:
    return bool(user.is_authenticated and user.can_shape_tree)


rules.add_perm("orgs.edit_org", is_writer & in_scope)
rules.add_perm("orgs.shape_tree", shapes_tree & in_scope)
rules.add_perm("members.edit_member", is_writer & in_scope)
# 组织生活: meeting records, and 民主评议 rounds (`in_scope` reads their org_path).
rules.add_perm("life.edit_meeting", is_writer & in_scope)
rules.add_perm("life.manage_appraisal", is_writer & in_scope)
