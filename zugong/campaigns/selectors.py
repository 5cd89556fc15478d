"""Every read of 示范创建, filtered by the acting account's scope first.

A campaign is run by an organization (the county's 组织部): the accounts of its subtree see it,
and so do those of its ancestors. A candidate belongs to its organization's place in the tree: an
account sees the candidates of its own subtree only; any other is a 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.campaigns.access import NOT_READER, can_read
from zugong.campaigns.models import (
    NAMED_STAGES,
    Campaign,
    CampaignKind,
    Candidate,
    EvidenceFile,
    Stage,
    TownshipTarget,
)
from zugong.orgs.models import PATH_STEP, subtree_q


def _reader(user: User) -> str | None:
    if not can_read(user):
        raise PermissionDenied(NOT_READER)
    return user.scope.path


def _campaign_scope(path: str) -> Q:
    """Campaigns run within the subtree, or by an ancestor of the account's organization."""
    ancestors = [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    return subtree_q("org_path", path) | Q(org_path__in=ancestors)


# --- kinds ----------------------------------------------------------------------------------


def kinds(user: User, *, q: str = "", active_only: bool = False) -> QuerySet[CampaignKind]:
    _reader(user)
    qs = CampaignKind.objects.prefetch_related("org_categories").annotate(
        n_campaigns=Count("campaigns")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(group__icontains=q) | Q(code__icontains=q))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("sort_order", "id")


def get_kind(user: User, pk: int) -> CampaignKind:
    kind = kinds(user).filter(pk=pk).first()
    if kind is None:
        raise Http404("创建类型不存在")
    return kind


# --- campaigns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    year: int | None = None
    kind: int | None = None
    group: str = ""


def campaigns(user: User, f: CampaignFilters | None = None) -> QuerySet[Campaign]:
    path = _reader(user)
    if path is None:
        return Campaign.objects.none()
    f = f or CampaignFilters()
    qs = Campaign.objects.filter(_campaign_scope(path)).select_related("kind", "org")
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q) | Q(programme__icontains=f.q) | Q(kind__name__icontains=f.q)
        )
    if f.year:
        qs = qs.filter(year=f.year)
    if f.kind:
        qs = qs.filter(kind_id=f.kind)
    if f.group:
        qs = qs.filter(kind__group=f.group)
    # Counts are of the candidates the account may see.
    mine = subtree_q("candidates__org_path", path)
    return qs.annotate(
        n_candidates=Count("candidates", filter=mine, distinct=True),
        n_named=Count(
            "candidates",
            filter=mine & Q(candidates__stage__in=NAMED_STAGES),
            distinct=True,
        ),
        n_criteria=Count("criteria", distinct=True),
    ).order_by("-year", "kind__sort_order", "id")


def get_campaign(user: User, pk: int) -> Campaign:
    campaign = campaigns(user).select_related("created_by").filter(pk=pk).first()
    if campaign is None:
        raise Http404("示范创建不存在或不在管理范围内")
    return campaign


def years(user: User) -> list[int]:
    path = _reader(user)
    if path is None:
        return []
    return sorted(
        set(Campaign.objects.filter(_campaign_scope(path)).values_list("year", flat=True)),
        reverse=True,
    )


# --- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilters:
    q: str = ""
    campaign: int | None = None
    year: int | None = None
    kind: int | None = None
    stage: str = ""
    township: int | None = None
    named_only: bool = False


def candidates(user: User, f: CandidateFilters | None = None) -> QuerySet[Candidate]:
    path = _reader(user)
    if path is None:
        return Candidate.objects.none()
    f = f or CandidateFilters()
    qs = Candidate.objects.filter(subtree_q("org_path", path)).select_related(
        "campaign", "campaign__kind", "org", "township"
    )
    if f.q:
        qs = qs.filter(
            Q(org__name__icontains=f.q)
            | Q(org__short_name__icontains=f.q)
            | Q(decision_number__icontains=f.q)
        )
    if f.campaign:
        qs = qs.filter(campaign_id=f.campaign)
    if f.year:
        qs = qs.filter(campaign__year=f.year)
    if f.kind:
        qs = qs.filter(campaign__kind_id=f.kind)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.named_only:
        qs = qs.filter(stage__in=NAMED_STAGES)
    return qs.order_by("-campaign__year", "campaign__kind__sort_order", "-total_score", "id")


def get_candidate(user: User, pk: int) -> Candidate:
    candidate = (
        candidates(user).select_related("declared_by", "campaign__org").filter(pk=pk).first()
    )
    if candidate is None:
        raise Http404("创建对象不存在或不在管理范围内")
    return candidate


def get_evidence(user: User, pk: int) -> EvidenceFile:
    path = _reader(user)
    found = (
        EvidenceFile.objects.filter(subtree_q("candidate__org_path", path), pk=pk).first()
        if path is not None
        else None
    )
    if found is None:
        raise Http404("佐证材料不存在或不在管理范围内")
    return found


@dataclass
class RankRow:
    rank: int
    candidate: Candidate


def ranking(user: User, campaign: Campaign) -> list[RankRow]:
    """The campaign's candidates (in scope, not 摘牌) by total score, highest first; equal totals
    share a rank (1, 2, 2, 4)."""
    rows = list(
        candidates(user, CandidateFilters(campaign=campaign.pk))
        .exclude(stage=Stage.REVOKED)
        .order_by("-total_score", "org__path")
    )
    ranked: list[RankRow] = []
    for i, c in enumerate(rows):
        rank = (
            ranked[-1].rank
            if ranked and ranked[-1].candidate.total_score == c.total_score
            else i + 1
        )
        ranked.append(RankRow(rank, c))
    return ranked


