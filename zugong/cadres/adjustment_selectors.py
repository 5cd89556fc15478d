"""Reads of 能上能下 adjustments and incentives, scoped by the account's unit subtree."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zugong.accounts.models import User
from zugong.cadres.growth_selectors import cadre_search
from zugong.cadres.models import Adjustment, AdjustmentSituation, Incentive, Unit
from zugong.cadres.scope import get_scoped, scoped
from zugong.orgs.models import subtree_q


def situations(include_inactive: bool = False) -> QuerySet[AdjustmentSituation]:
    qs = AdjustmentSituation.objects.order_by("number")
    return qs if include_inactive else qs.filter(is_active=True)


@dataclass(frozen=True)
class AdjustmentFilters:
    q: str = ""
    situation: int | None = None
    way: str = ""
    year: int | None = None
    unit: Unit | None = None


def adjustments(user: User, f: AdjustmentFilters) -> QuerySet[Adjustment]:
    qs = scoped(user, Adjustment.objects.select_related("cadre", "cadre__unit", "situation"))
    if f.unit is not None:
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.situation is not None:
        qs = qs.filter(situation_id=f.situation)
    if f.way:
        qs = qs.filter(way=f.way)
    if f.year is not None:
        qs = qs.filter(proposed_on__year=f.year)
    qs = cadre_search(qs, f.q)
    return qs.order_by("-proposed_on", "-id")


def get_adjustment(user: User, pk: int) -> Adjustment:
    return get_scoped(
        user, Adjustment.objects.select_related("cadre", "cadre__unit", "situation"), pk
    )


@dataclass(frozen=True)
class IncentiveFilters:
    q: str = ""
    kind: str = ""
    year: int | None = None
    unit: Unit | None = None


def incentives(user: User, f: IncentiveFilters) -> QuerySet[Incentive]:
    qs = scoped(user, Incentive.objects.select_related("cadre", "cadre__unit"))
    if f.unit is not None:
        qs = qs.filter(subtree_q("unit_path", f.unit.path))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year is not None:
        qs = qs.filter(decided_on__year=f.year)
    qs = cadre_search(qs, f.q)
    return qs.order_by("-decided_on", "-id")
