"""Every write of the dues ledger: standards, payments, corrections, the branch setting.

Each write is one transaction; afterwards the tally of the touched branch-years is recomputed
(zugong.dues.tally) and the members' dues findings are refreshed. Bad input raises a
ValidationError whose messages name the field (and the member) and the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.bulk import insert_with_history
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
from zugong.dues.rules import (
    ART_7,
    ART_8,
    ART_12,
    back_pay_error,
    compute_standard,
    month_index,
    year_context,
)
from zugong.members.models import Member, MemberStatus
from zugong.orgs.models import Organization, OrgKind

FIRST_YEAR = 2008  # 中组发〔2008〕3号 took effect in 2008


def _require_scope(actor: User | None, path: str) -> None:
    if actor is not None and not actor.scope.contains(path):
        raise PermissionError("不在本账号的管理范围内")


def _check_year(year: int, today: date) -> None:
    if not FIRST_YEAR <= year <= today.year + 1:
        raise ValidationError({"year": f"年度：应在{FIRST_YEAR}年至{today.year + 1}年之间。"})


def _check_branch(org: Organization) -> None:
    if org.kind != OrgKind.BRANCH:
        raise ValidationError(f"党费由党支部收缴，“{org.name}”是{org.get_kind_display()}。")


def after_write(pairs: Iterable[tuple[str, int]], members: Sequence[Member]) -> None:
    """Tally and findings follow every write."""
    tally.refresh(pairs)
    if members:
        refresh_findings("member_dues", list({m.pk: m for m in members}.values()))


# --- standards ---------------------------------------------------------------------------------


def default_starts_month(member: Member, year: int) -> int:
    """January, or the month the member was admitted when that falls in the year (第八条)."""
    if member.joined_on and member.joined_on.year == year:
        return member.joined_on.month
    return 1


@dataclass
class StandardInput:
    """What a person decides about one member's standard; the rest is computed."""

    category: str
    income_base: Decimal | None = None
    chosen_amount: Decimal | None = None  # farmers: 0.2–1 元 (第六条)
    reduction: str = Reduction.NONE
    reduced_amount: Decimal | None = None
    approval_authority: str = ""
    approval_date: date | None = None
    approval_number: str = ""
    starts_month: int | None = None
    note: str = ""


def build_standard(
    member: Member,
    year: int,
    data: StandardInput,
    ctx: RuleContext,
    today: date,
    existing: DuesStandard | None = None,
) -> DuesStandard:
    """The standard as it would be saved, or a ValidationError (fields keyed as in StandardInput)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if member.status != MemberStatus.NORMAL and existing is None:
        add("category", f"党籍状态为“{member.get_status_display()}”的党员不再核定党费标准。")
    if member.joined_on and member.joined_on.year > year:
        add("year", f"年度：该党员{member.joined_on:%Y年%m月%d日}入党，{year}年无需交纳党费。")
    try:
        computed = compute_standard(
            category=data.category,
            income_base=data.income_base,
            chosen_amount=data.chosen_amount,
            reduction=data.reduction,
            reduced_amount=data.reduced_amount,
            ctx=ctx,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)
        computed = None
    if data.reduction in (Reduction.REDUCED, Reduction.EXEMPT):
        label = Reduction(data.reduction).label
        for field, name in (
            ("approval_authority", "批准机关"),
            ("approval_date", "批准日期"),
            ("approval_number", "批准文号"),
        ):
            if not getattr(data, field):
                add(
                    field,
                    f"{name}：{label}须经党支部研究、报上一级党委批准，请填写{name}（{ART_7}）。",
                )
        if data.approval_date and data.approval_date > today:
            add("approval_date", "批准日期：不能晚于今天。")
    earliest = default_starts_month(member, year)
    starts = data.starts_month or (existing.starts_month if existing else earliest)
    if not 1 <= starts <= 12:
        add("starts_month", "起交月份：应为1至12。")
    elif starts < earliest:
        add(
            "starts_month",
            f"起交月份：该党员于{member.joined_on:%Y年%m月%d日}经支部大会接收为预备党员，"
            f"应从{earliest}月起交纳（{ART_8}）。",
        )
    if errors:
        raise ValidationError(errors)
    assert computed is not None
    standard = existing or DuesStandard(member=member, year=year)
    standard.category = data.category
    standard.income_base = data.income_base if data.income_base is not None else Decimal("0.00")
    if data.category not in (
        DuesCategory.SALARIED,
        DuesCategory.ANNUAL_SALARY,
        DuesCategory.IRREGULAR,
        DuesCategory.RETIRED,
    ):
        # The fixed amounts of 第六条 do not depend on income: no base is kept.
        standard.income_base = Decimal("0.00")
    standard.rate = computed.rate
    standard.standard_amount = computed.standard_amount
    standard.monthly_amount = computed.monthly_amount
    standard.reduction = data.reduction
    reduced = data.reduction != Reduction.NONE
    standard.approval_authority = data.approval_authority.strip() if reduced else ""
    standard.approval_date = data.approval_date if reduced else None
    standard.approval_number = data.approval_number.strip() if reduced else ""
    standard.starts_month = starts
    standard.note = data.note.strip()
    if existing is None:
        standard.org = member.org
        standard.org_path = member.org_path
    return standard


def sync_due_amounts(standards: Sequence[DuesStandard]) -> None:
    """Payments keep the month's due amount: rewrite it when a standard changes (derived data)."""
    for s in standards:
        payments = DuesPayment.objects.filter(member_id=s.member_id, year=s.year)
        payments.update(due_amount=Decimal("0.00"))
        payments.filter(month__gte=s.starts_month, month__lte=s.ends_month or 12).update(
            due_amount=s.monthly_amount
        )


