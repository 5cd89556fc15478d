"""Compliance of organizational life with the required meeting frequencies (三会一课 and more).

Pure computation over the rule data (MeetingRequirement) and the per-year tally (MeetingTally):
meetings themselves are never read, so that a province (200,000 organizations) costs one query
for the organizations, one for the committees and one for the tallies, and then integer bit
operations on each tally's month mask.

Each organization × requirement × period is in one state:

- DONE      已开展       the period had the required meeting(s);
- OPEN      期内待开展    the period is running, not held yet, more than `lead_days` days left;
- DUE       临期未开展    the period is running, not held yet, at most `lead_days` days left;
- OVERDUE   逾期未开展    the period has ended without the meeting;
- UPCOMING  未开始       the period has not begun;
- NA        不适用       the organization did not exist yet when the period ended.

The rate (开展率) of a set of cells is done ÷ (done + overdue): the cells whose period has ended,
plus running cells that are already done. A running period that is not yet held does not count
against anybody until it has ended.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from django.db.models import Max, Q
from django.http import Http404

from zugong.accounts.models import User
from zugong.core.rules.engine import Citation, RuleContext
from zugong.life.models import (
    PERIOD_MONTHS,
    Applicability,
    Attendance,
    AttendanceStatus,
    MeetingRequirement,
    MeetingTally,
    Period,
)
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import PATH_STEP, LeadershipTeam, Organization, OrgKind, OrgStatus


class State(StrEnum):
    DONE = "done"
    OPEN = "open"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NA = "na"


STATE_LABELS: dict[str, str] = {
    State.DONE: "已开展",
    State.OPEN: "期内待开展",
    State.DUE: "临期未开展",
    State.OVERDUE: "逾期未开展",
    State.UPCOMING: "未开始",
    State.NA: "不适用",
}
# What a grid cell shows (besides its colour), so that the state survives a black-and-white print.
STATE_SYMBOLS: dict[str, str] = {
    State.DONE: "✓",
    State.OPEN: "○",
    State.DUE: "!",
    State.OVERDUE: "✗",
    State.UPCOMING: "·",
    State.NA: "—",
}
PROBLEM_STATES = frozenset({State.DUE, State.OVERDUE})

RATE_DEFINITION = (
    "开展率 = 已开展的期次 ÷（已开展的期次 + 已结束但未开展的期次）。"
    "尚在进行中的期次已开展的计入分子和分母，未开展的暂不计入；不适用和未开始的期次不计入。"
)

DUE_RULE_ID = "life.meeting_due"
DEFAULT_LEAD_DAYS = 10
ABSENCE_RULE_ID = "life.absent_six_months"
DEFAULT_ABSENCE_MONTHS = 6
# The branch page warns this many months before the 6-month line is reached.
RISK_MONTHS_BEFORE = 2

COMMITTEE_KINDS = (
    OrgKind.COUNTY_COMMITTEE,
    OrgKind.PARTY_COMMITTEE,
    OrgKind.PARTY_GROUP,
    OrgKind.PRIMARY_PARTY_COMMITTEE,
)
APPLICABLE_KINDS: dict[str, tuple[str, ...]] = {
    Applicability.BRANCH: (OrgKind.BRANCH,),
    Applicability.BRANCH_WITH_COMMITTEE: (OrgKind.BRANCH,),
    Applicability.BRANCH_GROUP: (OrgKind.BRANCH_GROUP,),
    Applicability.COMMITTEE: COMMITTEE_KINDS,
}
QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
HALF_NAMES = ("上半年", "下半年")
QUARTER_SHORT = ("一季度", "二季度", "三季度", "四季度")


# --- requirements and periods -----------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    """A snapshot of one active MeetingRequirement with what the computation and messages need."""

    id: int
    code: str
    type_id: int
    type_code: str
    type_name: str
    period: str
    min_count: int
    applies_to: str
    rule_set: str
    citation: Citation
    citation_status: str

    @property
    def label(self) -> str:
        times = f"至少{self.min_count}次" if self.min_count > 1 else ""
        return f"{self.type_name}（{Period(self.period).label}{times}）"


@dataclass(frozen=True)
class Span:
    """One period of a year: its months, first and last day and name."""

    index: int
    first_month: int
    last_month: int
    start: date
    end: date
    label: str
    short: str
    bits: int


@lru_cache(maxsize=256)
def spans(period: str, year: int) -> tuple[Span, ...]:
    months = PERIOD_MONTHS[period]
    result = []
    for i in range(12 // months):
        first, last = i * months + 1, (i + 1) * months
        if months == 1:
            label, short = f"{first}月", str(first)
        elif months == 3:
            label, short = QUARTER_NAMES[i], QUARTER_SHORT[i]
        elif months == 6:
            label, short = HALF_NAMES[i], HALF_NAMES[i]
        else:
            label, short = "全年", "全年"
        bits = ((1 << months) - 1) << (first - 1)
        end = date(year, last, calendar.monthrange(year, last)[1])
        result.append(Span(i, first, last, date(year, first, 1), end, label, short, bits))
    return tuple(result)


@lru_cache(maxsize=64)
def _done_table(period: str, min_count: int) -> tuple[int, ...]:
    """Month mask → mask of the periods with at least `min_count` months that had a meeting."""
    span_bits = [s.bits for s in spans(period, 2000)]
    table = []
    for mask in range(1 << 12):
        done = 0
        for i, bits in enumerate(span_bits):
            if (mask & bits).bit_count() >= min_count:
                done |= 1 << i
        table.append(done)
    return tuple(table)


@lru_cache(maxsize=8)
def _end_month_table(period: str, cap: int = 12) -> tuple[int, ...]:
    """Period mask → mask of the months in which those periods end (for the monthly heat map).

    A period that ends after the month `cap` (today's, in the current year) is shown in that
    month: a yearly meeting already held must not light up December while it is November.
    """
    ends = [min(s.last_month, cap) for s in spans(period, 2000)]
    return tuple(
        sum(1 << (ends[i] - 1) for i in range(len(ends)) if pmask >> i & 1)
        for pmask in range(1 << len(ends))
    )


def lead_days(ctx: RuleContext) -> int:
    """How many days before a period's end it counts as 临期 (RuleParameter of life.meeting_due)."""
    from zugong.core.rules.registry import RULES

    rule = RULES.get(DUE_RULE_ID)
    return int(ctx.param(rule, "lead_days")) if rule is not None else DEFAULT_LEAD_DAYS


def active_requirements(ctx: RuleContext) -> list[Req]:
    """The requirements in force on ctx.today whose rule set is switched on (one query, cached)."""
    cached = ctx.data.get("life.requirements")
    if cached is not None:
        return cached
    today = ctx.today
    rows = (
        MeetingRequirement.objects.filter(is_active=True, meeting_type__is_active=True)
        .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=today))
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .select_related("meeting_type")
    )
    reqs = [
        Req(
            id=r.pk,
            code=r.code,
            type_id=r.meeting_type_id,
            type_code=r.meeting_type.code,
            type_name=r.meeting_type.name,
            period=r.period,
            min_count=max(1, r.min_count),
            applies_to=r.applies_to,
            rule_set=r.rule_set,
            citation=Citation(document=r.citation_document, article=r.citation_article),
            citation_status=r.citation_status,
        )
        for r in rows
        if ctx.rule_set_enabled(r.rule_set, default=(r.rule_set == "national"))
    ]
    ctx.data["life.requirements"] = reqs
    return reqs


