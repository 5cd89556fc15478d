"""Every read of the talent pool and the policies, filtered by the acting account's scope first.

A talent belongs to an organization (org_path): accounts see the talents of their subtree. A
policy covers an area (its org): it is read by accounts inside that area and by those above it,
and it applies to the talents of that area. Out of scope is a 404; a role that does not read
talents at all gets a 403 before anything is looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zugong.core.pinyin import fold_query, person_search_q
from zugong.orgs.models import PATH_STEP, Organization, OrgStatus, subtree_q
from zugong.talents.access import can_read_talents
from zugong.talents.eligibility import unmet_conditions
from zugong.talents.models import (
    ArchiveEntry,
    Grant,
    Policy,
    PolicyItem,
    Talent,
    TalentStatus,
)
from zugong.talents.rules import tier_pairs

NOT_READER = "本账号的角色不能查看人才工作"


def require_reader(user: Any) -> None:
    if not can_read_talents(user):
        raise PermissionDenied(NOT_READER)


def _path(user: Any) -> str | None:
    return user.scope.path


# --- talents --------------------------------------------------------------------------------


def visible_talents(user: Any) -> QuerySet[Talent]:
    """The talents in the account's subtree (the other parts of the app build on this)."""
    require_reader(user)
    path = _path(user)
    if path is None:
        return Talent.objects.none()
    return Talent.objects.filter(subtree_q("org_path", path))


def get_talent(user: Any, pk: int) -> Talent:
    talent = (
        visible_talents(user).select_related("org", "policy", "created_by").filter(pk=pk).first()
    )
    if talent is None:
        raise Http404("人才不存在或不在管理范围内")
    return talent


def get_entry(user: Any, pk: int) -> ArchiveEntry:
    """An archive entry of a talent in the user's scope (else 404)."""
    entry = (
        ArchiveEntry.objects.select_related("talent")
        .filter(pk=pk, talent__in=visible_talents(user))
        .first()
    )
    if entry is None:
        raise Http404("发展档案记录不存在或不在管理范围内")
    return entry


def search_q(q: str) -> Q:
    """Name or employer by characters, pinyin or initials (prefix), or the 公民身份号码."""
    return person_search_q(q, id_tail_field=None, text_fields=("name", "employer"))


@dataclass(frozen=True)
class TalentFilters:
    q: str = ""
    category: str = ""
    tier: str = ""
    field: str = ""
    org: int | None = None
    education: str = ""
    recruit_mode: str = ""
    status: str = "active"


LIST_RELATED = ("org",)


def talent_list(user: Any, f: TalentFilters | None = None) -> QuerySet[Talent]:
    f = f or TalentFilters()
    qs = visible_talents(user).select_related(*LIST_RELATED)
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.category:
        qs = qs.filter(category=f.category)
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.field:
        qs = qs.filter(field=f.field)
    if f.org:
        org = Organization.objects.filter(pk=f.org).first()
        qs = qs.filter(subtree_q("org_path", org.path)) if org else qs.none()
    if f.education:
        qs = qs.filter(education=f.education)
    if f.recruit_mode:
        qs = qs.filter(recruit_mode=f.recruit_mode)
    if f.status in TalentStatus.values:
        qs = qs.filter(status=f.status)
    return qs.order_by("name_pinyin", "id")


def area_orgs(user: Any) -> list[Organization]:
    """The areas talents are counted by (乡镇 and 县直系统): the level below the account's
    anchor, or the anchor itself for an account anchored low in the tree."""
    path = _path(user)
    if path is None:
        return []
    anchor = Organization.objects.filter(path=path).first()
    children = list(
        Organization.objects.filter(parent__path=path, status=OrgStatus.ACTIVE)
        .exclude(kind__in=("branch", "branch_group"))
        .order_by("sort_order", "path")
    )
    if children:
        return children
    return [anchor] if anchor else []


def org_choices(user: Any) -> list[tuple[int, str]]:
    """The organizations a talent can belong to: active, above the branch level, in scope."""
    path = _path(user)
    if path is None:
        return []
    return list(
        Organization.objects.filter(subtree_q("path", path), status=OrgStatus.ACTIVE)
        .exclude(kind="branch_group")
        .order_by("path")
        .values_list("pk", "name")
    )


def field_choices(user: Any) -> list[str]:
    return list(
        visible_talents(user)
        .exclude(field="")
        .values_list("field", flat=True)
        .distinct()
        .order_by("field")
    )


# --- policies -------------------------------------------------------------------------------


def ancestor_paths(path: str) -> list[str]:
    """The path itself and its ancestors' paths, and "" (a policy without an area)."""
    return ["", *(path[:n] for n in range(PATH_STEP, len(path) + 1, PATH_STEP))]


