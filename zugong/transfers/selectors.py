"""Every read of transfers, flows, lost members and 出党 cases, filtered by the account's scope.

A transfer is visible from both ends: the issuing side (org_path) and the receiving side
(to_org_path); anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.members.models import Member
from zugong.transfers.models import (
    OPEN_STATUSES,
    ActionLog,
    FlowRecord,
    LostContact,
    QuitCase,
    Transfer,
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
