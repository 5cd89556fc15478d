"""Writes of the young cadres' growth archives: the reserve pool, front-line assignments, their
跟踪管理 notes and the evaluations with the 七种能力 ratings. Each write refreshes its findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres.growth_rules import (
    ASSIGNMENT_KIND,
    RESERVE_KIND,
    criteria_problems,
    grades_of,
)
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    Assignment,
    AssignmentKind,
    Cadre,
    CadreStatus,
    Evaluation,
    PostLevel,
    ReserveEntry,
    TrackingNote,
)
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings

ABILITY_KEYS = tuple(key for key, _ in SEVEN_ABILITIES)
ABILITY_LABELS = dict(SEVEN_ABILITIES)
ABILITY_MIN, ABILITY_MAX = 1, 5


def _today() -> date:
    return timezone.localdate()


def _not_in_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > _today():
        raise ValidationError({field: f"{label}：不能晚于今天。"})


def refresh_reserve_findings(
    entries: Sequence[ReserveEntry], ctx: RuleContext | None = None
) -> int:
    return refresh_findings(RESERVE_KIND, list(entries), ctx)


def refresh_assignment_findings(
    assignments: Sequence[Assignment], ctx: RuleContext | None = None
) -> int:
    return refresh_findings(ASSIGNMENT_KIND, list(assignments), ctx)


# --- the reserve pool --------------------------------------------------------------------------


def check_reserve_criteria(cadre: Cadre, level: str, on: date) -> list[str]:
    """The entry criteria this cadre misses for a target level, each with its citation."""
    ctx = RuleContext(today=on)
    grades = grades_of([cadre.pk]).get(cadre.pk, {})
    return [
        f"{p.message}（依据：{p.citation}）"
        for p in criteria_problems(cadre.birth_date, level, on, grades, ctx)
    ]


@transaction.atomic
def add_to_reserve(
    *,
    actor: User | None,
    cadre: Cadre,
    target_level: str,
    entered_on: date,
    recommended_by: str = "",
    exception_reason: str = "",
) -> ReserveEntry:
    """Put a cadre in the pool; outside the criteria only with a recorded reason (then flagged)."""
    if target_level not in PostLevel.values:
        raise ValidationError({"target_level": "储备层次：请选择有效的职务层次。"})
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"干部：{cadre.name}不是在职干部，不能进入优秀年轻干部库。"}
        )
    _not_in_future(entered_on, "entered_on", "入库日期")
    # Lock the cadre row: two officers adding the same cadre at once get one entry and one error.
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    if ReserveEntry.objects.filter(cadre=cadre, left_on__isnull=True).exists():
        raise ValidationError({"cadre": f"干部：{cadre.name}已在优秀年轻干部库中，请勿重复入库。"})
    problems = check_reserve_criteria(cadre, target_level, entered_on)
    reason = exception_reason.strip()
    if problems and not reason:
        raise ValidationError(
            {
                "exception_reason": "不符合入库条件的入库理由：该干部"
                + "；".join(problems)
                + "。如确需入库，请填写入库理由。"
            }
        )
    entry = ReserveEntry(
        cadre=cadre,
        target_level=target_level,
        entered_on=entered_on,
        recommended_by=recommended_by.strip(),
        exception_reason=reason if problems else "",
        unit_path=cadre.unit_path,
    )
    entry._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError({"cadre": f"干部：{cadre.name}已在优秀年轻干部库中。"}) from None
    refresh_reserve_findings([entry])
    return entry


@transaction.atomic
def leave_reserve(
    *, actor: User | None, entry: ReserveEntry, left_on: date, reason: str
) -> ReserveEntry:
    if entry.left_on is not None:
        raise ValidationError({"left_on": f"出库日期：该干部已于{entry.left_on:%Y-%m-%d}出库。"})
    if left_on < entry.entered_on:
        raise ValidationError(
            {"left_on": f"出库日期：不能早于入库日期（{entry.entered_on:%Y-%m-%d}）。"}
        )
    _not_in_future(left_on, "left_on", "出库日期")
    if not reason.strip():
        raise ValidationError({"left_reason": "出库原因：必须填写。"})
    entry.left_on = left_on
    entry.left_reason = reason.strip()
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    refresh_reserve_findings([entry])
    return entry


# --- assignments -------------------------------------------------------------------------------


@transaction.atomic
def create_assignment(
    *,
    actor: User | None,
    cadre: Cadre,
    kind: str,
    place: str,
    started_on: date,
    ended_on: date | None = None,
    mentor: str = "",
    goals: str = "",
    tracking_months: int | None = None,
) -> Assignment:
    if kind not in AssignmentKind.values:
        raise ValidationError({"kind": "岗位类别：请选择有效的类别。"})
    if not place.strip():
        raise ValidationError({"place": "地点/岗位：必须填写。"})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": "结束日期：不能早于开始日期。"})
    if tracking_months is not None and not 1 <= tracking_months <= 12:
        raise ValidationError({"tracking_months": "跟踪间隔（月）：应在1至12个月之间。"})
    assignment = Assignment(
        cadre=cadre,
        kind=kind,
        place=place.strip(),
        started_on=started_on,
        ended_on=ended_on,
        mentor=mentor.strip(),
        goals=goals.strip(),
        tracking_months=tracking_months,
        unit_path=cadre.unit_path,
    )
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    refresh_assignment_findings([assignment])
    return assignment


@transaction.atomic
def end_assignment(*, actor: User | None, assignment: Assignment, ended_on: date) -> Assignment:
    if assignment.ended_on is not None:
        raise ValidationError({"ended_on": "结束日期：该一线历练已结束。"})
    if ended_on < assignment.started_on:
        raise ValidationError(
            {"ended_on": f"结束日期：不能早于开始日期（{assignment.started_on:%Y-%m-%d}）。"}
        )
    assignment.ended_on = ended_on
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    refresh_assignment_findings([assignment])
    return assignment


@transaction.atomic
def add_tracking_note(
    *, actor: User | None, assignment: Assignment, noted_on: date, content: str
) -> TrackingNote:
    if noted_on < assignment.started_on:
        raise ValidationError(
            {"noted_on": f"跟踪日期：不能早于历练开始日期（{assignment.started_on:%Y-%m-%d}）。"}
        )
    if assignment.ended_on is not None and noted_on > assignment.ended_on:
        raise ValidationError(
            {"noted_on": f"跟踪日期：不能晚于历练结束日期（{assignment.ended_on:%Y-%m-%d}）。"}
        )
    _not_in_future(noted_on, "noted_on", "跟踪日期")
    if not content.strip():
        raise ValidationError({"content": "跟踪情况：必须填写。"})
    note = TrackingNote(
        assignment=assignment, noted_on=noted_on, content=content.strip(), author=actor
    )
    note._history_user = actor  # type: ignore[attr-defined]
    note.save()
    refresh_assignment_findings([assignment])
    return note


# --- evaluations -------------------------------------------------------------------------------


def clean_abilities(raw: Mapping[str, Any]) -> dict[str, int]:
    """All seven 七种能力 ratings, each a whole number 1–5; errors name the ability."""
    errors: dict[str, str] = {}
    scores: dict[str, int] = {}
    for key in ABILITY_KEYS:
        label = ABILITY_LABELS[key]
        value = raw.get(key)
        if value in (None, ""):
            errors[f"ability_{key}"] = f"{label}：七种能力须逐项评分（1–5分），此项未填。"
            continue
        try:
            score = int(str(value).strip())
        except ValueError:
            errors[f"ability_{key}"] = f"{label}：评分应为1至5的整数。"
            continue
        if not ABILITY_MIN <= score <= ABILITY_MAX:
            errors[f"ability_{key}"] = f"{label}：评分应在1至5分之间（现为{score}）。"
        else:
            scores[key] = score
    unknown = set(raw) - set(ABILITY_KEYS)
    if unknown:
        errors["abilities"] = f"七种能力评分：未知的能力项{'、'.join(sorted(unknown))}。"
    if errors:
        raise ValidationError(errors)
    return scores


@transaction.atomic
def add_evaluation(
    *,
    actor: User | None,
    cadre: Cadre,
    evaluated_on: date,
    grade: str,
    abilities: Mapping[str, Any],
    assignment: Assignment | None = None,
    summary: str = "",
    evaluator: str = "",
) -> Evaluation:
    if grade not in Evaluation.Grade.values:
        raise ValidationError({"grade": "总体评价：请选择有效的等次。"})
    if assignment is not None and assignment.cadre_id != cadre.pk:
        raise ValidationError({"assignment": "一线历练：所选历练不属于该干部。"})
    if assignment is not None and evaluated_on < assignment.started_on:
        raise ValidationError(
            {
                "evaluated_on": f"评价日期：不能早于历练开始日期（{assignment.started_on:%Y-%m-%d}）。"
            }
        )
    _not_in_future(evaluated_on, "evaluated_on", "评价日期")
    scores = clean_abilities(abilities)
    evaluation = Evaluation(
        cadre=cadre,
        assignment=assignment,
        evaluated_on=evaluated_on,
        grade=grade,
        summary=summary.strip(),
        abilities=scores,
        evaluator=evaluator.strip(),
    )
    evaluation._history_user = actor  # type: ignore[attr-defined]
    evaluation.save()
    return evaluation
