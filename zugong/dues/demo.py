"""Demo dues data: last year's and this year's standards and payments for every member in good standing.

Categories follow the members' 人员类别 (离退休 → retired, 农牧渔民 → farmer, 学生 → student,
个体工商户 → not monthly income, 无固定职业 → unemployed, everyone else salaried with a base of
2,500–15,000 yuan). Most members pay every month; about 15% of branches collect quarterly (with
the branch's agreement recorded); about 3% are 1–5 months in arrears and about 0.5% have not paid
for 6 months or more, so the dues findings have something to show. Everything is bulk inserted.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from zugong.core.bulk import insert_with_history
from zugong.core.models import CodeItem
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.dues import tally
from zugong.dues.models import (
    DuesBranchSetting,
    DuesCategory,
    DuesPayment,
    DuesStandard,
    Reduction,
)
from zugong.dues.rules import compute_standard, last_complete_month, month_index, year_context
from zugong.dues.services import quarter_of
from zugong.members.models import Member, MemberStatus

CHANGE_REASON = "演示数据初始化"
BATCH = 2000
FARMER_AMOUNTS = (Decimal("0.2"), Decimal("0.5"), Decimal("1"))


def category_for(job_code: str | None) -> str:
    code = job_code or ""
    if code.startswith("08"):
        return DuesCategory.RETIRED
    if code.startswith("02"):
        return DuesCategory.FARMER
    if code.startswith("06"):
        return DuesCategory.STUDENT
    if code == "0702":
        return DuesCategory.IRREGULAR
    if code == "0703":
        return DuesCategory.UNEMPLOYED
    return DuesCategory.SALARIED


def _base(rng: random.Random, category: str) -> Decimal | None:
    if category == DuesCategory.SALARIED:
        # Skewed towards the middle brackets, as county salaries are.
        return Decimal(round(rng.triangular(2500, 15000, 4800) / 10) * 10)
    if category == DuesCategory.RETIRED:
        return Decimal(round(rng.triangular(1800, 9000, 4200) / 10) * 10)
    if category == DuesCategory.IRREGULAR:
        return Decimal(round(rng.triangular(1500, 12000, 3500) / 10) * 10)
    return None


def _converter(field: models.Field) -> object:
    """How one column's values go to SQLite's driver, without the ORM's per-cell conversion."""
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    return None


def _rows(objs: list, columns: list[tuple[str, object]], extra: dict) -> list[list]:
    rows = []
    for o in objs:
        values = [extra[a] if a in extra else getattr(o, a) for a, _ in columns]
        for i, (_, conv) in enumerate(columns):
            if conv is not None:
                values[i] = conv(values[i])  # type: ignore[operator]
        rows.append(values)
    return rows


def _insert(model: type[models.Model], objs: list, change_reason: str) -> None:
    """Insert new rows and their "+" history rows fast.

    PostgreSQL: COPY (core.bulk). Elsewhere: executemany with ids assigned here; the ORM's
    bulk_create converts every cell in Python and would take minutes for a county.
    """
    if connection.vendor == "postgresql" or not objs:
        insert_with_history(model, objs, user=None, change_reason=change_reason, batch_size=BATCH)
        return
    qn = connection.ops.quote_name
    fields = list(model._meta.concrete_fields)
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    for i, obj in enumerate(objs):
        obj.pk = start + i
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                f.pre_save(obj, add=True)
    history = model.history.model  # type: ignore[attr-defined]
    own = {f.attname for f in fields}
    hfields = [f for f in history._meta.concrete_fields if not f.primary_key]
    extra = {
        "history_date": timezone.now(),
        "history_type": "+",
        "history_user_id": None,
        "history_change_reason": change_reason,
    }
    main_columns = [(f.attname, _converter(f)) for f in fields]
    history_columns = [(f.attname, _converter(f)) for f in hfields]
    extra = {k: v for k, v in extra.items() if k not in own}
    with connection.cursor() as cursor:
        for table, columns, rows in (
            (model._meta.db_table, fields, _rows(objs, main_columns, {})),
            (history._meta.db_table, hfields, _rows(objs, history_columns, extra)),
        ):
            names = ", ".join(qn(f.column) for f in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)
    for obj in objs:
        obj._state.adding = False


def _paid_on(rng: random.Random, year: int, month: int, today: date) -> date:
    day = date(year, month, rng.randint(3, 25))
    return min(day, today)


