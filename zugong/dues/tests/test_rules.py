"""The dues rules at their boundaries: brackets, fixed amounts, 补交 limit, 6 months unpaid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zugong.conftest import make_member
from zugong.core.models import Finding, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.dues.models import DuesCategory, Reduction
from zugong.dues.rules import back_pay_error, compute_standard, unpaid_run, year_context
from zugong.dues.services import PaymentInput, StandardInput, record_payments, set_standard

pytestmark = pytest.mark.django_db

D = Decimal


def amount(category: str, base: str, **kw: object) -> tuple[Decimal, Decimal]:
    c = compute_standard(
        category=category, income_base=D(base), ctx=RuleContext(date(2026, 1, 1)), **kw
    )
    return c.rate, c.monthly_amount


@pytest.mark.parametrize(
    ("base", "rate", "monthly"),
    [
        ("2999.99", "0.005", "15.00"),
        ("3000.00", "0.005", "15.00"),
        ("3000.01", "0.01", "30.00"),
        ("4999.99", "0.01", "50.00"),
        ("5000", "0.01", "50.00"),
        ("5000.01", "0.015", "75.00"),
        ("10000", "0.015", "150.00"),
        ("10000.01", "0.02", "200.00"),
        ("100", "0.005", "0.50"),
        ("3333", "0.01", "33.33"),
        ("4567.50", "0.01", "45.68"),  # 45.675 → 45.68, half up
    ],
)
def test_salaried_brackets_apply_to_the_whole_base(base, rate, monthly):
    assert amount(DuesCategory.SALARIED, base) == (D(rate), D(monthly))


@pytest.mark.parametrize("category", [DuesCategory.ANNUAL_SALARY, DuesCategory.IRREGULAR])
def test_annual_salary_and_irregular_income_use_article_2(category):
    assert amount(category, "3000.01") == (D("0.01"), D("30.00"))


@pytest.mark.parametrize(
    ("base", "rate", "monthly"),
    [("4999.99", "0.005", "25.00"), ("5000", "0.005", "25.00"), ("5000.01", "0.01", "50.00")],
)
def test_retired_brackets(base, rate, monthly):
    assert amount(DuesCategory.RETIRED, base) == (D(rate), D(monthly))


def test_farmers_pay_within_the_range_and_default_to_its_lower_end():
    assert amount(DuesCategory.FARMER, "0")[1] == D("0.20")
    assert amount(DuesCategory.FARMER, "0", chosen_amount=D("1"))[1] == D("1.00")
    for bad in ("0.19", "1.01"):
        with pytest.raises(ValidationError) as exc:
            amount(DuesCategory.FARMER, "0", chosen_amount=D(bad))
        assert "0.2元至1元之间（第六条）" in exc.value.message_dict["chosen_amount"][0]


@pytest.mark.parametrize(
    "category", [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.LOW_INCOME]
)
def test_students_unemployed_and_low_income_pay_twenty_fen(category):
    assert amount(category, "0") == (D("0"), D("0.20"))


def test_income_categories_need_a_positive_base_below_the_ceiling():
    with pytest.raises(ValidationError) as exc:
        amount(DuesCategory.SALARIED, "0")
    assert "须填写大于0的金额" in exc.value.message_dict["income_base"][0]
    assert amount(DuesCategory.SALARIED, "999999.99")[1] == D("20000.00")
    with pytest.raises(ValidationError) as exc:
        amount(DuesCategory.SALARIED, "1000000")
    assert "超过合理上限" in exc.value.message_dict["income_base"][0]


def test_reduced_and_exempt():
    assert amount(
        DuesCategory.SALARIED, "4000", reduction=Reduction.REDUCED, reduced_amount=D("10")
    )[1] == D("10.00")
    assert amount(DuesCategory.SALARIED, "4000", reduction=Reduction.EXEMPT)[1] == D("0.00")
    with pytest.raises(ValidationError) as exc:
        amount(DuesCategory.SALARIED, "4000", reduction=Reduction.REDUCED, reduced_amount=D("40"))
    assert "应少于按规定计算的40.00元" in exc.value.message_dict["reduced_amount"][0]


def test_rate_overrides_take_effect_by_date():
    RuleParameter.objects.create(
        rule_id="dues.rates_salaried",
        key="brackets",
        value=[["3000", "0.004"], [None, "0.02"]],
        effective_from=date(2027, 1, 1),
    )
    RuleParameter.objects.create(
        rule_id="dues.farmer_amount", key="default", value="0.5", effective_from=date(2027, 1, 1)
    )

    def compute(year: int, category: str, base: str) -> Decimal:
        return compute_standard(
            category=category, income_base=D(base), ctx=year_context(year)
        ).monthly_amount

    assert compute(2026, DuesCategory.SALARIED, "3000") == D("15.00")
    assert compute(2027, DuesCategory.SALARIED, "3000") == D("12.00")
    assert compute(2026, DuesCategory.FARMER, "0") == D("0.20")
    assert compute(2027, DuesCategory.FARMER, "0") == D("0.50")


@pytest.mark.parametrize(
    ("paid_on", "refused"),
    [(date(2026, 7, 31), False), (date(2026, 8, 1), True), (date(2026, 6, 30), False)],
)
def test_back_pay_is_limited_to_six_months(paid_on, refused):
    """Paying for January: up to July is within 6 months, August is the 7th."""
    message = back_pay_error(2026, 1, paid_on, RuleContext(paid_on))
    assert bool(message) is refused
    if message:
        assert "补交党费的时间一般不超过6个月" in message and "第十二条" in message


def test_back_pay_limit_is_a_parameter():
    RuleParameter.objects.create(
        rule_id="dues.back_pay_limit",
        key="back_pay_months",
        value=3,
        effective_from=date(2026, 1, 1),
    )
    assert back_pay_error(2026, 1, date(2026, 5, 1), RuleContext(date(2026, 5, 1)))
    assert not back_pay_error(2026, 1, date(2026, 4, 1), RuleContext(date(2026, 4, 1)))


# --- findings ---------------------------------------------------------------------------------------


def _setup(tree, joined: date = date(2005, 7, 1)):
    member = make_member(tree.branch_a1, "欠费者", joined_on=joined)
    for year in (2025, 2026):
        set_standard(
            actor=None,
            member=member,
            year=year,
            data=StandardInput(category=DuesCategory.SALARIED, income_base=D("4000")),
            today=date(2026, 1, 5),
        )
    return member


def _pay(member, year: int, months: list[int]) -> None:
    for month in months:
        paid_on = date(year, month, 20)
        record_payments(
            actor=None,
            org=member.org,
            year=year,
            months=[month],
            paid_on=paid_on,
            entries=[PaymentInput(member=member)],
            today=paid_on,
        )


def _findings(member, today: date) -> dict[str, str]:
    refresh_findings("member_dues", [member], RuleContext(today))
    return dict(
        Finding.objects.filter(subject_type="member_dues", subject_id=member.pk).values_list(
            "rule_id", "message"
        )
    )


@pytest.mark.parametrize(("unpaid", "flagged"), [(5, False), (6, True), (7, True)])
def test_unpaid_six_months_boundary(tree, unpaid, flagged):
    member = _setup(tree)
    # 2025 paid up to a month, then unpaid to 2026-03 (the last complete month on 2026-04-10).
    paid_until = 12 - unpaid + 3  # months of 2025 paid; 2026 Jan–Mar unpaid as well
    _pay(member, 2025, list(range(1, paid_until + 1)))
    found = _findings(member, date(2026, 4, 10))  # last complete month: 2026-03
    assert ("dues.unpaid_six_months" in found) is flagged
    if flagged:
        assert f"已连续{unpaid}个月未交纳党费" in found["dues.unpaid_six_months"]
        assert "2026年3月" in found["dues.unpaid_six_months"]
        finding = Finding.objects.get(rule_id="dues.unpaid_six_months")
        assert "第十三条" in finding.citation and "章程》第九条" in finding.citation


def test_exempt_months_are_not_due(tree):
    member = _setup(tree)
    set_standard(
        actor=None,
        member=member,
        year=2026,
        data=StandardInput(
            category=DuesCategory.SALARIED,
            income_base=D("4000"),
            reduction=Reduction.EXEMPT,
            approval_authority="城关镇党委",
            approval_date=date(2026, 1, 3),
            approval_number="城党〔2026〕1号",
        ),
        today=date(2026, 1, 5),
    )
    _pay(member, 2025, list(range(1, 9)))
    # 2025-09..12 unpaid (4 months), 2026 exempt: not six.
    assert "dues.unpaid_six_months" not in _findings(member, date(2026, 7, 1))


def test_unpaid_run_skips_months_before_joining():
    from zugong.dues.models import DuesStandard

    s = DuesStandard(year=2026, starts_month=3, monthly_amount=D("10"))
    assert unpaid_run({2026: s}, set(), (2026, 8)) == [(2026, m) for m in range(3, 9)]


def test_standard_missing(tree):
    member = make_member(tree.branch_a1, "无标准")
    assert "dues.standard_missing" in _findings(member, date(2026, 3, 1))
    set_standard(
        actor=None,
        member=member,
        year=2026,
        data=StandardInput(category=DuesCategory.STUDENT),
        today=date(2026, 3, 1),
    )
    assert "dues.standard_missing" not in _findings(member, date(2026, 3, 1))