@dataclass(frozen=True)
class Plan:
    """One requirement laid out over a year as seen on `today`: period masks, the running period."""

    req: Req
    year: int
    spans: tuple[Span, ...]
    full: int
    ended: int
    current: int  # index of the running period, -1 when none
    current_state: State  # DUE or OPEN: what the running period is when not yet held
    ends: tuple[date, ...]
    table: tuple[int, ...]
    end_months: tuple[int, ...]

    @property
    def uses_count(self) -> bool:
        # Several meetings a year are counted from the year's total; other periods by months held.
        return self.req.period == Period.YEAR and self.req.min_count > 1

    def done_mask(self, month_mask: int, count: int) -> int:
        if self.uses_count:
            return self.full if count >= self.req.min_count else 0
        return self.table[month_mask & 0xFFF]

    def applicable_mask(self, since: date | None) -> int:
        """Periods that ended on or after `since` (the founding or committee date)."""
        if since is None:
            return self.full
        first = bisect_left(self.ends, since)
        return self.full & ~((1 << first) - 1)

    def state(self, index: int, app: int, done: int) -> State:
        bit = 1 << index
        if not app & bit:
            return State.NA
        if done & bit:
            return State.DONE
        if self.ended & bit:
            return State.OVERDUE
        if index == self.current:
            return self.current_state
        return State.UPCOMING


