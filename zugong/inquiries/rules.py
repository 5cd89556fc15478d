"""督办 checks of 问题清单 items: overdue problems, overdue milestones, and a reminder before the
deadline. Findings carry the responsible unit's path, so they reach its to-do list (and the
tracker's). No regulation fixes these numbers: the reminder lead time is a local parameter,
marked unconfirmed, with a default an administrator can change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from zugong.core.rules.engine import Citation, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind

PROBLEM_KIND = "inquiry_problem"
SUPERVISION_PRACTICE = Citation(
    "问题清单督办工作要求（本地做法，条文待核实/未确认）", "整改期限与节点"
)


def _preload(ctx: RuleContext, problems: Sequence[Any]) -> None:
    from zugong.core.selectors import workday_calendar
    from zugong.inquiries.models import Milestone

    pending: dict[int, list[Any]] = defaultdict(list)
    for m in Milestone.objects.filter(
        problem_id__in=[p.pk for p in problems], done_on__isnull=True
    ).order_by("planned_on"):
        pending[m.problem_id].append(m)
    ctx.data["open_milestones"] = pending
    if "calendar" not in ctx.data:
        ctx.data["calendar"] = workday_calendar()


def _open_problems() -> Any:
    from zugong.inquiries.models import Problem, ProblemState

    return Problem.objects.exclude(state=ProblemState.CLOSED)


register_subject_kind(
    SubjectKind(
        name=PROBLEM_KIND,
        label=lambda p: p.title,
        org_path=lambda p: p.responsible_path,
        preload=_preload,
        queryset=_open_problems,
        url_name="inquiries:problem_detail",
        title="问题清单",
    )
)


def _is_open(problem: Any) -> bool:
    return problem.state != "closed"


@rule(
    id="inquiries.problem_overdue",
    title="问题超过整改期限仍未销号",
    subject_type=PROBLEM_KIND,
    citation=SUPERVISION_PRACTICE,
    severity="warn",
    status="unconfirmed",
)
def problem_overdue(problem: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if _is_open(problem) and problem.deadline and problem.deadline < ctx.today:
        yield Verdict(
            f"整改期限{problem.deadline:%Y-%m-%d}已过，尚未销号（当前进度{problem.progress}%）",
            due_on=problem.deadline,
        )


@rule(
    id="inquiries.milestone_overdue",
    title="整改节点超过计划日期仍未完成",
    subject_type=PROBLEM_KIND,
    citation=SUPERVISION_PRACTICE,
    severity="warn",
    status="unconfirmed",
)
def milestone_overdue(problem: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if not _is_open(problem):
        return
    for m in ctx.data.get("open_milestones", {}).get(problem.pk, []):
        if m.planned_on < ctx.today:
            yield Verdict(
                f"整改节点“{m.title}”计划于{m.planned_on:%Y-%m-%d}完成，尚未完成",
                due_on=m.planned_on,
            )


@rule(
    id="inquiries.problem_due_soon",
    title="问题临近整改期限（提前提醒）",
    subject_type=PROBLEM_KIND,
    citation=SUPERVISION_PRACTICE,
    severity="info",
    status="unconfirmed",
    # Working days before the deadline at which the responsible unit is reminded (local default).
    params={"reminder_workdays": 5},
)
def problem_due_soon(problem: Any, ctx: RuleContext) -> Iterable[Verdict]:
    if not _is_open(problem) or not problem.deadline or problem.deadline < ctx.today:
        return
    lead = int(ctx.param(problem_due_soon, "reminder_workdays"))
    left = ctx.data["calendar"].workdays_between(ctx.today, problem.deadline)
    if left.value <= lead:
        note = f"（{left.warning}）" if left.warning else ""
        yield Verdict(
            f"距整改期限{problem.deadline:%Y-%m-%d}还有{left.value}个工作日{note}",
            due_on=problem.deadline,
        )