@transaction.atomic
def set_standard(
    *,
    actor: User | None,
    member: Member,
    year: int,
    data: StandardInput,
    today: date | None = None,
) -> DuesStandard:
    """Create or change one member's standard for a year (history keeps every version)."""
    today = today or timezone.localdate()
    _require_scope(actor, member.org_path)
    _check_year(year, today)
    existing = DuesStandard.objects.select_for_update().filter(member=member, year=year).first()
    standard = build_standard(member, year, data, year_context(year), today, existing)
    standard._change_reason = "修改党费标准" if existing else "核定党费标准"  # type: ignore[attr-defined]
    standard._history_user = actor  # type: ignore[attr-defined]
    standard.save()
    sync_due_amounts([standard])
    after_write([(standard.org_path, year)], [member])
    return standard


@dataclass
class BulkRow:
    member: Member
    category: str
    income_base: Decimal | None = None
    chosen_amount: Decimal | None = None


@transaction.atomic
def bulk_set_standards(
    *,
    actor: User | None,
    org: Organization,
    year: int,
    rows: Sequence[BulkRow],
    today: date | None = None,
) -> int:
    """核定 a whole branch at once; one bad row stops all (every error is reported).

    An existing standard keeps its 少交/免交 approval and its months; only category and base change.
    """
    today = today or timezone.localdate()
    _require_scope(actor, org.path)
    _check_branch(org)
    _check_year(year, today)
    ctx = year_context(year)
    existing = {
        s.member_id: s
        for s in DuesStandard.objects.select_for_update().filter(
            year=year, member_id__in=[r.member.pk for r in rows]
        )
    }
    errors: list[str] = []
    built: list[tuple[DuesStandard, bool]] = []
    for row in rows:
        if row.member.org_id != org.pk:
            errors.append(f"{row.member.name}：不是“{org.name}”的党员。")
            continue
        old = existing.get(row.member.pk)
        data = StandardInput(
            category=row.category,
            income_base=row.income_base,
            chosen_amount=row.chosen_amount,
            reduction=old.reduction if old else Reduction.NONE,
            reduced_amount=old.monthly_amount
            if old and old.reduction == Reduction.REDUCED
            else None,
            approval_authority=old.approval_authority if old else "",
            approval_date=old.approval_date if old else None,
            approval_number=old.approval_number if old else "",
            note=old.note if old else "",
        )
        try:
            built.append((build_standard(row.member, year, data, ctx, today, old), old is None))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.extend(f"{row.member.name}：{m}" for m in messages)
    if errors:
        raise ValidationError(errors)
    new = [s for s, is_new in built if is_new]
    changed = [s for s, is_new in built if not is_new]
    insert_with_history(DuesStandard, new, user=actor, change_reason="批量核定党费标准")
    for s in changed:
        s._change_reason = "批量核定党费标准"  # type: ignore[attr-defined]
        s._history_user = actor  # type: ignore[attr-defined]
        s.save()
    sync_due_amounts(changed)
    after_write(
        {(s.org_path, year) for s, _ in built} | {(org.path, year)}, [r.member for r in rows]
    )
    return len(built)


