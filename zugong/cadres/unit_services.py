"""Writes to the unit tree, its posts and 职数.

Every function runs in one transaction, records the actor in the history, and refreshes the
over-staffing findings (unit_rules) of the units whose numbers it changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from zugong.accounts.models import User
from zugong.cadres.models import (
    UNIT_PATH_STEP,
    Cadre,
    CadreStatus,
    Post,
    PostHolding,
    PostLevel,
    PostQuota,
    Unit,
    UnitKind,
)
from zugong.orgs.models import subtree_q
from zugong.orgs.services import next_child_path

UNIT_EDITABLE = frozenset(
    {"name", "short_name", "kind", "grade", "sort_order", "is_active", "party_org", "note"}
)
POST_EDITABLE = frozenset(
    {"title", "level", "seats", "category", "is_elected", "sort_order", "is_active"}
)


def _require_scope(actor: User | None, unit: Unit, field: str = "parent") -> None:
    # Services re-check the scope, so that no caller writes outside its units by mistake.
    if actor is not None and not actor.cadre_scope.contains(unit.path):
        raise ValidationError({field: f"单位：“{unit.name}”不在您的管理范围内。"})


def refresh_staffing_findings(units: Iterable[Unit]) -> int:
    """Re-judge 职数 use (rule cadres.quota_exceeded) for these units."""
    from zugong.cadres.unit_rules import UNIT_KIND
    from zugong.core.services import refresh_findings

    return refresh_findings(UNIT_KIND, list(units))


@transaction.atomic
def create_unit(
    *,
    actor: User | None,
    parent: Unit | None,
    name: str,
    kind: str = UnitKind.GOVERNMENT_DEPARTMENT,
    **fields: object,
) -> Unit:
    if parent is not None:
        _require_scope(actor, parent)
        if not parent.is_active:
            raise ValidationError(
                {"parent": f"上级单位：“{parent.name}”已停用，不能在其下设立单位。"}
            )
        # Serialize siblings created at once: both would otherwise compute the same next path.
        Unit.objects.select_for_update().filter(pk=parent.pk).first()
    elif actor is not None:
        raise ValidationError({"parent": "上级单位：必须选择（顶级单位由系统管理员在后台设立）。"})
    unit = Unit(parent=parent, name=name.strip(), kind=kind, **fields)
    unit.path = next_child_path(parent, model=Unit)
    unit.depth = len(unit.path) // UNIT_PATH_STEP
    unit._history_user = actor  # type: ignore[attr-defined]
    unit.full_clean()
    unit.save()
    return unit


def _check_deactivation(unit: Unit) -> None:
    subtree = unit.path
    active_children = Unit.objects.filter(subtree_q("path", subtree), is_active=True).exclude(
        pk=unit.pk
    )
    if active_children.exists():
        raise ValidationError({"is_active": "在用：该单位还有在用的下级单位，请先停用下级单位。"})
    cadres = Cadre.objects.filter(subtree_q("unit_path", subtree), status=CadreStatus.ACTIVE)
    if cadres.exists():
        raise ValidationError(
            {"is_active": f"在用：该单位还有{cadres.count()}名在职干部，请先调整其所在单位。"}
        )
    holdings = PostHolding.objects.filter(unit=unit, ended_on__isnull=True)
    if holdings.exists():
        raise ValidationError({"is_active": "在用：该单位还有现任职务，请先办理免职。"})


@transaction.atomic
def update_unit(*, actor: User | None, unit: Unit, **fields: object) -> Unit:
    """Change a unit's own fields (not its place in the tree); deactivating needs it empty."""
    _require_scope(actor, unit, field="name")
    unknown = set(fields) - UNIT_EDITABLE
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    was_active = unit.is_active
    for name, value in fields.items():
        setattr(unit, name, value)
    if was_active and not unit.is_active:
        _check_deactivation(unit)
    if not was_active and unit.is_active and unit.parent is not None and not unit.parent.is_active:
        raise ValidationError(
            {"is_active": f"在用：上级单位“{unit.parent.name}”已停用，不能启用。"}
        )
    unit._history_user = actor  # type: ignore[attr-defined]
    unit.full_clean()
    unit.save()
    return unit


def deactivate_unit(*, actor: User | None, unit: Unit) -> Unit:
    return update_unit(actor=actor, unit=unit, is_active=False)


@transaction.atomic
def create_post(
    *, actor: User | None, unit: Unit, title: str, level: str, seats: int = 1, **fields: object
) -> Post:
    _require_scope(actor, unit, field="title")
    if not unit.is_active:
        raise ValidationError({"title": f"领导职务：单位“{unit.name}”已停用，不能增设职务。"})
    post = Post(unit=unit, title=title.strip(), level=level, seats=seats, **fields)
    post._history_user = actor  # type: ignore[attr-defined]
    post.full_clean(exclude=["unit_path"])
    post.save()
    return post


@transaction.atomic
def update_post(*, actor: User | None, post: Post, **fields: object) -> Post:
    _require_scope(actor, post.unit, field="title")
    unknown = set(fields) - POST_EDITABLE
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(post, name, value)
    if not post.is_active and post.holdings.filter(ended_on__isnull=True).exists():
        raise ValidationError({"is_active": "在用：该职务还有现任人员，请先办理免职再停用。"})
    if post.seats < 1:
        raise ValidationError({"seats": "配备人数：至少为1。"})
    post._history_user = actor  # type: ignore[attr-defined]
    post.full_clean(exclude=["unit_path"])
    post.save()
    return post


def _write_quota(
    *, actor: User | None, unit: Unit, level: str, approved: int, document: str
) -> PostQuota:
    if approved < 0 or approved > 999:
        raise ValidationError({"approved": "核定职数：应为0至999之间的整数。"})
    quota = PostQuota.objects.filter(unit=unit, level=PostLevel(level)).first()
    quota = quota or PostQuota(unit=unit, level=PostLevel(level))
    quota.approved, quota.document = approved, document.strip()
    quota._history_user = actor  # type: ignore[attr-defined]
    quota.save()
    return quota


@transaction.atomic
def set_quota(
    *, actor: User | None, unit: Unit, level: str, approved: int, document: str = ""
) -> PostQuota:
    """The 职数 approved for one level (0 keeps a row: the 编制 document says none)."""
    _require_scope(actor, unit, field="approved")
    quota = _write_quota(actor=actor, unit=unit, level=level, approved=approved, document=document)
    refresh_staffing_findings([unit])
    return quota


@transaction.atomic
def set_quotas(
    *, actor: User | None, unit: Unit, approved: dict[str, int | None], document: str = ""
) -> list[PostQuota]:
    """The whole 职数 of a unit at once: a level left empty (None) drops its row."""
    _require_scope(actor, unit, field="approved")
    saved = []
    for level, number in approved.items():
        if number is None:
            for old in PostQuota.objects.filter(unit=unit, level=level):
                old._history_user = actor  # type: ignore[attr-defined]
                old.delete()
            continue
        saved.append(
            _write_quota(actor=actor, unit=unit, level=level, approved=number, document=document)
        )
    refresh_staffing_findings([unit])
    return saved
