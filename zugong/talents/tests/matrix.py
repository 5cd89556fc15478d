"""The talent pool and policies' part of the authorization matrix (record_urls.py).

Readers (TALENT_READER_ROLES: 人才办, 组织部, 系统管理员, 领导, 党（工）委) read within their
subtree; the others get a 403 on every page, in scope or not. Writers (人才办, 组织部, 系统管理员)
write. A policy is in scope when it covers the account's area or an area above or below it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, pk_of
from zugong.core.models import ImportJob
from zugong.orgs.models import Organization
from zugong.talents.access import TALENT_READER_ROLES, TALENT_WRITER_ROLES
from zugong.talents.models import ArchiveEntry
from zugong.talents.tests import support

READERS = set(TALENT_READER_ROLES)
WRITERS = set(TALENT_WRITER_ROLES)


def readers(status: int) -> Callable[[str], int]:
    return lambda role: status if role in READERS else 403


def writers(status: int) -> Callable[[str], int]:
    return lambda role: status if role in WRITERS else 403


GONE = readers(404)  # out of scope: 404 for readers; the others are refused the whole area
WRITER_GONE = writers(404)


def _write(kind: str | None) -> Entry:
    """A form page: writers 200 (an empty POST 400), the rest 403."""
    return Entry(
        pk_of(kind) if kind else None,
        writers(200),
        post=True,
        post_expect=writers(400),
        out_of_scope=GONE,
    )


ENTRIES: dict[str, Entry] = {
    "talents:list": Entry(None, readers(200)),
    "talents:create": _write(None),
    "talents:detail": Entry(pk_of("talent"), readers(200), out_of_scope=GONE),
    "talents:edit": _write("talent"),
    "talents:entry_add": _write("talent"),
    "talents:entry_edit": _write("talent_entry"),
    # POST-only: a GET is 405 for writers; the POST deletes (302). Checked after scope and role.
    "talents:entry_delete": Entry(
        pk_of("talent_entry"),
        writers(405),
        post=True,
        post_expect=writers(302),
        out_of_scope=GONE,
    ),
    "talents:grant_add": _write("talent"),
    "talents:statistics": Entry(None, readers(200)),
    "talents:import": Entry(None, writers(200), post=True, post_expect=writers(400)),
    "talents:import_template": Entry(None, writers(200)),
    # Import jobs are private to the account that uploaded them.
    "talents:import_job": Entry(pk_of("talent_job"), writers(200), out_of_scope=WRITER_GONE),
    "talents:import_errors": Entry(pk_of("talent_job"), writers(200), out_of_scope=WRITER_GONE),
    "talents:policy_list": Entry(None, readers(200)),
    "talents:policy_create": _write(None),
    "talents:policy_detail": Entry(pk_of("talent_policy"), readers(200), out_of_scope=GONE),
    "talents:policy_edit": _write("talent_policy"),
    "talents:item_create": _write("talent_policy"),
    "talents:item_edit": _write("policy_item"),
    "talents:grant_list": Entry(None, readers(200)),
    "talents:grant_stop": _write("talent_grant"),
    "talents:matching": Entry(None, readers(200)),
}


def _job(user: User) -> int:
    job = ImportJob(
        kind="talents",
        original_name="人才库.xlsx",
        status=ImportJob.Status.INVALID,
        scope_path=user.scope.path or "",
        created_by=user,
        errors=[{"row": 2, "column": "姓名", "value": "", "message": "姓名：必须填写"}],
    )
    job.file.save("talents.xlsx", ContentFile(b"PK"), save=False)
    job.error_file.save("talents-errors.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job.pk


def build(o: Objects, users: dict[str, User]) -> None:
    creator = users[Role.SYSTEM_ADMIN]
    county = Organization.objects.get(pk=o.org_in[Role.SYSTEM_ADMIN]).parent.parent  # type: ignore[union-attr]
    other_county = Organization.objects.get(pk=o.org_out[Role.SYSTEM_ADMIN]).parent
    policy_in = support.policy(county, "县人才新政")
    policy_out = support.policy(other_county, "邻县人才新政")  # type: ignore[arg-type]
    item_in = support.item(policy_in)
    item_out = support.item(policy_out)
    by_org: dict[int, tuple[int, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in by_org:
                org = Organization.objects.get(pk=org_pk)
                t = support.talent(org, f"{org.name}人才")
                entry = ArchiveEntry.objects.create(
                    talent=t, kind="award", occurred_on=date(2025, 5, 1), title="县优秀人才"
                )
                g = support.grant(
                    t, item_in if org.path.startswith(county.path) else item_out, creator
                )
                by_org[org_pk] = (t.pk, g.pk, entry.pk)
            t_pk, g_pk, entry_pk = by_org[org_pk]
            o.put("talent", role, inside, t_pk)
            o.put("talent_entry", role, inside, entry_pk)
            o.put("talent_grant", role, inside, g_pk)
            o.put("talent_policy", role, inside, (policy_in if inside else policy_out).pk)
            o.put("policy_item", role, inside, (item_in if inside else item_out).pk)
    stranger = User.objects.create_user(
        username="talent_stranger", role=Role.TALENT_OFFICE, anchor_org=county
    )
    out_job = _job(stranger)
    for role in ROLES:
        o.put("talent_job", role, True, _job(users[role]))
        o.put("talent_job", role, False, out_job)
