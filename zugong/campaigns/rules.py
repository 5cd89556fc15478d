"""示范创建 checks: a year's target not met once the year is over, and a named demonstration that
has gone too long without 复查 (动态管理). No national regulation fixes these numbers: the review
interval is a local parameter, marked unconfirmed, with a default an administrator can change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind

CAMPAIGN_KIND = "campaign"
CANDIDATE_KIND = "campaign_candidate"
CAMPAIGN_PRACTICE = Citation(
    "示范创建动态管理要求（本地做法，条文待核实/未确认）", "年度目标与命名后复查"
)


def _preload_campaigns(ctx: RuleContext, campaigns: Sequence[Any]) -> None:
    from zugong.campaigns.models import NAMED_STAGES, Candidate, TownshipTarget

    pks = [c.pk for c in campaigns]
    named: dict[int, int] = defaultdict(int)
    named_by_township: dict[tuple[int, int | None], int] = defaultdict(int)
    for row in (
        Candidate.objects.filter(campaign__in=pks, stage__in=NAMED_STAGES)
        .values("campaign_id", "township_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        named[row["campaign_id"]] += row["n"]
        named_by_township[(row["campaign_id"], row["township_id"])] = row["n"]
    targets: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for t in (
        TownshipTarget.objects.filter(campaign__in=pks)
        .order_by("township__path")
        .values("campaign_id", "township_id", "township__name", "target")
    ):
        targets[t["campaign_id"]].append((t["township_id"], t["township__name"], t["target"]))
    ctx.data["campaign_named"] = named
    ctx.data["campaign_named_by_township"] = named_by_township
    ctx.data["campaign_township_targets"] = targets


def _all_campaigns() -> Any:
    from zugong.campaigns.models import Campaign

    return Campaign.objects.select_related("kind")


def _preload_candidates(ctx: RuleContext, candidates: Sequence[Any]) -> None:
    from zugong.campaigns.models import NAMED_STAGES, StageEvent

    last: dict[int, date] = {}
    for row in (
        StageEvent.objects.filter(
            candidate_id__in=[c.pk for c in candidates], to_stage__in=NAMED_STAGES
        )
        .values("candidate_id")
        .annotate(on=Max("on"))
        .order_by()
    ):
        last[row["candidate_id"]] = row["on"]
    ctx.data["last_review"] = last


def _named_candidates() -> Any:
    from zugong.campaigns.models import NAMED_STAGES, Candidate

    return Candidate.objects.filter(Q(stage__in=NAMED_STAGES)).select_related("org", "campaign")


register_subject_kind(
    SubjectKind(
        name=CAMPAIGN_KIND,
        label=lambda c: c.title,
        org_path=lambda c: c.org_path,
        preload=_preload_campaigns,
        queryset=_all_campaigns,
        url_name="campaigns:campaign_detail",
        title="示范创建",
    )
)
register_subject_kind(
    SubjectKind(
        name=CANDIDATE_KIND,
        label=lambda c: f"{c.org.name}（{c.campaign.title}）",
        org_path=lambda c: c.org_path,
        preload=_preload_candidates,
        queryset=_named_candidates,
        url_name="campaigns:candidate_detail",
        title="示范创建对象",
    )
)


@rule(
    id="campaigns.target_unmet",
    title="示范创建年度目标未完成",
    subject_type=CAMPAIGN_KIND,
    citation=CAMPAIGN_PRACTICE,
    severity="warn",
    status="unconfirmed",
)
def target_unmet(campaign: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if ctx.today <= date(campaign.year, 12, 31):
        return
    named = ctx.data.get("campaign_named", {}).get(campaign.pk, 0)
    if named < campaign.target:
        yield Verdict(
            f"{campaign.year}年目标命名{campaign.target}个，实际命名（含复查合格）{named}个，"
            f"差{campaign.target - named}个"
        )


@rule(
    id="campaigns.township_target_unmet",
    title="示范创建分解目标未完成",
    subject_type=CAMPAIGN_KIND,
    citation=CAMPAIGN_PRACTICE,
    severity="warn",
    status="unconfirmed",
)
def township_target_unmet(campaign: Any, ctx: RuleContext) -> Iterable[Verdict]:
    """Once the year is over: the townships whose named count is below their 分解目标."""
    if ctx.today <= date(campaign.year, 12, 31):
        return
    named = ctx.data.get("campaign_named_by_township", {})
    short = [
        f"{name}目标{target}个、命名{named.get((campaign.pk, pk), 0)}个"
        for pk, name, target in ctx.data.get("campaign_township_targets", {}).get(campaign.pk, [])
        if named.get((campaign.pk, pk), 0) < target
    ]
    if short:
        yield Verdict(f"{campaign.year}年分解目标未完成：" + "；".join(short))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The last day of a shorter month stands in for the 29th–31st.
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@rule(
    id="campaigns.review_overdue",
    title="已命名的示范超过复查周期未复查",
    subject_type=CANDIDATE_KIND,
    citation=CAMPAIGN_PRACTICE,
    severity="warn",
    status="unconfirmed",
    # Months after 命名 (or the last 复查) by which the next 复查 is due (local default).
    params={"review_months": 12},
)
def review_overdue(candidate: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if candidate.stage not in ("named", "reviewed"):
        return
    last = ctx.data.get("last_review", {}).get(candidate.pk) or candidate.named_on
    if last is None:
        return
    months = int(ctx.param(review_overdue, "review_months"))
    due = _add_months(last, months)
    if due < ctx.today:
        yield Verdict(
            f"上次命名或复查于{last:%Y-%m-%d}，应于{due:%Y-%m-%d}前复查，尚未复查",
            due_on=due,
        )
