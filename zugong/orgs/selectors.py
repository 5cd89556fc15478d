"""Every read of organizations, filtered by the acting account's scope first."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.orgs.models import Organization, OrgKind, OrgStatus


def visible_orgs(user: User) -> QuerySet[Organization]:
    scope = user.scope
    if scope.path is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=scope.path)


def get_org(user: User, pk: int) -> Organization:
    """The organization if the account may see it; out of scope is a 404, like a missing one."""
    org = visible_orgs(user).select_related("parent", "category", "rollup").filter(pk=pk).first()
    if org is None:
        raise Http404("组织不存在或不在管理范围内")
    return org


def anchor_org(user: User) -> Organization | None:
    """The account's own node: always inside its scope, loaded with the user by the auth backend."""
    return user.anchor_org if user.anchor_org_id is not None else None


def children_of(
    user: User, org: Organization, *, include_dissolved: bool = False
) -> QuerySet[Organization]:
    qs = visible_orgs(user).filter(parent=org).select_related("rollup", "category")
    if not include_dissolved:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs.order_by("sort_order", "path")


def ancestors_in_scope(user: User, org: Organization) -> list[Organization]:
    """Breadcrumb: the ancestors the account may see, root first."""
    paths = [org.path[:i] for i in range(len(user.scope.path or ""), len(org.path), 4) if i]
    return list(visible_orgs(user).filter(path__in=paths).order_by("path"))


def branches_in_scope(user: User) -> QuerySet[Organization]:
    return visible_orgs(user).filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE).order_by("path")


def parent_choices(user: User, exclude: Organization | None = None) -> QuerySet[Organization]:
    qs = visible_orgs(user).filter(status=OrgStatus.ACTIVE).exclude(kind__in=[OrgKind.BRANCH_GROUP])
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    return qs.order_by("path")


def search_orgs(user: User, q: str, limit: int = 20) -> QuerySet[Organization]:
    return (
        visible_orgs(user).filter(Q(name__icontains=q) | Q(code__iexact=q)).order_by("path")[:limit]
    )


def org_list(
    user: User, *, q: str = "", kind: str = "", category: str = "", status: str = ""
) -> QuerySet[Organization]:
    qs = visible_orgs(user).select_related("parent", "category", "rollup")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category__code=category)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("path")
