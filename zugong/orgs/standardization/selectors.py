"""Every read of 标准化/星级/软弱涣散, filtered by the acting account's scope first.

Out of scope is a 404, exactly like a record that does not exist; a role that has no business
here is refused (403) before anything is looked up.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.core.rules.engine import RuleContext
from zugong.orgs.models import Organization, OrgKind, OrgStatus
from zugong.orgs.standardization.access import NOT_READER, can_read
from zugong.orgs.standardization.models import (
    AnnualScore,
    ChecklistItem,
    ChecklistTemplate,
    ScoreEvidence,
    WeakOrg,
    WeakOrgEvidence,
    WeakOrgMeasure,
)
from zugong.orgs.standardization.rules import WEAK_SHARE, number, star_distribution

STARS = (5, 4, 3, 2, 1)


def require_reader(user: User) -> None:
    if not can_read(user):
        raise PermissionDenied(NOT_READER)


def _scope_path(user: User) -> str:
    require_reader(user)
    if user.scope.path is None:
        raise Http404("未设置所辖组织")
    return user.scope.path


def get_org(user: User, pk: int) -> Organization:
    path = _scope_path(user)
    org = (
        Organization.objects.select_related("category", "parent")
        .filter(pk=pk, path__startswith=path)
        .first()
    )
    if org is None:
        raise Http404("组织不存在或不在管理范围内")
    return org


def get_branch(user: User, pk: int) -> Organization:
    org = get_org(user, pk)
    if org.kind != OrgKind.BRANCH:
        raise Http404("只有党支部参加标准化考评")
    return org


# --- checklists -----------------------------------------------------------------------------------


def templates(user: User) -> QuerySet[ChecklistTemplate]:
    require_reader(user)
    return (
        ChecklistTemplate.objects.select_related("category")
        .annotate(item_count=Count("items"))
        .order_by("-year_from", "category__code", "-version", "pk")
    )


def get_template(user: User, pk: int) -> ChecklistTemplate:
    template = templates(user).filter(pk=pk).first()
    if template is None:
        raise Http404("考评细则不存在")
    return template


def get_item(user: User, pk: int) -> ChecklistItem:
    require_reader(user)
    item = ChecklistItem.objects.select_related("template").filter(pk=pk).first()
    if item is None:
        raise Http404("考评项目不存在")
    return item


def template_for(org: Organization, year: int) -> ChecklistTemplate | None:
    """The checklist of the org's category in force in `year`, else the general one."""
    qs = ChecklistTemplate.objects.filter(is_active=True, year_from__lte=year)
    if org.category_id:
        own = qs.filter(category_id=org.category_id).order_by("-year_from", "-version").first()
        if own is not None:
            return own
    return qs.filter(category__isnull=True).order_by("-year_from", "-version").first()


# --- scores ------------------------------------------------------------------------------------------


def score_of(org: Organization, year: int) -> AnnualScore | None:
    return (
        AnnualScore.objects.select_related("template", "scored_by", "confirmed_by")
        .filter(org=org, year=year)
        .first()
    )


def evidence_by_item(org: Organization, year: int) -> dict[int, list[ScoreEvidence]]:
    grouped: dict[int, list[ScoreEvidence]] = defaultdict(list)
    for e in ScoreEvidence.objects.filter(org=org, year=year).order_by("id"):
        grouped[e.item_id].append(e)
    return grouped


def get_score_evidence(user: User, pk: int) -> ScoreEvidence:
    path = _scope_path(user)
    evidence = ScoreEvidence.objects.filter(pk=pk, org_path__startswith=path).first()
    if evidence is None:
        raise Http404("材料不存在或不在管理范围内")
    return evidence


def years_of(org: Organization) -> list[tuple[int, Decimal, int]]:
    """(year, total, stars) of every scored year, newest first."""
    return list(
        AnnualScore.objects.filter(org=org).order_by("-year").values_list("year", "total", "stars")
    )


@dataclass
class BranchFilters:
    year: int
    q: str = ""
    stars: int | None = None
    status: str = ""  # scored / confirmed / unscored


