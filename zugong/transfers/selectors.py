"""Every read of transfers, flows, lost members and 出党 cases, filtered by the account's scope.

A transfer is visible from both ends: the issuing side (org_path) and the receiving side
(to_org_path); anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.members.models import Member
from zugong.orgs.models import PATH_STEP, Organization, OrgKind, OrgStatus
from zugong.transfers.models import (
    OPEN_STATUSES,
    ActionLog,
    CaseStatus,
    FlowRecord,
    Level,
    LostContact,
    LostStatus,
    QuitCase,
    Transfer,
    TransferKind,
)

NOTHING = "\x00"  # an account without scope matches no path


def _prefix(user: User) -> str:
    return user.scope.path if user.scope.path is not None else NOTHING


def visible_transfers(user: User) -> QuerySet[Transfer]:
    p = _prefix(user)
    return Transfer.objects.filter(
        Q(org_path__startswith=p) | Q(to_org_path__startswith=p)
    ).select_related("member", "from_org", "to_org", "letter_issuer")


def get_transfer(user: User, pk: int) -> Transfer:
    transfer = visible_transfers(user).filter(pk=pk).first()
    if transfer is None:
        raise Http404("转接记录不存在或不在管理范围内")
    return transfer


def open_transfer_of(user: User, member: Member) -> Transfer | None:
    return visible_transfers(user).filter(member=member, status__in=OPEN_STATUSES).first()


def transfer_actions(user: User, transfer: Transfer) -> QuerySet[ActionLog]:
    get_transfer(user, transfer.pk)
    return ActionLog.objects.filter(transfer=transfer).select_related("operator")


def visible_flows(user: User) -> QuerySet[FlowRecord]:
    return FlowRecord.objects.filter(org_path__startswith=_prefix(user)).select_related(
        "member", "org"
    )


def visible_lost(user: User) -> QuerySet[LostContact]:
    return LostContact.objects.filter(org_path__startswith=_prefix(user)).select_related("member")


def visible_quit_cases(user: User) -> QuerySet[QuitCase]:
    return QuitCase.objects.filter(org_path__startswith=_prefix(user)).select_related("member")


def quit_actions(user: User, case: QuitCase) -> QuerySet[ActionLog]:
    if not visible_quit_cases(user).filter(pk=case.pk).exists():
        raise Http404("出党记录不存在或不在管理范围内")
    return ActionLog.objects.filter(quit_case=case).select_related("operator")


# --- the pages' reads ---------------------------------------------------------------------------

QUEUE_TABS = {
    "todo": "待办",
    "doing": "办理中",
    "done": "已办结",
    "overdue": "超时",
}
# Every chain a case can carry: the non-empty subsets of [1, 2, 3], lowest level first.
_CHAINS = [[1], [2], [3], [1, 2], [1, 3], [2, 3], [1, 2, 3]]
ISSUER_KINDS = (OrgKind.COUNTY_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE)


@dataclass(frozen=True)
class QueueFilters:
    tab: str = "todo"
    q: str = ""
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _level_q(level: int) -> Q:
    """Pending cases whose current step is `level`: chain[step] == level, spelt out per chain
    because neither database indexes into a JSON list by a column's value portably."""
    q = Q(pk__in=[])
    for chain in _CHAINS:
        for step, lv in enumerate(chain):
            if lv == level:
                q |= Q(chain=chain, step=step)
    return q


def todo_q(user: User, level: int | None) -> Q:
    """What waits for this account: its level's reviews, letters, receipts, receptions."""
    p = _prefix(user)
    if level is None or not user.can_write:
        return Q(pk__in=[])
    mine = Q(org_path__startswith=p)
    q = (
        (mine & Q(status=CaseStatus.PENDING) & _level_q(level))
        | (mine & Q(status=CaseStatus.RETURNED))
        | (mine & Q(status=CaseStatus.REGISTERED))
        | (mine & Q(status=CaseStatus.AWAITING_RECEIPT, kind=TransferKind.OUT))
        | (
            Q(to_org_path__startswith=p)
            & Q(status=CaseStatus.AWAITING_RECEIPT, kind=TransferKind.WITHIN)
        )
    )
    if level >= Level.COMMITTEE:
        # Letters are issued by a 党(工)委 or the 组织部 (组通字〔2006〕45号).
        q |= mine & Q(status=CaseStatus.APPROVED)
    return q


