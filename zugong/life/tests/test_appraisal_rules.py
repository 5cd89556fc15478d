"""民主评议党员 rules at their boundaries: the 1/3 share of 优秀, ungraded after closing,
不合格 without a handling N days after closing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.conftest import make_member
from zugong.core.models import RuleParameter
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.core.rules.registry import RULES, SUBJECT_KINDS
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    HandlingMeasure,
    RoundStatus,
    UnqualifiedHandling,
)

pytestmark = pytest.mark.django_db

CLOSED_ON = date(2026, 1, 10)


def make_round(org, grades: list[str], *, closed_on: date | None = None, year: int = 2025):  # noqa: ANN001, ANN201
    appraisal = AppraisalRound.objects.create(
        org=org,
        org_path=org.path,
        year=year,
        started_on=date(2025, 12, 1),
        status=RoundStatus.CLOSED if closed_on else RoundStatus.OPEN,
        closed_on=closed_on,
    )
    for i, grade in enumerate(grades):
        member = make_member(org, f"党员{chr(0x4E00 + i)}")
        AppraisalEntry.objects.create(round=appraisal, member=member, grade=grade)
    return AppraisalRound.objects.select_related("org").get(pk=appraisal.pk)


def messages(appraisal: AppraisalRound, rule_id: str, today: date = date(2026, 3, 1)) -> list:
    drafts = evaluate("appraisal_round", [appraisal], RuleContext(today=today))
    return [d for d in drafts if d.rule.id == rule_id]


def grades(excellent: int, total: int) -> list[str]:
    return [Grade.EXCELLENT] * excellent + [Grade.QUALIFIED] * (total - excellent)


@pytest.mark.parametrize(
    ("excellent", "total", "flagged"),
    [(3, 9, False), (4, 9, True), (3, 10, False), (4, 10, True), (0, 0, False), (1, 1, True)],
)
def test_excellent_share_boundary(tree, excellent, total, flagged):
    appraisal = make_round(tree.branch_a1, grades(excellent, total))
    found = messages(appraisal, "life.appraisal_excellent_share")
    assert bool(found) is flagged
    if flagged:
        assert f"评定为优秀的党员{excellent}名" in found[0].message
        assert "三分之一" in found[0].citation
        assert "共产党员网" in found[0].citation


def test_excellent_share_parameter_can_be_overridden(tree):
    appraisal = make_round(tree.branch_a1, grades(4, 10))
    RuleParameter.objects.create(
        rule_id="life.appraisal_excellent_share",
        key="max_share_numerator",
        value=2,
        effective_from=date(2026, 1, 1),
    )
    RuleParameter.objects.create(
        rule_id="life.appraisal_excellent_share",
        key="max_share_denominator",
        value=5,
        effective_from=date(2026, 1, 1),
    )
    assert not messages(appraisal, "life.appraisal_excellent_share")
    # Before the override took effect the national 1/3 applies.
    assert messages(appraisal, "life.appraisal_excellent_share", today=date(2025, 12, 31))


def test_excellent_share_rule_is_marked_secondary():
    assert RULES["life.appraisal_excellent_share"].status == "secondary"


def test_ungraded_only_after_closing(tree):
    open_round = make_round(tree.branch_a1, [Grade.QUALIFIED, ""])
    assert not messages(open_round, "life.appraisal_ungraded")
    closed = make_round(tree.branch_b1, [Grade.QUALIFIED, "", ""], closed_on=CLOSED_ON)
    # The day before the closing date the round was still running; on and after it, it is due.
    assert not messages(closed, "life.appraisal_ungraded", today=CLOSED_ON - timedelta(days=1))
    for today in (CLOSED_ON, CLOSED_ON + timedelta(days=1)):
        found = messages(closed, "life.appraisal_ungraded", today=today)
        assert len(found) == 1
        assert "2名党员未评定等次" in found[0].message
        names = AppraisalEntry.objects.filter(round=closed, grade="").values_list(
            "member__name", flat=True
        )
        assert all(name in found[0].message for name in names)
        assert "支部工作条例" in found[0].citation


def test_ungraded_lists_at_most_ten_names(tree):
    closed = make_round(tree.branch_a1, [""] * 12, closed_on=CLOSED_ON)
    found = messages(closed, "life.appraisal_ungraded")
    assert "等12人" in found[0].message


def test_fully_graded_closed_round_has_no_ungraded_finding(tree):
    closed = make_round(tree.branch_a1, [Grade.QUALIFIED] * 3, closed_on=CLOSED_ON)
    assert not messages(closed, "life.appraisal_ungraded")


@pytest.mark.parametrize(("days_after", "flagged"), [(29, False), (30, False), (31, True)])
def test_unqualified_without_handling_boundary(tree, days_after, flagged):
    closed = make_round(tree.branch_a1, [Grade.QUALIFIED, Grade.UNQUALIFIED], closed_on=CLOSED_ON)
    today = CLOSED_ON + timedelta(days=days_after)
    found = messages(closed, "life.unqualified_without_handling", today=today)
    assert bool(found) is flagged
    if flagged:
        assert found[0].due_on == CLOSED_ON + timedelta(days=30)
        assert "中国共产党章程" in found[0].citation and "第九条" in found[0].citation


def test_a_handling_clears_the_finding(tree):
    closed = make_round(tree.branch_a1, [Grade.UNQUALIFIED], closed_on=CLOSED_ON)
    entry = closed.entries.get()
    UnqualifiedHandling.objects.create(
        entry=entry,
        measure=HandlingMeasure.EDUCATE,
        decided_on=CLOSED_ON,
        decided_by="党支部大会",
        decision="批评教育",
    )
    assert not messages(closed, "life.unqualified_without_handling", today=date(2026, 6, 1))


def test_open_round_with_unqualified_is_not_flagged(tree):
    appraisal = make_round(tree.branch_a1, [Grade.UNQUALIFIED])
    assert not messages(appraisal, "life.unqualified_without_handling", today=date(2027, 1, 1))


def test_days_parameter(tree):
    closed = make_round(tree.branch_a1, [Grade.UNQUALIFIED], closed_on=CLOSED_ON)
    RuleParameter.objects.create(
        rule_id="life.unqualified_without_handling",
        key="days",
        value=60,
        effective_from=date(2020, 1, 1),
    )
    today = CLOSED_ON + timedelta(days=45)
    assert not messages(closed, "life.unqualified_without_handling", today=today)


def test_subject_kind_and_preload_cost(tree):
    kind = SUBJECT_KINDS["appraisal_round"]
    assert kind.url_name == "life:appraisal_detail" and kind.title == "民主评议党员"
    rounds = [
        make_round(tree.branch_a1, [Grade.EXCELLENT, "", Grade.UNQUALIFIED], closed_on=CLOSED_ON),
        make_round(tree.branch_b1, grades(2, 3)),
        make_round(tree.branch_a2a, grades(1, 2), closed_on=CLOSED_ON),
    ]
    ctx = RuleContext(today=date(2026, 6, 1))
    with CaptureQueriesContext(connection) as captured:
        drafts = evaluate("appraisal_round", rounds, ctx)
    # Two preload queries for the whole batch, none per round.
    assert len(captured.captured_queries) == 2
    assert {d.rule.id for d in drafts} == {
        "life.appraisal_excellent_share",
        "life.appraisal_ungraded",
        "life.unqualified_without_handling",
    }
    assert all(d.subject_label.endswith("2025年度民主评议党员") for d in drafts)
