"""发展党员 checks as versioned data: each rule belongs to national-2014, national-2026 or the
local overlay, cites its article, and takes its numbers from (overridable) parameters.

Two kinds of subject:
- "development_step": a proposed step (StepProposal), judged by the rule set in force on the
  step's date when it is recorded; block verdicts refuse the step, warn verdicts are stored on it.
- "development_case": an open case, for the due/overdue findings of its next steps.

The 2026 revision is known only through PartyOps' reading (party-rules.md §0): its rules and
article numbers are marked unconfirmed until the official text is checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict
from zugong.core.rules.registry import SubjectKind, register_rule, register_subject_kind, rules_for
from zugong.core.workdays import WorkdayCalendar
from zugong.development import workflow as wf
from zugong.development.models import (
    LOCAL_OVERLAY,
    NATIONAL_2014,
    NATIONAL_2026,
    Case,
    CaseStatus,
    CaseStep,
    PersonRole,
    ProbationExtension,
    StepDefinition,
)
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.orgs.models import Organization, OrgKind

STEP_KIND = "development_step"
CASE_KIND = "development_case"

RULES_2014 = "中国共产党发展党员工作细则（2014年）"
RULES_2026 = "中国共产党发展党员工作细则（2026年修订，条文待核实）"
URL_2014 = "http://cpc.people.com.cn/n/2014/0610/c64387-25130984.html"
URL_2026 = "https://www.12371.cn/2026/05/18/ARTI1779102179030620.shtml"
CONSTITUTION = "中国共产党章程"


def c14(article: str) -> Citation:
    return Citation(RULES_2014, article, URL_2014)


def c26(article: str) -> Citation:
    return Citation(RULES_2026, article, URL_2026)


# --- the subjects ------------------------------------------------------------------------------


@dataclass
class PersonInput:
    role: str
    name: str
    member: Member | None = None


@dataclass
class StepProposal:
    """A step about to be recorded, with what the checks read preloaded by the service."""

    case: Case
    definition: StepDefinition
    done_on: date
    rule_set: str
    responsible_org: Organization | None = None
    people: list[PersonInput] = field(default_factory=list)
    voters_due: int | None = None
    voters_present: int | None = None
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    training_days: Decimal | None = None
    training_hours: Decimal | None = None
    notice_from: date | None = None
    notice_to: date | None = None
    review_passed: bool | None = None
    # Preloaded: the case's recorded steps by code (oldest first), the branch's 正式党员 count,
    # the 留党察看 of the people named, the approver's authority, the calendar, the plan usage.
    done: dict[str, list[date]] = field(default_factory=dict)
    review_passed_on: date | None = None
    branch_full_members: int = 0
    disciplined_member_ids: frozenset[int] = frozenset()
    approver_holds_authority: bool = False
    extension_months: int = 0
    calendar: WorkdayCalendar | None = None
    plan_quota: int | None = None
    plan_used: int = 0
    pk: None = None

    @property
    def code(self) -> str:
        return self.definition.code

    def first(self, code: str) -> date | None:
        dates = self.done.get(code)
        return dates[0] if dates else None

    def last(self, code: str) -> date | None:
        dates = self.done.get(code)
        return dates[-1] if dates else None


@dataclass(frozen=True)
class Judgement:
    rule_id: str
    severity: str
    message: str
    citation: str

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule_id,
            "severity": self.severity,
            "message": self.message,
            "citation": self.citation,
        }


Check = Callable[[Any, RuleContext, Rule], Iterable[Verdict]]


def _register(
    *,
    key: str,
    title: str,
    subject_type: str,
    citations: dict[str, Citation],
    check: Check,
    severity: str = "block",
    params: dict[str, Any] | None = None,
    status: dict[str, str] | None = None,
) -> dict[str, Rule]:
    """One check, registered once per rule set with that set's citation and status."""
    made: dict[str, Rule] = {}
    for rule_set, citation in citations.items():
        cell: list[Rule] = []
        short = {NATIONAL_2014: "2014", NATIONAL_2026: "2026", LOCAL_OVERLAY: "local"}[rule_set]
        made[rule_set] = register_rule(
            Rule(
                id=f"development.{short}.{key}",
                title=title,
                subject_type=subject_type,
                citation=citation,
                check=lambda s, c, cell=cell: check(s, c, cell[0]),
                rule_set=rule_set,
                severity=severity,
                params=dict(params or {}),
                status=(status or {}).get(rule_set, "confirmed"),
                enabled_by_default=rule_set != LOCAL_OVERLAY,
            )
        )
        cell.append(made[rule_set])
    return made


