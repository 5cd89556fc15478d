"""Regulation checks on organizational life: meeting frequencies per organization (each verdict
cites the requirement's own article) and the 6-month absence of a member (党章第九条)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.life import compliance
from zugong.life.compliance import (
    DEFAULT_ABSENCE_MONTHS,
    DEFAULT_LEAD_DAYS,
    Evaluator,
    State,
    bits,
    iter_periods_label,
    org_info,
    plans_for,
)
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import Organization, OrgKind, OrgStatus

BRANCH_RULES = Citation("中国共产党支部工作条例（试行）", "第十一条至第十七条：组织生活的频次")
CONSTITUTION_LAPSE = Citation(
    "中国共产党章程",
    "第九条：党员没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，"
    "就被认为是自行脱党",
)


def _org_preload(ctx: RuleContext, orgs: Sequence[Organization]) -> None:
    """One query for the batch's committees and one for its tallies of this year."""
    year = ctx.today.year
    plans = plans_for(ctx, year)
    ids = [o.pk for o in orgs]
    committees: dict = {}
    if any(o.kind == OrgKind.BRANCH for o in orgs):
        committees = compliance.load_committees("", plans, org_ids=ids)
    tallies = compliance.load_tallies("", year, plans, org_ids=ids)
    ctx.data["life.evaluator"] = Evaluator(plans, committees, tallies)
    ctx.data["life.cells"] = {}


def _cells(org: Organization, ctx: RuleContext) -> tuple[Evaluator, compliance.Cells]:
    ev: Evaluator = ctx.data["life.evaluator"]
    cache: dict = ctx.data["life.cells"]
    if org.pk not in cache:
        cache[org.pk] = ev.cells(org_info(org)) if org.status == OrgStatus.ACTIVE else ()
    return ev, cache[org.pk]


register_subject_kind(
    SubjectKind(
        name="org_life",
        label=lambda o: o.name,
        org_path=lambda o: o.path,
        preload=_org_preload,
        queryset=lambda: Organization.objects.filter(status=OrgStatus.ACTIVE),
        url_name="life:org_compliance",
        title="组织生活",
    )
)


@rule(
    id="life.meeting_due",
    title="组织生活临期未开展",
    subject_type="org_life",
    citation=BRANCH_RULES,
    params={"lead_days": DEFAULT_LEAD_DAYS},
)
def meeting_due(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    ev, cells = _cells(org, ctx)
    for i, app, done in cells:
        plan = ev.plans[i]
        if plan.current < 0 or plan.state(plan.current, app, done) != State.DUE:
            continue
        span = plan.spans[plan.current]
        left = (span.end - ctx.today).days
        yield Verdict(
            f"{plan.req.type_name}：{iter_periods_label(plan, [plan.current])}尚未开展，"
            f"距本期结束还有{left}天（{span.end:%m月%d日}前须召开）",
            due_on=span.end,
            citation=plan.req.citation,
        )


@rule(
    id="life.meeting_overdue",
    title="组织生活逾期未开展",
    subject_type="org_life",
    citation=BRANCH_RULES,
)
def meeting_overdue(org: Organization, ctx: RuleContext) -> Iterable[Verdict]:
    ev, cells = _cells(org, ctx)
    for i, app, done in cells:
        plan = ev.plans[i]
        missed = list(bits(app & plan.ended & ~done))
        if not missed:
            continue
        yield Verdict(
            f"{plan.req.type_name}：{iter_periods_label(plan, missed)}未召开",
            due_on=plan.spans[missed[0]].end,
            citation=plan.req.citation,
        )


def _member_preload(ctx: RuleContext, members: Sequence[Member]) -> None:
    """One query over Attendance(member, held_on) for the whole batch."""
    ctx.data["life.last_participation"] = compliance.last_participation([m.pk for m in members])


register_subject_kind(
    SubjectKind(
        name="member_life",
        label=lambda m: m.name,
        org_path=lambda m: m.org_path,
        preload=_member_preload,
        queryset=lambda: Member.objects.filter(status=MemberStatus.NORMAL).only(
            "name", "org_path", "joined_on", "status"
        ),
        url_name="members:detail",
        title="党员",
    )
)


@rule(
    id="life.absent_six_months",
    title="连续六个月未参加党的组织生活",
    subject_type="member_life",
    citation=CONSTITUTION_LAPSE,
    params={"months": DEFAULT_ABSENCE_MONTHS},
)
def absent_six_months(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if member.status != MemberStatus.NORMAL:
        return
    last = ctx.data["life.last_participation"].get(member.pk)
    run = compliance.absence(member.joined_on, last, ctx.today)
    limit = int(ctx.param(absent_six_months, "months"))
    if run is not None and run.months >= limit:
        yield Verdict(
            f"{run.label}连续{run.months}个月未参加党的组织生活（出席或请假均视为参加），"
            "请核实有无正当理由并按规定处理",
            citation=CONSTITUTION_LAPSE,
        )
