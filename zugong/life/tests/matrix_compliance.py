"""The compliance pages' part of the authorization matrix (collected by test_authorization_matrix)."""

from __future__ import annotations

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, everyone, org, pk_of
from zugong.orgs.models import Organization


def _township_expect(role: str) -> int:
    # A branch secretary's scope holds no committee-level organization: its own branch is not a
    # township, so the page is a 404 there too.
    return 404 if role == Role.BRANCH_ADMIN else 200


ENTRIES: dict[str, Entry] = {
    "life:compliance": Entry(None, everyone(200)),
    "life:org_compliance": Entry(org, everyone(200)),
    "life:branch_home": Entry(org, everyone(200)),
    "life:township": Entry(pk_of("life_township"), _township_expect),
}


def build(o: Objects, users: dict[str, User]) -> None:
    by_code = dict(
        Organization.objects.filter(code__in=["TA", "TB", "X0", "A1"]).values_list("code", "pk")
    )
    for role in ROLES:
        if role == Role.COMMITTEE_ADMIN:
            inside, outside = by_code["TA"], by_code["TB"]
        elif role == Role.BRANCH_ADMIN:
            inside, outside = by_code["A1"], by_code["TA"]
        else:
            inside, outside = by_code["TA"], by_code["X0"]
        o.put("life_township", role, True, inside)
        o.put("life_township", role, False, outside)