def step_rule(key: str, title: str, citations: dict[str, Citation], **kw: Any) -> Callable:
    def wrap(check: Check) -> Check:
        _register(
            key=key, title=title, subject_type=STEP_KIND, citations=citations, check=check, **kw
        )
        return check

    return wrap


def case_rule(key: str, title: str, citations: dict[str, Citation], **kw: Any) -> Callable:
    def wrap(check: Check) -> Check:
        _register(
            key=key,
            title=title,
            subject_type=CASE_KIND,
            citations=citations,
            check=check,
            severity=kw.pop("severity", "warn"),
            **kw,
        )
        return check

    return wrap


def applies(rule: Rule, rule_set: str, ctx: RuleContext) -> bool:
    """A national rule judges the cases of its own set; the overlay only when switched on."""
    if rule.rule_set == LOCAL_OVERLAY:
        return ctx.rule_set_enabled(LOCAL_OVERLAY, default=False)
    return rule.rule_set == rule_set


def judge_step(proposal: StepProposal, ctx: RuleContext) -> list[Judgement]:
    """Every verdict on a proposed step under its rule set (and the overlay when on)."""
    out: list[Judgement] = []
    for r in rules_for(STEP_KIND):
        if not applies(r, proposal.rule_set, ctx):
            continue
        for v in r.check(proposal, ctx):
            out.append(
                Judgement(r.id, v.severity or r.severity, v.message, str(v.citation or r.citation))
            )
    return out


def months(n: int) -> relativedelta:
    return relativedelta(months=n)


def fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- 第一阶段 ------------------------------------------------------------------------------------


