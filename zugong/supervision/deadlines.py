"""Due dates of a case's steps, counted in working days (the holiday and 调休 calendar).

The statutory figures for 受理, 办理 and 反馈 are not confirmed for this channel (supervision.md §8.4),
so each is a configurable rule parameter with a stated default; see case_rules.py.
"""

from __future__ import annotations

from datetime import date

from zugong.core.selectors import workday_calendar
from zugong.supervision.models import ReportState

# Working days allowed for the step that starts when a report enters each state (defaults; the
# case rules make them parameters).
DEFAULT_STEP_WORKDAYS: dict[str, int] = {
    ReportState.RECEIVED: 5,  # 受理 or 不予受理
    ReportState.ACCEPTED: 3,  # 分办
    ReportState.INVESTIGATING: 60,  # 核查 and 反馈
    ReportState.ANSWERED: 10,  # 办结
}


def step_workdays(state: str) -> int | None:
    return DEFAULT_STEP_WORKDAYS.get(state)


def step_due(state: str, start: date) -> date | None:
    """The last day of the step that starts on `start` in `state`; None for final states."""
    days = step_workdays(state)
    if days is None:
        return None
    result = workday_calendar().add_workdays(start, days).value
    assert isinstance(result, date)
    return result
