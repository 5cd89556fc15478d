"""Demo 民主评议党员: last year closed in ~95% of branches with grades and a few 组织处置,
this year open in ~30% of branches. Bulk inserts; deterministic for a seed."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.life.appraisal_selectors import SUBJECT
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    HandlingMeasure,
    RoundStatus,
    UnqualifiedHandling,
)
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import Organization, OrgKind, OrgStatus

CHANGE_REASON = "演示数据初始化"
BATCH = 2000
LAST_YEAR_SHARE = 0.95
THIS_YEAR_SHARE = 0.30
# Branches whose 优秀 exceed one third, so the rule has something to show.
OVER_SHARE_BRANCHES = 0.04
BASIC_RATE = 0.005
UNQUALIFIED_RATE = 0.001
UNGRADED_RATE = 0.002
HANDLED_SHARE = 0.8


def _votes(rng: random.Random, grade: str, voters: int) -> tuple[int, int, int, int]:
    """Ballots that agree with the grade: most for it, the rest spread over its neighbours."""
    order = [Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.UNQUALIFIED]
    counts = dict.fromkeys(order, 0)
    main = max(1, round(voters * rng.uniform(0.55, 0.9))) if voters else 0
    counts[grade] = main
    rest = voters - main
    i = order.index(grade)
    neighbours = [order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)]
    for _ in range(rest):
        counts[rng.choice(neighbours)] += 1
    return tuple(counts[g] for g in order)  # type: ignore[return-value]


def _grades(rng: random.Random, n: int, over_share: bool) -> list[str]:
    share = rng.uniform(0.4, 0.5) if over_share else rng.uniform(0.2, 0.3)
    excellent = min(n, round(n * share))
    if not over_share:
        excellent = min(excellent, n // 3)
    grades = [Grade.EXCELLENT] * excellent + [Grade.QUALIFIED] * (n - excellent)
    for i in range(excellent, n):
        roll = rng.random()
        if roll < UNQUALIFIED_RATE:
            grades[i] = Grade.UNQUALIFIED
        elif roll < UNQUALIFIED_RATE + BASIC_RATE:
            grades[i] = Grade.BASIC
        elif roll < UNQUALIFIED_RATE + BASIC_RATE + UNGRADED_RATE:
            grades[i] = ""
    rng.shuffle(grades)
    return grades


@transaction.atomic
def seed_appraisals(*, today: date, seed: int = 2026) -> int:
    """Create the demo rounds for every active branch; returns the number of rounds created."""
    rng = random.Random(seed)
    if AppraisalRound.objects.filter(year__in=[today.year - 1, today.year]).exists():
        # Seeded already (or real rounds exist): never mix demo rounds into them.
        return 0
    branches = list(
        Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
        .order_by("path")
        .only("id", "path")
    )
    members: dict[int, list[int]] = defaultdict(list)
    for pk, org_id in (
        Member.objects.filter(status=MemberStatus.NORMAL, org__in=branches)
        .order_by("org_id", "id")
        .values_list("pk", "org_id")
    ):
        members[org_id].append(pk)

    last_year = today.year - 1
    rounds: list[AppraisalRound] = []
    plans: list[tuple[AppraisalRound, list[int], bool]] = []
    for branch in branches:
        if rng.random() < LAST_YEAR_SHARE:
            started = date(last_year, 12, rng.randint(1, 20))
            closed = min(started + timedelta(days=rng.randint(5, 20)), today)
            r = AppraisalRound(
                org_id=branch.pk,
                org_path=branch.path,
                year=last_year,
                started_on=started,
                closed_on=closed,
                status=RoundStatus.CLOSED,
            )
            rounds.append(r)
            plans.append((r, members[branch.pk], rng.random() < OVER_SHARE_BRANCHES))
        if rng.random() < THIS_YEAR_SHARE:
            start_of_year = date(today.year, 1, 1)
            started = start_of_year + timedelta(days=rng.randint(0, (today - start_of_year).days))
            r = AppraisalRound(
                org_id=branch.pk, org_path=branch.path, year=today.year, started_on=started
            )
            rounds.append(r)
            plans.append((r, members[branch.pk], False))
    bulk_create_with_history(
        rounds, AppraisalRound, batch_size=BATCH, default_change_reason=CHANGE_REASON
    )

    entries: list[AppraisalEntry] = []
    for r, member_ids, over_share in plans:
        n = len(member_ids)
        if r.status == RoundStatus.CLOSED:
            grades = _grades(rng, n, over_share)
        else:
            # An open round is part way through: some members graded already.
            grades = [
                rng.choice([Grade.EXCELLENT, Grade.QUALIFIED, Grade.QUALIFIED])
                if rng.random() < 0.4
                else ""
                for _ in member_ids
            ]
        voters = max(0, n - rng.randint(0, 2))
        for member_id, grade in zip(member_ids, grades, strict=True):
            votes = _votes(rng, grade, voters) if grade else (0, 0, 0, 0)
            entries.append(
                AppraisalEntry(
                    round=r,
                    member_id=member_id,
                    grade=grade,
                    votes_excellent=votes[0],
                    votes_qualified=votes[1],
                    votes_basic=votes[2],
                    votes_unqualified=votes[3],
                )
            )
    bulk_create_with_history(
        entries, AppraisalEntry, batch_size=BATCH, default_change_reason=CHANGE_REASON
    )

    handlings = []
    for e in entries:
        if e.grade != Grade.UNQUALIFIED or rng.random() >= HANDLED_SHARE:
            continue
        closed = e.round.closed_on or today
        decided = min(closed + timedelta(days=rng.randint(3, 20)), today)
        measure = rng.choice(
            [HandlingMeasure.RECTIFY, HandlingMeasure.RECTIFY, HandlingMeasure.EDUCATE]
        )
        handlings.append(
            UnqualifiedHandling(
                entry=e,
                measure=measure,
                decided_on=decided,
                decided_by="党支部大会",
                decision="经支部大会讨论，对其进行批评教育，要求限期改正。"
                if measure == HandlingMeasure.RECTIFY
                else "经支部大会讨论，对其进行批评教育。",
                deadline=(
                    decided + timedelta(days=180) if measure == HandlingMeasure.RECTIFY else None
                ),
            )
        )
    bulk_create_with_history(
        handlings, UnqualifiedHandling, batch_size=BATCH, default_change_reason=CHANGE_REASON
    )

    ctx = RuleContext(today=today)
    for start in range(0, len(rounds), BATCH):
        batch = rounds[start : start + BATCH]
        refresh_findings(SUBJECT, _with_orgs(batch), ctx, new=True)
    return len(rounds)


def _with_orgs(rounds: list[AppraisalRound]) -> list[AppraisalRound]:
    """The finding labels read round.org.name: reload the batch with its branches joined."""
    return list(AppraisalRound.objects.filter(pk__in=[r.pk for r in rounds]).select_related("org"))