@transaction.atomic
def seed_dues(*, today: date, seed: int = 2026) -> int:
    """Standards (last year and this year) and payments for the members in good standing.

    Members that already have a standard for a year are left alone for that year (and get no
    payments unless this run wrote one of their standards). Returns the
    number of records written (standards + payments).
    """
    rng = random.Random(seed)
    jobs = dict(CodeItem.objects.filter(table__code="job_category").values_list("pk", "code"))
    members = list(
        Member.objects.filter(status=MemberStatus.NORMAL)
        .select_related("org")
        .only("id", "org", "org_path", "job_category_id", "joined_on", "member_type", "name")
        .order_by("pk")
    )
    years = (today.year - 1, today.year)
    have = set(DuesStandard.objects.filter(year__in=years).values_list("member_id", "year"))
    contexts = {y: year_context(y) for y in years}
    branch_ids = sorted({m.org_id for m in members})
    quarterly = {b for b in branch_ids if rng.random() < 0.15}
    existing_settings = set(
        DuesBranchSetting.objects.filter(org_id__in=branch_ids).values_list("org_id", flat=True)
    )
    DuesBranchSetting.objects.bulk_create(
        [
            DuesBranchSetting(
                org_id=b,
                quarterly_allowed=True,
                decided_on=date(years[0], 1, 8),
                basis="支部委员会会议决定：党员多在外务工，经党支部同意按季度交纳",
            )
            for b in sorted(quarterly - existing_settings)
        ],
        batch_size=BATCH,
    )
    standards: list[DuesStandard] = []
    by_member: dict[int, dict[int, DuesStandard]] = {}
    for m in members:
        category = category_for(jobs.get(m.job_category_id))
        base = _base(rng, category)
        farmer = rng.choice(FARMER_AMOUNTS) if category == DuesCategory.FARMER else None
        exempt = category in (DuesCategory.FARMER, DuesCategory.UNEMPLOYED) and rng.random() < 0.01
        for year in years:
            if m.joined_on and m.joined_on.year > year:
                continue
            if base is not None and year == today.year:
                base = (base * Decimal("1.03")).quantize(Decimal("1"))  # this year's raise
            computed = compute_standard(
                category=category,
                income_base=base,
                chosen_amount=farmer,
                reduction=Reduction.EXEMPT if exempt else Reduction.NONE,
                ctx=contexts[year],
            )
            s = DuesStandard(
                member_id=m.pk,
                year=year,
                category=category,
                income_base=base or Decimal("0.00"),
                rate=computed.rate,
                standard_amount=computed.standard_amount,
                monthly_amount=computed.monthly_amount,
                reduction=Reduction.EXEMPT if exempt else Reduction.NONE,
                approval_authority="乡镇党委" if exempt else "",
                approval_date=date(year, 1, 15) if exempt else None,
                approval_number=f"党委〔{year}〕{rng.randint(1, 40)}号" if exempt else "",
                starts_month=m.joined_on.month if m.joined_on and m.joined_on.year == year else 1,
                org_id=m.org_id,
                org_path=m.org_path,
            )
            by_member.setdefault(m.pk, {})[year] = s
            if (m.pk, year) not in have:
                standards.append(s)
    _insert(DuesStandard, standards, CHANGE_REASON)

    taken = set(
        DuesPayment.objects.filter(year__in=years, is_voided=False).values_list(
            "member_id", "year", "month"
        )
    )
    last = month_index(*last_complete_month(today))
    now = month_index(today.year, today.month)
    payments: list[DuesPayment] = []
    # Payments only for members whose standards this run wrote: a second run adds nothing.
    fresh = {s.member_id for s in standards}
    for m in members:
        if m.pk not in fresh:
            continue
        own = by_member.get(m.pk, {})
        due = [
            (y, mo)
            for y in years
            if y in own
            for mo in range(1, 13)
            if own[y].is_due(mo) and month_index(y, mo) <= now
        ]
        roll = rng.random()
        skip = 0
        if roll < 0.005:
            skip = rng.randint(6, 9)  # 连续6个月以上未交
        elif roll < 0.035:
            skip = rng.randint(1, 5)
        overdue = [d for d in due if month_index(*d) <= last]
        unpaid = set(overdue[-skip:]) if skip else set()
        is_quarterly = m.org_id in quarterly
        for y, mo in due:
            if (y, mo) in unpaid or (m.pk, y, mo) in taken:
                continue
            if month_index(y, mo) > last and not is_quarterly and rng.random() < 0.5:
                continue  # this month's collection is still under way
            if is_quarterly:
                first = (quarter_of(mo) - 1) * 3 + 1
                paid_on = _paid_on(rng, y, first, today)
            else:
                paid_on = _paid_on(rng, y, mo, today)
            if month_index(y, mo) > month_index(paid_on.year, paid_on.month) and not is_quarterly:
                continue
            s = own[y]
            proxy = rng.random() < 0.04
            payments.append(
                DuesPayment(
                    member_id=m.pk,
                    year=y,
                    month=mo,
                    amount=s.monthly_amount,
                    due_amount=s.monthly_amount,
                    paid_on=paid_on,
                    by_proxy=proxy,
                    proxy_name=rng.choice(("张", "王", "李", "赵")) + "某（家属）" if proxy else "",
                    receipt_number=f"DF{y}{mo:02d}-{m.pk:06d}",
                    org_id=m.org_id,
                    org_path=m.org_path,
                )
            )
    _insert(DuesPayment, payments, CHANGE_REASON)
    tally.rebuild_all()
    ctx = RuleContext(today=today)
    for start in range(0, len(members), BATCH):
        refresh_findings("member_dues", members[start : start + BATCH], ctx)
    return len(standards) + len(payments)
