"""Every write of 组织关系转接, 流动党员, 失联党员 and 出党: transactional, logged, checked.

The issuing organization keeps the member until the case completes (条例第二十五条): member.org
and the member's status change only at completion, through the members app's services (which
keep the roll-ups and the dues standards right).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import Role, Scope, User
from zugong.core.models import CodeItem
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.dues import selectors as dues_selectors
from zugong.members.models import Member, MemberStatus
from zugong.members.services import change_member_status, create_member, update_member
from zugong.orgs.models import Organization, OrgKind
from zugong.stats.models import PeriodSource
from zugong.transfers import rules as R
from zugong.transfers.models import (
    OPEN_STATUSES,
    Action,
    ActionLog,
    ApprovalCase,
    CaseStatus,
    FlowDirection,
    FlowRecord,
    Level,
    LostContact,
    LostStatus,
    QuitCase,
    QuitKind,
    Transfer,
    TransferKind,
)

ROLE_LEVEL = {
    Role.BRANCH_ADMIN: Level.BRANCH,
    Role.COMMITTEE_ADMIN: Level.COMMITTEE,
    Role.DEPARTMENT_ADMIN: Level.DEPARTMENT,
    Role.SYSTEM_ADMIN: Level.DEPARTMENT,
}
# Organizations that may issue a 介绍信: 县委组织部 and the 党(工)委/基层党委 (条例第二十五条).
ISSUER_KINDS = frozenset(
    {OrgKind.COUNTY_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE}
)


# --- shared checks ---------------------------------------------------------------------------


def actor_level(actor: User | None) -> int:
    """The level an account acts at; None is the system (imports, tests), the highest level."""
    if actor is None:
        return int(Level.DEPARTMENT)
    level = ROLE_LEVEL.get(actor.role)
    if level is None:
        raise PermissionError("本账号没有办理权限")
    return int(level)


def _require_scope(actor: User | None, path: str) -> None:
    if actor is not None and (not actor.can_write or not actor.scope.contains(path)):
        raise PermissionError("不在本账号的管理范围内")


def _today() -> date:
    return timezone.localdate()


def _check_date_order(field: str, earlier: date | None, later: date | None, text: str) -> None:
    if earlier and later and later < earlier:
        raise ValidationError({field: text})


def _check_not_future(field: str, label: str, value: date) -> None:
    if value > _today():
        raise ValidationError({field: f"{label}：不能晚于今天（{_today():%Y年%m月%d日}）。"})


def _fresh(org: Organization) -> Organization:
    """The organization as stored now: a caller's copy may predate its dissolution."""
    return Organization.objects.get(pk=org.pk)


def _check_receiving_branch(field: str, org: Organization) -> None:
    org = _fresh(org)
    if org.kind != OrgKind.BRANCH:
        raise ValidationError(
            {
                field: f"转入党支部：党员只能编入党支部，“{org.name}”是{org.get_kind_display()}"
                f"（{R.ART_25.document}第二十五条）。"
            }
        )
    if not org.is_active:
        raise ValidationError(
            {
                field: f"转入党支部：“{org.name}”已撤销，不能转入"
                f"（{R.ART_25.document}第二十五条：每个党员都要编入党的一个支部）。"
            }
        )


def _check_no_open_transfer(member: Member, exclude: int | None = None) -> None:
    open_cases = Transfer.objects.filter(member=member, status__in=OPEN_STATUSES)
    if exclude:
        open_cases = open_cases.exclude(pk=exclude)
    other = open_cases.first()
    if other is not None:
        raise ValidationError(
            {
                "member": f"党员：{member.name}已有一件未办结的组织关系转接"
                f"（{other.get_kind_display()}，{other.get_status_display()}），"
                f"办结或撤回后才能再申请（{R.ART_25.document}第二十五条：每个党员都要编入党的一个支部）。"
            }
        )


# The dues selector reads an account's scope; the system acts with the whole tree in view.
class _SystemActor:
    scope = Scope(path="", label="系统")


def member_arrears_total(actor: User | None, member: Member, on: date) -> tuple[Decimal, str]:
    """Unpaid dues of the member up to the last complete month: the amount and the months."""
    rows = dues_selectors.member_arrears(actor or _SystemActor(), member, on)  # type: ignore[arg-type]
    total = sum((amount for _, _, amount in rows), Decimal("0.00"))
    return total, "、".join(f"{y}年{m}月" for y, m, _ in rows)


def _check_dues_paid(actor: User | None, member: Member, on: date) -> None:
    total, months = member_arrears_total(actor, member, on)
    if total > 0:
        raise ValidationError(
            {
                "member": f"党费：{member.name}尚欠党费{total}元（{months}），交清后才能转出"
                f"（{DUES_ARTICLE}）。"
            }
        )