@transaction.atomic
def copy_last_year(
    *, actor: User | None, org: Organization, year: int, today: date | None = None
) -> int:
    """Carry last year's category and base over for members of the branch without a standard.

    Rates are recomputed with this year's parameters; 少交/免交 approvals are not carried over
    (an approval is for a case, and must be renewed by the 上一级党委).
    """
    today = today or timezone.localdate()
    _require_scope(actor, org.path)
    _check_branch(org)
    _check_year(year, today)
    members = list(Member.objects.filter(org=org, status=MemberStatus.NORMAL).select_related("org"))
    have = set(
        DuesStandard.objects.filter(year=year, member__in=members).values_list(
            "member_id", flat=True
        )
    )
    last = {
        s.member_id: s
        for s in DuesStandard.objects.filter(year=year - 1, member__in=members)
        if s.member_id not in have
    }
    ctx = year_context(year)
    created: list[DuesStandard] = []
    errors: list[str] = []
    for member in members:
        old = last.get(member.pk)
        if old is None:
            continue
        data = StandardInput(
            category=old.category,
            income_base=old.income_base,
            chosen_amount=old.standard_amount if old.category == DuesCategory.FARMER else None,
            note=old.note,
        )
        try:
            created.append(build_standard(member, year, data, ctx, today))
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.extend(f"{member.name}：{m}" for m in messages)
    if errors:
        raise ValidationError(errors)
    insert_with_history(
        DuesStandard, created, user=actor, change_reason=f"沿用{year - 1}年党费标准"
    )
    after_write([(org.path, year)], [s.member for s in created])
    return len(created)


# --- payments ----------------------------------------------------------------------------------


@dataclass
class PaymentInput:
    member: Member
    amount: Decimal | None = None  # per month; None → the month's standard
    by_proxy: bool = False
    proxy_name: str = ""
    receipt_number: str = ""
    note: str = ""


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarterly_allowed(org: Organization) -> bool:
    setting = DuesBranchSetting.objects.filter(org=org).first()
    return bool(setting and setting.quarterly_allowed)


def _check_months(months: Sequence[int], quarterly: bool) -> list[str]:
    if not months:
        return ["所属月份：请至少选择一个月份。"]
    if any(not 1 <= m <= 12 for m in months):
        return ["所属月份：应为1至12。"]
    if len(months) > 1:
        if not quarterly:
            return [f"所属月份：本支部未同意按季度交纳，请逐月登记（{ART_12}）。"]
        if len({quarter_of(m) for m in months}) > 1 or len(set(months)) != len(months):
            return ["所属月份：按季度交纳时，所选月份须在同一季度内且不重复。"]
    return []


def month_errors(
    entry: PaymentInput,
    standard: DuesStandard | None,
    year: int,
    month: int,
    paid_on: date,
    quarterly: bool,
    ctx: RuleContext,
) -> list[str]:
    member = entry.member
    errors: list[str] = []
    if standard is None:
        return [f"尚未核定{year}年度党费交纳标准，请先核定标准再登记交纳。"]
    if month < standard.starts_month:
        if member.joined_on and member.joined_on.year == year:
            errors.append(
                f"所属月份：{year}年{month}月早于接收为预备党员的月份，"
                f"应从{standard.starts_month}月起交纳（{ART_8}）。"
            )
        else:
            errors.append(f"所属月份：{year}年{month}月早于起交月份（{standard.starts_month}月）。")
    elif standard.ends_month and month > standard.ends_month:
        errors.append(
            f"所属月份：{year}年{month}月晚于止交月份（{standard.ends_month}月），"
            "该党员已转出或党籍状态已变更。"
        )
    if entry.amount is None and standard.monthly_amount <= 0:
        errors.append("交纳金额：该党员经批准免交，没有应交金额；如自愿交纳请填写金额。")
    ahead = month_index(year, month) - month_index(paid_on.year, paid_on.month)
    if ahead > 0 and not (
        quarterly and year == paid_on.year and quarter_of(month) == quarter_of(paid_on.month)
    ):
        errors.append(
            f"所属月份：{year}年{month}月晚于交纳日期所在月份；党费按月交纳，"
            "只有经党支部同意按季度交纳的，才能在季度内预交。"
        )
    late = back_pay_error(year, month, paid_on, ctx)
    if late:
        errors.append(late)
    return errors