def transfer_queue(
    user: User, level: int | None, f: QueueFilters, today: date
) -> QuerySet[Transfer]:
    qs = visible_transfers(user)
    if f.tab == "todo":
        qs = qs.filter(todo_q(user, level))
    elif f.tab == "doing":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.tab == "done":
        qs = qs.filter(status__in=[CaseStatus.COMPLETED, CaseStatus.WITHDRAWN])
    elif f.tab == "overdue":
        qs = qs.filter(
            status__in=[CaseStatus.AWAITING_RECEIPT, CaseStatus.REGISTERED],
            letter_valid_until__lt=today,
        )
    if f.q:
        qs = qs.filter(
            Q(member__name__contains=f.q)
            | Q(person_name__contains=f.q)
            | Q(letter_number__contains=f.q)
            | Q(from_org_name__contains=f.q)
            | Q(to_org_name__contains=f.q)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(applied_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(applied_on__lte=f.date_to)
    return qs.order_by("-applied_on", "-id")


def queue_counts(user: User, level: int | None, today: date) -> dict[str, int]:
    """The badge on each tab: one aggregate query."""
    base = visible_transfers(user)
    agg = base.aggregate(
        todo=Count("pk", filter=todo_q(user, level)),
        doing=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        done=Count("pk", filter=Q(status__in=[CaseStatus.COMPLETED, CaseStatus.WITHDRAWN])),
        overdue=Count(
            "pk",
            filter=Q(
                status__in=[CaseStatus.AWAITING_RECEIPT, CaseStatus.REGISTERED],
                letter_valid_until__lt=today,
            ),
        ),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def issuer_choices(user: User, transfer: Transfer) -> QuerySet[Organization]:
    """The issuing side's superiors that may issue a 介绍信 and lie in the account's scope."""
    step = PATH_STEP
    prefixes = [transfer.org_path[:i] for i in range(step, len(transfer.org_path) + 1, step)]
    return Organization.objects.filter(
        path__in=prefixes,
        path__startswith=_prefix(user),
        kind__in=ISSUER_KINDS,
        status=OrgStatus.ACTIVE,
    ).order_by("-path")


def county_branches(org: Organization | None) -> QuerySet[Organization]:
    """Active branches of the county the organization belongs to (a 县内转接 goes anywhere in it)."""
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(
        path__startswith=org.path[:PATH_STEP], kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
    ).order_by("path")


def member_transfers(user: User, member: Member) -> QuerySet[Transfer]:
    """A member's transfers seen from this account's scope, newest first."""
    return visible_transfers(user).filter(member=member).order_by("-applied_on", "-id")


def member_cases(user: User, member: Member) -> dict[str, QuerySet]:
    return {
        "flows": visible_flows(user).filter(member=member),
        "lost": visible_lost(user).filter(member=member),
        "quits": visible_quit_cases(user).filter(member=member),
    }


def get_flow(user: User, pk: int) -> FlowRecord:
    record = visible_flows(user).filter(pk=pk).first()
    if record is None:
        raise Http404("流动党员记录不存在或不在管理范围内")
    return record


def get_lost(user: User, pk: int) -> LostContact:
    record = visible_lost(user).filter(pk=pk).first()
    if record is None:
        raise Http404("失联党员记录不存在或不在管理范围内")
    return record


def get_quit_case(user: User, pk: int) -> QuitCase:
    case = visible_quit_cases(user).filter(pk=pk).first()
    if case is None:
        raise Http404("出党记录不存在或不在管理范围内")
    return case


def flow_list(user: User, q: str = "", direction: str = "", state: str = "") -> QuerySet:
    qs = visible_flows(user)
    if q:
        qs = qs.filter(
            Q(person_name__contains=q)
            | Q(member__name__contains=q)
            | Q(other_place__contains=q)
            | Q(card_number__contains=q)
        )
    if direction:
        qs = qs.filter(direction=direction)
    if state == "open":
        qs = qs.filter(ended_on__isnull=True)
    elif state == "ended":
        qs = qs.filter(ended_on__isnull=False)
    return qs.order_by("-started_on", "-id")


def lost_list(user: User, q: str = "", status: str = "") -> QuerySet[LostContact]:
    qs = visible_lost(user)
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(search_note__contains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-lost_since", "-id")


def quit_list(user: User, q: str = "", kind: str = "", status: str = "") -> QuerySet[QuitCase]:
    qs = visible_quit_cases(user)
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(decision_note__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-applied_on", "-id")


def open_lost_records(user: User) -> QuerySet[LostContact]:
    return visible_lost(user).filter(status__in=[LostStatus.LOST, LostStatus.SUSPENDED])