DUES_ARTICLE = f"《{R.DUES_BEFORE_TRANSFER.document}》第十二条"


def _log(
    case: ApprovalCase,
    actor: User | None,
    action: str,
    remark: str = "",
    level: int | None = None,
) -> ActionLog:
    target = {"transfer": case} if isinstance(case, Transfer) else {"quit_case": case}
    return ActionLog.objects.create(
        operator=actor,
        level=level,
        action=action,
        result=case.status,
        remark=remark[:300],
        **target,
    )


def _after(case: ApprovalCase) -> None:
    if isinstance(case, Transfer):
        refresh_findings("transfer", [case])


def _lock(case: ApprovalCase) -> ApprovalCase:
    return type(case).objects.select_for_update().get(pk=case.pk)


# --- the approval chain, shared by transfers and 出党 -----------------------------------------


@transaction.atomic
def approve(*, actor: User | None, case: ApprovalCase, remark: str = "") -> ApprovalCase:
    """The current level agrees; after the last level the case is approved (or completes)."""
    case = _lock(case)
    _require_scope(actor, case.org_path)
    level = case.current_level
    if level is None:
        raise ValidationError(
            {"status": f"办理状态：“{case.get_status_display()}”的申请不能审核。"}
        )
    if actor is not None and actor_level(actor) != level:
        raise PermissionError(f"当前应由{Level(level).label}审核")
    case.step += 1
    if case.step >= len(case.chain):
        if isinstance(case, QuitCase):
            return _complete_quit(actor, case, remark, level)
        case.status = CaseStatus.APPROVED
    case.save()
    _log(case, actor, Action.APPROVE, remark, level)
    _after(case)
    return case


@transaction.atomic
def return_case(
    *, actor: User | None, case: ApprovalCase, to_step: int | None, reason: str
) -> ApprovalCase:
    """A reviewing or higher level sends the case back to an earlier step, or to the applicant
    (to_step None), with a reason."""
    case = _lock(case)
    _require_scope(actor, case.org_path)
    level = case.current_level
    if level is None:
        raise ValidationError(
            {"status": f"办理状态：“{case.get_status_display()}”的申请不能退回。"}
        )
    if actor is not None and actor_level(actor) < level:
        raise PermissionError(f"只有{Level(level).label}或更高层级可以退回")
    if not reason.strip():
        raise ValidationError({"reason": "退回原因：必须填写。"})
    if to_step is not None and not 0 <= to_step < case.step:
        raise ValidationError({"to_step": "退回到：只能退回到此前的审批步骤。"})
    if to_step is None:
        case.status = CaseStatus.RETURNED
        case.step = 0
        remark = f"退回申请方：{reason.strip()}"
    else:
        case.step = to_step
        remark = f"退回至{Level(case.chain[to_step]).label}：{reason.strip()}"
    case.save()
    _log(case, actor, Action.RETURN, remark, actor_level(actor))
    _after(case)
    return case


@transaction.atomic
def withdraw(*, actor: User | None, case: ApprovalCase, reason: str = "") -> ApprovalCase:
    """The applicant organization takes the case back before the first review."""
    case = _lock(case)
    _require_scope(actor, case.org_path)
    first_review = case.status == CaseStatus.PENDING and case.step == 0
    if not (first_review or case.status == CaseStatus.RETURNED):
        raise ValidationError({"status": "办理状态：已有层级审核通过，不能撤回；请由上级退回。"})
    case.status = CaseStatus.WITHDRAWN
    case.save()
    _log(case, actor, Action.WITHDRAW, reason.strip(), actor_level(actor) if actor else None)
    _after(case)
    return case


@transaction.atomic
def resubmit(*, actor: User | None, case: ApprovalCase, remark: str = "") -> ApprovalCase:
    """A returned case, corrected, starts the chain again."""
    case = _lock(case)
    _require_scope(actor, case.org_path)
    if case.status != CaseStatus.RETURNED:
        raise ValidationError({"status": "办理状态：只有退回修改的申请可以重新提交。"})
    if isinstance(case, Transfer) and case.member_id:
        _check_no_open_transfer(case.member, exclude=case.pk)  # type: ignore[arg-type]
    case.status = CaseStatus.PENDING
    case.step = 0
    case.save()
    _log(case, actor, Action.RESUBMIT, remark)
    _after(case)
    return case


# --- transfers out of the county and within it ------------------------------------------------