@transaction.atomic
def record_payments(
    *,
    actor: User | None,
    org: Organization,
    year: int,
    months: Sequence[int],
    paid_on: date,
    entries: Sequence[PaymentInput],
    today: date | None = None,
) -> list[DuesPayment]:
    """Record the dues of several members for one month (or one quarter); all or nothing."""
    today = today or timezone.localdate()
    _require_scope(actor, org.path)
    _check_branch(org)
    _check_year(year, today)
    if not entries:
        raise ValidationError("请至少勾选一名党员。")
    errors: list[str] = []
    if paid_on > today:
        errors.append("交纳日期：不能晚于今天。")
    months = sorted(months)
    quarterly = quarterly_allowed(org)
    errors.extend(_check_months(months, quarterly))
    if errors:
        raise ValidationError(errors)
    member_ids = [e.member.pk for e in entries]
    standards = {
        s.member_id: s for s in DuesStandard.objects.filter(year=year, member_id__in=member_ids)
    }
    taken = {
        (p.member_id, p.month): p
        for p in DuesPayment.objects.filter(
            member_id__in=member_ids, year=year, month__in=months, is_voided=False
        )
    }
    ctx = RuleContext(today=paid_on)
    payments: list[DuesPayment] = []
    for entry in entries:
        member = entry.member
        own: list[str] = []
        if member.org_id != org.pk:
            own.append(f"不是“{org.name}”的党员，请由其所在党支部登记。")
        if entry.amount is not None and entry.amount <= 0:
            own.append("交纳金额：应大于0元。")
        if entry.by_proxy and not entry.proxy_name.strip():
            own.append("代交人：选择代交时须填写代交人姓名（第十二条：可以委托他人代交）。")
        standard = standards.get(member.pk)
        for month in months:
            if (member.pk, month) in taken:
                p = taken[(member.pk, month)]
                own.append(
                    f"所属月份：已登记过{year}年{month}月的党费（{p.amount}元，{p.paid_on:%Y-%m-%d}），"
                    "不能重复登记；如需更正请在党费台账中修改。"
                )
                continue
            for message in month_errors(entry, standard, year, month, paid_on, quarterly, ctx):
                if message not in own:
                    own.append(message)
        if own:
            errors.extend(f"{member.name}：{m}" for m in own)
            continue
        assert standard is not None
        for month in months:
            due = standard.monthly_amount if standard.covers(month) else Decimal("0.00")
            payments.append(
                DuesPayment(
                    member=member,
                    year=year,
                    month=month,
                    amount=entry.amount if entry.amount is not None else standard.monthly_amount,
                    due_amount=due,
                    paid_on=paid_on,
                    by_proxy=entry.by_proxy,
                    proxy_name=entry.proxy_name.strip() if entry.by_proxy else "",
                    receipt_number=entry.receipt_number.strip(),
                    recorded_by=actor,
                    org=org,
                    org_path=org.path,
                    note=entry.note.strip(),
                )
            )
    if errors:
        raise ValidationError(errors)
    insert_with_history(DuesPayment, payments, user=actor, change_reason="登记党费交纳")
    after_write([(org.path, year)], [e.member for e in entries])
    return payments


@transaction.atomic
def update_payment(
    *,
    actor: User | None,
    payment: DuesPayment,
    amount: Decimal,
    paid_on: date,
    by_proxy: bool,
    proxy_name: str,
    receipt_number: str,
    note: str,
    today: date | None = None,
) -> DuesPayment:
    """Correct a recorded payment (amount, date, 代交, receipt); history keeps the old values."""
    today = today or timezone.localdate()
    payment = DuesPayment.objects.select_for_update().select_related("member").get(pk=payment.pk)
    _require_scope(actor, payment.org_path)
    errors: dict[str, list[str]] = {}
    if payment.is_voided:
        raise ValidationError("该交纳记录已作废，不能修改；请重新登记。")
    if amount is None or amount <= 0:
        errors.setdefault("amount", []).append("交纳金额：应大于0元。")
    if paid_on > today:
        errors.setdefault("paid_on", []).append("交纳日期：不能晚于今天。")
    else:
        late = back_pay_error(payment.year, payment.month, paid_on, RuleContext(today=paid_on))
        if late:
            errors.setdefault("paid_on", []).append(late.replace("所属月份：", "交纳日期："))
    if by_proxy and not proxy_name.strip():
        errors.setdefault("proxy_name", []).append("代交人：选择代交时须填写代交人姓名。")
    if errors:
        raise ValidationError(errors)
    payment.amount = amount
    payment.paid_on = paid_on
    payment.by_proxy = by_proxy
    payment.proxy_name = proxy_name.strip() if by_proxy else ""
    payment.receipt_number = receipt_number.strip()
    payment.note = note.strip()
    payment._change_reason = "更正党费交纳记录"  # type: ignore[attr-defined]
    payment._history_user = actor  # type: ignore[attr-defined]
    payment.save()
    after_write([(payment.org_path, payment.year)], [payment.member])
    return payment