def build_plans(reqs: Sequence[Req], year: int, today: date, lead: int) -> list[Plan]:
    plans = []
    for req in reqs:
        ss = spans(req.period, year)
        full = (1 << len(ss)) - 1
        ended = 0
        current = -1
        current_state = State.OPEN
        for s in ss:
            if s.end < today:
                ended |= 1 << s.index
            elif s.start <= today:
                current = s.index
                current_state = State.DUE if (s.end - today).days <= lead else State.OPEN
        plans.append(
            Plan(
                req=req,
                year=year,
                spans=ss,
                full=full,
                ended=ended,
                current=current,
                current_state=current_state,
                ends=tuple(s.end for s in ss),
                table=_done_table(req.period, req.min_count),
                end_months=_end_month_table(req.period, today.month if year == today.year else 12),
            )
        )
    return plans


def plans_for(ctx: RuleContext, year: int) -> list[Plan]:
    key = f"life.plans.{year}"
    if key not in ctx.data:
        ctx.data[key] = build_plans(active_requirements(ctx), year, ctx.today, lead_days(ctx))
    return ctx.data[key]


# --- evaluation -------------------------------------------------------------------------------


class OrgInfo(NamedTuple):
    id: int
    path: str
    name: str
    code: str
    kind: str
    founded_on: date | None
    parent_id: int | None


ORG_FIELDS = ("id", "path", "name", "code", "kind", "founded_on", "parent_id")


def org_info(org: Organization) -> OrgInfo:
    return OrgInfo(org.pk, org.path, org.name, org.code, org.kind, org.founded_on, org.parent_id)


# One cell group: (index of the plan, applicable period mask, done period mask).
Cells = tuple[tuple[int, int, int], ...]


# Tallies as loaded: org id → meeting type id → (month mask, count of the year).
Tallies = dict[int, dict[int, tuple[int, int]]]
NO_TALLY: dict[int, tuple[int, int]] = {}


class _Spec(NamedTuple):
    """A plan flattened into locals for the hot loop (a province evaluates 200,000 orgs)."""

    index: int
    type_id: int
    committee: bool
    table: tuple[int, ...]
    uses_count: bool
    min_count: int
    full: int
    ends: tuple[date, ...]
    ended: int
    current_bit: int
    current_due: bool
    future: int


def _specs_by_kind(plans: Sequence[Plan]) -> dict[tuple[str, bool], tuple[_Spec, ...]]:
    """Which plans apply to an organization of a kind, with or without a branch committee."""
    specs = []
    for i, p in enumerate(plans):
        current_bit = 1 << p.current if p.current >= 0 else 0
        specs.append(
            _Spec(
                i,
                p.req.type_id,
                p.req.applies_to == Applicability.BRANCH_WITH_COMMITTEE,
                p.table,
                p.uses_count,
                p.req.min_count,
                p.full,
                p.ends,
                p.ended,
                current_bit,
                p.current_state == State.DUE,
                p.full & ~p.ended & ~current_bit,
            )
        )
    result: dict[tuple[str, bool], tuple[_Spec, ...]] = {}
    for kind in OrgKind.values:
        for has_committee in (False, True):
            result[(kind, has_committee)] = tuple(
                spec
                for spec, p in zip(specs, plans, strict=True)
                if kind in APPLICABLE_KINDS.get(p.req.applies_to, ())
                and (not spec.committee or has_committee)
            )
    return result