@transaction.atomic
def apply_transfer_out(
    *,
    actor: User | None,
    member: Member,
    to_org_name: str,
    reason: str,
    applied_on: date,
) -> Transfer:
    """转出县外: the branch applies; the chain reviews; then the letter; the member stays."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    _require_scope(actor, member.org_path)
    _check_member_normal(member)
    _check_no_open_transfer(member)
    if not to_org_name.strip():
        raise ValidationError({"to_org_name": "转入党组织名称（抬头）：必须填写。"})
    _check_applied_on(applied_on, member)
    _check_dues_paid(actor, member, applied_on)
    ctx = RuleContext(applied_on)
    transfer = Transfer.objects.create(
        kind=TransferKind.OUT,
        member=member,
        from_org=member.org,
        from_org_name=member.org.name,
        to_org_name=to_org_name.strip(),
        reason=_required_reason(reason),
        applied_on=applied_on,
        applied_by=actor,
        chain=R.chain_levels(R.CHAIN_OUT, ctx),
        org_path=member.org_path,
    )
    _log(transfer, actor, Action.APPLY, transfer.reason)
    return transfer


@transaction.atomic
def apply_transfer_within(
    *,
    actor: User | None,
    member: Member,
    to_org: Organization,
    reason: str,
    applied_on: date,
) -> Transfer:
    """县内转接: from the member's branch to another county branch, through the chain."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    _require_scope(actor, member.org_path)
    _check_member_normal(member)
    _check_no_open_transfer(member)
    _check_receiving_branch("to_org", to_org)
    if to_org.pk == member.org_id:
        raise ValidationError({"to_org": "转入党支部：不能与党员现在所在的党支部相同。"})
    _check_applied_on(applied_on, member)
    ctx = RuleContext(applied_on)
    transfer = Transfer.objects.create(
        kind=TransferKind.WITHIN,
        member=member,
        from_org=member.org,
        from_org_name=member.org.name,
        to_org=to_org,
        to_org_name=to_org.name,
        to_org_path=to_org.path,
        reason=_required_reason(reason),
        applied_on=applied_on,
        applied_by=actor,
        chain=R.chain_levels(R.CHAIN_WITHIN, ctx),
        org_path=member.org_path,
    )
    _log(transfer, actor, Action.APPLY, transfer.reason)
    return transfer


def _check_member_normal(member: Member) -> None:
    if member.status != MemberStatus.NORMAL:
        raise ValidationError(
            {
                "member": f"党员：{member.name}的党籍状态为“{member.get_status_display()}”，不能转接。"
            }
        )


def _check_applied_on(applied_on: date, member: Member) -> None:
    _check_not_future("applied_on", "申请日期", applied_on)
    if member.joined_on and applied_on < member.joined_on:
        raise ValidationError(
            {"applied_on": f"申请日期：不能早于入党日期（{member.joined_on:%Y年%m月%d日}）。"}
        )


def _required_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": "转接原因：必须填写。"})
    return reason.strip()


def next_letter_number(issuer: Organization, year: int) -> str:
    """The issuer's next number of the year, "2026-007": numbered by the issuing organization."""
    prefix = f"{year}-"
    used = Transfer.objects.filter(
        letter_issuer=issuer, letter_number__startswith=prefix
    ).values_list("letter_number", flat=True)
    serials = [int(n[len(prefix) :]) for n in used if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:03d}"


