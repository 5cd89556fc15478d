"""The building blocks of the authorization matrix, shared by the apps' own matrix modules.

An app lists its URLs in ``zugong/<app>/tests/matrix.py`` as ``ENTRIES`` and creates the objects
they need in ``build(objects, users)``; test_authorization_matrix.py collects them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zugong.accounts.models import Role

ROLES = [
    Role.SYSTEM_ADMIN,
    Role.DEPARTMENT_ADMIN,
    Role.COMMITTEE_ADMIN,
    Role.BRANCH_ADMIN,
    Role.LEADER,
    Role.CADRE_OFFICER,
    Role.SUPERVISION_OFFICER,
    Role.CUSTODIAN,
    Role.PROBLEM_TRACKER,
    Role.TALENT_OFFICE,
]
STRUCTURE = {Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN}
WRITERS = STRUCTURE | {Role.BRANCH_ADMIN}
# The cadre side (zugong.cadres): accounts with a unit anchor read, the 干部科 writes.
CADRE_READERS = {Role.SYSTEM_ADMIN, Role.CADRE_OFFICER, Role.LEADER}
CADRE_WRITERS = {Role.SYSTEM_ADMIN, Role.CADRE_OFFICER}


@dataclass
class Objects:
    """Per role: the objects inside its scope and just outside it."""

    org_in: dict[str, int] = field(default_factory=dict)
    org_out: dict[str, int] = field(default_factory=dict)
    member_in: dict[str, int] = field(default_factory=dict)
    member_out: dict[str, int] = field(default_factory=dict)
    job_in: dict[str, int] = field(default_factory=dict)
    job_out: int = 0
    # Objects of the apps' own matrices: kind → (role, inside) → primary key.
    extra: dict[str, dict[tuple[str, bool], int]] = field(default_factory=dict)

    def put(self, kind: str, role: str, inside: bool, pk: int) -> None:
        self.extra.setdefault(kind, {})[(role, inside)] = pk


@dataclass(frozen=True)
class Entry:
    """kwargs(role, objects, inside) builds the URL; expect(role) is the in-scope GET status."""

    kwargs: Callable[[str, Objects, bool], dict] | None
    expect: Callable[[str], int]
    out_of_scope: Callable[[str], int] | None = None  # None: 404 for every role
    post: bool = False  # also POST an empty form: same status, never a 500
    post_expect: Callable[[str], int] | None = None  # None: same as the GET status
    has_scope: bool = True  # False: the kwargs name no scoped object
    # Without login: staff pages send to the login page; the public portal answers.
    anonymous: int = 302
    anonymous_post: int | None = None  # None: same as the GET status


def everyone(status: int) -> Callable[[str], int]:
    return lambda role: status


def only(roles: set[str], yes: int = 200, no: int = 403) -> Callable[[str], int]:
    return lambda role: yes if role in roles else no


def org(role: str, o: Objects, inside: bool) -> dict:
    return {"pk": (o.org_in if inside else o.org_out)[role]}


def member(role: str, o: Objects, inside: bool) -> dict:
    return {"pk": (o.member_in if inside else o.member_out)[role]}


def job(role: str, o: Objects, inside: bool) -> dict:
    return {"pk": o.job_in[role] if inside else o.job_out}


def kind(role: str, o: Objects, inside: bool) -> dict:
    return {"kind": "members"}


def pk_of(kind_name: str) -> Callable[[str, Objects, bool], dict]:
    """kwargs for a URL taking the pk of an object an app's build() registered under kind_name."""

    def kwargs(role: str, o: Objects, inside: bool) -> dict:
        return {"pk": o.extra[kind_name][(role, inside)]}

    return kwargs