class Evaluator:
    """Turns organizations, their committees and tallies into cells, with no further queries."""

    def __init__(
        self, plans: Sequence[Plan], committees: dict[int, date], tallies: Tallies
    ) -> None:
        self.plans = list(plans)
        self.committees = committees
        self.tallies = tallies
        self._by_kind = _specs_by_kind(self.plans)

    def cells(self, org: OrgInfo) -> Cells:
        committee_since = self.committees.get(org.id)
        specs = self._by_kind.get((org.kind, committee_since is not None), ())
        org_tallies = self.tallies.get(org.id, NO_TALLY)
        result = []
        for spec in specs:
            since = org.founded_on
            if spec.committee:
                # The monthly 支委会 is owed from the month the first committee was elected.
                since = max(since, committee_since) if since else committee_since
            app = spec.full
            if since is not None:
                app &= ~((1 << bisect_left(spec.ends, since)) - 1)
            if not app:
                continue
            mask, count = org_tallies.get(spec.type_id, (0, 0))
            if spec.uses_count:
                done = spec.full if count >= spec.min_count else 0
            else:
                done = spec.table[mask & 0xFFF]
            result.append((spec.index, app, done & app))
        return tuple(result)

    def applicable(self, org: OrgInfo) -> tuple[int, ...]:
        """Indexes of the plans with at least one applicable period: comparisons only."""
        committee_since = self.committees.get(org.id)
        result = []
        for spec in self._by_kind.get((org.kind, committee_since is not None), ()):
            since = org.founded_on
            if spec.committee:
                since = max(since, committee_since) if since else committee_since
            if since is None or since <= spec.ends[-1]:
                result.append(spec.index)
        return tuple(result)

    def count(self, cells: Cells, into: Counter | None = None) -> Counter:
        counts: Counter = into if into is not None else Counter()
        for i, app, done in cells:
            plan = self.plans[i]
            counts[State.DONE] += done.bit_count()
            counts[State.OVERDUE] += (app & plan.ended & ~done).bit_count()
            cur = plan.current
            running = 0
            if cur >= 0 and app >> cur & 1 and not done >> cur & 1:
                counts[plan.current_state] += 1
                running = 1 << cur
            counts[State.UPCOMING] += (app & ~plan.ended & ~done & ~running).bit_count()
        return counts

    def summarize(self, orgs: Iterable[Sequence[Any]], summary: Summary) -> None:
        """Add the counts of many organizations (rows in ORG_FIELDS order): the hot loop of a
        province, written with locals and plain integers only."""
        by_kind = self._by_kind
        committees = self.committees
        tallies = self.tallies
        done_n = overdue_n = due_n = open_n = upcoming_n = orgs_n = 0
        for org in orgs:
            org_id, kind, founded_on = org[0], org[4], org[5]
            committee_since = committees.get(org_id)
            specs = by_kind.get((kind, committee_since is not None))
            if not specs:
                continue
            org_tallies = tallies.get(org_id, NO_TALLY)
            counted = False
            for spec in specs:
                since = founded_on
                if spec.committee:
                    since = max(since, committee_since) if since else committee_since
                app = spec.full
                if since is not None:
                    app &= ~((1 << bisect_left(spec.ends, since)) - 1)
                    if not app:
                        continue
                counted = True
                tally = org_tallies.get(spec.type_id)
                if tally is None:
                    done = 0
                elif spec.uses_count:
                    done = app if tally[1] >= spec.min_count else 0
                else:
                    done = spec.table[tally[0] & 0xFFF] & app
                done_n += done.bit_count()
                overdue_n += (app & spec.ended & ~done).bit_count()
                current = spec.current_bit & app & ~done
                if current:
                    if spec.current_due:
                        due_n += 1
                    else:
                        open_n += 1
                upcoming_n += (app & spec.future & ~done).bit_count()
            if counted:
                orgs_n += 1
        c = summary.counts
        c[State.DONE] += done_n
        c[State.OVERDUE] += overdue_n
        c[State.DUE] += due_n
        c[State.OPEN] += open_n
        c[State.UPCOMING] += upcoming_n
        summary.orgs += orgs_n

    def states(self, cells: Cells) -> dict[int, list[State]]:
        """Plan index → the state of each of its periods (NA where it does not apply)."""
        return {
            i: [self.plans[i].state(s.index, app, done) for s in self.plans[i].spans]
            for i, app, done in cells
        }

    def month_shares(self, cells: Cells, required: list[int], held: list[int]) -> None:
        """Add, per month, the cells that fell due in it (ended or done) and how many were done."""
        for i, app, done in cells:
            plan = self.plans[i]
            due = (plan.ended | done) & app
            due_months = plan.end_months[due]
            done_months = plan.end_months[done]
            while due_months:
                low = due_months & -due_months
                m = low.bit_length() - 1
                required[m] += 1
                if done_months & low:
                    held[m] += 1
                due_months ^= low


def rate(done: int, overdue: int) -> float | None:
    total = done + overdue
    return round(done * 100 / total, 1) if total else None


@dataclass
class Summary:
    """Counts of cells per state over a set of organizations, and the rate they give."""

    counts: Counter = field(default_factory=Counter)
    orgs: int = 0

    @property
    def done(self) -> int:
        return self.counts[State.DONE]

    @property
    def overdue(self) -> int:
        return self.counts[State.OVERDUE]

    @property
    def due(self) -> int:
        return self.counts[State.DUE]

    @property
    def open(self) -> int:
        return self.counts[State.OPEN]

    @property
    def rate(self) -> float | None:
        return rate(self.done, self.overdue)

    def as_dict(self) -> dict[str, int]:
        return {str(s): self.counts[s] for s in State if s != State.NA} | {"orgs": self.orgs}


