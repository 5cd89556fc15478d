"""Writes to the unit tree, its posts and 职数."""

from __future__ import annotations

from django.db import transaction

from zugong.accounts.models import User
from zugong.cadres.models import UNIT_PATH_STEP, Post, PostLevel, PostQuota, Unit, UnitKind
from zugong.orgs.services import next_child_path


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
        # Serialize siblings created at once: both would otherwise compute the same next path.
        Unit.objects.select_for_update().filter(pk=parent.pk).first()
    unit = Unit(parent=parent, name=name, kind=kind, **fields)
    unit.path = next_child_path(parent, model=Unit)
    unit.depth = len(unit.path) // UNIT_PATH_STEP
    unit._history_user = actor  # type: ignore[attr-defined]
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def create_post(
    *, actor: User | None, unit: Unit, title: str, level: str, seats: int = 1, **fields: object
) -> Post:
    post = Post(unit=unit, title=title, level=level, seats=seats, **fields)
    post._history_user = actor  # type: ignore[attr-defined]
    post.full_clean(exclude=["unit_path"])
    post.save()
    return post


@transaction.atomic
def set_quota(
    *, actor: User | None, unit: Unit, level: str, approved: int, document: str = ""
) -> PostQuota:
    quota, _ = PostQuota.objects.update_or_create(
        unit=unit, level=PostLevel(level), defaults={"approved": approved, "document": document}
    )
    return quota
