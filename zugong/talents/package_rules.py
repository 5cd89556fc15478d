"""Deadlines of a service request's steps (working days) and the finding when one is overdue.

No national regulation fixes these numbers. The county's talent policy (人才新政 若干措施) promises
a 服务专员 and handling within a time limit; the figures of this county are not confirmed
locally, so each step's working days is a rule parameter with a stated default (待核实) that an
administrator overrides with a dated RuleParameter:

- 受理: 3 working days from the application (accept_workdays);
- 开始办理: 2 working days from 受理 (start_workdays);
- 办结: 15 working days from the start of handling (handle_workdays).

Subject "talent_service": an open request with a due date; its findings carry the talent's
organization path, so they reach the to-do list of the accounts whose scope holds the talent.
A finding cites the request's own policy item (policy title and clause) when it names one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.core.selectors import workday_calendar

SERVICE_KIND = "talent_service"
COUNTY_POLICY = Citation(
    "县人才新政若干措施（人才服务专员、限时办结；各环节时限待核实，现为可配置的默认值）",
    "人才服务保障条款",
)
NOT_CONFIRMED = "本县时限未经确认，为可配置的默认值（待核实）"


@dataclass(frozen=True)
class StepParameter:
    state: str
    key: str
    label: str
    default: int


# The working days allowed for the step that starts when a request enters a state.
STEPS: list[StepParameter] = [
    StepParameter("submitted", "accept_workdays", "受理时限（自申请之日起，工作日）", 3),
    StepParameter("accepted", "start_workdays", "开始办理时限（自受理之日起，工作日）", 2),
    StepParameter("handling", "handle_workdays", "办结时限（自开始办理之日起，工作日）", 15),
]
STEP_KEYS = {s.state: s.key for s in STEPS}


def _open_requests() -> Any:
    from zugong.talents.models import OPEN_SERVICE_STATES, ServiceRequest

    return ServiceRequest.objects.filter(
        state__in=OPEN_SERVICE_STATES, step_due_on__isnull=False
    ).select_related("talent", "item__policy")


def _preload(ctx: RuleContext, subjects: Any) -> None:
    if "calendar" not in ctx.data:
        ctx.data["calendar"] = workday_calendar()


def _label(request: Any) -> str:
    return f"{request.talent.name} {request.get_kind_display()}（{request.number}）"


register_subject_kind(
    SubjectKind(
        name=SERVICE_KIND,
        label=_label,
        org_path=lambda r: r.org_path,
        preload=_preload,
        queryset=_open_requests,
        url_name="talents:package_detail",
        title="人才服务事项",
    )
)


@rule(
    id="talents.service_overdue",
    title="人才服务事项超过本环节办理时限",
    subject_type=SERVICE_KIND,
    citation=COUNTY_POLICY,
    severity="warn",
    status="unconfirmed",
    params={s.key: s.default for s in STEPS},
)
def service_overdue(request: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if not request.is_open or request.step_due_on is None:
        return
    if ctx.today <= request.step_due_on:
        return
    cal = ctx.data.get("calendar") or workday_calendar()
    over = cal.workdays_between(request.step_due_on + timedelta(days=1), ctx.today).value
    step = request.get_state_display()
    cited = None
    if request.item_id is not None:
        cited = Citation(request.item.policy.title, request.item.source_clause or request.item.name)
    yield Verdict(
        f"“{step}”环节已超过办理时限{request.step_due_on:%Y-%m-%d}"
        f"（逾期{max(int(over), 1)}个工作日），请服务专员尽快办理",
        due_on=request.step_due_on,
        citation=cited,
    )


SERVICE_OVERDUE = service_overdue


def step_workdays(state: str, ctx: RuleContext) -> int | None:
    key = STEP_KEYS.get(state)
    return None if key is None else int(ctx.param(SERVICE_OVERDUE, key))


def step_due(state: str, start: date, ctx: RuleContext | None = None) -> date | None:
    """The last day of the step that starts on `start` in `state`; None for final states."""
    days = step_workdays(state, ctx or RuleContext(today=start))
    if days is None:
        return None
    due = workday_calendar().add_workdays(start, days).value
    assert isinstance(due, date)
    return due


def is_overdue(request: Any, today: date) -> bool:
    return request.is_open and request.step_due_on is not None and today > request.step_due_on