# --- loading ----------------------------------------------------------------------------------


def _applicable_kinds(plans: Sequence[Plan]) -> set[str]:
    return {k for p in plans for k in APPLICABLE_KINDS.get(p.req.applies_to, ())}


def load_orgs(path: str, plans: Sequence[Plan], *, name_contains: str = "") -> list[OrgInfo]:
    """The active organizations of a subtree that some requirement applies to (one query)."""
    kinds = _applicable_kinds(plans)
    if not kinds:
        return []
    qs = Organization.objects.filter(
        path__startswith=path, status=OrgStatus.ACTIVE, kind__in=sorted(kinds)
    )
    if name_contains:
        qs = qs.filter(name__contains=name_contains)
    return [OrgInfo(*row) for row in qs.order_by("path").values_list(*ORG_FIELDS)]


def load_committees(
    path: str, plans: Sequence[Plan], *, org_ids: Iterable[int] | None = None
) -> dict[int, date]:
    """Branch id → the date its first committee was elected, for branches with a current team."""
    if not any(p.req.applies_to == Applicability.BRANCH_WITH_COMMITTEE for p in plans):
        return {}
    first: dict[int, date] = {}
    current: set[int] = set()
    qs = LeadershipTeam.objects.filter(org__kind=OrgKind.BRANCH)
    qs = (
        qs.filter(org_id__in=list(org_ids))
        if org_ids is not None
        else qs.filter(org__path__startswith=path)
    )
    rows = qs.values_list("org_id", "elected_on", "is_current")
    for org_id, elected_on, is_current in rows:
        if is_current:
            current.add(org_id)
        if org_id not in first or elected_on < first[org_id]:
            first[org_id] = elected_on
    return {org_id: first[org_id] for org_id in current}


def load_tallies(
    path: str, year: int, plans: Sequence[Plan], *, org_ids: Iterable[int] | None = None
) -> Tallies:
    """The year's tallies of the subtree (or of the given organizations), for the plans' types."""
    type_ids = sorted({p.req.type_id for p in plans})
    if not type_ids:
        return {}
    qs = MeetingTally.objects.filter(year=year, meeting_type_id__in=type_ids)
    if org_ids is not None:
        qs = qs.filter(org_id__in=list(org_ids))
    elif path:
        qs = qs.filter(org_path__startswith=path)
    tallies: Tallies = {}
    rows = qs.values_list("org_id", "meeting_type_id", "month_mask", "count")
    for org_id, type_id, mask, count in rows.iterator(chunk_size=20000):
        by_type = tallies.get(org_id)
        if by_type is None:
            by_type = tallies[org_id] = {}
        by_type[type_id] = (mask, count)
    return tallies


def evaluator_for(path: str, year: int, ctx: RuleContext) -> Evaluator:
    plans = plans_for(ctx, year)
    return Evaluator(plans, load_committees(path, plans), load_tallies(path, year, plans))


def require_in_scope(user: User, org: Organization) -> None:
    if not user.scope.contains(org.path):
        raise Http404("组织不存在或不在管理范围内")


# --- one organization ---------------------------------------------------------------------------


@dataclass
class RequirementRow:
    plan: Plan
    cells: list[tuple[Span, State]]

    @property
    def req(self) -> Req:
        return self.plan.req


@dataclass
class OrgCompliance:
    org: Organization
    year: int
    rows: list[RequirementRow]
    summary: Summary


def org_compliance(
    org: Organization, year: int, today: date, ctx: RuleContext | None = None
) -> OrgCompliance:
    """One organization's requirements and the state of each period of `year`."""
    ctx = ctx or RuleContext(today)
    plans = plans_for(ctx, year)
    committees: dict[int, date] = {}
    if org.kind == OrgKind.BRANCH:
        committees = load_committees(org.path, plans, org_ids=[org.pk])
    tallies = load_tallies(org.path, year, plans, org_ids=[org.pk])
    ev = Evaluator(plans, committees, tallies)
    info = org_info(org)
    cells = ev.cells(info) if org.status == OrgStatus.ACTIVE else ()
    states = ev.states(cells)
    rows = [
        RequirementRow(plans[i], list(zip(plans[i].spans, states[i], strict=True)))
        for i, _app, _done in cells
    ]
    summary = Summary(ev.count(cells), orgs=1 if cells else 0)
    return OrgCompliance(org, year, rows, summary)


