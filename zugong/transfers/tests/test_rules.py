"""Findings at their boundaries: receipt overdue, letter expired, 6 months lost, 2 years suspended."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext, evaluate
from zugong.members.models import Member, MemberStatus
from zugong.transfers import services as S
from zugong.transfers.models import LostStatus, Transfer
from zugong.transfers.tests.test_services import incoming, out_transfer

pytestmark = pytest.mark.django_db


def findings(kind: str, subject, on: date) -> list:
    return evaluate(kind, [subject], RuleContext(on))


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 6, 12), 0), (date(2026, 6, 13), 1), (date(2026, 6, 14), 1)],
)
def test_receipt_overdue_after_validity(tree, users, on, expected):
    t = out_transfer(tree, users)
    t = S.issue_letter(
        actor=None,
        transfer=t,
        issuer=tree.town_a,
        issued_on=date(2026, 3, 12),
        dues_paid_to=t.applied_on,
    )
    assert t.letter_valid_until == date(2026, 6, 12)
    got = findings("transfer", Transfer.objects.get(pk=t.pk), on)
    assert len(got) == expected
    if got:
        assert got[0].rule.id == "transfers.receipt_overdue"
        assert "组通字〔2006〕45号" in got[0].citation and "回执" in got[0].message


def test_receipt_overdue_is_stored_on_issue(tree, users):
    t = out_transfer(tree, users)
    S.issue_letter(
        actor=None,
        transfer=t,
        issuer=tree.town_a,
        issued_on=date(2026, 3, 12),
        dues_paid_to=t.applied_on,
    )
    # Today (the real date) is past 2026-06-12: the stored finding is there.
    assert Finding.objects.filter(rule_id="transfers.receipt_overdue", subject_id=t.pk).exists()


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 6, 1), 0), (date(2026, 6, 2), 1)],
)
def test_incoming_letter_expired(tree, on, expected):
    t = incoming(tree, to_org=tree.branch_b1)
    got = findings("transfer", t, on)
    assert [f.rule.id for f in got] == ["transfers.letter_expired"] * expected


def lost(tree, since=date(2024, 1, 31)):
    member = make_member(tree.branch_a1)
    return S.report_lost(
        actor=None,
        member=member,
        lost_since=since,
        reported_on=date(2024, 3, 1),
        search_note="电话、走访家属均未联系上",
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    # 6 months from 31 January end on 31 July: the day before, on, after.
    [(date(2024, 7, 30), 0), (date(2024, 7, 31), 1), (date(2024, 8, 1), 1)],
)
def test_lost_six_months_suggests_suspension(tree, on, expected):
    record = lost(tree)
    got = findings("member_lost", Member.objects.get(pk=record.member_id), on)
    assert len(got) == expected
    if got:
        assert "第二十四条" in got[0].citation and "停止其党籍" in got[0].message


@pytest.mark.parametrize(
    ("on", "ok"), [(date(2024, 7, 30), False), (date(2024, 7, 31), True), (date(2024, 8, 1), True)]
)
def test_suspension_refused_before_six_months(tree, on, ok):
    record = lost(tree)
    if not ok:
        with pytest.raises(ValidationError, match="须满6个月"):
            S.suspend_lost_member(actor=None, record=record, on=on, decision="城关镇党委决定")
        assert Member.objects.get(pk=record.member_id).status == MemberStatus.NORMAL
        return
    record = S.suspend_lost_member(actor=None, record=record, on=on, decision="城关镇党委决定")
    assert record.status == LostStatus.SUSPENDED
    assert Member.objects.get(pk=record.member_id).status == MemberStatus.SUSPENDED


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 7, 30), 0), (date(2026, 7, 31), 1), (date(2026, 8, 1), 1)],
)
def test_suspended_two_years_suggests_removal(tree, on, expected):
    record = lost(tree)
    S.suspend_lost_member(actor=None, record=record, on=date(2024, 7, 31), decision="党委决定")
    got = findings("member_lost", Member.objects.get(pk=record.member_id), on)
    assert [f.rule.id for f in got] == ["transfers.suspended_two_years"] * expected
    if got:
        assert "除名" in got[0].message and "第二十四条" in got[0].citation


def test_removal_closes_the_lost_record_and_restore_reopens_membership(tree, users):
    record = lost(tree)
    S.suspend_lost_member(actor=None, record=record, on=date(2024, 8, 1), decision="党委决定")
    member = Member.objects.get(pk=record.member_id)
    case = S.apply_quit(
        actor=None,
        member=member,
        kind="removed",
        decision_on=date(2026, 8, 5),
        decision_note="停止党籍满2年仍无法联系，支部大会决定除名",
        reason="按自行脱党除名",
        applied_on=date(2026, 8, 6),
        lost_contact=record,
    )
    S.approve(actor=None, case=case)
    S.approve(actor=None, case=case)
    record.refresh_from_db()
    member.refresh_from_db()
    assert record.status == LostStatus.REMOVED and member.status == MemberStatus.LEFT
    other = lost(tree)
    S.suspend_lost_member(actor=None, record=other, on=date(2024, 8, 1), decision="党委决定")
    S.restore_contact(actor=None, record=other, on=date(2025, 1, 1), note="本人返乡报到")
    assert Member.objects.get(pk=other.member_id).status == MemberStatus.NORMAL
