"""The service packages' and the special fund's part of the authorization matrix (collected by
test_authorization_matrix).

Service requests: the talent readers (人才办, 组织部, 系统管理员, leaders, a township's 党委) read
those of the talents in their subtree; the talent writers handle them. The fund: the talent
writers and leaders read it, the writers keep it, the 组织部 (and the system administrator)
approve. A role outside a module is refused (403) before the object is looked up; a reader meets
an object outside its subtree as a 404.
"""

from __future__ import annotations

from datetime import date

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, only, pk_of
from zugong.orgs.models import Organization
from zugong.talents.access import TALENT_READER_ROLES, TALENT_WRITER_ROLES
from zugong.talents.fund_selectors import (
    FUND_APPROVER_ROLES,
    FUND_READER_ROLES,
    FUND_WRITER_ROLES,
)
from zugong.talents.tests.support_services import (
    make_allocation,
    make_budget,
    make_disbursement,
    make_item,
    make_request,
    make_talent,
)

READERS = set(TALENT_READER_ROLES)
WRITERS = set(TALENT_WRITER_ROLES)
F_READERS = set(FUND_READER_ROLES)
F_WRITERS = set(FUND_WRITER_ROLES)
APPROVERS = set(FUND_APPROVER_ROLES)


def _form(kind: str, roles: set[str], readers: set[str]) -> Entry:
    """A form page on an object: 200 for `roles`, an empty POST is a 400; out of scope a 404 for
    the module's readers."""
    return Entry(
        pk_of(kind),
        only(roles),
        post=True,
        post_expect=only(roles, yes=400),
        out_of_scope=only(readers, yes=404),
    )


def _page(kind: str, readers: set[str]) -> Entry:
    return Entry(pk_of(kind), only(readers), out_of_scope=only(readers, yes=404))


ENTRIES: dict[str, Entry] = {
    "talents:package_list": Entry(None, only(READERS)),
    "talents:package_create": Entry(
        None, only(WRITERS), post=True, post_expect=only(WRITERS, yes=400)
    ),
    "talents:package_detail": _page("service_request", READERS),
    "talents:package_assign": _form("service_request", WRITERS, READERS),
    "talents:package_accept": _form("service_request", WRITERS, READERS),
    "talents:package_handle": _form("service_request", WRITERS, READERS),
    "talents:package_finish": _form("service_request", WRITERS, READERS),
    "talents:package_return": _form("service_request", WRITERS, READERS),
    "talents:package_feedback": _form("service_request", WRITERS, READERS),
    "talents:fund_budget_list": Entry(None, only(F_READERS)),
    "talents:fund_budget_create": Entry(
        None, only(F_WRITERS), post=True, post_expect=only(F_WRITERS, yes=400)
    ),
    "talents:fund_budget_detail": _page("fund_budget", F_READERS),
    "talents:fund_budget_edit": _form("fund_budget", F_WRITERS, F_READERS),
    "talents:fund_allocation_create": _form("fund_budget", F_WRITERS, F_READERS),
    "talents:fund_disbursement_create": _form("fund_allocation", F_WRITERS, F_READERS),
    "talents:fund_disbursement_list": Entry(None, only(F_READERS)),
    "talents:fund_disbursement_detail": _page("fund_disbursement", F_READERS),
    "talents:fund_disbursement_decide": _form("fund_disbursement", APPROVERS, F_READERS),
    "talents:fund_disbursement_pay": _form("fund_disbursement", F_WRITERS, F_READERS),
    "talents:fund_disbursement_cancel": _form("fund_disbursement", APPROVERS, F_READERS),
    "talents:fund_ledger": Entry(None, only(F_READERS)),
    "talents:fund_usage": Entry(None, only(F_READERS)),
}


def _objects_at(org: Organization, creator: User, item: object) -> dict[str, int]:
    talent = make_talent(org, f"{org.name}人才")
    request = make_request(talent, creator, submitted_on=date(2026, 3, 2))
    budget = make_budget(org, item, creator, amount="50000")  # type: ignore[arg-type]
    allocation = make_allocation(budget, talent, creator, "10000")
    disbursement = make_disbursement(allocation, creator, "1000")
    return {
        "service_request": request.pk,
        "fund_budget": budget.pk,
        "fund_allocation": allocation.pk,
        "fund_disbursement": disbursement.pk,
    }


def build(o: Objects, users: dict[str, User]) -> None:
    creator = users[Role.SYSTEM_ADMIN]
    item = make_item(name="矩阵生活补贴")
    by_org: dict[int, dict[str, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in by_org:
                by_org[org_pk] = _objects_at(Organization.objects.get(pk=org_pk), creator, item)
            for kind, pk in by_org[org_pk].items():
                o.put(kind, role, inside, pk)
