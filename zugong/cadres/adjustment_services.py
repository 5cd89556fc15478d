"""Writes of 能上能下: adjustments under 《推进领导干部能上能下规定》(2022) and the incentives
(表彰奖励, 容错纠错, 澄清正名). The procedure dates must run in order, a 降职 has an 影响期, and a
cadre is re-used only after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres.growth_rules import (
    ABLE_UP_DOWN,
    ADJUSTMENT_KIND,
    ADJUSTMENT_REUSE,
    demotion_impact_until,
)
from zugong.cadres.models import (
    Adjustment,
    AdjustmentSituation,
    AdjustmentWay,
    Cadre,
    Incentive,
    IncentiveKind,
)
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings

# The procedure of 第十一条 ff. in order: (field, label). Each date may not precede the one before.
PROCEDURE: tuple[tuple[str, str], ...] = (
    ("proposed_on", "提出调整建议"),
    ("verified_on", "核实日期"),
    ("talked_on", "沟通谈话"),
    ("decided_on", "党委（党组）决定"),
    ("announced_on", "宣布日期"),
)


@dataclass
class AdjustmentData:
    situation: AdjustmentSituation
    way: str
    facts: str
    proposed_on: date
    basis: str = ""
    verified_on: date | None = None
    talked_on: date | None = None
    decided_on: date | None = None
    announced_on: date | None = None
    post_before: str = ""
    post_after: str = ""
    impact_until: date | None = None
    reused_on: date | None = None
    reuse_note: str = ""


def refresh_adjustment_findings(adjustments: list[Adjustment]) -> int:
    return refresh_findings(ADJUSTMENT_KIND, adjustments)


def _check_procedure(data: AdjustmentData) -> None:
    """提出 ≤ 核实 ≤ 沟通 ≤ 决定 ≤ 宣布; a gap (a step not yet recorded) is allowed."""
    errors: dict[str, str] = {}
    previous: tuple[str, date] | None = None
    for field, label in PROCEDURE:
        value = getattr(data, field)
        if value is None:
            continue
        if value > timezone.localdate():
            errors[field] = f"{label}：不能晚于今天。"
        elif previous is not None and value < previous[1]:
            errors[field] = (
                f"{label}：不能早于{previous[0]}（{previous[1]:%Y-%m-%d}），"
                "调整程序应依次为提出、核实、沟通、决定、宣布。"
            )
        previous = (label, value)
    if errors:
        raise ValidationError(errors)


def _settle_impact(data: AdjustmentData, ctx: RuleContext) -> None:
    """A 降职 carries an 影响期 of at least the parameter (default one year) from the decision;
    left blank it is filled in. Re-use only after the 影响期 has ended."""
    if data.way == AdjustmentWay.DEMOTE:
        if data.decided_on is None:
            if data.impact_until is not None or data.reused_on is not None:
                raise ValidationError(
                    {"decided_on": "党委（党组）决定：降职须先记录决定日期，才能计算影响期。"}
                )
        else:
            shortest = demotion_impact_until(data.decided_on, ctx)
            months = int(ctx.param(ADJUSTMENT_REUSE, "demote_months"))
            if data.impact_until is None:
                data.impact_until = shortest
            elif data.impact_until < shortest:
                raise ValidationError(
                    {
                        "impact_until": f"影响期至：降职的影响期不少于{months}个月，"
                        f"应不早于{shortest:%Y-%m-%d}（依据：{ABLE_UP_DOWN}）。"
                    }
                )
    decided, ends = data.decided_on, data.impact_until
    if decided is not None and ends is not None and ends < decided:
        raise ValidationError({"impact_until": "影响期至：不能早于决定日期。"})
    if data.reused_on is None:
        return
    if data.decided_on is None:
        raise ValidationError({"reused_on": "重新使用日期：调整尚未作出决定，不能记录重新使用。"})
    if data.reused_on > timezone.localdate():
        raise ValidationError({"reused_on": "重新使用日期：不能晚于今天。"})
    if data.reused_on < data.decided_on:
        raise ValidationError({"reused_on": "重新使用日期：不能早于调整决定日期。"})
    if data.impact_until is not None and data.reused_on <= data.impact_until:
        raise ValidationError(
            {
                "reused_on": f"重新使用日期：影响期至{data.impact_until:%Y-%m-%d}，"
                f"影响期内不得重新使用（依据：{ABLE_UP_DOWN}）。"
            }
        )


def _validate(data: AdjustmentData) -> None:
    if data.way not in AdjustmentWay.values:
        raise ValidationError({"way": "调整方式：请选择调离岗位、改任职级、免职或降职。"})
    if not data.situation.is_active:
        raise ValidationError({"situation": "情形：该情形已停用，请选择其他情形。"})
    if not data.facts.strip():
        raise ValidationError({"facts": "主要事实：必须填写。"})
    _check_procedure(data)
    _settle_impact(data, RuleContext())


def _apply(adjustment: Adjustment, data: AdjustmentData) -> None:
    for name in AdjustmentData.__dataclass_fields__:
        value = getattr(data, name)
        setattr(adjustment, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def create_adjustment(*, actor: User | None, cadre: Cadre, data: AdjustmentData) -> Adjustment:
    _validate(data)
    adjustment = Adjustment(cadre=cadre, unit_path=cadre.unit_path)
    _apply(adjustment, data)
    adjustment._history_user = actor  # type: ignore[attr-defined]
    adjustment.save()
    refresh_adjustment_findings([adjustment])
    return adjustment


@transaction.atomic
def update_adjustment(
    *, actor: User | None, adjustment: Adjustment, data: AdjustmentData
) -> Adjustment:
    _validate(data)
    _apply(adjustment, data)
    adjustment._history_user = actor  # type: ignore[attr-defined]
    adjustment.save()
    refresh_adjustment_findings([adjustment])
    return adjustment


@transaction.atomic
def create_incentive(
    *,
    actor: User | None,
    cadre: Cadre,
    kind: str,
    decided_on: date,
    decided_by: str,
    content: str,
) -> Incentive:
    if kind not in IncentiveKind.values:
        raise ValidationError({"kind": "类别：请选择表彰奖励、容错纠错或澄清正名。"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "决定日期：不能晚于今天。"})
    if not decided_by.strip():
        raise ValidationError({"decided_by": "决定机关：必须填写。"})
    if not content.strip():
        raise ValidationError({"content": "内容：必须填写。"})
    incentive = Incentive(
        cadre=cadre,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        content=content.strip(),
        unit_path=cadre.unit_path,
    )
    incentive._history_user = actor  # type: ignore[attr-defined]
    incentive.save()
    return incentive
