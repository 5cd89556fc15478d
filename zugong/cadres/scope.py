"""Scoped entry points for reading cadre-side records: every selector starts from these."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.cadres.models import Cadre, Unit
from zugong.orgs.models import subtree_q

M = TypeVar("M", bound=Model)


def scoped(user: User, queryset: QuerySet[M], field: str = "unit_path") -> QuerySet[M]:
    """Rows whose unit path lies in the account's unit subtree; none without an anchor."""
    path = user.cadre_scope.path
    if path is None:
        return queryset.none()
    return queryset.filter(subtree_q(field, path))


def visible_units(user: User) -> QuerySet[Unit]:
    return scoped(user, Unit.objects.all(), field="path")


def visible_cadres(user: User) -> QuerySet[Cadre]:
    return scoped(user, Cadre.objects.all())


def get_scoped(user: User, queryset: QuerySet[M], pk: int, field: str = "unit_path") -> M:
    """One record by id, or 404 when it does not exist or lies outside the account's units."""
    try:
        return scoped(user, queryset, field).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404("没有找到该记录，或不在您的管理范围内") from None


def get_unit(user: User, pk: int) -> Unit:
    return get_scoped(user, Unit.objects.select_related("parent"), pk, field="path")


def get_cadre(user: User, pk: int) -> Cadre:
    return get_scoped(user, Cadre.objects.select_related("unit", "current_rank"), pk)
