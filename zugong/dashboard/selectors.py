"""The home page: the to-do list (findings) and headline numbers, scoped to the account."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from zugong.accounts.models import User
from zugong.core.models import Finding
from zugong.orgs.models import Organization


def todo(user: User, org: Organization | None = None) -> QuerySet[Finding]:
    scope = user.scope
    if scope.path is None:
        return Finding.objects.none()
    path = org.path if org is not None and scope.contains(org.path) else scope.path
    return Finding.objects.filter(org_path__startswith=path).order_by(
        F("due_on").asc(nulls_last=True), "-severity", "id"
    )


def todo_by_rule(findings: QuerySet[Finding]) -> list[dict]:
    return list(
        findings.order_by().values("rule_id", "severity").annotate(n=Count("id")).order_by("-n")
    )
