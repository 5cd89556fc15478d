"""Case handling's part of the authorization matrix.

Access is per case: for every role the "in" object is a case assigned to that role's account
(any account may be a handler), and the "out" object a case assigned to nobody, which is a 404
for everyone. Steps reserved to the 干部监督科 give the others 403 on their own case; the officer's
"in" case for those is one waiting for 受理 (which the 干部监督科 opens without assignment).
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, everyone, only, pk_of
from zugong.supervision.case_selectors import QUEUE_ROLES, REOPEN_ROLES, STATS_ROLES
from zugong.supervision.crypto import seal, seal_bytes
from zugong.supervision.models import (
    HandlerProfile,
    IdentityRequest,
    ReportFile,
    ReportState,
)
from zugong.supervision.tests.test_case_support import assign, make_report

OFFICER = {Role.SUPERVISION_OFFICER}
CUSTODIAN = {Role.CUSTODIAN}


def case_file(role: str, o: Objects, inside: bool) -> dict:
    return {"pk": o.extra["sv_case"][(role, inside)], "file_pk": o.extra["sv_file"][(role, inside)]}


def officer_step(post: bool = True) -> Entry:
    return Entry(pk_of("sv_intake"), only(OFFICER), post=post)


def handler_step() -> Entry:
    return Entry(pk_of("sv_case"), everyone(200), post=True)


ENTRIES: dict[str, Entry] = {
    "supervision:case_list": Entry(None, everyone(200)),
    "supervision:case_register": Entry(None, only(OFFICER), post=True),
    "supervision:case_detail": Entry(pk_of("sv_case"), everyone(200)),
    "supervision:case_file": Entry(case_file, everyone(200)),
    "supervision:case_identity": Entry(pk_of("sv_case"), everyone(200)),
    "supervision:case_accept": officer_step(),
    "supervision:case_reject": officer_step(),
    "supervision:case_assign": officer_step(),
    "supervision:case_unassign": officer_step(),
    "supervision:case_note": handler_step(),
    "supervision:case_answer": handler_step(),
    "supervision:case_close": handler_step(),
    "supervision:case_identity_request": handler_step(),
    # Reopening reads only the queue's metadata: the queue's roles reach every case, others none.
    "supervision:case_reopen": Entry(
        pk_of("sv_closed"), only(REOPEN_ROLES, no=404), post=True, has_scope=False
    ),
    "supervision:identity_requests": Entry(None, only(CUSTODIAN)),
    "supervision:identity_decide": Entry(
        pk_of("sv_request"), only(CUSTODIAN), post=True, has_scope=False
    ),
    "supervision:handler_list": Entry(None, only(OFFICER)),
    "supervision:handler_create": Entry(None, only(OFFICER), post=True),
    "supervision:handler_edit": Entry(
        pk_of("sv_profile"), only(OFFICER), post=True, has_scope=False
    ),
    "supervision:stats": Entry(None, only(STATS_ROLES)),
}
assert QUEUE_ROLES  # the queue's roles are those that reopen (REOPEN_ROLES)


def _file(report) -> ReportFile:  # noqa: ANN001 - a Report
    f = ReportFile(
        report=report,
        name_sealed=seal("材料.txt"),
        content_type="text/plain",
        size=4,
        added_on=report.received_on,
    )
    f.blob.save("m.bin", ContentFile(seal_bytes(b"data")), save=False)
    f.save()
    return f


def build(o: Objects, users: dict[str, User]) -> None:
    officer = users[Role.SUPERVISION_OFFICER]
    custodian = users[Role.CUSTODIAN]
    profiles = {role: HandlerProfile.objects.create(user=users[role]) for role in ROLES}
    nobodys = make_report(received_on=date(2025, 9, 1), identity=("王某", "13800000000"))
    assign(nobodys, officer, officer)
    nobodys.assignments.update(active=False)
    nobodys_file = _file(nobodys)
    intake = make_report(received_on=date(2025, 9, 2))
    closed = make_report(received_on=date(2025, 9, 3))
    closed.state, closed.result, closed.closed_on = ReportState.CLOSED, "false", date(2025, 10, 9)
    closed.save()
    for role in ROLES:
        user = users[role]
        case = make_report(received_on=date(2025, 9, 4), identity=("李某", "13900000000"))
        assign(case, user, officer)
        IdentityRequest.objects.create(
            report=case,
            requested_by=user,
            reason="核查需要联系反映人",
            state=IdentityRequest.State.APPROVED,
            decided_by=custodian if user != custodian else officer,
            decision_reason="同意",
            decided_at=timezone.now(),
        )
        o.put("sv_case", role, True, case.pk)
        o.put("sv_case", role, False, nobodys.pk)
        o.put("sv_file", role, True, _file(case).pk)
        o.put("sv_file", role, False, nobodys_file.pk)
        o.put("sv_intake", role, True, intake.pk if role == Role.SUPERVISION_OFFICER else case.pk)
        o.put("sv_intake", role, False, nobodys.pk)
        o.put("sv_closed", role, True, closed.pk)
        o.put("sv_profile", role, True, profiles[role].pk)
    pending = IdentityRequest.objects.create(
        report=nobodys, requested_by=officer, reason="需要核实反映人身份"
    )
    for role in ROLES:
        o.put("sv_request", role, True, pending.pk)