@transaction.atomic
def issue_letter(
    *,
    actor: User | None,
    transfer: Transfer,
    issuer: Organization,
    issued_on: date,
    dues_paid_to: date,
    number: str = "",
    valid_until: date | None = None,
) -> Transfer:
    """The approved transfer gets its 介绍信 (存根/介绍信/回执); the member stays until the receipt."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=transfer.pk)
    )
    _require_scope(actor, issuer.path)
    if transfer.status != CaseStatus.APPROVED:
        raise ValidationError(
            {
                "status": f"办理状态：“{transfer.get_status_display()}”的转接不能开具介绍信，须先审批通过。"
            }
        )
    if issuer.kind not in ISSUER_KINDS or not transfer.org_path.startswith(issuer.path):
        raise ValidationError(
            {
                "issuer": f"开具介绍信的党组织：应为转出党支部的上级党（工）委、基层党委或县委组织部，"
                f"“{issuer.name}”不是（{R.ART_25.document}第二十五条）。"
            }
        )
    if not issuer.is_active:
        raise ValidationError({"issuer": f"开具介绍信的党组织：“{issuer.name}”已撤销。"})
    _check_not_future("issued_on", "开具日期", issued_on)
    _check_date_order(
        "issued_on",
        transfer.applied_on,
        issued_on,
        f"开具日期：不能早于申请日期（{transfer.applied_on:%Y年%m月%d日}）。",
    )
    member = transfer.member
    assert member is not None
    if transfer.kind == TransferKind.WITHIN:
        _check_receiving_branch("to_org", transfer.to_org)  # type: ignore[arg-type]
    paid_to = dues_paid_to.replace(day=1)
    if paid_to > issued_on.replace(day=1):
        raise ValidationError(
            {"dues_paid_to": f"党费交至：不能晚于开具介绍信的月份（{issued_on:%Y年%m月}）。"}
        )
    if transfer.kind == TransferKind.OUT:
        _check_dues_paid(actor, member, issued_on)
    ctx = RuleContext(issued_on)
    longest = R.validity_end(issued_on, ctx)
    valid_until = valid_until or longest
    if valid_until <= issued_on:
        raise ValidationError({"valid_until": "有效期至：应晚于开具日期。"})
    if valid_until > longest:
        months = ctx.param(R.LETTER_VALIDITY, "months")
        raise ValidationError(
            {
                "valid_until": f"有效期至：最长{months}个月，即不晚于{longest:%Y年%m月%d日}"
                f"（{R.LETTER_RULES.document}）。"
            }
        )
    number = number.strip() or next_letter_number(issuer, issued_on.year)
    if Transfer.objects.filter(letter_issuer=issuer, letter_number=number).exists():
        raise ValidationError(
            {
                "letter_number": f"介绍信编号：“{number}”已被{issuer.name}使用，编号不能重复"
                f"（{R.LETTER_RULES.document}：介绍信由开具的党组织编号）。"
            }
        )
    transfer.letter_issuer = issuer
    transfer.letter_issuer_name = issuer.name
    transfer.letter_number = number
    transfer.letter_issued_on = issued_on
    transfer.dues_paid_to = paid_to
    transfer.letter_valid_until = valid_until
    transfer.status = CaseStatus.AWAITING_RECEIPT
    transfer.save()
    _log(transfer, actor, Action.ISSUE_LETTER, f"编号{number}，有效期至{valid_until:%Y-%m-%d}")
    _after(transfer)
    return transfer


@transaction.atomic
def record_receipt(
    *,
    actor: User | None,
    transfer: Transfer,
    receipt_on: date,
    receipt_org_name: str,
    received_on: date | None = None,
) -> Transfer:
    """转出县外: the 回执 came back. Only now does the member become 转出 (条例第二十五条)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require_scope(actor, transfer.org_path)
    if transfer.kind != TransferKind.OUT or transfer.status != CaseStatus.AWAITING_RECEIPT:
        raise ValidationError(
            {"status": "办理状态：只有已开介绍信、待回执的转出县外可以登记回执。"}
        )
    if not receipt_org_name.strip():
        raise ValidationError({"receipt_org_name": "回执单位：必须填写。"})
    received_on = received_on or receipt_on
    _check_receipt_dates(transfer, received_on, receipt_on)
    transfer.received_on = received_on
    transfer.receipt_on = receipt_on
    transfer.receipt_org_name = receipt_org_name.strip()
    transfer.status = CaseStatus.COMPLETED
    transfer.completed_on = receipt_on
    transfer.save()
    member = transfer.member
    assert member is not None
    change_member_status(
        actor=actor,
        member=member,
        to_status=MemberStatus.TRANSFERRED_OUT,
        on=receipt_on,
        reason=f"组织关系转出至{transfer.to_org_name}（介绍信{transfer.letter_number}，回执已收）",
    )
    _log(transfer, actor, Action.RECEIPT, f"回执单位：{transfer.receipt_org_name}")
    _after(transfer)
    return transfer


def _check_receipt_dates(transfer: Transfer, received_on: date, receipt_on: date) -> None:
    issued = transfer.letter_issued_on
    assert issued is not None
    _check_not_future("receipt_on", "回执日期", receipt_on)
    _check_date_order(
        "received_on",
        issued,
        received_on,
        f"报到/接收日期：不能早于介绍信开具日期（{issued:%Y年%m月%d日}）。",
    )
    _check_date_order("receipt_on", received_on, receipt_on, "回执日期：不能早于报到/接收日期。")
    valid = transfer.letter_valid_until
    if valid and received_on > valid:
        raise ValidationError(
            {
                "received_on": f"报到/接收日期：晚于介绍信有效期（{valid:%Y年%m月%d日}），"
                f"须重新开具介绍信（{R.LETTER_RULES.document}）。"
            }
        )


