"""Builders for the campaigns tests: campaigns with criteria, candidates at a given stage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zugong.accounts.models import User
from zugong.campaigns.models import (
    Campaign,
    CampaignKind,
    Candidate,
    Criterion,
    Stage,
    StageEvent,
)
from zugong.campaigns.services import township_of
from zugong.orgs.models import Organization

YEAR = 2026
DECLARED_ON = date(2026, 3, 2)


def kind(code: str) -> CampaignKind:
    return CampaignKind.objects.get(code=code)


def make_campaign(
    org: Organization,
    user: User,
    kind_code: str = "village",
    *,
    year: int = YEAR,
    target: int = 2,
    points: tuple[str, ...] = ("40", "60"),
    pass_score: str = "80",
) -> Campaign:
    k = kind(kind_code)
    campaign = Campaign.objects.create(
        kind=k,
        year=year,
        title=f"{year}年{k.name}创建",
        target=target,
        pass_score=Decimal(pass_score),
        org=org,
        org_path=org.path,
        created_by=user,
    )
    for i, p in enumerate(points):
        Criterion.objects.create(
            campaign=campaign, title=f"标准{i + 1}", max_points=Decimal(p), sort_order=i
        )
    return campaign


def make_candidate(
    campaign: Campaign,
    org: Organization,
    user: User,
    stage: str = Stage.DECLARED,
    total: str = "0",
) -> Candidate:
    """A candidate written directly (no kind check): for fixtures such as the matrix."""
    named = stage in (Stage.NAMED, Stage.REVIEWED, Stage.REVOKED)
    candidate = Candidate.objects.create(
        campaign=campaign,
        org=org,
        org_path=org.path,
        township=township_of(org),
        stage=stage,
        declared_on=DECLARED_ON,
        declared_by=user,
        total_score=Decimal(total),
        decision_number="青组〔2026〕1号" if named else "",
        named_on=date(2026, 10, 1) if named else None,
        revoked_on=date(2026, 12, 1) if stage == Stage.REVOKED else None,
    )
    StageEvent.objects.create(
        candidate=candidate, to_stage=Stage.DECLARED, on=DECLARED_ON, actor=user
    )
    return candidate