# --- subtrees -------------------------------------------------------------------------------------


def subtree_summary(path: str, year: int, today: date, ctx: RuleContext | None = None) -> Summary:
    """Counts and rate for every applicable organization under `path` (three queries)."""
    ctx = ctx or RuleContext(today)
    ev = evaluator_for(path, year, ctx)
    summary = Summary()
    ev.summarize(load_orgs(path, ev.plans), summary)
    return summary


class GridRow:
    """One organization of the grid; its cells are computed when the row is shown or exported."""

    def __init__(self, org: OrgInfo, evaluator: Evaluator, cells: Cells | None = None) -> None:
        self.org = org
        self._ev = evaluator
        self._cells = cells

    @property
    def cells(self) -> Cells:
        if self._cells is None:
            self._cells = self._ev.cells(self.org)
        return self._cells

    @cached_property
    def counts(self) -> Counter:
        return self._ev.count(self.cells)

    @property
    def rate(self) -> float | None:
        return rate(self.counts[State.DONE], self.counts[State.OVERDUE])

    @property
    def problems(self) -> int:
        return self.counts[State.OVERDUE] + self.counts[State.DUE]


@dataclass
class Column:
    plan_index: int
    plan: Plan


@dataclass
class Grid:
    """The compliance grid of a subtree: columns (requirements × periods), rows, summary."""

    org: Organization
    year: int
    today: date
    columns: list[Column]
    rows: list[GridRow]
    summary: Summary
    evaluator: Evaluator
    requirements: list[Req]
    orgs: list[OrgInfo]  # every applicable-kind organization of the subtree, for the heat map

    def row_states(self, row: GridRow) -> list[list[State]]:
        """The row's states in column order: one list of period states per requirement column."""
        states = self.evaluator.states(row.cells)
        return [states.get(c.plan_index, [State.NA] * len(c.plan.spans)) for c in self.columns]


def grid(
    user: User,
    org: Organization,
    year: int,
    today: date,
    *,
    requirement: str = "",
    problems_only: bool = False,
    q: str = "",
    ctx: RuleContext | None = None,
) -> Grid:
    """The grid of `org`'s subtree (in the user's scope): the summary covers the whole subtree
    (for the chosen requirement); search and "only problems" narrow the rows only. Cells are
    computed for the rows shown, so a large subtree costs the summary loop plus one page."""
    require_in_scope(user, org)
    ctx = ctx or RuleContext(today)
    all_plans = plans_for(ctx, year)
    requirements = [p.req for p in all_plans]
    plans = [p for p in all_plans if not requirement or p.req.code == requirement]
    ev = Evaluator(plans, load_committees(org.path, plans), load_tallies(org.path, year, plans))
    orgs = load_orgs(org.path, plans)
    summary = Summary()
    ev.summarize(orgs, summary)
    rows: list[GridRow] = []
    used: set[int] = set()
    for info in orgs:
        applicable = ev.applicable(info)
        if not applicable:
            continue
        used.update(applicable)
        if q and q not in info.name:
            continue
        row = GridRow(info, ev)
        if problems_only and not row.problems:
            continue
        rows.append(row)
    columns = [Column(i, ev.plans[i]) for i in range(len(plans)) if i in used]
    return Grid(org, year, today, columns, rows, summary, ev, requirements, orgs)


@dataclass
class HeatMap:
    """Rows (organizations or groups of them) × 12 months: the share of due meetings held."""

    labels: list[str]
    keys: list[Any]
    required: list[list[int]]
    held: list[list[int]]

    def share(self, row: int, month: int) -> float | None:
        total = self.required[row][month]
        return round(self.held[row][month] * 100 / total) if total else None

    def table(self) -> list[tuple[Any, str, list[float | None]]]:
        return [
            (self.keys[r], self.labels[r], [self.share(r, m) for m in range(12)])
            for r in range(len(self.labels))
        ]

    def chart(self) -> dict[str, Any]:
        """The ECharts heat map data: [month, row, percent] for each month with something due."""
        data = [
            [m, r, self.share(r, m)]
            for r in range(len(self.labels))
            for m in range(12)
            if self.required[r][m]
        ]
        return {"rows": self.labels, "months": [f"{m}月" for m in range(1, 13)], "data": data}


