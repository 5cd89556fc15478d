"""能上能下 services: procedure dates in order, the 降职 影响期, re-use only after it, incentives."""

# ruff: noqa: F811 - the shared fixtures are imported by name and injected by pytest

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zugong.cadres import adjustment_services as services
from zugong.cadres.adjustment_services import AdjustmentData
from zugong.cadres.growth_rules import ADJUSTMENT_KIND
from zugong.cadres.models import AdjustmentSituation, AdjustmentWay, Incentive
from zugong.cadres.tests.test_growth_fixtures import growth, situation  # noqa: F401
from zugong.core.models import Finding

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def base(**kw: object) -> AdjustmentData:
    data = AdjustmentData(
        situation=situation(8),
        way=AdjustmentWay.REASSIGN,
        facts="工作较长时间落后，经提醒仍无改进",
        proposed_on=date(2024, 1, 10),
        verified_on=date(2024, 1, 20),
        talked_on=date(2024, 2, 1),
        decided_on=date(2024, 2, 10),
        announced_on=date(2024, 2, 12),
        post_before="城关镇副镇长",
        post_after="城关镇四级主任科员",
    )
    return replace(data, **kw)


def message(exc: pytest.ExceptionInfo, field: str) -> str:
    return exc.value.message_dict[field][0]


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("verified_on", date(2024, 1, 9), "核实日期：不能早于提出调整建议"),
        ("talked_on", date(2024, 1, 19), "沟通谈话：不能早于核实日期"),
        ("decided_on", date(2024, 1, 31), "党委（党组）决定：不能早于沟通谈话"),
        ("announced_on", date(2024, 2, 9), "宣布日期：不能早于党委（党组）决定"),
    ],
)
def test_procedure_dates_in_order(growth, field: str, value: date, label: str):
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(actor=None, cadre=growth.young, data=base(**{field: value}))
    assert label in message(exc, field)


def test_equal_dates_and_gaps_are_allowed(growth):
    same = date(2024, 1, 10)
    data = base(verified_on=same, talked_on=None, decided_on=same, announced_on=same)
    adjustment = services.create_adjustment(actor=growth.officer, cadre=growth.young, data=data)
    assert adjustment.unit_path == growth.young.unit_path
    assert adjustment.history.first().history_user == growth.officer


def test_future_dates_refused(growth):
    tomorrow = TODAY() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(
            actor=None,
            cadre=growth.young,
            data=base(announced_on=tomorrow),
        )
    assert "不能晚于今天" in message(exc, "announced_on")


def test_demotion_gets_a_one_year_impact_period(growth):
    adjustment = services.create_adjustment(
        actor=None, cadre=growth.young, data=base(way=AdjustmentWay.DEMOTE)
    )
    assert adjustment.impact_until == date(2025, 2, 9)
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(
            actor=None,
            cadre=growth.young,
            data=base(way=AdjustmentWay.DEMOTE, impact_until=date(2025, 2, 8)),
        )
    text = message(exc, "impact_until")
    assert "不少于12个月" in text and "推进领导干部能上能下规定" in text
    longer = services.create_adjustment(
        actor=None,
        cadre=growth.young,
        data=base(way=AdjustmentWay.DEMOTE, impact_until=date(2025, 8, 1)),
    )
    assert longer.impact_until == date(2025, 8, 1)


def test_demotion_needs_a_decision_before_an_impact_period(growth):
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(
            actor=None,
            cadre=growth.young,
            data=base(
                way=AdjustmentWay.DEMOTE,
                decided_on=None,
                announced_on=None,
                impact_until=date(2025, 6, 1),
            ),
        )
    assert "决定日期" in message(exc, "decided_on")


def test_reuse_only_after_the_impact_period(growth):
    adjustment = services.create_adjustment(
        actor=None, cadre=growth.young, data=base(way=AdjustmentWay.DEMOTE)
    )
    assert adjustment.impact_until == date(2025, 2, 9)
    with pytest.raises(ValidationError) as exc:
        services.update_adjustment(
            actor=None,
            adjustment=adjustment,
            data=base(way=AdjustmentWay.DEMOTE, reused_on=date(2025, 2, 9)),
        )
    text = message(exc, "reused_on")
    assert "影响期内不得重新使用" in text and "能上能下规定" in text
    services.update_adjustment(
        actor=None,
        adjustment=adjustment,
        data=base(way=AdjustmentWay.DEMOTE, reused_on=date(2025, 2, 10), reuse_note="任副主任"),
    )
    adjustment.refresh_from_db()
    assert adjustment.reused_on == date(2025, 2, 10)
    # Re-used: no 可重新使用 reminder any more.
    assert not Finding.objects.filter(subject_type=ADJUSTMENT_KIND, subject_id=adjustment.pk)


def test_ended_impact_period_leaves_a_reminder(growth):
    adjustment = services.create_adjustment(
        actor=None, cadre=growth.young, data=base(way=AdjustmentWay.DEMOTE)
    )
    finding = Finding.objects.get(subject_type=ADJUSTMENT_KIND, subject_id=adjustment.pk)
    assert finding.severity == "info" and "可重新使用" in finding.message


def test_inactive_situation_and_empty_facts_refused(growth):
    switched_off = AdjustmentSituation.objects.get(number=15)
    switched_off.is_active = False
    switched_off.save()
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(
            actor=None, cadre=growth.young, data=base(situation=switched_off)
        )
    assert "情形" in message(exc, "situation")
    with pytest.raises(ValidationError) as exc:
        services.create_adjustment(actor=None, cadre=growth.young, data=base(facts="  "))
    assert "主要事实" in message(exc, "facts")


def test_incentives(growth):
    incentive = services.create_incentive(
        actor=growth.officer,
        cadre=growth.young,
        kind="fault_tolerance",
        decided_on=date(2025, 5, 1),
        decided_by="县委",
        content="招商引资中的失误予以容错",
    )
    assert Incentive.objects.get() == incentive and incentive.unit_path == growth.young.unit_path
    with pytest.raises(ValidationError) as exc:
        services.create_incentive(
            actor=None,
            cadre=growth.young,
            kind="other",
            decided_on=date(2025, 5, 1),
            decided_by="县委",
            content="x",
        )
    assert "类别" in message(exc, "kind")
    with pytest.raises(ValidationError) as exc:
        services.create_incentive(
            actor=None,
            cadre=growth.young,
            kind="commendation",
            decided_on=date(2025, 5, 1),
            decided_by="",
            content="x",
        )
    assert "决定机关" in message(exc, "decided_by")
