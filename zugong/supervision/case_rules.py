"""Deadlines of a 举报 case as versioned rule parameters, and the findings they produce.

The statutory figures for 受理, 分办, 核查/反馈 and 办结 are not confirmed for this channel
(supervision.md §8.4): every number here is a configurable default with status "unconfirmed"
(待核实), which an administrator overrides with a dated RuleParameter.

Subject "supervision_case": an open report. Its findings carry the org path SUPERVISION_PATH,
which no account's finding paths contain, so they never appear in another module's to-do list;
the 干部监督科 reads them on its own pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.core.selectors import workday_calendar
from zugong.supervision.models import OPEN_STATES, Report, ReportState

CASE_KIND = "supervision_case"
SUPERVISION_PATH = "supervision:"
UNCONFIRMED = Citation(
    "举报受理、办理、反馈时限（法定时限待核实，现为可配置的默认值，supervision.md §8.4）"
)


@dataclass(frozen=True)
class ParameterInfo:
    key: str
    label: str
    default: Any
    status: str  # C confirmed / U unconfirmed (待核实)
    source: str


# The working days allowed for the step that starts when a report enters a state.
STEP_PARAMS: dict[str, str] = {
    ReportState.RECEIVED: "received_workdays",
    ReportState.ACCEPTED: "accepted_workdays",
    ReportState.INVESTIGATING: "investigating_workdays",
    ReportState.ANSWERED: "answered_workdays",
}
NOT_CONFIRMED = "法定时限未确认，为可配置的默认值（待核实）"
PARAMETERS: list[ParameterInfo] = [
    ParameterInfo("received_workdays", "受理（或不予受理）时限（工作日）", 5, "U", NOT_CONFIRMED),
    ParameterInfo("accepted_workdays", "分办时限（工作日）", 3, "U", NOT_CONFIRMED),
    ParameterInfo("investigating_workdays", "核查并反馈时限（工作日）", 60, "U", NOT_CONFIRMED),
    ParameterInfo("answered_workdays", "反馈后办结时限（工作日）", 10, "U", NOT_CONFIRMED),
    ParameterInfo("remind_workdays", "到期前提醒（工作日）", 3, "U", "本系统默认值"),
    ParameterInfo("escalate_workdays", "逾期超过该工作日数即督办", 5, "U", "本系统默认值"),
    # A custodian's approval opens the identity for a limited time, not for the case's life.
    ParameterInfo("identity_approval_days", "实名查看批准的有效期（天）", 7, "U", "本系统默认值"),
]


def fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def TEXT_FREE_LABEL(report: Report) -> str:  # noqa: N802 - a constant-like function
    """A finding names the case by its number only, never its content or subject."""
    return f"举报件 {report.number}"


register_subject_kind(
    SubjectKind(
        name=CASE_KIND,
        label=TEXT_FREE_LABEL,
        org_path=lambda r: SUPERVISION_PATH,
        queryset=lambda: Report.objects.filter(state__in=OPEN_STATES, step_due_on__isnull=False),
        url_name="supervision:case_detail",
        title="举报件办理时限",
    )
)


@rule(
    id="supervision.case_deadline",
    title="举报件各环节办理时限（到期提醒、逾期、逾期督办）",
    subject_type=CASE_KIND,
    citation=UNCONFIRMED,
    severity="warn",
    status="unconfirmed",
    params={p.key: p.default for p in PARAMETERS},
)
def case_deadline(report: Report, ctx: RuleContext) -> Iterable[Verdict]:
    yield from deadline_verdicts(report, ctx)


CASE_DEADLINE = case_deadline


@dataclass(frozen=True)
class DeadlineState:
    """Where an open case stands against its step's due date on a day."""

    due_on: date
    workdays_left: int  # working days after today up to the due day (0 on the due day)
    workdays_over: int  # working days after the due day up to today (0 if not overdue)

    @property
    def overdue(self) -> bool:
        return self.workdays_over > 0


def deadline_state(report: Report, today: date) -> DeadlineState | None:
    if report.state not in OPEN_STATES or report.step_due_on is None:
        return None
    cal = workday_calendar()
    due = report.step_due_on
    if today <= due:
        left = cal.workdays_between(today, due).value - int(cal.is_workday(today).value)
        return DeadlineState(due, int(left), 0)
    # Overdue from the day after the due day; counted in working days.
    over = cal.workdays_between(date.fromordinal(due.toordinal() + 1), today).value
    return DeadlineState(due, 0, max(int(over), 1))


def deadline_verdicts(report: Report, ctx: RuleContext) -> Iterable[Verdict]:
    state = deadline_state(report, ctx.today)
    if state is None:
        return
    step = report.get_state_display()
    remind = int(ctx.param(CASE_DEADLINE, "remind_workdays"))
    escalate = int(ctx.param(CASE_DEADLINE, "escalate_workdays"))
    if state.workdays_over > escalate:
        yield Verdict(
            f"“{step}”环节已逾期{state.workdays_over}个工作日（期限{fmt(state.due_on)}），"
            f"超过{escalate}个工作日，请干部监督科督办",
            due_on=state.due_on,
            severity="block",
        )
    elif state.overdue:
        yield Verdict(
            f"“{step}”环节已逾期{state.workdays_over}个工作日（期限{fmt(state.due_on)}）",
            due_on=state.due_on,
        )
    elif state.workdays_left <= remind:
        when = "今日到期" if state.workdays_left == 0 else f"还有{state.workdays_left}个工作日到期"
        yield Verdict(
            f"“{step}”环节{when}（期限{fmt(state.due_on)}）", due_on=state.due_on, severity="info"
        )


def escalation_due(report: Report, ctx: RuleContext) -> bool:
    state = deadline_state(report, ctx.today)
    return state is not None and state.workdays_over > int(
        ctx.param(CASE_DEADLINE, "escalate_workdays")
    )


def reminder_due(report: Report, ctx: RuleContext) -> bool:
    state = deadline_state(report, ctx.today)
    return (
        state is not None
        and not state.overdue
        and state.workdays_left <= int(ctx.param(CASE_DEADLINE, "remind_workdays"))
    )


def identity_approval_days(today: date) -> int:
    return int(RuleContext(today=today).param(CASE_DEADLINE, "identity_approval_days"))