def heatmap_by_children(
    org: Organization,
    year: int,
    today: date,
    ctx: RuleContext | None = None,
    *,
    from_grid: Grid | None = None,
) -> HeatMap | None:
    """Heat map of `org`'s child units, each row summing its whole subtree; None without any.

    `from_grid` (the unfiltered grid of the same organization and year) saves loading again."""
    ctx = ctx or RuleContext(today)
    children = list(
        Organization.objects.filter(parent=org, status=OrgStatus.ACTIVE)
        .order_by("sort_order", "path")
        .values_list("path", "name", "id")
    )
    if not children:
        return None
    if from_grid is not None:
        ev, orgs = from_grid.evaluator, from_grid.orgs
    else:
        ev = evaluator_for(org.path, year, ctx)
        orgs = load_orgs(org.path, ev.plans)
    keys = [org.pk, *(c[2] for c in children)]
    labels = [f"{org.short_name or org.name}（本级）", *(c[1] for c in children)]
    row_of = {c[0]: i + 1 for i, c in enumerate(children)}
    depth = len(org.path) + PATH_STEP
    required = [[0] * 12 for _ in keys]
    held = [[0] * 12 for _ in keys]
    for info in orgs:
        r = 0 if info.path == org.path else row_of.get(info.path[:depth])
        if r is None:
            continue
        ev.month_shares(ev.cells(info), required[r], held[r])
    if not any(required[0]) and not any(held[0]):
        keys, labels, required, held = keys[1:], labels[1:], required[1:], held[1:]
    return HeatMap(labels, keys, required, held)


@dataclass
class BranchRow:
    org: OrgInfo
    counts: Counter

    @property
    def rate(self) -> float | None:
        return rate(self.counts[State.DONE], self.counts[State.OVERDUE])


@dataclass
class Township:
    """A committee-level organization's branches: per-branch counts, heat map and summary."""

    summary: Summary
    branches: list[BranchRow]
    heat: HeatMap


def township(
    user: User, org: Organization, year: int, today: date, ctx: RuleContext | None = None
) -> Township:
    """Each branch under `org` (its 党小组 counted with it), the heat map of the branches."""
    require_in_scope(user, org)
    ctx = ctx or RuleContext(today)
    ev = evaluator_for(org.path, year, ctx)
    summary = Summary()
    branches: dict[str, BranchRow] = {}
    required: dict[str, list[int]] = {}
    held: dict[str, list[int]] = {}
    for info in load_orgs(org.path, ev.plans):
        cells = ev.cells(info)
        if not cells:
            continue
        ev.count(cells, summary.counts)
        summary.orgs += 1
        if info.kind == OrgKind.BRANCH:
            key = info.path
            branches.setdefault(key, BranchRow(info, Counter()))
        elif info.kind == OrgKind.BRANCH_GROUP:
            key = info.path[:-PATH_STEP]  # a 党小组 sits directly under its branch
            if key not in branches:
                continue
        else:
            continue
        ev.count(cells, branches[key].counts)
        ev.month_shares(cells, required.setdefault(key, [0] * 12), held.setdefault(key, [0] * 12))
    rows = list(branches.values())
    heat = HeatMap(
        [r.org.name for r in rows],
        [r.org.id for r in rows],
        [required.get(r.org.path, [0] * 12) for r in rows],
        [held.get(r.org.path, [0] * 12) for r in rows],
    )
    return Township(summary, rows, heat)


# --- the current period of a branch (the secretary's page) ---------------------------------------


@dataclass
class CurrentItem:
    org: OrgInfo
    req: Req
    span: Span
    state: State


def current_items(
    org: Organization, today: date, ctx: RuleContext | None = None
) -> dict[str, list[CurrentItem]]:
    """The running period of each requirement for a branch and its 党小组, grouped by period."""
    ctx = ctx or RuleContext(today)
    ev = evaluator_for(org.path, today.year, ctx)
    groups: dict[str, list[CurrentItem]] = defaultdict(list)
    for info in load_orgs(org.path, ev.plans):
        for i, app, done in ev.cells(info):
            plan = ev.plans[i]
            if plan.current < 0:
                continue
            state = plan.state(plan.current, app, done)
            if state == State.NA:
                continue
            groups[plan.req.period].append(
                CurrentItem(info, plan.req, plan.spans[plan.current], state)
            )
    return {p: groups[p] for p in PERIOD_MONTHS if groups.get(p)}


# --- a whole database (benchmarks) ---------------------------------------------------------------