@transaction.atomic
def receive_within(*, actor: User | None, transfer: Transfer, received_on: date) -> Transfer:
    """县内转接: the receiving side records the member's arrival; the member moves now."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_org")
        .get(pk=transfer.pk)
    )
    if transfer.kind != TransferKind.WITHIN or transfer.status != CaseStatus.AWAITING_RECEIPT:
        raise ValidationError({"status": "办理状态：只有已开介绍信、待接收的县内转接可以接收。"})
    _require_scope(actor, transfer.to_org_path)
    to_org = transfer.to_org
    assert to_org is not None
    _check_receiving_branch("to_org", to_org)
    _check_receipt_dates(transfer, received_on, received_on)
    transfer.received_on = transfer.receipt_on = transfer.completed_on = received_on
    transfer.receipt_org_name = to_org.name
    transfer.status = CaseStatus.COMPLETED
    transfer.save()
    member = Member.objects.select_related("org", "gender").get(pk=transfer.member_id)
    member.org = to_org
    member._change_reason = (  # type: ignore[attr-defined]
        f"县内组织关系转接：{transfer.from_org_name} → {to_org.name}（介绍信{transfer.letter_number}）"
    )
    # The receiving side cannot see the issuing branch; scope was checked on both ends above.
    update_member(actor=None, member=member, on=received_on, source=PeriodSource.TRANSFER_WITHIN)
    _log(transfer, actor, Action.ACCEPT, f"{to_org.name}接收")
    _after(transfer)
    return transfer


# --- transfers into the county -----------------------------------------------------------------


@dataclass(frozen=True)
class IncomingPerson:
    name: str
    gender: CodeItem | None
    id_number: str
    birth_date: date
    member_type: str
    joined_on: date | None
    confirmed_on: date | None = None
    phone: str = ""


@transaction.atomic
def register_transfer_in(
    *,
    actor: User | None,
    person: IncomingPerson,
    from_org_name: str,
    letter_number: str,
    issued_on: date,
    valid_until: date,
    dues_paid_to: date,
    to_org: Organization | None,
    registered_on: date,
    reason: str = "",
) -> Transfer:
    """县外转入: register the incoming 介绍信; a branch may be assigned now or later."""
    anchor = to_org.path if to_org else (actor.scope.path if actor else "")
    _require_scope(actor, anchor or "")
    errors: dict[str, str] = {}
    if not from_org_name.strip():
        errors["from_org_name"] = "开具介绍信的党组织：必须填写。"
    if not letter_number.strip():
        errors["letter_number"] = "介绍信编号：必须填写。"
    if not person.name.strip():
        errors["person_name"] = "姓名：必须填写。"
    if valid_until <= issued_on:
        errors["valid_until"] = "有效期至：应晚于开具日期。"
    if registered_on < issued_on:
        errors["registered_on"] = f"登记日期：不能早于介绍信开具日期（{issued_on:%Y年%m月%d日}）。"
    if dues_paid_to.replace(day=1) > issued_on.replace(day=1):
        errors["dues_paid_to"] = f"党费交至：不能晚于介绍信开具的月份（{issued_on:%Y年%m月}）。"
    if person.joined_on and person.joined_on > issued_on:
        errors["person_joined_on"] = "入党日期：不能晚于介绍信开具日期。"
    if errors:
        raise ValidationError(errors)
    _check_not_future("registered_on", "登记日期", registered_on)
    if to_org is not None:
        _check_receiving_branch("to_org", to_org)
    issuer_name = from_org_name.strip()
    number = letter_number.strip()
    if Transfer.objects.filter(
        letter_issuer__isnull=True, letter_issuer_name=issuer_name, letter_number=number
    ).exists():
        raise ValidationError(
            {
                "letter_number": f"介绍信编号：{issuer_name}开具的“{number}”号介绍信已登记过，"
                f"不能重复登记（{R.LETTER_RULES.document}）。"
            }
        )
    if Member.objects.filter(
        id_number=person.id_number, status__in=[MemberStatus.NORMAL, MemberStatus.SUSPENDED]
    ).exists():
        raise ValidationError(
            {"person_id_number": "公民身份号码：该党员已在本县党员库中，不能再转入。"}
        )
    if Transfer.objects.filter(
        kind=TransferKind.IN, person_id_number=person.id_number, status__in=OPEN_STATUSES
    ).exists():
        raise ValidationError(
            {
                "person_id_number": "公民身份号码：该党员已有一件未办结的转入"
                f"（{R.ART_25.document}第二十五条：每个党员都要编入党的一个支部）。"
            }
        )
    transfer = Transfer.objects.create(
        kind=TransferKind.IN,
        status=CaseStatus.REGISTERED,
        from_org_name=issuer_name,
        to_org=to_org,
        to_org_name=to_org.name if to_org else "",
        to_org_path=to_org.path if to_org else "",
        person_name=person.name.strip(),
        person_gender=person.gender,
        person_id_number=person.id_number.strip(),
        person_birth_date=person.birth_date,
        person_member_type=person.member_type,
        person_joined_on=person.joined_on,
        person_confirmed_on=person.confirmed_on,
        person_phone=person.phone,
        letter_issuer_name=issuer_name,
        letter_number=number,
        letter_issued_on=issued_on,
        letter_valid_until=valid_until,
        dues_paid_to=dues_paid_to.replace(day=1),
        reason=reason.strip() or "县外转入",
        applied_on=registered_on,
        applied_by=actor,
        # Seen by the account that registered it until a branch is assigned.
        org_path=to_org.path if to_org else anchor,
    )
    _log(transfer, actor, Action.REGISTER, f"{issuer_name} {number}")
    _after(transfer)
    return transfer


@transaction.atomic
def assign_branch(*, actor: User | None, transfer: Transfer, to_org: Organization) -> Transfer:
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _require_scope(actor, transfer.org_path)
    _require_scope(actor, to_org.path)
    if transfer.kind != TransferKind.IN or transfer.status != CaseStatus.REGISTERED:
        raise ValidationError({"status": "办理状态：只有已登记待接收的县外转入可以分配党支部。"})
    _check_receiving_branch("to_org", to_org)
    transfer.to_org = to_org
    transfer.to_org_name = to_org.name
    transfer.to_org_path = transfer.org_path = to_org.path
    transfer.save()
    _log(transfer, actor, Action.ASSIGN, to_org.name)
    _after(transfer)
    return transfer


@transaction.atomic
def accept_transfer_in(
    *, actor: User | None, transfer: Transfer, received_on: date, receipt_on: date
) -> Transfer:
    """The member reported: enter the register in the assigned branch and send the 回执."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_org")
        .get(pk=transfer.pk)
    )
    _require_scope(actor, transfer.org_path)
    if transfer.kind != TransferKind.IN or transfer.status != CaseStatus.REGISTERED:
        raise ValidationError({"status": "办理状态：只有已登记待接收的县外转入可以接收。"})
    if transfer.to_org is None:
        raise ValidationError({"to_org": "转入党支部：请先分配党支部。"})
    _check_receiving_branch("to_org", transfer.to_org)
    _check_receipt_dates(transfer, received_on, receipt_on)
    member = create_member(
        actor=actor,
        member=Member(
            name=transfer.person_name,
            gender=transfer.person_gender,
            id_number=transfer.person_id_number,
            birth_date=transfer.person_birth_date,
            member_type=transfer.person_member_type,
            joined_on=transfer.person_joined_on,
            confirmed_on=transfer.person_confirmed_on,
            phone=transfer.person_phone,
            org=transfer.to_org,
            note=f"由{transfer.from_org_name}转入（介绍信{transfer.letter_number}）",
        ),
        on=received_on,
        source=PeriodSource.TRANSFER_IN,
    )
    transfer.member = member
    transfer.received_on = received_on
    transfer.receipt_on = receipt_on
    transfer.receipt_org_name = transfer.to_org.name
    transfer.completed_on = received_on
    transfer.status = CaseStatus.COMPLETED
    transfer.save()
    _log(transfer, actor, Action.ACCEPT, f"编入{transfer.to_org.name}，回执已发出")
    _after(transfer)
    return transfer