def visible_policies(user: Any) -> QuerySet[Policy]:
    """Policies of the account's area and of the areas above it (a county policy is read by
    the townships), and of the areas below."""
    require_reader(user)
    path = _path(user)
    if path is None:
        return Policy.objects.none()
    return Policy.objects.filter(
        Q(org_path__in=ancestor_paths(path)) | subtree_q("org_path", path)
    ).select_related("org")


def policy_list(user: Any, q: str = "") -> QuerySet[Policy]:
    qs = visible_policies(user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(document_number__icontains=q))
    return qs.annotate(n_items=Count("items", distinct=True)).order_by("-issued_on", "-id")


def get_policy(user: Any, pk: int) -> Policy:
    policy = visible_policies(user).filter(pk=pk).first()
    if policy is None:
        raise Http404("人才政策不存在或不在管理范围内")
    return policy


def get_item(user: Any, pk: int) -> PolicyItem:
    item = (
        PolicyItem.objects.select_related("policy__org")
        .filter(pk=pk, policy__in=visible_policies(user))
        .first()
    )
    if item is None:
        raise Http404("政策事项不存在或不在管理范围内")
    return item


def items_for_talent(talent: Talent) -> QuerySet[PolicyItem]:
    """The enabled items of the policies covering the talent's area."""
    return (
        PolicyItem.objects.filter(
            policy__org_path__in=ancestor_paths(talent.org_path), is_active=True
        )
        .select_related("policy")
        .order_by("policy__issued_on", "code")
    )


# --- grants ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantFilters:
    q: str = ""
    item: int | None = None
    policy: int | None = None
    current: str = ""  # "yes", "no" or ""


def grant_list(user: Any, f: GrantFilters | None = None, on: date | None = None) -> QuerySet[Grant]:
    f = f or GrantFilters()
    path = _path(user)
    require_reader(user)
    if path is None:
        return Grant.objects.none()
    qs = Grant.objects.filter(subtree_q("talent__org_path", path)).select_related(
        "talent__org", "item__policy", "created_by"
    )
    if f.q:
        qs = qs.filter(
            Q(talent__name__contains=fold_query(f.q))
            | Q(talent__name_pinyin__startswith=fold_query(f.q).lower())
        )
    if f.item:
        qs = qs.filter(item_id=f.item)
    if f.policy:
        qs = qs.filter(item__policy_id=f.policy)
    if f.current and on is not None:
        live = (
            Q(granted_on__lte=on)
            & (Q(stopped_on__isnull=True) | Q(stopped_on__gt=on))
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        )
        qs = qs.filter(live) if f.current == "yes" else qs.exclude(live)
    return qs.order_by("-granted_on", "-id")


def get_grant(user: Any, pk: int) -> Grant:
    grant = grant_list(user).filter(pk=pk).first()
    if grant is None:
        raise Http404("政策兑现记录不存在或不在管理范围内")
    return grant


# --- eligibility matching -------------------------------------------------------------------


@dataclass
class MatchRow:
    talent: Talent
    item: PolicyItem
    grant: Grant | None = None
    reasons: list[str] | None = None


@dataclass
class Matching:
    eligible: list[MatchRow]  # qualify, not received
    broken: list[MatchRow]  # received, still current, but no longer qualify
    talents: int
    items: int


def matching(user: Any, on: date, *, item: int | None = None, org: int | None = None) -> Matching:
    """Which talents qualify for which items they have not received, and which current grants
    no longer meet their conditions. One query per table; the checks run in memory."""
    talents_qs = visible_talents(user).filter(status=TalentStatus.ACTIVE).select_related("org")
    if org:
        area = Organization.objects.filter(pk=org).first()
        talents_qs = (
            talents_qs.filter(subtree_q("org_path", area.path)) if area else talents_qs.none()
        )
    items_qs = PolicyItem.objects.filter(
        policy__in=visible_policies(user), is_active=True
    ).select_related("policy")
    if item:
        items_qs = items_qs.filter(pk=item)
    items = list(items_qs.order_by("policy__issued_on", "code"))
    talents = list(
        talents_qs.prefetch_related(
            Prefetch("grants", queryset=Grant.objects.select_related("item__policy"))
        ).order_by("name_pinyin", "id")
    )
    labels = dict(tier_pairs(on=on))
    eligible: list[MatchRow] = []
    broken: list[MatchRow] = []
    item_ids = {i.pk for i in items}
    for t in talents:
        received = {g.item_id: g for g in t.grants.all()}
        for it in items:
            if not t.org_path.startswith(it.policy.org_path) or it.pk in received:
                continue
            if not unmet_conditions(t, it, on, labels, policy=it.policy):
                eligible.append(MatchRow(t, it))
        for g in received.values():
            if g.item_id not in item_ids or not g.current_on(on):
                continue
            reasons = [
                str(u)
                for u in unmet_conditions(t, g.item, on, labels, policy=g.item.policy)
                if u.key != "policy"
            ]
            if reasons:
                broken.append(MatchRow(t, g.item, g, reasons))
    return Matching(eligible, broken, len(talents), len(items))
