"""The automatic checklist items: figures read from the records through their own apps' readers.

- 组织生活 (meetings): the 组织生活检查 computation of zugong.life.compliance — the same Evaluator
  org_compliance() uses; a missed meeting is a period in state 逾期未开展 (OVERDUE).
- 换届 (term): the committee in office on the reference date, overdue when its term ended before
  it (the condition of the rule org.term_overdue).
- 党费 (dues): the year-to-date collection of zugong.dues.selectors up to the last complete month;
  each unpaid person-month (欠交人次) counts.
- 信息完整度 (completeness): the branch's roll-up (members in good standing, complete records).

Each figure is frozen on the score line when the score is saved; re-saving recomputes it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zugong.accounts.models import Scope
from zugong.core.rules.engine import RuleContext
from zugong.orgs.models import PATH_STEP, LeadershipTeam, Organization, OrgRollup
from zugong.orgs.standardization.models import ItemFeed
from zugong.orgs.standardization.rules import AUTO_DEDUCTIONS, number

ZERO = Decimal("0")


@dataclass
class Feed:
    """One automatic item's figures for one branch: how many units to deduct for, and why."""

    units: int
    text: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Reader:
    """The scope the dues readers check: the branch itself (the caller has checked the actor)."""

    scope: Scope


def reference_date(year: int, today: date) -> date:
    """The date the automatic figures of `year` refer to: the year's end, or today this year."""
    return date(year, 12, 31) if year < today.year else today


def _common_path(paths: Sequence[str]) -> str:
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: len(prefix) - len(prefix) % PATH_STEP]


def meeting_feeds(branches: Sequence[Organization], year: int, ctx: RuleContext) -> dict[int, Feed]:
    from zugong.life import compliance

    ev = compliance.evaluator_for(_common_path([b.path for b in branches]), year, ctx)
    result = {}
    for b in branches:
        counts = ev.count(ev.cells(compliance.org_info(b)))
        done, overdue = counts[compliance.State.DONE], counts[compliance.State.OVERDUE]
        rate = compliance.rate(done, overdue)
        figures = {
            "done": done,
            "overdue": overdue,
            "due": counts[compliance.State.DUE],
            "open": counts[compliance.State.OPEN],
            "rate": rate,
        }
        rate_text = f"，开展率{rate}%" if rate is not None else ""
        text = f"组织生活检查：已开展{done}次，逾期未开展{overdue}次{rate_text}"
        result[b.pk] = Feed(overdue, text, figures)
    return result


def term_feeds(branches: Sequence[Organization], on: date) -> dict[int, Feed]:
    in_office: dict[int, LeadershipTeam] = {}
    for team in LeadershipTeam.objects.filter(
        org_id__in=[b.pk for b in branches], elected_on__lte=on
    ).order_by("org_id", "elected_on", "id"):
        in_office[team.org_id] = team  # the latest election on or before the date wins
    result = {}
    for b in branches:
        team = in_office.get(b.pk)
        if team is None:
            result[b.pk] = Feed(0, f"截至{on:%Y-%m-%d}未设班子，不涉及换届", {"team": None})
            continue
        overdue = team.term_ends_on < on
        figures = {
            "elected_on": team.elected_on.isoformat(),
            "term_ends_on": team.term_ends_on.isoformat(),
            "overdue_days": (on - team.term_ends_on).days if overdue else 0,
        }
        if overdue:
            text = (
                f"班子{team.elected_on:%Y-%m-%d}选举，任期{team.term_ends_on:%Y-%m-%d}届满，"
                f"截至{on:%Y-%m-%d}超期{figures['overdue_days']}天未换届"
            )
        else:
            text = f"班子{team.elected_on:%Y-%m-%d}选举，任期至{team.term_ends_on:%Y-%m-%d}，按期"
        result[b.pk] = Feed(1 if overdue else 0, text, figures)
    return result


def dues_cutoff(year: int, on: date) -> date | None:
    """The last day of the last complete month of `year` as seen on `on` (None: no month yet)."""
    if year < on.year:
        return date(year, 12, 31)
    last = on.replace(day=1) - timedelta(days=1)
    if last.year < year:
        return None
    return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])


def dues_feeds(branches: Sequence[Organization], year: int, on: date) -> dict[int, Feed]:
    from zugong.dues.selectors import subtree_collection

    cutoff = dues_cutoff(year, on)
    result = {}
    for b in branches:
        if cutoff is None:
            result[b.pk] = Feed(0, f"{year}年尚无已结束的月份", {"months": 0})
            continue
        c = subtree_collection(_Reader(Scope(b.path, b.name)), b, year, None, cutoff)
        figures = {
            "months": cutoff.month,
            "due_count": c.due_count,
            "paid_count": c.paid_count,
            "unpaid_count": c.unpaid_count,
            "arrears_amount": str(c.arrears_amount),
        }
        text = (
            f"党费{year}年1—{cutoff.month}月：应交{c.due_count}人次，已交{c.paid_count}人次，"
            f"欠交{c.unpaid_count}人次（{c.arrears_amount}元）"
        )
        result[b.pk] = Feed(c.unpaid_count, text, figures)
    return result


def completeness_feeds(branches: Sequence[Organization]) -> dict[int, Feed]:
    rollups = {r.org_id: r for r in OrgRollup.objects.filter(org_id__in=[b.pk for b in branches])}
    result = {}
    for b in branches:
        r = rollups.get(b.pk)
        total = r.members_total if r else 0
        complete = r.complete_total if r else 0
        average = r.completeness_average if r else 0
        incomplete = total - complete
        figures = {"members": total, "complete": complete, "average": average}
        text = f"党员{total}名，信息完整{complete}名，不完整{incomplete}名（平均完整度{average}%）"
        result[b.pk] = Feed(incomplete, text, figures)
    return result


def compute_feeds(
    branches: Sequence[Organization], year: int, today: date, feeds: set[str]
) -> dict[str, dict[int, Feed]]:
    """feed → branch id → figures, for the feeds a checklist uses (a handful of queries)."""
    if not branches:
        return {}
    on = reference_date(year, today)
    ctx = RuleContext(today)
    result: dict[str, dict[int, Feed]] = {}
    if ItemFeed.MEETINGS in feeds:
        result[ItemFeed.MEETINGS] = meeting_feeds(branches, year, ctx)
    if ItemFeed.TERM in feeds:
        result[ItemFeed.TERM] = term_feeds(branches, on)
    if ItemFeed.DUES in feeds:
        # Complete months as of today: last year's December is complete now, not on Dec 31.
        result[ItemFeed.DUES] = dues_feeds(branches, year, today)
    if ItemFeed.COMPLETENESS in feeds:
        result[ItemFeed.COMPLETENESS] = completeness_feeds(branches)
    return result


RATE_KEYS = {
    ItemFeed.MEETINGS: "per_missed_meeting",
    ItemFeed.TERM: "term_overdue",
    ItemFeed.DUES: "per_unpaid_month",
    ItemFeed.COMPLETENESS: "per_incomplete_member",
}


def deduction_rate(feed: str, ctx: RuleContext) -> Decimal:
    return number(ctx.param(AUTO_DEDUCTIONS, RATE_KEYS[feed]))


def auto_points(max_points: Decimal, units: int, rate: Decimal) -> Decimal:
    """The item's points after deducting `rate` per unit, never below zero."""
    return max(ZERO, max_points - rate * units).quantize(Decimal("0.01"))
