"""一张表 imports of the dues ledger: payments ("dues_payments") and standards ("dues_standards").

Both are keyed by 公民身份号码 and checked in full before anything is written: a member outside
the uploader's scope, a month already paid, a month past the 补交 limit, an amount ≤ 0 or an
absurd income base stops the whole sheet with a Chinese message on the cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_update_with_history

from zugong.core.bulk import insert_with_history
from zugong.core.ids import id_check_char
from zugong.core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteResult,
    date_value,
    enum,
    id_number_text,
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.core.rules.engine import RuleContext
from zugong.dues import tally
from zugong.dues.models import DuesBranchSetting, DuesCategory, DuesPayment, DuesStandard, Reduction
from zugong.dues.rules import year_context
from zugong.dues.services import (
    FIRST_YEAR,
    PaymentInput,
    StandardInput,
    after_write,
    build_standard,
    month_errors,
    sync_due_amounts,
)
from zugong.members.models import Member

LOOKUP_CHUNK = 900
BATCH = 2000


def _year(value: Any, ctx: ImportContext) -> int:
    raw = fold(cell_text(value)).removesuffix("年")
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= ctx.today.year + 1:
        raise CellError(
            f"“{raw}”不是有效年度，应为{FIRST_YEAR}至{ctx.today.year + 1}之间的四位数字"
        )
    return int(raw)


def _month(value: Any, ctx: ImportContext) -> int:
    raw = fold(cell_text(value)).removesuffix("月")
    if not raw.isdigit() or not 1 <= int(raw) <= 12:
        raise CellError(f"“{raw}”不是有效月份，应为1至12")
    return int(raw)


def money(*, positive: bool) -> Any:
    def parse(value: Any, ctx: ImportContext) -> Decimal:
        raw = fold(cell_text(value)).removesuffix("元").replace(",", "")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"“{raw}”不是金额，应填写数字（元），如 25.50") from None
        if not amount.is_finite():
            raise CellError(f"“{raw}”不是金额")
        if amount != amount.quantize(Decimal("0.01")):
            raise CellError(f"{raw}元最多保留两位小数（分）")
        if positive and amount <= 0:
            raise CellError(f"{raw}元：金额应大于0元")
        if amount < 0:
            raise CellError(f"{raw}元：金额不能为负数")
        if amount >= Decimal("100000000"):
            raise CellError(f"{raw}元：金额过大，请核对")
        return amount

    return parse


ID_COLUMN = Column(
    "id_number",
    "公民身份号码",
    ("身份证号", "身份证号码", "身份证", "证件号码"),
    True,
    id_number_text,
    "18位；须为您管理范围内已登记的党员；请设为文本格式",
    as_text=True,
    width=22,
)
NAME_COLUMN = Column("name", "姓名", ("党员姓名",), True, text(40), "须与党员库中的姓名一致")


def _example_id() -> str:
    first17 = "11010519900307123"
    return first17 + id_check_char(first17)


def _load_members(rows: list[Row], ctx: ImportContext) -> Iterator[RowError]:
    """Find each row's member by 公民身份号码 (in chunks); refuse unknown, duplicate, out of scope."""
    numbers = sorted({r.values["id_number"] for r in rows if r.values.get("id_number")})
    found: dict[str, list[Member]] = defaultdict(list)
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        for m in Member.objects.filter(
            id_number__in=numbers[start : start + LOOKUP_CHUNK]
        ).select_related("org"):
            found[m.id_number].append(m)
    for row in rows:
        number = row.values.get("id_number")
        if not number:
            continue
        members = found.get(number, [])
        in_scope = [m for m in members if ctx.in_scope(m.org_path)]
        if not in_scope:
            yield ctx.error(
                row,
                "id_number",
                "公民身份号码：您的管理范围内没有该号码的党员（未登记，或属于其他党组织）",
            )
        elif len(in_scope) > 1:
            yield ctx.error(
                row, "id_number", "公民身份号码：党员库中有多条该号码的记录，请先核对处理"
            )
        else:
            member = in_scope[0]
            name = row.values.get("name")
            if name and fold(name) != fold(member.name):
                yield ctx.error(
                    row,
                    "name",
                    f"姓名：该公民身份号码登记的党员是“{member.name}”，与所填姓名不一致",
                )
            else:
                row.values["_member"] = member


# --- payments ---------------------------------------------------------------------------------------