def compute_all(year: int, today: date) -> dict[str, int]:
    """The compliance of every organization in the database: cell counts per state, the number
    of organizations and the rate (per mille, -1 when nothing fell due). Used by benchmarks/:
    three streaming queries, then integer operations per organization and requirement."""
    ctx = RuleContext(today)
    plans = plans_for(ctx, year)
    ev = Evaluator(plans, load_committees("", plans), load_tallies("", year, plans))
    summary = Summary()
    rows = (
        Organization.objects.filter(
            status=OrgStatus.ACTIVE, kind__in=sorted(_applicable_kinds(plans))
        )
        .values_list(*ORG_FIELDS)
        .iterator(chunk_size=20000)
    )
    ev.summarize(rows, summary)
    result = summary.as_dict()
    r = summary.rate
    result["rate_permille"] = round(r * 10) if r is not None else -1
    return result


# --- members: 连续六个月不参加党的组织生活 (党章第九条) ------------------------------------------


TAKING_PART = (AttendanceStatus.PRESENT, AttendanceStatus.LEAVE)


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_of(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Absence:
    """Consecutive complete months in which a member took part in no meeting."""

    first: int  # month index (year * 12 + month - 1)
    last: int

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    @property
    def label(self) -> str:
        (y1, m1), (y2, m2) = _month_of(self.first), _month_of(self.last)
        if self.first == self.last:
            return f"{y1}年{m1}月"
        if y1 == y2:
            return f"{y1}年{m1}月至{m2}月"
        return f"{y1}年{m1}月至{y2}年{m2}月"


def absence(joined_on: date | None, last_taken_part: date | None, today: date) -> Absence | None:
    """The run of complete months (up to last month) since the member last took part, counting
    only months after the month of joining; None when there is no such month or nothing to go by."""
    starts = []
    if joined_on is not None:
        starts.append(_month_index(joined_on) + 1)
    if last_taken_part is not None:
        starts.append(_month_index(last_taken_part) + 1)
    if not starts:
        return None
    first = max(starts)
    last = _month_index(today) - 1
    if last_taken_part is not None and _month_index(last_taken_part) >= _month_index(today):
        return None  # took part this month: the run is broken
    return Absence(first, last) if first <= last else None


def last_participation(member_ids: Sequence[int]) -> dict[int, date]:
    """Member id → the date of the last meeting attended or excused from (one query)."""
    if not member_ids:
        return {}
    return dict(
        Attendance.objects.filter(member_id__in=list(member_ids), status__in=TAKING_PART)
        .values("member_id")
        .annotate(last=Max("held_on"))
        .order_by()
        .values_list("member_id", "last")
    )


def absence_months(ctx: RuleContext) -> int:
    from zugong.core.rules.registry import RULES

    rule = RULES.get(ABSENCE_RULE_ID)
    return int(ctx.param(rule, "months")) if rule is not None else DEFAULT_ABSENCE_MONTHS


@dataclass
class MemberRisk:
    member: Member
    absence: Absence
    lapsed: bool  # reached the 6-month line


def roster(org: Organization) -> list[Member]:
    """The branch's members in good standing, in the register's order (one query)."""
    return list(
        Member.objects.filter(org=org, status=MemberStatus.NORMAL)
        .only("name", "member_type", "joined_on", "org_path", "name_pinyin", "status")
        .order_by("name_pinyin", "id")
    )


def members_at_risk(
    members: Sequence[Member], today: date, ctx: RuleContext | None = None
) -> list[MemberRisk]:
    """Members within RISK_MONTHS_BEFORE months of (or past) the 6-month line, longest first."""
    ctx = ctx or RuleContext(today)
    limit = absence_months(ctx)
    last = last_participation([m.pk for m in members])
    risks = []
    for m in members:
        a = absence(m.joined_on, last.get(m.pk), today)
        if a is not None and a.months >= max(1, limit - RISK_MONTHS_BEFORE):
            risks.append(MemberRisk(m, a, a.months >= limit))
    risks.sort(key=lambda r: (-r.absence.months, r.member.name_pinyin))
    return risks


def iter_periods_label(plan: Plan, indexes: Iterable[int]) -> str:
    """'2026年3月、5月' / '2026年第一季度、第三季度' / '2026年度'."""
    idx = list(indexes)
    if plan.req.period == Period.YEAR:
        return f"{plan.year}年度"
    return f"{plan.year}年" + "、".join(plan.spans[i].label for i in idx)


def bits(mask: int) -> Iterator[int]:
    i = 0
    while mask:
        if mask & 1:
            yield i
        mask >>= 1
        i += 1
