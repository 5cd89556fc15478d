"""Dues writes: standards (single, bulk, copied), payments, corrections, voids, transfers, tally."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zugong.accounts.models import Role
from zugong.conftest import make_member
from zugong.dues import tally
from zugong.dues.models import DuesCategory, DuesPayment, DuesStandard, DuesTally, Reduction
from zugong.dues.services import (
    BulkRow,
    PaymentInput,
    StandardInput,
    bulk_set_standards,
    copy_last_year,
    record_payments,
    set_branch_setting,
    set_standard,
    sync_member_standards,
    update_payment,
    void_payment,
)
from zugong.members.models import MemberStatus, MemberType
from zugong.members.services import change_member_status, update_member

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 5, 20)
SALARY = StandardInput(category=DuesCategory.SALARIED, income_base=D("4000"))


def standard(member, year: int = 2026, data: StandardInput = SALARY, **kw):
    return set_standard(actor=None, member=member, year=year, data=data, today=TODAY, **kw)


def pay(member, months, paid_on=TODAY, year=2026, **kw):
    return record_payments(
        actor=None,
        org=member.org,
        year=year,
        months=months,
        paid_on=paid_on,
        entries=[PaymentInput(member=member, **kw)],
        today=TODAY,
    )


def assert_tally_true() -> None:
    def key(rows):
        return sorted(
            (
                t.org_path,
                t.year,
                t.month,
                t.due_count,
                t.due_amount,
                t.paid_count,
                t.paid_amount,
                t.covered_amount,
            )
            for t in rows
        )

    assert key(DuesTally.objects.all()) == key(tally.compute_all())


def errors(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- standards ---------------------------------------------------------------------------------------


def test_set_standard_computes_and_keeps_history(tree, users):
    member = make_member(tree.branch_a1, "王五")
    s = set_standard(
        actor=users[Role.BRANCH_ADMIN], member=member, year=2026, data=SALARY, today=TODAY
    )
    assert (s.rate, s.monthly_amount, s.starts_month, s.org_path) == (
        D("0.01"),
        D("40.00"),
        1,
        tree.branch_a1.path,
    )
    s = standard(member, data=StandardInput(category=DuesCategory.SALARIED, income_base=D("6000")))
    assert s.monthly_amount == D("90.00")
    records = list(s.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[0].history_user == users[Role.BRANCH_ADMIN]
    assert_tally_true()


def test_probationary_members_pay_from_the_branch_meeting_month(tree):
    member = make_member(
        tree.branch_a1,
        "预备",
        member_type=MemberType.PROBATIONARY,
        joined_on=date(2026, 3, 15),
        confirmed_on=None,
    )
    assert standard(member).starts_month == 3
    with pytest.raises(ValidationError) as exc:
        standard(member, data=StandardInput(category=DuesCategory.STUDENT, starts_month=2))
    assert "应从3月起交纳" in errors(exc) and "第八条" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        pay(member, [2], paid_on=date(2026, 3, 20))
    assert "早于接收为预备党员的月份" in errors(exc)
    assert pay(member, [3], paid_on=date(2026, 3, 20))[0].amount == D("40.00")
    with pytest.raises(ValidationError) as exc:
        standard(member, year=2025)
    assert "2025年无需交纳党费" in errors(exc)


def test_reduction_needs_the_approval(tree):
    member = make_member(tree.branch_a1, "困难")
    with pytest.raises(ValidationError) as exc:
        standard(
            member,
            data=StandardInput(
                category=DuesCategory.SALARIED, income_base=D("4000"), reduction=Reduction.EXEMPT
            ),
        )
    message = errors(exc)
    assert "批准机关" in message and "批准日期" in message and "批准文号" in message
    assert "第七条" in message
    s = standard(
        member,
        data=StandardInput(
            category=DuesCategory.SALARIED,
            income_base=D("4000"),
            reduction=Reduction.REDUCED,
            reduced_amount=D("5"),
            approval_authority="城关镇党委",
            approval_date=date(2026, 1, 10),
            approval_number="城党〔2026〕3号",
        ),
    )
    assert (s.standard_amount, s.monthly_amount) == (D("40.00"), D("5.00"))


def test_bulk_and_copy_last_year(tree):
    a, b, c = (make_member(tree.branch_a1, n) for n in ("甲", "乙", "丙"))
    other = make_member(tree.branch_b1, "外")
    with pytest.raises(ValidationError) as exc:
        bulk_set_standards(
            actor=None,
            org=tree.branch_a1,
            year=2025,
            rows=[BulkRow(a, DuesCategory.SALARIED, D("0")), BulkRow(other, DuesCategory.STUDENT)],
            today=TODAY,
        )
    assert "甲：月收入基数" in errors(exc) and "外：不是“城关镇东村党支部”的党员" in errors(exc)
    assert not DuesStandard.objects.exists()
    count = bulk_set_standards(
        actor=None,
        org=tree.branch_a1,
        year=2025,
        rows=[
            BulkRow(a, DuesCategory.SALARIED, D("12000")),
            BulkRow(b, DuesCategory.FARMER, chosen_amount=D("0.5")),
            BulkRow(c, DuesCategory.RETIRED, D("5000")),
        ],
        today=TODAY,
    )
    assert count == 3
    assert copy_last_year(actor=None, org=tree.branch_a1, year=2026, today=TODAY) == 3
    got = dict(DuesStandard.objects.filter(year=2026).values_list("member__name", "monthly_amount"))
    assert got == {"甲": D("240.00"), "乙": D("0.50"), "丙": D("25.00")}
    assert copy_last_year(actor=None, org=tree.branch_a1, year=2026, today=TODAY) == 0
    assert_tally_true()


# --- payments -----------------------------------------------------------------------------------------


def test_record_payment_defaults_to_the_standard_and_refuses_duplicates(tree, users):
    member = make_member(tree.branch_a1)
    standard(member)
    (p,) = pay(member, [5])
    assert (p.amount, p.due_amount, p.org_path) == (D("40.00"), D("40.00"), tree.branch_a1.path)
    with pytest.raises(ValidationError) as exc:
        pay(member, [5])
    assert "已登记过2026年5月的党费" in errors(exc)
    assert DuesPayment.objects.count() == 1
    assert_tally_true()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"amount": D("0")}, "交纳金额：应大于0元"),
        ({"amount": D("-1")}, "交纳金额：应大于0元"),
        ({"by_proxy": True}, "代交人：选择代交时须填写代交人姓名"),
    ],
)
def test_bad_payments_say_why(tree, kw, message):
    member = make_member(tree.branch_a1)
    standard(member)
    with pytest.raises(ValidationError) as exc:
        pay(member, [5], **kw)
    assert message in errors(exc)


def test_payment_needs_a_standard_and_may_not_be_future(tree):
    member = make_member(tree.branch_a1)
    with pytest.raises(ValidationError) as exc:
        pay(member, [5])
    assert "尚未核定2026年度党费交纳标准" in errors(exc)
    standard(member)
    with pytest.raises(ValidationError) as exc:
        pay(member, [5], paid_on=date(2026, 5, 21))
    assert "交纳日期：不能晚于今天" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        pay(member, [6])
    assert "晚于交纳日期所在月份" in errors(exc)


@pytest.mark.parametrize(("month", "ok"), [(10, False), (11, True)])
def test_back_pay_limit_in_the_service(tree, month, ok):
    member = make_member(tree.branch_a1)
    standard(member, year=2025)
    if ok:
        assert pay(member, [month], year=2025, paid_on=date(2026, 5, 20))
    else:
        with pytest.raises(ValidationError) as exc:
            pay(member, [month], year=2025, paid_on=date(2026, 5, 20))
        assert "补交党费的时间一般不超过6个月" in errors(exc)


def test_quarterly_payment_needs_the_branch_agreement(tree):
    member = make_member(tree.branch_a1)
    standard(member)
    with pytest.raises(ValidationError) as exc:
        pay(member, [4, 5, 6], paid_on=date(2026, 4, 10))
    assert "本支部未同意按季度交纳" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        set_branch_setting(
            actor=None, org=tree.branch_a1, quarterly_allowed=True, decided_on=None, basis=""
        )
    assert "支部同意日期" in errors(exc)
    set_branch_setting(
        actor=None,
        org=tree.branch_a1,
        quarterly_allowed=True,
        decided_on=date(2026, 1, 5),
        basis="支委会决定",
        today=TODAY,
    )
    assert len(pay(member, [4, 5, 6], paid_on=date(2026, 4, 10))) == 3
    with pytest.raises(ValidationError) as exc:
        pay(member, [6, 7], paid_on=date(2026, 5, 10))
    assert "须在同一季度内" in errors(exc)
    assert_tally_true()


def test_exempt_member_may_pay_voluntarily_only_with_an_amount(tree):
    member = make_member(tree.branch_a1)
    standard(
        member,
        data=StandardInput(
            category=DuesCategory.STUDENT,
            reduction=Reduction.EXEMPT,
            approval_authority="党委",
            approval_date=date(2026, 1, 2),
            approval_number="1号",
        ),
    )
    with pytest.raises(ValidationError) as exc:
        pay(member, [5])
    assert "经批准免交" in errors(exc)
    (p,) = pay(member, [5], amount=D("1"))
    assert p.due_amount == D("0.00")
    assert_tally_true()


def test_correct_and_void_keep_history_and_reopen_the_month(tree, users):
    member = make_member(tree.branch_a1)
    standard(member)
    (p,) = pay(member, [5])
    admin = users[Role.BRANCH_ADMIN]
    update_payment(
        actor=admin,
        payment=p,
        amount=D("45"),
        paid_on=date(2026, 5, 19),
        by_proxy=True,
        proxy_name="家属",
        receipt_number="R1",
        note="",
        today=TODAY,
    )
    p.refresh_from_db()
    assert (p.amount, p.proxy_name) == (D("45.00"), "家属")
    with pytest.raises(ValidationError) as exc:
        void_payment(actor=admin, payment=p, reason=" ")
    assert "作废原因" in errors(exc)
    void_payment(actor=admin, payment=p, reason="重复登记")
    assert [h.history_type for h in p.history.order_by("history_date")] == ["+", "~", "~"]
    assert pay(member, [5])[0].pk != p.pk
    assert DuesPayment.objects.filter(is_voided=True).count() == 1
    assert_tally_true()


def test_changing_the_standard_rewrites_the_due_amounts(tree):
    member = make_member(tree.branch_a1)
    standard(member)
    (p,) = pay(member, [5])
    standard(member, data=StandardInput(category=DuesCategory.SALARIED, income_base=D("6000")))
    p.refresh_from_db()
    assert p.due_amount == D("90.00") and p.amount == D("40.00")
    assert_tally_true()


# --- transfers and status changes ---------------------------------------------------------------------


def test_transfer_moves_this_years_standard_and_leaves_payments(tree):
    today = date.today()
    member = make_member(tree.branch_a1)
    set_standard(actor=None, member=member, year=today.year, data=SALARY)
    (p,) = record_payments(
        actor=None,
        org=tree.branch_a1,
        year=today.year,
        months=[today.month],
        paid_on=today,
        entries=[PaymentInput(member=member)],
    )
    member.org = tree.branch_b1
    update_member(actor=None, member=member)
    s = DuesStandard.objects.get(member=member)
    assert (s.org_id, s.org_path) == (tree.branch_b1.pk, tree.branch_b1.path)
    p.refresh_from_db()
    assert p.org_path == tree.branch_a1.path
    assert "随转" in s.history.first().history_change_reason
    assert_tally_true()


def test_leaving_ends_the_standard_and_returning_reopens_it(tree):
    today = date.today()
    member = make_member(tree.branch_a1)
    set_standard(actor=None, member=member, year=today.year, data=SALARY)
    change_member_status(
        actor=None, member=member, to_status=MemberStatus.TRANSFERRED_OUT, on=today, reason="转出"
    )
    s = DuesStandard.objects.get(member=member)
    assert s.ends_month == today.month
    member.refresh_from_db()
    change_member_status(
        actor=None, member=member, to_status=MemberStatus.NORMAL, on=today, reason="转回"
    )
    s.refresh_from_db()
    assert s.ends_month is None
    assert_tally_true()


def test_sync_without_changes_writes_nothing(tree, django_assert_max_num_queries):
    member = make_member(tree.branch_a1)
    set_standard(actor=None, member=member, year=date.today().year, data=SALARY)
    with django_assert_max_num_queries(1):
        sync_member_standards(member)


def test_writes_out_of_scope_are_refused(tree, users):
    member = make_member(tree.branch_b1)
    with pytest.raises(PermissionError):
        set_standard(
            actor=users[Role.BRANCH_ADMIN], member=member, year=2026, data=SALARY, today=TODAY
        )