@transaction.atomic
def void_payment(*, actor: User | None, payment: DuesPayment, reason: str) -> DuesPayment:
    """Void a payment recorded by mistake; it stays in the ledger's history, the month opens again."""
    payment = DuesPayment.objects.select_for_update().select_related("member").get(pk=payment.pk)
    _require_scope(actor, payment.org_path)
    if payment.is_voided:
        raise ValidationError("该交纳记录已作废。")
    if not reason.strip():
        raise ValidationError({"reason": "作废原因：必须填写。"})
    payment.is_voided = True
    payment.void_reason = reason.strip()[:200]
    payment._change_reason = f"作废：{payment.void_reason}"  # type: ignore[attr-defined]
    payment._history_user = actor  # type: ignore[attr-defined]
    payment.save()
    after_write([(payment.org_path, payment.year)], [payment.member])
    return payment


# --- the branch setting --------------------------------------------------------------------------


@transaction.atomic
def set_branch_setting(
    *,
    actor: User | None,
    org: Organization,
    quarterly_allowed: bool,
    decided_on: date | None,
    basis: str,
    today: date | None = None,
) -> DuesBranchSetting:
    today = today or timezone.localdate()
    _require_scope(actor, org.path)
    _check_branch(org)
    errors: dict[str, str] = {}
    if quarterly_allowed:
        if decided_on is None:
            errors["decided_on"] = (
                f"支部同意日期：按季度交纳须经党支部同意，请填写日期（{ART_12}）。"
            )
        if not basis.strip():
            errors["basis"] = "依据：请填写党支部同意按季度交纳的会议记录或文件。"
    if decided_on and decided_on > today:
        errors["decided_on"] = "支部同意日期：不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    setting, _ = DuesBranchSetting.objects.get_or_create(org=org)
    setting.quarterly_allowed = quarterly_allowed
    setting.decided_on = decided_on
    setting.basis = basis.strip()
    setting._history_user = actor  # type: ignore[attr-defined]
    setting.save()
    return setting


# --- keeping the ledger right when a member moves or leaves ---------------------------------------


def sync_member_standards(member: Member, today: date | None = None) -> None:
    """Called after every save of a member (signal in apps.py). The rule:

    * The member's branch changed (transfer inside the system): this year's standard, and any
      later one, follows the member to the new branch (org, org_path). The receiving branch
      collects from then on; payments already made keep the branch that collected them.
    * The member's status is no longer 正常 (转出, 停止党籍, 出党, 死亡) from date d: the standard
      of d's year ends with d's month (dues are paid up to and including the month of leaving).
    * The member is 正常 again: the standard of the current year has no end month.
    The tally and the member's dues findings follow.
    """
    today = today or timezone.localdate()
    left_on = member.status_changed_on or today
    first_year = left_on.year if member.status != MemberStatus.NORMAL else today.year
    standards = list(
        DuesStandard.objects.filter(member=member, year__gte=min(first_year, today.year))
    )
    pairs: set[tuple[str, int]] = set()
    changed: list[DuesStandard] = []
    for s in standards:
        touched = False
        if s.org_id != member.org_id and s.year >= today.year:
            pairs.add((s.org_path, s.year))
            s.org_id, s.org_path = member.org_id, member.org_path
            s._change_reason = "党员所在党支部变更，党费标准随转"  # type: ignore[attr-defined]
            touched = True
        if member.status != MemberStatus.NORMAL:
            if s.year == left_on.year and s.ends_month != left_on.month:
                s.ends_month = left_on.month
                s._change_reason = (  # type: ignore[attr-defined]
                    f"党籍状态变更为“{member.get_status_display()}”，党费交至{left_on.month}月"
                )
                touched = True
        elif s.ends_month is not None and s.year == today.year:
            s.ends_month = None
            s._change_reason = "党籍状态恢复正常，继续交纳党费"  # type: ignore[attr-defined]
            touched = True
        if touched:
            s.save()
            changed.append(s)
            pairs.add((s.org_path, s.year))
    if changed:
        sync_due_amounts(changed)
        tally.refresh(pairs)
    if changed or member.status != MemberStatus.NORMAL:
        refresh_findings("member_dues", [member])
