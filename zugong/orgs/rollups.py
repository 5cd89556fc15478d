"""Maintaining OrgRollup: services add deltas along the ancestor chain; rebuild recomputes all."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from zugong.orgs.models import PATH_STEP, Organization, OrgKind, OrgRollup, OrgStatus


def ancestor_paths(path: str) -> list[str]:
    """The path of every organization from the root down to (and including) this one."""
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def apply_delta(path: str, deltas: Mapping[str, int], *, direct: int = 0) -> None:
    """Add `deltas` to the subtree counters of the organization at `path` and all its ancestors."""
    changes = {k: F(k) + v for k, v in deltas.items() if v}
    if changes:
        OrgRollup.objects.filter(org__path__in=ancestor_paths(path)).update(**changes)
    if direct:
        OrgRollup.objects.filter(org__path=path).update(members_direct=F("members_direct") + direct)


def apply_path_deltas(own: Mapping[str, Mapping[str, int]]) -> None:
    """Apply many organizations' own changes at once: each organization touched gets one UPDATE.

    `own` maps an organization's path to the change of its subtree counters; "members_direct"
    applies to that organization only. Used by bulk writes (imports) instead of a full rebuild.
    """
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for path, deltas in own.items():
        for key, value in deltas.items():
            if key == "members_direct":
                totals[path][key] += value
                continue
            for ancestor in ancestor_paths(path):
                totals[ancestor][key] += value
    ids = dict(Organization.objects.filter(path__in=list(totals)).values_list("path", "id"))
    for path, deltas in totals.items():
        changes = {k: F(k) + v for k, v in deltas.items() if v}
        if changes:
            OrgRollup.objects.filter(org_id=ids[path]).update(**changes)


def org_contribution(org: Organization) -> dict[str, int]:
    if org.status != OrgStatus.ACTIVE:
        return {}
    return {"orgs_total": 1, "branches_total": 1 if org.kind == OrgKind.BRANCH else 0}


@transaction.atomic
def rebuild_rollups() -> int:
    """Recompute every OrgRollup from the records; returns the number of organizations."""
    from zugong.members.models import COUNTED_STATUSES, Member, MemberType

    counted = Q(status__in=list(COUNTED_STATUSES))
    per_org = (
        Member.objects.filter(counted)
        .values("org_id")
        .annotate(
            n=Count("id"),
            full=Count("id", filter=Q(member_type=MemberType.FULL)),
            prob=Count("id", filter=Q(member_type=MemberType.PROBATIONARY)),
            female=Count("id", filter=Q(gender__code="2")),
            comp=Sum("completeness"),
            complete=Count("id", filter=Q(completeness=100)),
        )
    )
    direct = {row["org_id"]: row for row in per_org}
    orgs = list(Organization.objects.values_list("id", "path", "kind", "status"))
    id_by_path = {path: pk for pk, path, _, _ in orgs}
    totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OrgRollup.COUNTERS, 0))
    for pk, path, kind, status in orgs:
        row = direct.get(pk)
        own = {
            "members_total": row["n"] if row else 0,
            "full_members_total": row["full"] if row else 0,
            "probationary_total": row["prob"] if row else 0,
            "female_total": row["female"] if row else 0,
            "completeness_sum": (row["comp"] or 0) if row else 0,
            "complete_total": row["complete"] if row else 0,
            "orgs_total": 1 if status == OrgStatus.ACTIVE else 0,
            "branches_total": 1 if status == OrgStatus.ACTIVE and kind == OrgKind.BRANCH else 0,
        }
        totals[pk]["members_direct"] = own["members_total"]
        for ancestor in ancestor_paths(path):
            target = totals[id_by_path[ancestor]]
            for key, value in own.items():
                target[key] += value
    OrgRollup.objects.all().delete()
    OrgRollup.objects.bulk_create(
        [OrgRollup(org_id=pk, **totals[pk]) for pk, _, _, _ in orgs], batch_size=5000
    )
    return len(orgs)