# --- 流动党员 -----------------------------------------------------------------------------------


def _flow_must_transfer(started_on: date, expected_until: date | None, settled: bool) -> None:
    """外出6个月以上且地点相对固定: a real transfer, not an activity card (条例第二十五条)."""
    months = int(RuleContext(started_on).param(R.FLOW_TRANSFER, "months"))
    if settled and expected_until and expected_until >= started_on + relativedelta(months=months):
        raise ValidationError(
            {
                "expected_until": f"预计返回日期：外出{months}个月以上且地点相对固定的，应当转移组织关系，"
                f"请办理组织关系转接，而不是登记流动党员（{R.ART_25.document}第二十五条）。"
            }
        )


def _check_flow_dates(started_on: date, expected_until: date | None) -> None:
    _check_not_future("started_on", "外出/流入日期", started_on)
    _check_date_order(
        "expected_until", started_on, expected_until, "预计返回/离开日期：不能早于外出/流入日期。"
    )


@transaction.atomic
def register_outflow(
    *,
    actor: User | None,
    member: Member,
    destination: str,
    destination_org_name: str,
    reason: str,
    started_on: date,
    expected_until: date | None,
    settled: bool,
    card_number: str = "",
) -> FlowRecord:
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    _require_scope(actor, member.org_path)
    _check_member_normal(member)
    if not destination.strip():
        raise ValidationError({"other_place": "外出流向：必须填写。"})
    if not reason.strip():
        raise ValidationError({"reason": "外出原因：必须填写。"})
    _check_flow_dates(started_on, expected_until)
    _flow_must_transfer(started_on, expected_until, settled)
    if FlowRecord.objects.filter(
        member=member, direction=FlowDirection.OUT, ended_on__isnull=True
    ).exists():
        raise ValidationError({"member": f"党员：{member.name}已登记外出且尚未返回。"})
    return FlowRecord.objects.create(
        direction=FlowDirection.OUT,
        member=member,
        person_name=member.name,
        org=member.org,
        org_path=member.org_path,
        other_place=destination.strip(),
        other_org_name=destination_org_name.strip(),
        reason=reason.strip(),
        started_on=started_on,
        expected_until=expected_until,
        settled=settled,
        card_number=card_number.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def register_inflow(
    *,
    actor: User | None,
    host_org: Organization,
    person_name: str,
    person_id_number: str,
    origin: str,
    origin_org_name: str,
    reason: str,
    started_on: date,
    expected_until: date | None,
    settled: bool,
    card_number: str,
    phone: str = "",
) -> FlowRecord:
    _require_scope(actor, host_org.path)
    _check_receiving_branch("org", host_org)
    errors = {}
    if not person_name.strip():
        errors["person_name"] = "姓名：必须填写。"
    if not origin_org_name.strip():
        errors["other_org_name"] = "原所在党组织：必须填写。"
    if not card_number.strip():
        errors["card_number"] = "《流动党员活动证》编号：流入党员凭活动证参加组织生活，必须填写。"
    if errors:
        raise ValidationError(errors)
    _check_flow_dates(started_on, expected_until)
    _flow_must_transfer(started_on, expected_until, settled)
    if FlowRecord.objects.filter(
        direction=FlowDirection.IN, person_id_number=person_id_number, ended_on__isnull=True
    ).exists():
        raise ValidationError({"person_id_number": "公民身份号码：该党员已登记流入且尚未离开。"})
    return FlowRecord.objects.create(
        direction=FlowDirection.IN,
        person_name=person_name.strip(),
        person_id_number=person_id_number.strip(),
        person_phone=phone.strip(),
        org=host_org,
        org_path=host_org.path,
        other_place=origin.strip(),
        other_org_name=origin_org_name.strip(),
        reason=reason.strip() or "流入",
        started_on=started_on,
        expected_until=expected_until,
        settled=settled,
        card_number=card_number.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def end_flow(
    *, actor: User | None, record: FlowRecord, ended_on: date, note: str = ""
) -> FlowRecord:
    record = FlowRecord.objects.select_for_update().get(pk=record.pk)
    _require_scope(actor, record.org_path)
    if record.ended_on is not None:
        raise ValidationError({"ended_on": "返回/离开日期：该记录已结束。"})
    _check_not_future("ended_on", "返回/离开日期", ended_on)
    _check_date_order(
        "ended_on", record.started_on, ended_on, "返回/离开日期：不能早于外出/流入日期。"
    )
    record.ended_on = ended_on
    record.end_note = note.strip()
    record.save()
    return record


# --- 失联党员 -----------------------------------------------------------------------------------


def _refresh_lost(member: Member) -> None:
    refresh_findings("member_lost", [Member.objects.get(pk=member.pk)])


@transaction.atomic
def report_lost(
    *, actor: User | None, member: Member, lost_since: date, reported_on: date, search_note: str
) -> LostContact:
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    _require_scope(actor, member.org_path)
    _check_member_normal(member)
    _check_not_future("reported_on", "登记日期", reported_on)
    _check_date_order("reported_on", lost_since, reported_on, "登记日期：不能早于失去联系日期。")
    if member.joined_on and lost_since < member.joined_on:
        raise ValidationError({"lost_since": "失去联系日期：不能早于入党日期。"})
    if not search_note.strip():
        raise ValidationError(
            {"search_note": f"查找情况：必须写明多方查找的情况（{R.ART_24.document}第二十四条）。"}
        )
    if LostContact.objects.filter(
        member=member, status__in=[LostStatus.LOST, LostStatus.SUSPENDED]
    ).exists():
        raise ValidationError({"member": f"党员：{member.name}已登记为失联党员。"})
    record = LostContact.objects.create(
        member=member,
        org_path=member.org_path,
        lost_since=lost_since,
        reported_on=reported_on,
        search_note=search_note.strip(),
        recorded_by=actor,
    )
    _refresh_lost(member)
    return record


@transaction.atomic
def suspend_lost_member(
    *, actor: User | None, record: LostContact, on: date, decision: str
) -> LostContact:
    """停止党籍 after 6 months lost (条例第二十四条); refused before the 6 months are over."""
    record = (
        LostContact.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=record.pk)
    )
    _require_scope(actor, record.org_path)
    if record.status != LostStatus.LOST:
        raise ValidationError({"status": f"状态：“{record.get_status_display()}”不能停止党籍。"})
    months = int(RuleContext(on).param(R.lost_six_months, "months"))
    earliest = record.lost_since + relativedelta(months=months)
    if on < earliest:
        raise ValidationError(
            {
                "on": f"停止党籍日期：失去联系须满{months}个月（{earliest:%Y年%m月%d日}起）才能停止党籍"
                f"（{R.ART_24.document}第二十四条）。"
            }
        )
    if not decision.strip():
        raise ValidationError({"decision": "停止党籍决定：必须填写（决定机关和文号）。"})
    change_member_status(
        actor=actor,
        member=record.member,
        to_status=MemberStatus.SUSPENDED,
        on=on,
        reason=f"失去联系{months}个月以上，停止党籍：{decision.strip()}",
    )
    record.status = LostStatus.SUSPENDED
    record.suspended_on = on
    record.save()
    _refresh_lost(record.member)
    return record


@transaction.atomic
def restore_contact(*, actor: User | None, record: LostContact, on: date, note: str) -> LostContact:
    """Contact is re-established: the record closes; a suspended member returns to 正常."""
    record = (
        LostContact.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=record.pk)
    )
    _require_scope(actor, record.org_path)
    if not record.is_open:
        raise ValidationError({"status": f"状态：“{record.get_status_display()}”的记录已结束。"})
    _check_not_future("on", "恢复联系日期", on)
    _check_date_order(
        "on",
        record.suspended_on or record.lost_since,
        on,
        "恢复联系日期：不能早于失联或停止党籍日期。",
    )
    if not note.strip():
        raise ValidationError({"note": "说明：必须写明恢复联系的情况和处理意见。"})
    if record.status == LostStatus.SUSPENDED:
        change_member_status(
            actor=actor,
            member=record.member,
            to_status=MemberStatus.NORMAL,
            on=on,
            reason=f"失联党员恢复联系，恢复党籍：{note.strip()}",
        )
    record.status = LostStatus.FOUND
    record.closed_on = on
    record.close_note = note.strip()
    record.save()
    _refresh_lost(record.member)
    return record