@step_rule(
    "min_age",
    "年满十八岁方可申请入党",
    {
        NATIONAL_2014: Citation(
            CONSTITUTION, "第一条；《发展党员工作细则》（2014）第五条：年满十八岁"
        ),
        NATIONAL_2026: Citation(CONSTITUTION, "第一条：年满十八岁的中国工人、农民、军人、知识分子"),
    },
    params={"years": 18},
)
def min_age(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code != wf.APPLICATION:
        return
    years = int(ctx.param(rule, "years"))
    adult_on = p.case.birth_date + relativedelta(years=years)
    if p.done_on < adult_on:
        yield Verdict(
            f"递交入党申请书日期：{fmt(p.done_on)}申请人未满{years}周岁"
            f"（{fmt(adult_on)}年满{years}周岁），不能申请入党"
        )


@step_rule(
    "talk_within_month",
    "收到入党申请书后一个月内派人谈话",
    {NATIONAL_2014: c14("第七条"), NATIONAL_2026: c26("第七条")},
    severity="warn",
    params={"months": 1},
)
def talk_within_month(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    applied = p.first(wf.APPLICATION)
    if p.code != wf.APPLICANT_TALK or applied is None:
        return
    due = applied + months(int(ctx.param(rule, "months")))
    if p.done_on > due:
        yield Verdict(f"谈话日期{fmt(p.done_on)}晚于收到入党申请书后一个月（应在{fmt(due)}前）")


@step_rule(
    "application_six_months",
    "递交入党申请书满6个月方可列为入党积极分子（本地规定）",
    {
        LOCAL_OVERLAY: Citation(
            "本县发展党员工作实施细则（本地规定）", "申请入党满6个月方可列为入党积极分子"
        )
    },
    params={"months": 6},
    status={LOCAL_OVERLAY: "secondary"},
)
def application_six_months(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    applied = p.first(wf.APPLICATION)
    if p.code != wf.ACTIVIST or applied is None:
        return
    n = int(ctx.param(rule, "months"))
    earliest = applied + months(n)
    if p.done_on < earliest:
        yield Verdict(
            f"确定入党积极分子日期：递交入党申请书（{fmt(applied)}）未满{n}个月，"
            f"最早可于{fmt(earliest)}确定"
        )


# --- 第二阶段 ------------------------------------------------------------------------------------


def _full_member_problems(person: PersonInput, on: date, role_label: str) -> list[str]:
    m = person.member
    if m is None:
        return []
    problems = []
    if m.member_type != MemberType.FULL:
        problems.append(f"{role_label}{person.name}是预备党员，预备党员不能担任{role_label}")
    if m.status != MemberStatus.NORMAL:
        problems.append(f"{role_label}{person.name}的党籍状态为“{m.get_status_display()}”")
    return problems


@step_rule(
    "cultivation_contacts",
    "培养联系人为一至两名正式党员",
    {NATIONAL_2014: c14("第九条"), NATIONAL_2026: c26("第九条（沿用2014年规定）")},
    params={"min": 1, "max": 2},
    status={NATIONAL_2026: "unconfirmed"},
)
def cultivation_contacts(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code != wf.CULTIVATION_CONTACT:
        return
    people = [x for x in p.people if x.role == PersonRole.CULTIVATION_CONTACT]
    low, high = int(ctx.param(rule, "min")), int(ctx.param(rule, "max"))
    if not low <= len(people) <= high:
        yield Verdict(f"培养联系人：应指定{low}至{high}名正式党员，现为{len(people)}名")
    for person in people:
        for problem in _full_member_problems(person, p.done_on, "培养联系人"):
            yield Verdict(problem)
        if person.member is None:
            yield Verdict(
                f"培养联系人{person.name}不在本系统党员名册中，请核实其为正式党员",
                severity="warn",
            )


@step_rule(
    "half_year_examination",
    "入党积极分子每半年考察一次",
    {NATIONAL_2014: c14("第十一条"), NATIONAL_2026: c26("第十一条")},
    severity="warn",
    params={"months": 6},
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "unconfirmed"},
)
def half_year_examination(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    start = p.first(wf.ACTIVIST)
    if p.code != wf.CANDIDATE or start is None:
        return
    n = int(ctx.param(rule, "months"))
    marks = [start, *p.done.get(wf.ACTIVIST_EXAMINATION, []), p.done_on]
    for before, after in zip(marks, marks[1:], strict=False):
        if after > before + months(n):
            yield Verdict(f"{fmt(before)}至{fmt(after)}之间超过{n}个月没有培养教育考察记录")


@step_rule(
    "one_year_cultivation",
    "列为入党积极分子一年以上方可确定为发展对象",
    {NATIONAL_2014: c14("第十三条"), NATIONAL_2026: c26("第十三条")},
    params={"years": 1},
    status={NATIONAL_2026: "unconfirmed"},
)
def one_year_cultivation(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    start = p.first(wf.ACTIVIST)
    if p.code != wf.CANDIDATE or start is None:
        return
    n = int(ctx.param(rule, "years"))
    earliest = start + relativedelta(years=n)
    if p.done_on < earliest:
        yield Verdict(
            f"确定发展对象日期：列为入党积极分子（{fmt(start)}）后培养教育和考察不满{n}年，"
            f"最早可于{fmt(earliest)}确定"
        )


# --- 公示 (working days on the holiday and 调休 calendar) -------------------------------------


def notice_verdicts(p: StepProposal, days: int, what: str) -> Iterable[Verdict]:
    if p.notice_from is None or p.notice_to is None:
        yield Verdict(f"公示：{what}前应公示不少于{days}个工作日，请填写公示开始和结束日期")
        return
    if p.notice_to < p.notice_from:
        yield Verdict("公示结束日期：不能早于公示开始日期")
        return
    if p.notice_to >= p.done_on:
        yield Verdict(f"公示结束日期：公示期满后方可{what}，公示应在{fmt(p.done_on)}之前结束")
    assert p.calendar is not None
    counted = p.calendar.workdays_between(p.notice_from, p.notice_to)
    if int(counted.value) < days:  # type: ignore[arg-type]
        yield Verdict(
            f"公示期：{fmt(p.notice_from)}至{fmt(p.notice_to)}只有{counted.value}个工作日"
            f"（已扣除法定节假日，计入调休上班日），{what}前应公示不少于{days}个工作日"
        )
    if counted.warning:
        yield Verdict(f"公示期：{counted.warning}", severity="warn")


@step_rule(
    "notice_before_candidate",
    "确定发展对象前公示不少于5个工作日",
    {NATIONAL_2026: c26("第十三条")},
    params={"days": 5},
    status={NATIONAL_2026: "unconfirmed"},
)
def notice_before_candidate(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code == wf.CANDIDATE:
        yield from notice_verdicts(p, int(ctx.param(rule, "days")), "确定发展对象")


@step_rule(
    "notice_before_meeting",
    "接收预备党员和预备党员转正前公示不少于5个工作日",
    {
        NATIONAL_2014: Citation(
            RULES_2014, "第二十条（中组部发展党员工作流程：公示不少于5个工作日）"
        ),
        NATIONAL_2026: c26("第二十条（公示不少于5个工作日）"),
    },
    params={"days": 5},
    status={NATIONAL_2014: "unconfirmed", NATIONAL_2026: "unconfirmed"},
)
def notice_before_meeting(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code in wf.MEETING_STEPS:
        what = "支部大会讨论接收预备党员" if p.code == wf.ADMISSION_MEETING else "支部大会讨论转正"
        yield from notice_verdicts(p, int(ctx.param(rule, "days")), what)


@step_rule(
    "local_notice_days",
    "公示不少于7个工作日（本地规定，含确定发展对象、接收、转正）",
    {LOCAL_OVERLAY: Citation("本县发展党员工作实施细则（本地规定）", "公示不少于7个工作日")},
    params={"days": 7},
    status={LOCAL_OVERLAY: "secondary"},
)
def local_notice_days(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code == wf.CANDIDATE or p.code in wf.MEETING_STEPS:
        what = {
            wf.CANDIDATE: "确定发展对象",
            wf.ADMISSION_MEETING: "支部大会讨论接收预备党员",
            wf.CONVERSION_MEETING: "支部大会讨论转正",
        }[p.code]
        yield from notice_verdicts(p, int(ctx.param(rule, "days")), what)


# --- 第三阶段 ------------------------------------------------------------------------------------


@step_rule(
    "sponsors",
    "两名正式党员作入党介绍人，受留党察看处分未恢复党员权利的不能担任",
    {
        NATIONAL_2014: Citation(CONSTITUTION, "第五条；《发展党员工作细则》（2014）第十四条"),
        NATIONAL_2026: Citation(CONSTITUTION, "第五条；《发展党员工作细则》（2026年修订）第十四条"),
    },
    params={"count": 2},
)
def sponsors(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code != wf.SPONSORS:
        return
    people = [x for x in p.people if x.role == PersonRole.SPONSOR]
    n = int(ctx.param(rule, "count"))
    if len(people) != n:
        yield Verdict(f"入党介绍人：应为{n}名正式党员，现为{len(people)}名")
    for person in people:
        yield from (Verdict(x) for x in _full_member_problems(person, p.done_on, "入党介绍人"))
        if person.member is not None and person.member.pk in p.disciplined_member_ids:
            yield Verdict(
                f"入党介绍人{person.name}正受留党察看处分、尚未恢复党员权利，不能担任入党介绍人"
            )
        if person.member is None:
            yield Verdict(
                f"入党介绍人{person.name}不在本系统党员名册中，请核实其为正式党员且未受留党察看处分",
                severity="warn",
            )


@step_rule(
    "political_review_result",
    "政治审查须形成结论",
    {NATIONAL_2014: c14("第十六条"), NATIONAL_2026: c26("第十六条")},
)
def political_review_result(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code == wf.POLITICAL_REVIEW and p.review_passed is None:
        yield Verdict("政审结论：请填写政治审查结论（合格或不合格）")


@step_rule(
    "political_review_required",
    "未经政治审查或政治审查不合格的，不能发展入党",
    {NATIONAL_2014: c14("第十六条"), NATIONAL_2026: c26("第十六条")},
)
def political_review_required(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code not in {wf.COMMITTEE_REVIEW, wf.ADMISSION_MEETING}:
        return
    if p.review_passed_on is None:
        yield Verdict("未经政治审查或政治审查不合格的，不能发展入党")


@step_rule(
    "political_review_validity",
    "政治审查结论的有效期",
    {
        NATIONAL_2014: Citation(
            RULES_2014, "第十六条（政审结论一年内有效，见《北京支部生活》2017）"
        ),
        NATIONAL_2026: c26("第十六条（政审结论一年内有效）"),
    },
    severity="warn",
    params={"months": 12},
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "unconfirmed"},
)
def political_review_validity(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code != wf.ADMISSION_MEETING or p.review_passed_on is None:
        return
    n = int(ctx.param(rule, "months"))
    valid_to = p.review_passed_on + months(n)
    if p.done_on > valid_to:
        yield Verdict(
            f"政审结论（{fmt(p.review_passed_on)}）已超过{n}个月有效期（至{fmt(valid_to)}），"
            "请重新进行政治审查"
        )


def training_verdicts(p: StepProposal, days: Decimal, hours: Decimal) -> Iterable[Verdict]:
    if p.training_days is None and p.training_hours is None:
        yield Verdict("集中培训：请填写培训天数或学时")
        return
    if (p.training_days or 0) >= days or (p.training_hours or 0) >= hours:
        return
    yield Verdict(
        f"集中培训：{p.training_days or 0}天、{p.training_hours or 0}学时，"
        f"应不少于{days:g}天或不少于{hours:g}个学时"
    )


@step_rule(
    "training_length",
    "发展对象集中培训不少于3天或24个学时",
    {NATIONAL_2014: c14("第十七条"), NATIONAL_2026: c26("第十七条")},
    params={"days": 3, "hours": 24},
)
def training_length(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code == wf.TRAINING:
        yield from training_verdicts(
            p, Decimal(str(ctx.param(rule, "days"))), Decimal(str(ctx.param(rule, "hours")))
        )


@step_rule(
    "local_training_length",
    "发展对象集中培训不少于5天或40个学时（本地规定）",
    {
        LOCAL_OVERLAY: Citation(
            "本县发展党员工作实施细则（本地规定）", "集中培训五至七天或不少于40学时"
        )
    },
    params={"days": 5, "hours": 40},
    status={LOCAL_OVERLAY: "secondary"},
)
def local_training_length(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code == wf.TRAINING:
        yield from training_verdicts(
            p, Decimal(str(ctx.param(rule, "days"))), Decimal(str(ctx.param(rule, "hours")))
        )


# --- 第四阶段 ------------------------------------------------------------------------------------


@step_rule(
    "leaving_soon",
    "发展对象未来三个月内将离开工作、学习单位的，一般不办理接收预备党员手续",
    {NATIONAL_2014: c14("第十九条"), NATIONAL_2026: c26("第十九条")},
    severity="warn",
    params={"months": 3},
)
def leaving_soon(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    leave = p.case.expected_leave_on
    if p.code != wf.ADMISSION_MEETING or leave is None:
        return
    n = int(ctx.param(rule, "months"))
    if p.done_on <= leave <= p.done_on + months(n):
        yield Verdict(
            f"发展对象预计于{fmt(leave)}离开工作、学习单位（支部大会后{n}个月内），"
            "一般不办理接收预备党员手续"
        )


@step_rule(
    "meeting_after_pre_review",
    "预审合格后一个月内提交支部大会讨论",
    {NATIONAL_2026: c26("第十九条")},
    severity="warn",
    params={"months": 1},
    status={NATIONAL_2026: "unconfirmed"},
)
def meeting_after_pre_review(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    reviewed = p.first(wf.PRE_REVIEW)
    if p.code != wf.ADMISSION_MEETING or reviewed is None:
        return
    due = reviewed + months(int(ctx.param(rule, "months")))
    if p.done_on > due:
        yield Verdict(f"支部大会（{fmt(p.done_on)}）晚于预审后一个月（应在{fmt(due)}前）")


@step_rule(
    "branch_size",
    "正式党员不足三人的党支部不能讨论接收预备党员",
    {
        NATIONAL_2014: Citation(
            "发展党员工作手册（新编本）", "正式党员不足三人的党支部不能讨论接收预备党员"
        ),
        NATIONAL_2026: Citation(
            "发展党员工作手册（新编本）", "正式党员不足三人的党支部不能讨论接收预备党员"
        ),
    },
    params={"min_full_members": 3},
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "secondary"},
)
def branch_size(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code not in wf.MEETING_STEPS:
        return
    n = int(ctx.param(rule, "min_full_members"))
    if p.branch_full_members < n:
        yield Verdict(
            f"{p.case.org.name}只有{p.branch_full_members}名正式党员，不足{n}人的党支部"
            "不能召开支部大会讨论，应先调整组织设置"
        )


@step_rule(
    "meeting_quorum",
    "支部大会有表决权的到会人数须超过应到会有表决权人数的半数",
    {NATIONAL_2014: c14("第二十条"), NATIONAL_2026: c26("第二十条")},
)
def meeting_quorum(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code not in wf.MEETING_STEPS or p.voters_due is None or p.voters_present is None:
        return
    if p.voters_present * 2 <= p.voters_due:
        yield Verdict(
            f"实到会有表决权的党员{p.voters_present}人，未超过应到会{p.voters_due}人的半数，"
            "支部大会不能进行表决"
        )


@step_rule(
    "meeting_majority",
    "赞成人数须超过应到会有表决权的正式党员的半数",
    {NATIONAL_2014: c14("第二十一条"), NATIONAL_2026: c26("第二十一条")},
)
def meeting_majority(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code not in wf.MEETING_STEPS or p.voters_due is None or p.votes_yes is None:
        return
    if p.votes_yes * 2 <= p.voters_due:
        yield Verdict(
            f"赞成{p.votes_yes}票，未超过应到会有表决权的正式党员{p.voters_due}人的半数"
            "（以应到会人数计算，不是实到人数），决议不能通过"
        )


APPROVER_KINDS = frozenset({OrgKind.PRIMARY_PARTY_COMMITTEE, OrgKind.PARTY_COMMITTEE})


@step_rule(
    "approval_authority",
    "只有具有审批权限的基层党委才能审批接收预备党员和预备党员转正",
    {
        NATIONAL_2014: Citation(
            RULES_2014,
            "第二十三条；共产党员网问答（党总支不能审批发展党员）",
            "https://fuwu.12371.cn/2017/07/24/ARTI1500860283547773.shtml",
        ),
        NATIONAL_2026: c26("第二十五条"),
    },
)
def approval_authority(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code not in wf.APPROVAL_STEPS:
        return
    org = p.responsible_org
    if org is None:
        yield Verdict("审批组织：请选择审批的基层党委")
        return
    if org.kind == OrgKind.GENERAL_BRANCH:
        yield Verdict(f"审批组织：{org.name}是党总支，党总支可以审议但不能审批接收预备党员或转正")
        return
    if org.kind not in APPROVER_KINDS:
        yield Verdict(f"审批组织：{org.name}是{org.get_kind_display()}，只有基层党委才能审批")
        return
    if not (p.case.org_path.startswith(org.path) and p.case.org_path != org.path):
        yield Verdict(f"审批组织：{org.name}不是{p.case.org.name}的上级党委")
    if not p.approver_holds_authority:
        yield Verdict(
            f"审批组织：{org.name}在{fmt(p.done_on)}没有发展党员审批权限，"
            "请报有审批权限的上级党委审批"
        )


@step_rule(
    "approval_deadline",
    "上级党委应在支部大会决议后三个月内审批，特殊情况可延长，最长不超过六个月",
    {NATIONAL_2014: c14("第二十四条"), NATIONAL_2026: c26("第二十五条")},
    params={"months": 3, "max_months": 6},
)
def approval_deadline(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    meeting = p.first(wf.ADMISSION_MEETING)
    if p.code != wf.ADMISSION_APPROVAL or meeting is None:
        return
    due = meeting + months(int(ctx.param(rule, "months")))
    latest = meeting + months(int(ctx.param(rule, "max_months")))
    if p.done_on > latest:
        yield Verdict(
            f"审批日期{fmt(p.done_on)}已超过支部大会（{fmt(meeting)}）后的最长期限{fmt(latest)}"
        )
    elif p.done_on > due:
        yield Verdict(
            f"审批日期{fmt(p.done_on)}超过支部大会后三个月（{fmt(due)}），属特殊情况延长的，"
            "请在说明中写明理由",
            severity="warn",
        )


@step_rule(
    "plan_quota",
    "发展党员应在年度发展计划内进行（总量调控）",
    {NATIONAL_2014: c14("第三条（有计划地进行）"), NATIONAL_2026: c26("第三条")},
    severity="warn",
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "unconfirmed"},
)
def plan_quota(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    if p.code != wf.ADMISSION_APPROVAL or p.plan_quota is None:
        return
    if p.plan_used >= p.plan_quota:
        yield Verdict(
            f"{p.done_on.year}年发展党员计划{p.plan_quota}名已用{p.plan_used}名，本次审批将超出计划"
        )


# --- 第五阶段 ------------------------------------------------------------------------------------


@step_rule(
    "oath_within_month",
    "入党宣誓一般在上级党委批准后一个月内进行",
    {NATIONAL_2026: c26("第二十九条")},
    severity="warn",
    params={"months": 1},
    status={NATIONAL_2026: "unconfirmed"},
)
def oath_within_month(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    approved = p.first(wf.ADMISSION_APPROVAL)
    if p.code != wf.OATH or approved is None:
        return
    due = approved + months(int(ctx.param(rule, "months")))
    if p.done_on > due:
        yield Verdict(f"入党宣誓（{fmt(p.done_on)}）晚于上级党委批准后一个月（{fmt(due)}）")


def probation_ends_on(meeting: date, extension_months: int = 0, period_months: int = 12) -> date:
    """预备期满之日: one year from the 支部大会 (党章第七条), plus an extension if any."""
    return meeting + months(period_months + extension_months)


PROBATION = _register(
    key="probation_period",
    title="预备期为一年，从支部大会通过之日算起；延长预备期只能一次，不少于半年，最长不超过一年",
    subject_type=STEP_KIND,
    citations={
        NATIONAL_2014: Citation(CONSTITUTION, "第七条；《发展党员工作细则》（2014）第三十二条"),
        NATIONAL_2026: Citation(
            CONSTITUTION, "第七条；《发展党员工作细则》（2026年修订）第三十一条"
        ),
    },
    check=lambda p, ctx, rule: (),
    params={"months": 12, "extension_min_months": 6, "extension_max_months": 12},
)


@step_rule(
    "conversion_on_time",
    "预备期满，党支部应当及时讨论其能否转正",
    {
        NATIONAL_2014: Citation(CONSTITUTION, "第七条；《发展党员工作细则》（2014）第三十二条"),
        NATIONAL_2026: Citation(
            CONSTITUTION, "第七条；《发展党员工作细则》（2026年修订）第三十一条"
        ),
    },
    params={"timely_months": 1},
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "unconfirmed"},
)
def conversion_on_time(p: StepProposal, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    meeting = p.first(wf.ADMISSION_MEETING)
    if p.code != wf.CONVERSION_MEETING or meeting is None:
        return
    period = int(ctx.param(PROBATION[p.rule_set], "months"))
    ends = probation_ends_on(meeting, p.extension_months, period)
    if p.done_on < ends:
        yield Verdict(f"支部大会讨论转正：预备期至{fmt(ends)}届满，届满前不能讨论转正")
        return
    late = ends + months(int(ctx.param(rule, "timely_months")))
    if p.done_on > late:
        yield Verdict(
            f"预备期已于{fmt(ends)}届满，支部大会{fmt(p.done_on)}才讨论转正，未及时讨论",
            severity="warn",
        )


@step_rule(
    "conversion_approval_deadline",
    "上级党委应在三个月内审批预备党员转正",
    {NATIONAL_2014: c14("第三十三条"), NATIONAL_2026: c26("第三十三条")},
    severity="warn",
    params={"months": 3},
)
def conversion_approval_deadline(
    p: StepProposal, ctx: RuleContext, rule: Rule
) -> Iterable[Verdict]:
    meeting = p.first(wf.CONVERSION_MEETING)
    if p.code != wf.CONVERSION_APPROVAL or meeting is None:
        return
    due = meeting + months(int(ctx.param(rule, "months")))
    if p.done_on > due:
        yield Verdict(f"转正审批（{fmt(p.done_on)}）超过支部大会讨论后三个月（{fmt(due)}）")


# --- findings on open cases: the due and overdue next steps ------------------------------------


def _case_preload(ctx: RuleContext, cases: Sequence[Case]) -> None:
    """All steps and extensions of the batch, and the rule set in force today: three queries."""
    from zugong.development.selectors import rule_set_on

    ids = [c.pk for c in cases]
    done: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for case_id, code, on in (
        CaseStep.objects.filter(case_id__in=ids)
        .order_by("done_on", "id")
        .values_list("case_id", "definition__code", "done_on")
    ):
        done[case_id][code].append(on)
    ctx.data["dev_steps"] = done
    ctx.data["dev_extensions"] = dict(
        ProbationExtension.objects.filter(case_id__in=ids).values_list("case_id", "months")
    )
    ctx.data["dev_rule_set"] = rule_set_on(ctx.today)


register_subject_kind(
    SubjectKind(
        name=CASE_KIND,
        label=lambda c: c.name,
        org_path=lambda c: c.org_path,
        preload=_case_preload,
        queryset=lambda: Case.objects.filter(status=CaseStatus.OPEN).select_related("org"),
        url_name="development:case_detail",
        title="发展党员",
    )
)


def _pending(case: Case, ctx: RuleContext, rule: Rule) -> dict[str, list[date]] | None:
    """The case's recorded steps when this rule judges it today, else None."""
    if case.status != CaseStatus.OPEN or ctx.data.get("dev_rule_set") != rule.rule_set:
        return None
    return ctx.data["dev_steps"].get(case.pk, {})


def _due(ctx: RuleContext, due: date, doing: str) -> Verdict:
    if ctx.today > due:
        return Verdict(
            f"{doing}已逾期{(ctx.today - due).days}天（应于{fmt(due)}前完成）", due_on=due
        )
    return Verdict(f"应于{fmt(due)}前{doing}", due_on=due)


def _next_rule(
    key: str,
    title: str,
    citations: dict[str, Citation],
    after: str,
    before: str,
    doing: str,
    n_months: int,
    status: dict[str, str] | None = None,
) -> None:
    """A finding while step `after` is recorded and step `before` is not."""

    def check(case: Case, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
        done = _pending(case, ctx, rule)
        if done is None or not done.get(after) or done.get(before):
            return
        yield _due(ctx, done[after][0] + months(int(ctx.param(rule, "months"))), doing)

    _register(
        key=key,
        title=title,
        subject_type=CASE_KIND,
        citations=citations,
        check=check,
        severity="warn",
        params={"months": n_months},
        status=status,
    )


_next_rule(
    "due_applicant_talk",
    "收到入党申请书一个月内派人谈话",
    {NATIONAL_2014: c14("第七条"), NATIONAL_2026: c26("第七条")},
    wf.APPLICATION,
    wf.APPLICANT_TALK,
    "派人与入党申请人谈话",
    1,
)
_next_rule(
    "due_meeting_after_pre_review",
    "预审合格后一个月内提交支部大会讨论",
    {NATIONAL_2026: c26("第十九条")},
    wf.PRE_REVIEW,
    wf.ADMISSION_MEETING,
    "召开支部大会讨论接收预备党员",
    1,
    {NATIONAL_2026: "unconfirmed"},
)
_next_rule(
    "due_oath",
    "上级党委批准后一个月内组织入党宣誓",
    {NATIONAL_2026: c26("第二十九条")},
    wf.ADMISSION_APPROVAL,
    wf.OATH,
    "组织入党宣誓",
    1,
    {NATIONAL_2026: "unconfirmed"},
)
_next_rule(
    "due_conversion_approval",
    "支部大会讨论转正后三个月内报上级党委审批",
    {NATIONAL_2014: c14("第三十三条"), NATIONAL_2026: c26("第三十三条")},
    wf.CONVERSION_MEETING,
    wf.CONVERSION_APPROVAL,
    "由上级党委审批转正",
    3,
)


@case_rule(
    "due_admission_approval",
    "支部大会决议后三个月内审批，最长不超过六个月",
    {NATIONAL_2014: c14("第二十四条"), NATIONAL_2026: c26("第二十五条")},
    params={"months": 3, "max_months": 6},
)
def due_admission_approval(case: Case, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    done = _pending(case, ctx, rule)
    if done is None or not done.get(wf.ADMISSION_MEETING) or done.get(wf.ADMISSION_APPROVAL):
        return
    meeting = done[wf.ADMISSION_MEETING][0]
    latest = meeting + months(int(ctx.param(rule, "max_months")))
    if ctx.today > latest:
        yield Verdict(
            f"支部大会（{fmt(meeting)}）通过接收已超过六个月仍未审批，已超过最长期限{fmt(latest)}",
            due_on=latest,
            severity="block",
        )
        return
    yield _due(ctx, meeting + months(int(ctx.param(rule, "months"))), "由上级党委审批接收预备党员")


@case_rule(
    "due_activist_examination",
    "入党积极分子每半年考察一次",
    {NATIONAL_2014: c14("第十一条"), NATIONAL_2026: c26("第十一条")},
    params={"months": 6, "lead_days": 30},
    status={NATIONAL_2014: "secondary", NATIONAL_2026: "unconfirmed"},
)
def due_activist_examination(case: Case, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    done = _pending(case, ctx, rule)
    if done is None or not done.get(wf.ACTIVIST) or done.get(wf.CANDIDATE):
        return
    last = max([done[wf.ACTIVIST][0], *done.get(wf.ACTIVIST_EXAMINATION, [])])
    due = last + months(int(ctx.param(rule, "months")))
    if ctx.today >= due - relativedelta(days=int(ctx.param(rule, "lead_days"))):
        yield _due(ctx, due, "对入党积极分子进行半年考察")


@case_rule(
    "due_conversion",
    "预备期满及时讨论转正",
    {
        NATIONAL_2014: Citation(CONSTITUTION, "第七条；《发展党员工作细则》（2014）第三十二条"),
        NATIONAL_2026: Citation(
            CONSTITUTION, "第七条；《发展党员工作细则》（2026年修订）第三十一条"
        ),
    },
    params={"lead_days": 30},
)
def due_conversion(case: Case, ctx: RuleContext, rule: Rule) -> Iterable[Verdict]:
    done = _pending(case, ctx, rule)
    if done is None or not done.get(wf.ADMISSION_APPROVAL) or done.get(wf.CONVERSION_MEETING):
        return
    period = int(ctx.param(PROBATION[rule.rule_set], "months"))
    ends = probation_ends_on(
        done[wf.ADMISSION_MEETING][0], ctx.data["dev_extensions"].get(case.pk, 0), period
    )
    if ctx.today >= ends - relativedelta(days=int(ctx.param(rule, "lead_days"))):
        yield _due(ctx, ends, "召开支部大会讨论预备党员转正")
