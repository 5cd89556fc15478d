"""The transfer flows end to end: chains, returns, withdrawals, letters, receipts, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from zugong.accounts.models import Role
from zugong.conftest import code, make_member, valid_id
from zugong.core.models import RuleParameter
from zugong.dues.models import DuesCategory
from zugong.dues.services import PaymentInput, StandardInput, record_payments, set_standard
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import OrgRollup
from zugong.orgs.services import dissolve_org
from zugong.transfers import selectors
from zugong.transfers import services as S
from zugong.transfers.models import Action, CaseStatus, FlowRecord, Level, Transfer

pytestmark = pytest.mark.django_db

D = Decimal
ON = date(2026, 3, 10)


def total(org) -> int:
    return OrgRollup.objects.get(org=org).members_total


def within(tree, users, member=None, **kw):
    member = member or make_member(tree.branch_a1)
    return S.apply_transfer_within(
        actor=users[Role.BRANCH_ADMIN],
        member=member,
        to_org=kw.pop("to_org", tree.branch_b1),
        reason="工作调动",
        applied_on=ON,
        **kw,
    )


def run_chain(t, users):
    for role in (Role.BRANCH_ADMIN, Role.COMMITTEE_ADMIN, Role.DEPARTMENT_ADMIN):
        t = S.approve(actor=users[role], case=t, remark="同意")
    return t


def test_within_county_full_chain_moves_member_and_rollups_on_receipt(tree, users):
    t = within(tree, users)
    member = t.member
    assert [t.current_level] == [Level.BRANCH] and t.chain == [1, 2, 3]
    t = run_chain(t, users)
    assert t.status == CaseStatus.APPROVED
    t = S.issue_letter(
        actor=users[Role.COMMITTEE_ADMIN],
        transfer=t,
        issuer=tree.town_a,
        issued_on=date(2026, 3, 12),
        dues_paid_to=date(2026, 3, 1),
    )
    assert t.letter_number == "2026-001" and t.letter_valid_until == date(2026, 6, 12)
    # The issuing branch keeps the member until the receiving side has received them.
    assert Member.objects.get(pk=member.pk).org == tree.branch_a1
    t = S.receive_within(actor=None, transfer=t, received_on=date(2026, 3, 20))
    m = Member.objects.get(pk=member.pk)
    assert t.status == CaseStatus.COMPLETED and m.org == tree.branch_b1
    assert (total(tree.branch_a1), total(tree.branch_b1), total(tree.county)) == (0, 1, 1)
    actions = list(t.actions.values_list("action", "operator__role", "level"))
    assert actions[0] == (Action.APPLY, Role.BRANCH_ADMIN, None)
    assert actions[1:4] == [
        (Action.APPROVE, Role.BRANCH_ADMIN, 1),
        (Action.APPROVE, Role.COMMITTEE_ADMIN, 2),
        (Action.APPROVE, Role.DEPARTMENT_ADMIN, 3),
    ]
    assert actions[-1][0] == Action.ACCEPT


def test_receiving_side_needs_its_own_scope(tree, users):
    t = run_chain(within(tree, users), users)
    t = S.issue_letter(actor=None, transfer=t, issuer=tree.town_a, issued_on=ON, dues_paid_to=ON)
    # A town-A committee admin does not manage the receiving branch in town B.
    with pytest.raises(PermissionError):
        S.receive_within(actor=users[Role.COMMITTEE_ADMIN], transfer=t, received_on=ON)


def test_chain_levels_are_parameters(tree, users):
    RuleParameter.objects.create(
        rule_id="transfers.chain_within", key="department", value=False, effective_from=ON
    )
    t = within(tree, users)
    assert t.chain == [1, 2]
    t = S.approve(actor=users[Role.BRANCH_ADMIN], case=t)
    t = S.approve(actor=users[Role.COMMITTEE_ADMIN], case=t)
    assert t.status == CaseStatus.APPROVED


def test_only_the_current_level_approves(tree, users):
    t = within(tree, users)
    with pytest.raises(PermissionError):
        S.approve(actor=users[Role.COMMITTEE_ADMIN], case=t)


def test_higher_level_returns_to_an_earlier_step_with_a_reason(tree, users):
    t = within(tree, users)
    t = S.approve(actor=users[Role.BRANCH_ADMIN], case=t)
    t = S.approve(actor=users[Role.COMMITTEE_ADMIN], case=t)
    with pytest.raises(ValidationError, match="退回原因"):
        S.return_case(actor=users[Role.DEPARTMENT_ADMIN], case=t, to_step=0, reason=" ")
    with pytest.raises(PermissionError):
        S.return_case(actor=users[Role.BRANCH_ADMIN], case=t, to_step=0, reason="材料不全")
    t = S.return_case(actor=users[Role.DEPARTMENT_ADMIN], case=t, to_step=0, reason="材料不全")
    assert (t.status, t.current_level) == (CaseStatus.PENDING, Level.BRANCH)
    log = t.actions.last()
    assert (log.action, log.level, log.remark) == (Action.RETURN, 3, "退回至党支部：材料不全")
    t = S.return_case(actor=users[Role.BRANCH_ADMIN], case=t, to_step=None, reason="请补充")
    assert t.status == CaseStatus.RETURNED
    t = S.resubmit(actor=users[Role.BRANCH_ADMIN], case=t)
    assert (t.status, t.step) == (CaseStatus.PENDING, 0)


def test_withdraw_only_before_the_first_review(tree, users):
    t = within(tree, users)
    t2 = within(tree, users, member=make_member(tree.branch_a1, "李四"))
    t = S.withdraw(actor=users[Role.BRANCH_ADMIN], case=t, reason="不再调动")
    assert t.status == CaseStatus.WITHDRAWN
    t2 = S.approve(actor=users[Role.BRANCH_ADMIN], case=t2)
    with pytest.raises(ValidationError, match="不能撤回"):
        S.withdraw(actor=users[Role.BRANCH_ADMIN], case=t2)


def test_a_second_open_transfer_is_refused_and_nothing_is_written(tree, users):
    t = within(tree, users)
    with pytest.raises(ValidationError, match="第二十五条") as e:
        within(tree, users, member=t.member, to_org=tree.branch_a2a)
    assert "已有一件未办结" in e.value.message_dict["member"][0]
    assert Transfer.objects.count() == 1


def test_transfer_to_a_dissolved_branch_is_refused(tree, users):
    dissolve_org(actor=None, org=tree.branch_b1, on=date(2026, 1, 5), reason="合并")
    with pytest.raises(ValidationError) as e:
        within(tree, users)
    assert "已撤销" in e.value.message_dict["to_org"][0]
    assert "第二十五条" in e.value.message_dict["to_org"][0]


def test_out_of_county_dues_arrears_block_with_the_amount(tree, users):
    member = make_member(tree.branch_a1)
    set_standard(
        actor=None,
        member=member,
        year=2026,
        data=StandardInput(category=DuesCategory.SALARIED, income_base=D("4000")),
        today=date(2026, 1, 5),
    )
    apply = dict(to_org_name="某市某区委组织部", reason="随迁", applied_on=ON)
    with pytest.raises(ValidationError) as e:
        S.apply_transfer_out(actor=users[Role.BRANCH_ADMIN], member=member, **apply)
    msg = e.value.message_dict["member"][0]
    assert "尚欠党费80.00元" in msg and "2026年1月、2026年2月" in msg and "第十二条" in msg
    assert not Transfer.objects.exists()
    for month in (1, 2):
        record_payments(
            actor=None,
            org=member.org,
            year=2026,
            months=[month],
            paid_on=date(2026, 3, 1),
            entries=[PaymentInput(member=member)],
            today=date(2026, 3, 1),
        )
    t = S.apply_transfer_out(actor=users[Role.BRANCH_ADMIN], member=member, **apply)
    assert t.chain == [1, 2]


def out_transfer(tree, users, member=None):
    member = member or make_member(tree.branch_a1)
    t = S.apply_transfer_out(
        actor=None, member=member, to_org_name="邻市某党委", reason="定居", applied_on=ON
    )
    t = S.approve(actor=None, case=t)
    return S.approve(actor=None, case=t)


def test_out_of_county_member_stays_until_receipt(tree, users):
    t = out_transfer(tree, users)
    t = S.issue_letter(
        actor=None,
        transfer=t,
        issuer=tree.town_a,
        issued_on=date(2026, 3, 12),
        dues_paid_to=date(2026, 3, 1),
    )
    member = Member.objects.get(pk=t.member_id)
    assert member.status == MemberStatus.NORMAL and total(tree.branch_a1) == 1
    with pytest.raises(ValidationError, match="不能早于报到"):
        S.record_receipt(
            actor=None,
            transfer=t,
            receipt_on=date(2026, 3, 14),
            received_on=date(2026, 3, 15),
            receipt_org_name="邻市某党委",
        )
    t = S.record_receipt(
        actor=users[Role.COMMITTEE_ADMIN],
        transfer=t,
        receipt_on=date(2026, 4, 2),
        received_on=date(2026, 3, 20),
        receipt_org_name="邻市某党委",
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.TRANSFERRED_OUT and member.org == tree.branch_a1
    assert total(tree.branch_a1) == 0 and t.status == CaseStatus.COMPLETED


def test_letter_numbers_validity_and_dates(tree, users):
    t1 = out_transfer(tree, users)
    t2 = out_transfer(tree, users, make_member(tree.branch_a1, "李四"))
    S.issue_letter(
        actor=None, transfer=t1, issuer=tree.town_a, issued_on=ON, dues_paid_to=ON, number="A-7"
    )
    with pytest.raises(ValidationError) as e:
        S.issue_letter(
            actor=None, transfer=t2, issuer=tree.town_a, issued_on=ON, dues_paid_to=ON, number="A-7"
        )
    assert "已被城关镇党委使用" in e.value.message_dict["letter_number"][0]
    # Validity: at most 3 months — on the limit accepted, a day after refused.
    with pytest.raises(ValidationError, match="最长3个月"):
        S.issue_letter(
            actor=None,
            transfer=t2,
            issuer=tree.town_a,
            issued_on=ON,
            dues_paid_to=ON,
            valid_until=date(2026, 6, 11),
        )
    with pytest.raises(ValidationError, match="不能早于申请日期"):
        S.issue_letter(
            actor=None, transfer=t2, issuer=tree.town_a, issued_on=date(2026, 3, 9), dues_paid_to=ON
        )
    with pytest.raises(ValidationError, match="党费交至"):
        S.issue_letter(
            actor=None, transfer=t2, issuer=tree.town_a, issued_on=ON, dues_paid_to=date(2026, 4, 1)
        )
    with pytest.raises(ValidationError, match="开具介绍信的党组织"):
        S.issue_letter(
            actor=None, transfer=t2, issuer=tree.branch_a1, issued_on=ON, dues_paid_to=ON
        )
    t2 = S.issue_letter(
        actor=None,
        transfer=t2,
        issuer=tree.town_a,
        issued_on=ON,
        dues_paid_to=ON,
        valid_until=date(2026, 6, 10),
    )
    assert t2.letter_number == "2026-001"
    assert t2.status == CaseStatus.AWAITING_RECEIPT


def incoming(tree, number="转字001号", to_org=None):
    return S.register_transfer_in(
        actor=None,
        person=S.IncomingPerson(
            name="王五",
            gender=code("gender", "1"),
            id_number=valid_id(date(1990, 1, 1)),
            birth_date=date(1990, 1, 1),
            member_type="full",
            joined_on=date(2015, 7, 1),
            confirmed_on=date(2016, 7, 1),
        ),
        from_org_name="邻县县委组织部",
        letter_number=number,
        issued_on=date(2026, 3, 1),
        valid_until=date(2026, 6, 1),
        dues_paid_to=date(2026, 2, 1),
        to_org=to_org,
        registered_on=date(2026, 3, 5),
    )


def test_transfer_in_register_assign_accept(tree, users):
    t = incoming(tree)
    with pytest.raises(ValidationError, match="已登记过"):
        incoming(tree)
    with pytest.raises(ValidationError, match="请先分配党支部"):
        S.accept_transfer_in(actor=None, transfer=t, received_on=ON, receipt_on=ON)
    t = S.assign_branch(actor=None, transfer=t, to_org=tree.branch_b1)
    t = S.accept_transfer_in(
        actor=None, transfer=t, received_on=date(2026, 6, 1), receipt_on=date(2026, 6, 2)
    )
    assert t.status == CaseStatus.COMPLETED and t.member.org == tree.branch_b1
    assert total(tree.branch_b1) == 1


def test_transfer_in_after_validity_is_refused(tree):
    t = incoming(tree, to_org=tree.branch_b1)
    with pytest.raises(ValidationError, match="晚于介绍信有效期"):
        S.accept_transfer_in(
            actor=None, transfer=t, received_on=date(2026, 6, 2), receipt_on=date(2026, 6, 2)
        )
    assert not Member.objects.exists()


def test_transfer_in_dates_out_of_order(tree):
    with pytest.raises(ValidationError) as e:
        S.register_transfer_in(
            actor=None,
            person=S.IncomingPerson(
                "王五", None, valid_id(date(1990, 1, 1)), date(1990, 1, 1), "full", None
            ),
            from_org_name="邻县县委组织部",
            letter_number="1",
            issued_on=date(2026, 3, 1),
            valid_until=date(2026, 2, 1),
            dues_paid_to=date(2026, 4, 1),
            to_org=tree.branch_b1,
            registered_on=date(2026, 2, 1),
        )
    assert set(e.value.message_dict) == {"valid_until", "registered_on", "dues_paid_to"}


def test_flow_six_months_settled_must_transfer(tree):
    member = make_member(tree.branch_a1)
    kw = dict(
        member=member,
        destination="浙江省杭州市",
        destination_org_name="",
        reason="务工",
        started_on=date(2026, 1, 10),
        settled=True,
    )
    with pytest.raises(ValidationError, match="应当转移组织关系"):
        S.register_outflow(actor=None, expected_until=date(2026, 7, 10), **kw)
    r = S.register_outflow(actor=None, expected_until=date(2026, 7, 9), card_number="L1", **kw)
    with pytest.raises(ValidationError, match="尚未返回"):
        S.register_outflow(actor=None, expected_until=date(2026, 2, 1), **kw)
    with pytest.raises(ValidationError, match="不能早于"):
        S.end_flow(actor=None, record=r, ended_on=date(2026, 1, 9))
    S.end_flow(actor=None, record=r, ended_on=date(2026, 5, 1))
    assert FlowRecord.objects.get().ended_on == date(2026, 5, 1)


def test_inflow_needs_activity_card(tree):
    kw = dict(
        actor=None,
        host_org=tree.branch_b1,
        person_name="赵六",
        person_id_number=valid_id(date(1985, 1, 1)),
        origin="安徽省某县",
        origin_org_name="某村党支部",
        reason="经商",
        started_on=date(2026, 2, 1),
        expected_until=date(2026, 5, 1),
        settled=False,
    )
    with pytest.raises(ValidationError, match="活动证"):
        S.register_inflow(card_number="", **kw)
    assert S.register_inflow(card_number="AH-1", **kw).org_path == tree.branch_b1.path


def test_quit_case_chain_ends_membership(tree, users):
    member = make_member(tree.branch_a1)
    case = S.apply_quit(
        actor=users[Role.BRANCH_ADMIN],
        member=member,
        kind="persuaded",
        decision_on=date(2026, 3, 1),
        decision_note="支部大会讨论决定劝退",
        reason="经教育仍无转变",
        applied_on=ON,
    )
    case = S.approve(actor=users[Role.BRANCH_ADMIN], case=case)
    case = S.approve(actor=users[Role.COMMITTEE_ADMIN], case=case)
    member.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and member.status == MemberStatus.LEFT
    assert total(tree.branch_a1) == 0


def test_selectors_scope_both_ends(tree, users):
    t = within(tree, users)
    assert selectors.get_transfer(users[Role.BRANCH_ADMIN], t.pk) == t
    other = make_member(tree.branch_b1, "孙七")
    t_b = S.apply_transfer_within(
        actor=None, member=other, to_org=tree.branch_a2a, reason="调动", applied_on=ON
    )
    with pytest.raises(Http404):
        selectors.get_transfer(users[Role.BRANCH_ADMIN], t_b.pk)
    # Town A's committee sees the transfer coming into its branch A2A.
    assert selectors.get_transfer(users[Role.COMMITTEE_ADMIN], t_b.pk) == t_b
    assert len(selectors.transfer_actions(users[Role.BRANCH_ADMIN], t)) == 1