def branch_rows(user: User, org: Organization, f: BranchFilters) -> QuerySet[Organization]:
    """The active branches under `org` (in scope), filtered; scores are attached per page."""
    path = _scope_path(user)
    if not org.path.startswith(path):
        raise Http404("组织不存在或不在管理范围内")
    qs = Organization.objects.filter(
        path__startswith=org.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
    ).select_related("category")
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(code__iexact=f.q))
    year_scores = AnnualScore.objects.filter(year=f.year)
    if f.stars:
        qs = qs.filter(pk__in=year_scores.filter(stars=f.stars).values("org_id"))
    if f.status == "unscored":
        qs = qs.exclude(pk__in=year_scores.values("org_id"))
    elif f.status:
        qs = qs.filter(pk__in=year_scores.filter(status=f.status).values("org_id"))
    return qs.order_by("path")


def attach_scores(rows: list[Organization], year: int) -> list[tuple[Organization, Any]]:
    """(branch, its score of the year or None) for one page of rows: one query."""
    scores = {
        s.org_id: s
        for s in AnnualScore.objects.filter(year=year, org_id__in=[r.pk for r in rows]).only(
            "id", "org_id", "total", "stars", "status", "year", "as_of"
        )
    }
    return [(r, scores.get(r.pk)) for r in rows]


@dataclass
class Distribution:
    """The star counts of a subtree's branches in a year, against the target caps."""

    year: int
    branches: int
    counts: Counter = field(default_factory=Counter)
    caps: dict[int, Decimal] = field(default_factory=dict)

    @property
    def scored(self) -> int:
        return sum(self.counts.values())

    def percent(self, stars: int) -> float | None:
        return round(self.counts[stars] * 100 / self.scored, 1) if self.scored else None

    def breaks(self, stars: int) -> bool:
        cap = self.caps.get(stars)
        return cap is not None and self.scored > 0 and self.counts[stars] * 100 > cap * self.scored

    @property
    def any_breach(self) -> bool:
        return any(self.breaks(s) for s in self.caps)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "stars": s,
                "label": f"{s}星",
                "count": self.counts[s],
                "percent": self.percent(s),
                "cap": self.caps.get(s),
                "breaks": self.breaks(s),
            }
            for s in STARS
        ]

    def chart(self) -> dict[str, Any]:
        """The spec zugong/charts.js draws: branches per star, with the cap of each capped star."""
        caps = [float(self.caps[s] * self.scored / 100) if s in self.caps else None for s in STARS]
        return {
            "type": "series",
            "labels": [f"{s}星" for s in STARS],
            "series": [
                {"name": "党支部数", "data": [self.counts[s] for s in STARS]},
                {"name": "比例目标上限", "kind": "cap", "data": caps, "color": "#333"},
            ],
        }


def star_caps(ctx: RuleContext) -> dict[int, Decimal]:
    return {
        5: number(ctx.param(star_distribution, "five_max_percent")),
        4: number(ctx.param(star_distribution, "four_max_percent")),
    }


