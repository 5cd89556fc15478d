"""Due dates of a case's steps, counted in working days (the holiday and 调休 calendar).

The statutory figures for 受理, 办理 and 反馈 are not confirmed for this channel (supervision.md §8.4),
so each is a rule parameter (case_rules.py, rule "supervision.case_deadline") with a stated default
that an administrator overrides with a dated RuleParameter.
"""

from __future__ import annotations

from datetime import date

from zugong.core.rules.engine import RuleContext
from zugong.core.selectors import workday_calendar
from zugong.supervision.models import ReportState

# The national defaults, kept here for readers; the values in force come from the rule parameters.
DEFAULT_STEP_WORKDAYS: dict[str, int] = {
    ReportState.RECEIVED: 5,  # 受理 or 不予受理
    ReportState.ACCEPTED: 3,  # 分办
    ReportState.INVESTIGATING: 60,  # 核查 and 反馈
    ReportState.ANSWERED: 10,  # 办结
}


def step_workdays(state: str, ctx: RuleContext | None = None) -> int | None:
    """Working days allowed for the step that starts in `state` (the parameter in force)."""
    from zugong.supervision.case_rules import CASE_DEADLINE, STEP_PARAMS

    key = STEP_PARAMS.get(state)
    if key is None:
        return None
    return int((ctx or RuleContext()).param(CASE_DEADLINE, key))


def step_due(state: str, start: date, ctx: RuleContext | None = None) -> date | None:
    """The last day of the step that starts on `start` in `state`; None for final states."""
    days = step_workdays(state, ctx or RuleContext(today=start))
    if days is None:
        return None
    result = workday_calendar().add_workdays(start, days).value
    assert isinstance(result, date)
    return result