# --- 出党 --------------------------------------------------------------------------------------


@transaction.atomic
def apply_quit(
    *,
    actor: User | None,
    member: Member,
    kind: str,
    decision_on: date,
    decision_note: str,
    reason: str,
    applied_on: date,
    lost_contact: LostContact | None = None,
) -> QuitCase:
    """The branch meeting decided; the chain approves (劝退、除名、开除) or files it (退党)."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    _require_scope(actor, member.org_path)
    if member.status not in (MemberStatus.NORMAL, MemberStatus.SUSPENDED):
        raise ValidationError(
            {
                "member": f"党员：{member.name}的党籍状态为“{member.get_status_display()}”，不能办理出党。"
            }
        )
    if kind not in QuitKind.values:
        raise ValidationError({"kind": "出党方式：请选择退党、劝退、除名或开除党籍。"})
    if not decision_note.strip():
        raise ValidationError({"decision_note": "决定情况：必须写明支部大会的讨论决定情况。"})
    _check_not_future("applied_on", "申请日期", applied_on)
    _check_date_order("applied_on", decision_on, applied_on, "申请日期：不能早于支部大会决定日期。")
    if member.joined_on and decision_on < member.joined_on:
        raise ValidationError({"decision_on": "支部大会决定日期：不能早于入党日期。"})
    if QuitCase.objects.filter(member=member, status__in=OPEN_STATUSES).exists():
        raise ValidationError({"member": f"党员：{member.name}已有一件未办结的出党申请。"})
    if lost_contact is not None and lost_contact.member_id != member.pk:
        raise ValidationError({"lost_contact": "失联记录：不是该党员的记录。"})
    case = QuitCase.objects.create(
        member=member,
        kind=kind,
        decision_on=decision_on,
        decision_note=decision_note.strip(),
        lost_contact=lost_contact,
        reason=reason.strip() or QuitKind(kind).label,
        applied_on=applied_on,
        applied_by=actor,
        chain=R.chain_levels(R.CHAIN_QUIT, RuleContext(applied_on)),
        org_path=member.org_path,
    )
    _log(case, actor, Action.APPLY, case.reason)
    return case


def _complete_quit(actor: User | None, case: QuitCase, remark: str, level: int) -> QuitCase:
    """The last level approved: the member leaves the party (出党) on the approval date."""
    on = _today()
    case.status = CaseStatus.COMPLETED
    case.completed_on = on
    case.save()
    _log(case, actor, Action.APPROVE, remark, level)
    # The approver's scope was checked on the case's path, which is the member's branch.
    change_member_status(
        actor=actor,
        member=case.member,
        to_status=MemberStatus.LEFT,
        on=on,
        reason=f"{case.get_kind_display()}：{case.decision_note[:200]}",
    )
    if case.lost_contact_id:
        record = case.lost_contact
        assert record is not None
        record.status, record.closed_on = LostStatus.REMOVED, on
        record.close_note = f"{case.get_kind_display()}（出党）"
        record.save()
        _refresh_lost(case.member)
    # An open transfer of someone who left the party ends with the case, logged.
    for t in Transfer.objects.filter(member=case.member, status__in=OPEN_STATUSES):
        t.status = CaseStatus.WITHDRAWN
        t.save()
        _log(t, actor, Action.WITHDRAW, f"党员已{case.get_kind_display()}，转接终止", level)
        _after(t)
    return case