def distribution(
    org: Organization, year: int, ctx: RuleContext, branches: int | None = None
) -> Distribution:
    """Two queries: the star counts and (unless given) the number of active branches."""
    counts = Counter(
        dict(
            AnnualScore.objects.filter(year=year, org_path__startswith=org.path)
            .values_list("stars")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    if branches is None:
        branches = Organization.objects.filter(
            path__startswith=org.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        ).count()
    return Distribution(year, branches, counts, star_caps(ctx))


def overview(user: User, year: int, ctx: RuleContext) -> list[tuple[Organization, Distribution]]:
    """Each township (党（工）委) in scope with its distribution; the account's own node when it
    has none below it. Three queries whatever the number of townships."""
    path = _scope_path(user)
    towns = list(
        Organization.objects.filter(
            path__startswith=path, kind=OrgKind.PARTY_COMMITTEE, status=OrgStatus.ACTIVE
        )
        .select_related("rollup")
        .order_by("sort_order", "path")
    )
    if not towns:
        towns = list(Organization.objects.filter(path=path).select_related("rollup"))
    caps = star_caps(ctx)
    dists = {
        t.pk: Distribution(
            year, t.rollup.branches_total if hasattr(t, "rollup") else 0, Counter(), caps
        )
        for t in towns
    }
    lengths = sorted({len(t.path) for t in towns})
    by_path = {t.path: t.pk for t in towns}
    rows = (
        AnnualScore.objects.filter(year=year, org_path__startswith=path)
        .values_list("org_path", "stars")
        .order_by()
    )
    for org_path, stars in rows.iterator(chunk_size=5000):
        for n in lengths:
            pk = by_path.get(org_path[:n])
            if pk is not None:
                dists[pk].counts[stars] += 1
                break
    return [(t, dists[t.pk]) for t in towns]


def township_of(org: Organization) -> Organization | None:
    """The 党（工）委 above a branch, for its findings."""
    paths = org.ancestor_paths
    return (
        Organization.objects.filter(path__in=paths, kind=OrgKind.PARTY_COMMITTEE)
        .order_by("-path")
        .first()
    )


# --- 软弱涣散 ----------------------------------------------------------------------------------------


@dataclass
class Candidate:
    score: AnnualScore
    rank: int
    of: int
    listed: bool


def bottom_share(ctx: RuleContext) -> Decimal:
    return number(ctx.param(WEAK_SHARE, "bottom_percent"))


def bottom_count(scored: int, percent: Decimal) -> int:
    """How many of `scored` branches the bottom share takes: rounded up, at least one."""
    return min(scored, math.ceil(scored * percent / 100)) if scored else 0


def bottom_candidates(
    user: User, org: Organization, year: int, ctx: RuleContext
) -> list[Candidate]:
    """The lowest-scoring branches of the subtree in `year`: the bottom share (a parameter)."""
    path = _scope_path(user)
    if not org.path.startswith(path):
        raise Http404("组织不存在或不在管理范围内")
    scores = AnnualScore.objects.filter(year=year, org_path__startswith=org.path).select_related(
        "org"
    )
    scored = scores.count()
    n = bottom_count(scored, bottom_share(ctx))
    listed = set(WeakOrg.objects.filter(year=year).values_list("org_id", flat=True))
    lowest = list(scores.order_by("total", "org_path")[:n])
    return [Candidate(s, scored - i, scored, s.org_id in listed) for i, s in enumerate(lowest)]


@dataclass
class WeakFilters:
    year: int | None = None
    status: str = ""
    q: str = ""


def weak_list(user: User, f: WeakFilters) -> QuerySet[WeakOrg]:
    path = _scope_path(user)
    qs = (
        WeakOrg.objects.filter(org_path__startswith=path)
        .select_related("org")
        .annotate(
            measure_count=Count("measures", distinct=True),
            measures_done=Count(
                "measures", filter=Q(measures__done_on__isnull=False), distinct=True
            ),
        )
    )
    if f.year:
        qs = qs.filter(year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.q:
        qs = qs.filter(org__name__contains=f.q)
    return qs.order_by("-year", "org_path")


def get_weak(user: User, pk: int) -> WeakOrg:
    path = _scope_path(user)
    weak = (
        WeakOrg.objects.select_related("org", "identified_by")
        .filter(pk=pk, org_path__startswith=path)
        .first()
    )
    if weak is None:
        raise Http404("整顿对象不存在或不在管理范围内")
    return weak


def get_measure(user: User, pk: int) -> WeakOrgMeasure:
    path = _scope_path(user)
    m = (
        WeakOrgMeasure.objects.select_related("weak_org")
        .filter(pk=pk, weak_org__org_path__startswith=path)
        .first()
    )
    if m is None:
        raise Http404("整顿措施不存在或不在管理范围内")
    return m


def get_weak_evidence(user: User, pk: int) -> WeakOrgEvidence:
    path = _scope_path(user)
    e = WeakOrgEvidence.objects.filter(pk=pk, weak_org__org_path__startswith=path).first()
    if e is None:
        raise Http404("材料不存在或不在管理范围内")
    return e


def weak_progress(weak: WeakOrg) -> tuple[int, int]:
    measures = list(weak.measures.values_list("done_on", flat=True))
    return sum(1 for d in measures if d is not None), len(measures)