# --- progress against targets -----------------------------------------------------------------


@dataclass
class ProgressRow:
    campaign: Campaign
    target: int
    stages: dict[str, int]
    named: int
    candidates: int

    @property
    def share(self) -> int:
        """Named as a whole percentage of the target, floored (99.6% never shows 100)."""
        return self.named * 100 // self.target if self.target else 0

    @property
    def met(self) -> bool:
        return self.named >= self.target


@dataclass
class TownshipRow:
    township_id: int | None
    label: str
    by_campaign: dict[int, int] = field(default_factory=dict)  # campaign pk → named
    targets: dict[int, int] = field(default_factory=dict)  # campaign pk → 分解目标
    # (named, 分解目标 or None) per campaign, in the order of Progress.rows.
    cells: list[tuple[int, int | None]] = field(default_factory=list)
    candidates: int = 0
    named: int = 0

    @property
    def target(self) -> int:
        return sum(self.targets.values())

    @property
    def short_campaigns(self) -> int:
        """Campaigns where this township's named count is below its 分解目标."""
        return sum(1 for pk, n in self.targets.items() if self.by_campaign.get(pk, 0) < n)


@dataclass
class Progress:
    year: int | None
    rows: list[ProgressRow]
    townships: list[TownshipRow]

    @property
    def target_total(self) -> int:
        return sum(r.target for r in self.rows)

    @property
    def named_total(self) -> int:
        return sum(r.named for r in self.rows)

    def township_chart(self) -> dict:
        """Named and 分解目标 per township, summed over the year's campaigns."""
        return {
            "type": "series",
            "labels": [t.label for t in self.townships],
            "series": [
                {"name": "已命名", "data": [t.named for t in self.townships]},
                {
                    "name": "分解目标",
                    "kind": "cap",
                    "data": [t.target or None for t in self.townships],
                    "color": "#333",
                },
            ],
        }

    def chart(self) -> dict:
        """The spec zugong/charts.js draws: target, named and in-progress per campaign."""
        in_progress = [
            r.stages.get(Stage.DECLARED, 0)
            + r.stages.get(Stage.CULTIVATING, 0)
            + r.stages.get(Stage.ACCEPTED, 0)
            for r in self.rows
        ]
        return {
            "type": "series",
            "labels": [r.campaign.kind.name for r in self.rows],
            "series": [
                {"name": "目标数", "data": [r.target for r in self.rows], "color": "#9e9e9e"},
                {"name": "已命名", "data": [r.named for r in self.rows]},
                {"name": "创建中", "data": in_progress, "color": "#f0a30a"},
            ],
        }


def progress(user: User, year: int | None) -> Progress:
    """Per campaign of the year: the target, the candidates at each stage and the named ones
    (命名 or 复查, not 摘牌); per township: the named ones and the 分解目标 per campaign. Counts
    are of the candidates in the account's scope; three queries whatever the number of
    candidates."""
    path = _reader(user)
    rows: list[ProgressRow] = []
    townships: list[TownshipRow] = []
    if path is None or year is None:
        return Progress(year, rows, townships)
    camps = list(campaigns(user, CampaignFilters(year=year)).order_by("kind__sort_order", "id"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    by_township: dict[int | None, TownshipRow] = {}
    stage_rows = (
        Candidate.objects.filter(subtree_q("org_path", path), campaign__in=camps)
        .values("campaign_id", "stage", "township_id", "township__name", "township__short_name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in stage_rows:
        per = counts[r["campaign_id"]]
        per[r["stage"]] = per.get(r["stage"], 0) + r["n"]
        t = by_township.get(r["township_id"])
        if t is None:
            label = r["township__short_name"] or r["township__name"] or "（县直）"
            t = by_township[r["township_id"]] = TownshipRow(r["township_id"], label)
        t.candidates += r["n"]
        if r["stage"] in NAMED_STAGES:
            t.named += r["n"]
            t.by_campaign[r["campaign_id"]] = t.by_campaign.get(r["campaign_id"], 0) + r["n"]
    # A township's account sees its own part of the breakdown only, as with the candidates.
    targets = TownshipTarget.objects.filter(subtree_q("township__path", path), campaign__in=camps)
    for tt in targets.values(
        "campaign_id", "target", "township_id", "township__name", "township__short_name"
    ):
        t = by_township.get(tt["township_id"])
        if t is None:
            label = tt["township__short_name"] or tt["township__name"]
            t = by_township[tt["township_id"]] = TownshipRow(tt["township_id"], label)
        t.targets[tt["campaign_id"]] = tt["target"]
    for c in camps:
        per = counts.get(c.pk, {})
        rows.append(
            ProgressRow(
                campaign=c,
                target=c.target,
                stages={s: per.get(s, 0) for s in Stage.values},
                named=sum(per.get(s, 0) for s in NAMED_STAGES),
                candidates=sum(per.values()),
            )
        )
    for t in by_township.values():
        t.cells = [(t.by_campaign.get(c.pk, 0), t.targets.get(c.pk)) for c in camps]
    townships = sorted(by_township.values(), key=lambda t: (-t.named, t.label))
    return Progress(year, rows, townships)
