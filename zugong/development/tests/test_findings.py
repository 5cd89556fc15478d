"""Findings on open cases: the due and overdue next steps, under the rule set in force today."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.rules.registry import RULES, SUBJECT_KINDS
from zugong.core.services import refresh_findings
from zugong.development import workflow as wf
from zugong.development.models import NATIONAL_2026, Case
from zugong.development.rules import CASE_KIND
from zugong.development.services import extend_probation, set_rule_set_period
from zugong.development.tests.support import PROBATION_ENDS, new_case, walk

pytestmark = pytest.mark.django_db


def found(case: Case, today: date) -> list[Finding]:
    refresh_findings(CASE_KIND, [case], RuleContext(today=today))
    return list(Finding.objects.filter(subject_type=CASE_KIND, subject_id=case.pk))


def test_every_development_rule_cites_and_is_tagged():
    ours = [r for r in RULES.values() if r.id.startswith("development.")]
    assert len(ours) > 40
    assert all(str(r.citation).startswith("《") and r.status for r in ours)
    assert {r.rule_set for r in ours} == {"national-2014", "national-2026", "development-local"}
    assert SUBJECT_KINDS[CASE_KIND].url_name == "development:case_detail"


@pytest.mark.parametrize(
    ("today", "expect"),
    [
        (date(2023, 3, 31), "应于2023年4月1日前派人与入党申请人谈话"),
        (date(2023, 4, 1), "应于2023年4月1日前派人与入党申请人谈话"),
        (date(2023, 4, 2), "派人与入党申请人谈话已逾期1天"),
    ],
)
def test_talk_due_then_overdue(world, today, expect):
    case = new_case(world)
    [f] = found(case, today)
    assert f.message.startswith(expect)
    assert f.due_on == date(2023, 4, 1) and "第七条" in f.citation


@pytest.mark.parametrize(
    ("today", "severity", "text"),
    [
        (date(2025, 2, 12), "warn", "应于2025年2月12日前由上级党委审批接收预备党员"),
        (date(2025, 2, 13), "warn", "已逾期1天"),
        (date(2025, 5, 12), "warn", "已逾期"),
        (date(2025, 5, 13), "block", "已超过最长期限2025年5月12日"),
    ],
)
def test_approval_due_warn_then_block_after_six_months(world, today, severity, text):
    case = walk(world, new_case(world), wf.APPROVAL_TALK, including=True)
    [f] = [f for f in found(case, today) if "审批" in f.message]
    assert f.severity == severity and text in f.message


@pytest.mark.parametrize(
    ("today", "shown"),
    [(date(2025, 10, 12), False), (date(2025, 10, 13), True), (PROBATION_ENDS, True)],
)
def test_conversion_reminder_thirty_days_ahead(world, today, shown):
    case = walk(world, new_case(world), wf.CONVERSION_REQUEST, including=True)
    assert any("讨论预备党员转正" in f.message for f in found(case, today)) is shown


def test_extension_moves_the_conversion_reminder(world):
    case = walk(world, new_case(world), wf.CONVERSION_MEETING)
    extend_probation(actor=None, case=case, decided_on=PROBATION_ENDS, months=6, reason="继续考察")
    [f] = found(case, date(2026, 5, 1))
    assert f.due_on == date(2026, 5, 12)


def test_oath_reminder_only_under_2026(world):
    case = walk(world, new_case(world), wf.ADMISSION_APPROVAL, including=True)
    today = date(2025, 2, 11)
    assert not any("宣誓" in f.message for f in found(case, today))
    set_rule_set_period(actor=None, rule_set=NATIONAL_2026, effective_from=date(2025, 2, 1))
    [f] = [f for f in found(case, today) if "宣誓" in f.message]
    assert "已逾期1天" in f.message and "第二十九条" in f.citation


def test_closed_cases_have_no_findings(world):
    case = walk(world, new_case(world), wf.ARCHIVING, including=True)
    assert found(case, date(2026, 1, 1)) == []


def test_findings_preload_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    cases = [new_case(world, name=f"申请{i}") for i in range(6)]
    with django_assert_max_num_queries(12):
        refresh_findings(CASE_KIND, cases, RuleContext(today=date(2023, 3, 20)))
    assert Finding.objects.filter(subject_type=CASE_KIND).count() == 6
