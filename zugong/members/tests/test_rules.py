"""Data-quality findings on members at their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.members.models import Member

pytestmark = pytest.mark.django_db


def rule_ids(member: Member, today: date = date(2026, 11, 21)) -> set[str]:
    member = Member.objects.select_related("org").get(pk=member.pk)
    return {d.rule.id for d in evaluate("member", [member], RuleContext(today=today))}


def test_clean_member_has_no_findings(tree):
    assert rule_ids(make_member(tree.branch_a1)) == set()


@pytest.mark.parametrize(
    ("joined", "flagged"),
    [(date(1998, 4, 30), True), (date(1998, 5, 1), False), (date(1998, 5, 2), False)],
)
def test_joined_before_18th_birthday(tree, joined, flagged):
    m = make_member(
        tree.branch_a1,
        birth=date(1980, 5, 1),
        joined_on=joined,
        confirmed_on=None,
        member_type="full",
    )
    assert ("member.joined_under_18" in rule_ids(m)) is flagged


@pytest.mark.parametrize(
    ("today", "flagged"),
    [(date(2026, 3, 14), False), (date(2026, 3, 15), False), (date(2026, 3, 16), True)],
)
def test_probationary_more_than_a_year(tree, today, flagged):
    m = make_member(
        tree.branch_a1, member_type="probationary", joined_on=date(2025, 3, 15), confirmed_on=None
    )
    assert ("member.probation_overdue" in rule_ids(m, today)) is flagged


def test_bad_checksum_and_birth_date_mismatch_are_found(tree):
    m = make_member(tree.branch_a1)
    bad = m.id_number[:-1] + ("0" if m.id_number[-1] != "0" else "1")
    Member.objects.filter(pk=m.pk).update(id_number=bad)
    assert "member.id_invalid" in rule_ids(m)

    other = make_member(tree.branch_a1, "李四")
    Member.objects.filter(pk=other.pk).update(birth_date=date(1981, 1, 1))
    findings = [
        d
        for d in evaluate("member", [Member.objects.get(pk=other.pk)], RuleContext())
        if d.rule.id == "member.id_invalid"
    ]
    assert findings and "不一致" in findings[0].message
    assert "GB 11643" in findings[0].citation


def test_duplicate_id_is_a_finding_on_both_records(tree):
    first = make_member(tree.branch_a1, "王五")
    second = make_member(tree.branch_b1, "王五")
    Member.objects.filter(pk=second.pk).update(id_number=first.id_number)
    assert "member.duplicate_id" in rule_ids(first)
    assert "member.duplicate_id" in rule_ids(second)


def test_findings_are_refreshed_when_a_member_is_saved(tree):
    m = make_member(
        tree.branch_a1, member_type="probationary", joined_on=date(2020, 1, 1), confirmed_on=None
    )
    stored = Finding.objects.filter(subject_type="member", subject_id=m.pk)
    assert stored.filter(rule_id="member.probation_overdue").exists()
    assert stored.get(rule_id="member.probation_overdue").citation.startswith("《中国共产党章程》")
