"""The home page: the to-do list (findings) and headline numbers, scoped to the account."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from zugong.accounts.models import User
from zugong.core.models import Finding
from zugong.orgs.models import Organization


def todo(user: User, org: Organization | None = None) -> QuerySet[Finding]:
    """The account's findings: its party subtree (or `org` within it) and its cadre units."""
    inside = org is not None and user.scope.contains(org.path)
    paths = [org.path] if inside else user.finding_paths  # type: ignore[union-attr]
    if not paths:
        return Finding.objects.none()
    within = Q()
    for path in paths:
        within |= Q(org_path__startswith=path)
    return Finding.objects.filter(within).order_by(
        F("due_on").asc(nulls_last=True), "-severity", "id"
    )


def todo_by_rule(findings: QuerySet[Finding]) -> list[dict]:
    return list(
        findings.order_by().values("rule_id", "severity").annotate(n=Count("id")).order_by("-n")
    )