PAYMENT_COLUMNS = (
    ID_COLUMN,
    NAME_COLUMN,
    Column(
        "year", "年度", ("所属年度", "交纳年度"), True, _year, "党费所属的年度，如 2026", width=8
    ),
    Column(
        "month",
        "月份",
        ("所属月份", "交纳月份"),
        False,
        _month,
        "党费所属的月份（1—12）；一次交多个月的改填起始月份和截止月份",
        width=8,
    ),
    Column("month_from", "起始月份", (), False, _month, "一次交纳多个月时的第一个月", width=8),
    Column("month_to", "截止月份", (), False, _month, "一次交纳多个月时的最后一个月", width=8),
    Column(
        "amount",
        "金额",
        ("交纳金额", "月交纳金额", "金额（元）"),
        False,
        money(positive=True),
        "每月交纳的金额（元），须大于0；不填按核定的月交纳额",
        width=10,
    ),
    Column("paid_on", "交纳日期", ("交费日期",), True, date_value(), "实际交纳的日期", width=12),
    Column("proxy_name", "代交人", ("代缴人",), False, text(40), "委托他人代交时填写代交人姓名"),
    Column("receipt_number", "收据号", ("收据编号", "票据号"), False, text(40), "", as_text=True),
)


def _payment_months(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    month, first, last = v.get("month"), v.get("month_from"), v.get("month_to")
    if month is not None and (first is not None or last is not None):
        yield ctx.error(row, "month", "月份：填写了月份时不要再填起始月份和截止月份")
    elif month is not None:
        v["_months"] = [month]
    elif first is not None and last is not None:
        if first > last:
            yield ctx.error(row, "month_to", f"截止月份：{last}月早于起始月份{first}月")
        else:
            v["_months"] = list(range(first, last + 1))
    else:
        key = "month" if "month" in ctx.present or "month_from" not in ctx.present else "month_from"
        yield ctx.error(row, key, "月份：请填写月份，或同时填写起始月份和截止月份")


def validate_payment_row(row: Row, ctx: ImportContext) -> list[RowError]:
    return list(_payment_months(row, ctx))


def cross_validate_payments(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    errors = list(_load_members(rows, ctx))
    ready = [r for r in rows if "_member" in r.values and "_months" in r.values]
    member_ids = {r.values["_member"].pk for r in ready}
    years = {r.values["year"] for r in ready}
    standards: dict[tuple[int, int], DuesStandard] = {}
    taken: set[tuple[int, int, int]] = set()
    ids = sorted(member_ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        for s in DuesStandard.objects.filter(member_id__in=chunk, year__in=years):
            standards[(s.member_id, s.year)] = s
        taken.update(
            DuesPayment.objects.filter(
                member_id__in=chunk, year__in=years, is_voided=False
            ).values_list("member_id", "year", "month")
        )
    quarterly = set(
        DuesBranchSetting.objects.filter(quarterly_allowed=True).values_list("org_id", flat=True)
    )
    contexts: dict[date, RuleContext] = {}
    seen: dict[tuple[int, int, int], int] = {}
    for row in ready:
        v = row.values
        member: Member = v["_member"]
        year, paid_on = v["year"], v["paid_on"]
        ctx_rule = contexts.setdefault(paid_on, RuleContext(today=paid_on))
        entry = PaymentInput(member=member, amount=v.get("amount"))
        messages: list[str] = []
        for month in v["_months"]:
            key = (member.pk, year, month)
            if key in taken:
                messages.append(
                    f"月份：{member.name}{year}年{month}月的党费已登记过，不能重复登记；如需更正请在党费台账中修改"
                )
            elif key in seen:
                messages.append(f"月份：{year}年{month}月与第{seen[key]}行重复")
            else:
                seen[key] = row.number
            for message in month_errors(
                entry,
                standards.get((member.pk, year)),
                year,
                month,
                paid_on,
                member.org_id in quarterly,
                ctx_rule,
            ):
                if message not in messages:
                    messages.append(message)
        if v.get("proxy_name") is None:
            v["proxy_name"] = ""
        for message in messages:
            column = "paid_on" if "交纳日期" in message.split("：")[0] else "month"
            if message.startswith("交纳金额"):
                column = "amount"
            elif message.startswith("尚未核定"):
                column = "year"
            errors.append(ctx.error(row, column, message))
        v["_standard"] = standards.get((member.pk, year))
    return errors


def write_payments(rows: list[Row], ctx: ImportContext) -> WriteResult:
    payments: list[DuesPayment] = []
    for row in rows:
        v = row.values
        member: Member = v["_member"]
        standard: DuesStandard = v["_standard"]
        for month in v["_months"]:
            payments.append(
                DuesPayment(
                    member=member,
                    year=v["year"],
                    month=month,
                    amount=v.get("amount") or standard.monthly_amount,
                    due_amount=standard.monthly_amount if standard.covers(month) else Decimal(0),
                    paid_on=v["paid_on"],
                    by_proxy=bool(v.get("proxy_name")),
                    proxy_name=v.get("proxy_name") or "",
                    receipt_number=v.get("receipt_number") or "",
                    recorded_by=ctx.user,  # type: ignore[misc]
                    org=member.org,
                    org_path=member.org_path,
                )
            )
    insert_with_history(
        DuesPayment, payments, user=ctx.user, change_reason="一张表导入", batch_size=BATCH
    )
    after_write(
        {(p.org_path, p.year) for p in payments},
        list({r.values["_member"].pk: r.values["_member"] for r in rows}.values()),
    )
    return WriteResult(created=len(payments))


register_spec(
    ImportSpec(
        name="dues_payments",
        title="党费交纳记录",
        columns=PAYMENT_COLUMNS,
        key_column="id_number",
        validate_row=validate_payment_row,
        cross_validate=cross_validate_payments,
        write=write_payments,
        one_of=(("month", "month_from"),),
        example={
            "id_number": _example_id(),
            "name": "张三",
            "year": "2026",
            "month": "1",
            "amount": "25.00",
            "paid_on": "2026-01-10",
            "receipt_number": "DF2026-0001",
        },
        notes=(
            "每行是一名党员一个月（或起始月份至截止月份的若干个月）的党费，须先核定该年度的交纳标准。",
            "补交党费一般不超过6个月（中组发〔2008〕3号第十二条）；已登记的月份不能重复导入。",
            "只有经党支部同意按季度交纳的，才能在季度内预交以后月份的党费。",
        ),
    )
)


# --- standards --------------------------------------------------------------------------------------

CATEGORY_ALIASES = {
    "在职": DuesCategory.SALARIED,
    "在职党员": DuesCategory.SALARIED,
    "年薪制": DuesCategory.ANNUAL_SALARY,
    "个体经营": DuesCategory.IRREGULAR,
    "个体": DuesCategory.IRREGULAR,
    "不按月取得收入": DuesCategory.IRREGULAR,
    "离休": DuesCategory.RETIRED,
    "退休": DuesCategory.RETIRED,
    "离退休人员": DuesCategory.RETIRED,
    "农民党员": DuesCategory.FARMER,
    "农牧渔民": DuesCategory.FARMER,
    "学生党员": DuesCategory.STUDENT,
    "失业": DuesCategory.UNEMPLOYED,
    "下岗": DuesCategory.UNEMPLOYED,
    "低保": DuesCategory.LOW_INCOME,
    "领取低保": DuesCategory.LOW_INCOME,
    "依靠抚恤或救济": DuesCategory.LOW_INCOME,
}

STANDARD_COLUMNS = (
    ID_COLUMN,
    NAME_COLUMN,
    Column("year", "年度", ("核定年度",), True, _year, "如 2026", width=8),
    Column(
        "category",
        "收入类别",
        ("党员类别", "交纳类别"),
        True,
        enum({c.label: c.value for c in DuesCategory}, CATEGORY_ALIASES),
        "在职、年薪制、个体经营、离退休、农民、学生、下岗失业、低保等",
        choices=[c.label for c in DuesCategory],
        width=24,
    ),
    Column(
        "income_base",
        "月收入基数",
        ("月收入", "工资基数", "计算基数", "月收入基数（元）"),
        False,
        money(positive=False),
        "按比例交纳的类别必填（元，税后）；农民、学生等不填",
        width=12,
    ),
    Column(
        "chosen_amount",
        "农民党员月交纳额",
        ("农民月交纳额",),
        False,
        money(positive=True),
        "农民党员每月0.2元至1元，不填按0.2元",
        width=10,
    ),
    Column(
        "reduction",
        "少交/免交",
        ("少交免交", "减免"),
        False,
        enum({r.label: r.value for r in Reduction}, {"无": Reduction.NONE, "否": Reduction.NONE}),
        "不填为按标准交纳；少交、免交须填批准机关、批准日期和批准文号",
        choices=[r.label for r in Reduction],
        width=10,
    ),
    Column(
        "reduced_amount",
        "少交后月交纳额",
        (),
        False,
        money(positive=True),
        "少交时填写",
        width=10,
    ),
    Column("approval_authority", "批准机关", (), False, text(100), "上一级党委", width=20),
    Column("approval_date", "批准日期", (), False, date_value(), "", width=12),
    Column("approval_number", "批准文号", ("文号",), False, text(60), "", width=18),
    Column(
        "starts_month", "起交月份", (), False, _month, "不填为1月，当年入党的为入党当月", width=8
    ),
    Column("note", "备注", (), False, text(300), "", width=20),
)
STANDARD_FIELDS = (
    "category",
    "income_base",
    "rate",
    "standard_amount",
    "monthly_amount",
    "reduction",
    "approval_authority",
    "approval_date",
    "approval_number",
    "starts_month",
    "note",
    "updated_at",
)


def cross_validate_standards(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    errors = list(_load_members(rows, ctx))
    ready = [r for r in rows if "_member" in r.values]
    existing: dict[tuple[int, int], DuesStandard] = {}
    ids = sorted({r.values["_member"].pk for r in ready})
    years = {r.values["year"] for r in ready}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for s in DuesStandard.objects.filter(
            member_id__in=ids[start : start + LOOKUP_CHUNK], year__in=years
        ):
            existing[(s.member_id, s.year)] = s
    contexts = {year: year_context(year) for year in years}
    seen: dict[tuple[int, int], int] = {}
    for row in ready:
        v = row.values
        member: Member = v["_member"]
        key = (member.pk, v["year"])
        if key in seen:
            errors.append(
                ctx.error(row, "id_number", f"公民身份号码：与第{seen[key]}行是同一党员同一年度")
            )
            continue
        seen[key] = row.number
        data = StandardInput(
            category=v["category"],
            income_base=v.get("income_base"),
            chosen_amount=v.get("chosen_amount"),
            reduction=v.get("reduction") or Reduction.NONE,
            reduced_amount=v.get("reduced_amount"),
            approval_authority=v.get("approval_authority") or "",
            approval_date=v.get("approval_date"),
            approval_number=v.get("approval_number") or "",
            starts_month=v.get("starts_month"),
            note=v.get("note") or "",
        )
        old = existing.get(key)
        try:
            v["_standard"] = build_standard(
                member, v["year"], data, contexts[v["year"]], ctx.today, old
            )
            v["_new"] = old is None
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                column = field if field in {c.key for c in STANDARD_COLUMNS} else "category"
                for message in messages:
                    errors.append(ctx.error(row, column, message))
    return errors


def write_standards(rows: list[Row], ctx: ImportContext) -> WriteResult:
    new = [r.values["_standard"] for r in rows if r.values["_new"]]
    changed = [r.values["_standard"] for r in rows if not r.values["_new"]]
    insert_with_history(
        DuesStandard, new, user=ctx.user, change_reason="一张表导入", batch_size=BATCH
    )
    if changed:
        bulk_update_with_history(
            changed,
            DuesStandard,
            list(STANDARD_FIELDS),
            batch_size=BATCH,
            default_user=ctx.user,
            default_change_reason="一张表导入",
        )
        sync_due_amounts(changed)
    tally.refresh({(s.org_path, s.year) for s in [*new, *changed]})
    members = [r.values["_member"] for r in rows]
    after_write([], members)
    return WriteResult(created=len(new), updated=len(changed))


register_spec(
    ImportSpec(
        name="dues_standards",
        title="党费交纳标准",
        columns=STANDARD_COLUMNS,
        key_column="id_number",
        validate_row=None,
        cross_validate=cross_validate_standards,
        write=write_standards,
        example={
            "id_number": _example_id(),
            "name": "张三",
            "year": "2026",
            "category": DuesCategory.SALARIED.label,
            "income_base": "4500",
        },
        notes=(
            "按公民身份号码识别党员；同一党员同一年度已有标准的更新，没有的新增。",
            "交纳比例和月交纳额按中组发〔2008〕3号第二条至第六条自动计算。",
            "少交、免交须经党支部研究、报上一级党委批准（第七条），须填写批准机关、日期和文号。",
        ),
    )
)
