"""党费 rules: the rates as dated rule parameters, the 补交 limit, and the findings on members.

Every number here is a rule parameter with the national default of 中组发〔2008〕3号; an
administrator overrides it with a dated RuleParameter row (e.g. a province's farmer amount).
Amounts are computed in Decimal and rounded to 0.01 yuan, half up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict, rule
from zugong.core.rules.registry import SubjectKind, register_subject_kind
from zugong.dues.models import (
    FIXED_CATEGORIES,
    INCOME_CATEGORIES,
    DuesCategory,
    DuesPayment,
    DuesStandard,
    Reduction,
)
from zugong.members.models import Member, MemberStatus

DUES_RULES = "关于中国共产党党费收缴、使用和管理的规定（中组发〔2008〕3号）"
ART_1 = Citation(DUES_RULES, "第一条：按月工资收入中相对固定的、经常性的工资收入（税后）计算")
ART_2 = Citation(
    DUES_RULES,
    "第二条：每月工资收入3000元以下（含）交纳0.5%，3000元以上至5000元（含）交纳1%，"
    "5000元以上至10000元（含）交纳1.5%，10000元以上交纳2%",
)
ART_5 = Citation(DUES_RULES, "第五条：离退休干部、职工，5000元以下（含）交纳0.5%，5000元以上交纳1%")
ART_6 = Citation(
    DUES_RULES,
    "第六条：农民党员每月交纳0.2元至1元；学生、下岗失业、依靠抚恤或救济生活、领取低保的党员每月交纳0.2元",
)
ART_7 = Citation(
    DUES_RULES, "第七条：交纳党费确有困难的，经党支部研究，报上一级党委批准，可以少交或免交"
)
ART_8 = Citation(DUES_RULES, "第八条：预备党员从支部大会通过其为预备党员之日起交纳党费")
ART_12 = Citation(
    DUES_RULES,
    "第十二条：党员应当增强党员意识，主动按月交纳党费；"
    "特殊情况下，经党支部同意，可以每季度交纳一次；补交党费的时间一般不超过6个月",
)
ART_13 = Citation(
    DUES_RULES,
    "第十三条；《中国共产党章程》第九条：没有正当理由，连续六个月不交纳党费的，就被认为是自行脱党",
)

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"rule parameter {value!r} is not a number") from None


def _no_findings(subject: Any, ctx: RuleContext) -> Iterable[Verdict]:
    return ()


# --- rates and limits: rules whose parameters are the data, with no finding of their own --------


def _data_rule(**kwargs: Any) -> Rule:
    return rule(subject_type="member_dues", **kwargs)(_no_findings)


SALARIED_RATES = _data_rule(
    id="dues.rates_salaried",
    title="在职党员交纳比例（第二条，第三条、第四条同）",
    citation=ART_2,
    # Upper bound (inclusive, None = no bound) → rate; applied to the whole base, not marginal.
    params={"brackets": [["3000", "0.005"], ["5000", "0.01"], ["10000", "0.015"], [None, "0.02"]]},
)
RETIRED_RATES = _data_rule(
    id="dues.rates_retired",
    title="离退休党员交纳比例（第五条）",
    citation=ART_5,
    params={"brackets": [["5000", "0.005"], [None, "0.01"]]},
)
FARMER_AMOUNT = _data_rule(
    id="dues.farmer_amount",
    title="农民党员每月交纳额（第六条）",
    citation=ART_6,
    # 具体标准由省级党委确定: the range is national, the default is the lower end.
    params={"min": "0.2", "max": "1", "default": "0.2"},
)
FIXED_AMOUNT = _data_rule(
    id="dues.fixed_amount",
    title="学生、下岗失业、低保等党员每月交纳额（第六条）",
    citation=ART_6,
    params={"amount": "0.2"},
)
BASE_CEILING = _data_rule(
    id="dues.base_ceiling",
    title="月收入基数的合理上限",
    citation=ART_1,
    status="unconfirmed",
    # Not a regulation: a base above this is a typing slip (extra zeros, yuan for fen).
    params={"max_monthly_base": "1000000"},
)
BACK_PAY = _data_rule(
    id="dues.back_pay_limit",
    title="补交党费一般不超过6个月（第十二条）",
    citation=ART_12,
    severity="block",
    params={"back_pay_months": 6},
)


@dataclass(frozen=True)
class Computed:
    rate: Decimal
    standard_amount: Decimal
    monthly_amount: Decimal


def bracket_rate(brackets: Sequence[Sequence[Any]], base: Decimal) -> Decimal:
    """The rate of the first bracket whose inclusive upper bound is ≥ base."""
    for bound, rate_value in brackets:
        if bound is None or base <= _dec(bound):
            return _dec(rate_value)
    return _dec(brackets[-1][1])


def year_context(year: int) -> RuleContext:
    """Standards are set at the start of the year (每年初核定): the parameters in force on 1 January."""
    return RuleContext(today=date(year, 1, 1))


def compute_standard(
    *,
    category: str,
    income_base: Decimal | None,
    chosen_amount: Decimal | None = None,
    reduction: str = Reduction.NONE,
    reduced_amount: Decimal | None = None,
    ctx: RuleContext,
) -> Computed:
    """The rate and amounts of one standard, or a ValidationError naming the field and the article."""
    errors: dict[str, str] = {}
    base = income_base if income_base is not None else Decimal(0)
    rate = Decimal(0)
    standard = Decimal(0)
    ceiling = _dec(ctx.param(BASE_CEILING, "max_monthly_base"))
    if base < 0:
        errors["income_base"] = "月收入基数：不能为负数。"
    elif base >= ceiling:
        errors["income_base"] = (
            f"月收入基数：{base}元超过合理上限（每月{ceiling:,.0f}元），"
            "请核对是否多填了位数或把年收入填成了月收入。"
        )
    if category in INCOME_CATEGORIES:
        if "income_base" not in errors and base <= 0:
            errors["income_base"] = (
                "月收入基数：该收入类别按收入的比例交纳（第一条至第五条），须填写大于0的金额；"
                "确无收入的请改选相应类别或按第七条办理免交。"
            )
        brackets = ctx.param(
            RETIRED_RATES if category == DuesCategory.RETIRED else SALARIED_RATES, "brackets"
        )
        rate = bracket_rate(brackets, base)
        standard = money(base * rate)
    elif category == DuesCategory.FARMER:
        low, high = _dec(ctx.param(FARMER_AMOUNT, "min")), _dec(ctx.param(FARMER_AMOUNT, "max"))
        amount = (
            chosen_amount
            if chosen_amount is not None
            else _dec(ctx.param(FARMER_AMOUNT, "default"))
        )
        if not low <= amount <= high:
            errors["chosen_amount"] = (
                f"农民党员月交纳额：应在{low}元至{high}元之间（第六条），所填为{amount}元。"
            )
        standard = money(amount)
    elif category in FIXED_CATEGORIES:
        standard = money(_dec(ctx.param(FIXED_AMOUNT, "amount")))
    else:
        errors["category"] = "收入类别：请选择一项。"
    monthly = standard
    if reduction == Reduction.EXEMPT:
        monthly = Decimal("0.00")
    elif reduction == Reduction.REDUCED:
        if reduced_amount is None or reduced_amount <= 0:
            errors["reduced_amount"] = "少交后的月交纳额：少交须填写大于0的金额；不交的请选“免交”。"
        elif reduced_amount >= standard and standard > 0:
            errors["reduced_amount"] = (
                f"少交后的月交纳额：应少于按规定计算的{standard}元，否则不是少交。"
            )
        else:
            monthly = money(reduced_amount)
    if errors:
        raise ValidationError(errors)
    return Computed(rate=rate, standard_amount=standard, monthly_amount=monthly)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def back_pay_error(year: int, month: int, paid_on: date, ctx: RuleContext) -> str | None:
    """Refuses a month paid for more than `back_pay_months` months before the payment (第十二条)."""
    limit = int(ctx.param(BACK_PAY, "back_pay_months"))
    late = month_index(paid_on.year, paid_on.month) - month_index(year, month)
    if late > limit:
        return (
            f"所属月份：{year}年{month}月距交纳日期{paid_on:%Y年%m月%d日}已超过{limit}个月，"
            f"补交党费的时间一般不超过{limit}个月（{ART_12}）。"
        )
    return None


# --- findings on members in good standing ------------------------------------------------------


def _preload(ctx: RuleContext, members: Sequence[Member]) -> None:
    """This year's and the two previous years' standards and payments of the batch: two queries."""
    ids = [m.pk for m in members]
    first_year = ctx.today.year - 2
    standards: dict[int, dict[int, DuesStandard]] = defaultdict(dict)
    for s in DuesStandard.objects.filter(member_id__in=ids, year__gte=first_year).only(
        "member_id", "year", "starts_month", "ends_month", "monthly_amount"
    ):
        standards[s.member_id][s.year] = s
    paid: dict[int, set[int]] = defaultdict(set)
    for member_id, year, month in DuesPayment.objects.filter(
        member_id__in=ids, year__gte=first_year, is_voided=False
    ).values_list("member_id", "year", "month"):
        paid[member_id].add(month_index(year, month))
    ctx.data["dues_standards"] = standards
    ctx.data["dues_paid"] = paid


register_subject_kind(
    SubjectKind(
        name="member_dues",
        label=lambda m: m.name,
        org_path=lambda m: m.org_path,
        preload=_preload,
        queryset=lambda: Member.objects.filter(status=MemberStatus.NORMAL),
        url_name="dues:member_ledger",
        title="党员党费",
    )
)


def unpaid_run(
    standards: dict[int, DuesStandard], paid: set[int], last: tuple[int, int], limit: int = 24
) -> list[tuple[int, int]]:
    """The due months left unpaid, walking back from `last` (year, month) to the last paid one.

    A month with nothing due (exempt, before 起交月份, after 止交月份, or no standard set) neither
    counts nor breaks the run: it is not a month the member failed to pay.
    """
    year, month = last
    run: list[tuple[int, int]] = []
    for _ in range(limit):
        standard = standards.get(year)
        if standard is not None and standard.is_due(month):
            if month_index(year, month) in paid:
                break
            run.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    run.reverse()
    return run


def last_complete_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def months_label(months: Sequence[tuple[int, int]]) -> str:
    return "、".join(f"{y}年{m}月" for y, m in months)


@rule(
    id="dues.unpaid_six_months",
    title="连续6个月未交纳党费",
    subject_type="member_dues",
    citation=ART_13,
    params={"months": 6},
)
def unpaid_six_months(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if member.status != MemberStatus.NORMAL:
        return
    threshold = int(ctx.param(unpaid_six_months, "months"))
    run = unpaid_run(
        ctx.data["dues_standards"].get(member.pk, {}),
        ctx.data["dues_paid"].get(member.pk, set()),
        last_complete_month(ctx.today),
    )
    if len(run) >= threshold:
        yield Verdict(
            f"已连续{len(run)}个月未交纳党费（{months_label(run)}）；"
            f"无正当理由连续{threshold}个月不交纳党费的，按自行脱党处理，请党支部核实情况"
        )


@rule(
    id="dues.standard_missing",
    title="未核定本年度党费交纳标准",
    subject_type="member_dues",
    citation=Citation(
        DUES_RULES, "第二条至第六条：党员按规定的标准按月交纳党费；每年初核定当年的月交纳数额"
    ),
)
def standard_missing(member: Member, ctx: RuleContext) -> Iterable[Verdict]:
    if member.status != MemberStatus.NORMAL:
        return
    year = ctx.today.year
    if year not in ctx.data["dues_standards"].get(member.pk, {}):
        yield Verdict(f"尚未核定{year}年度党费交纳标准", due_on=date(year, 1, 31))
