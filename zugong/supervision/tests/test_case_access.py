"""Access per case, not per role: a handler opens a case only while assigned; the 干部监督科 opens
the cases waiting for 受理 or 分办; nobody else opens content (404, like a missing case). Every
view, download and identity view is a CaseAccess row; the sealed identity opens only after a
custodian approved a written request, and both steps are logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.supervision import case_services as svc
from zugong.supervision.crypto import seal, seal_bytes
from zugong.supervision.models import (
    CaseAccess,
    IdentityRequest,
    ReportFile,
    ReportState,
)
from zugong.supervision.tests.test_case_support import TEXT, make_handler, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(users):  # noqa: ANN001, ANN201
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    report = make_report(state=ReportState.ACCEPTED, identity=("张实名", "13912345678"))
    svc.assign_case(actor=officer, report=report, handlers=[handler])
    f = ReportFile(
        report=report,
        name_sealed=seal("照片.jpg"),
        content_type="image/jpeg",
        size=5,
        added_on=report.received_on,
    )
    f.blob.save("x.bin", ContentFile(seal_bytes(b"JPEG!")), save=False)
    f.save()
    return report, handler, officer, f


def url(report, tail: str = "") -> str:  # noqa: ANN001
    return f"/supervision/cases/{report.pk}/{tail}"


def test_the_assigned_handler_opens_the_case_and_each_view_is_logged(client, case):
    report, handler, _, _ = case
    client.force_login(handler)
    for _ in range(2):
        response = client.get(url(report))
        assert response.status_code == 200
        assert TEXT in response.content.decode()
    assert CaseAccess.objects.filter(report=report, user=handler, action="view").count() == 2
    # The case page shows its access history.
    assert response.content.decode().count("查看</li>") >= 2


@pytest.mark.parametrize(
    "role",
    [
        Role.SYSTEM_ADMIN,
        Role.DEPARTMENT_ADMIN,
        Role.LEADER,
        Role.CUSTODIAN,
        Role.SUPERVISION_OFFICER,
        Role.CADRE_OFFICER,
    ],
)
def test_other_roles_get_404_on_an_assigned_case(client, case, users, role):
    report, _, _, f = case
    client.force_login(users[role])
    assert client.get(url(report)).status_code == 404
    assert client.get(url(report, f"files/{f.pk}/")).status_code == 404
    assert client.get(url(report, "identity/")).status_code == 404
    assert client.get(url(report, "note/")).status_code == 404
    assert client.get("/supervision/cases/999999/").status_code == 404
    assert not CaseAccess.objects.exists()


def test_an_unassigned_handler_and_one_after_unassignment_get_404(client, case):
    report, handler, officer, _ = case
    other = make_handler("other")
    client.force_login(other)
    assert client.get(url(report)).status_code == 404
    svc.unassign_case(actor=officer, report=report, handler=handler, reason="工作调整")
    client.force_login(handler)
    assert client.get(url(report)).status_code == 404
    assert report.events.filter(kind="unassigned", actor=officer).exists()


def test_the_officer_opens_intake_cases_only(client, users):
    officer = users[Role.SUPERVISION_OFFICER]
    received = make_report()
    investigating = make_report(state=ReportState.INVESTIGATING)
    client.force_login(officer)
    assert client.get(url(received)).status_code == 200
    assert client.get(url(investigating)).status_code == 404
    # The queue shows both as metadata, without content.
    body = client.get("/supervision/cases/").content.decode()
    assert received.number in body and investigating.number in body and TEXT not in body


def test_a_download_is_decrypted_to_the_response_and_logged(client, case):
    report, handler, _, f = case
    client.force_login(handler)
    response = client.get(url(report, f"files/{f.pk}/"))
    assert response.status_code == 200 and response.content == b"JPEG!"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert CaseAccess.objects.get(report=report, action="file").user == handler


def test_identity_request_denied_then_approved_and_each_view_logged(client, case, users):
    report, handler, officer, _ = case
    custodian = users[Role.CUSTODIAN]
    client.force_login(handler)
    assert client.get(url(report, "identity/")).status_code == 403
    response = client.post(url(report, "identity-request/"), {"reason": ""})
    assert "申请理由" in response.content.decode() or "理由" in response.content.decode()
    client.post(url(report, "identity-request/"), {"reason": "需联系反映人补充证据"})
    first = IdentityRequest.objects.get()
    assert first.state == "pending" and first.requested_by == handler
    # The custodian sees the request, not the case content.
    client.force_login(custodian)
    listing = client.get("/supervision/identity-requests/").content.decode()
    assert "需联系反映人补充证据" in listing and TEXT not in listing
    assert client.get(url(report)).status_code == 404
    client.post(
        f"/supervision/identity-requests/{first.pk}/", {"decision": "deny", "reason": "理由不充分"}
    )
    first.refresh_from_db()
    assert first.state == "denied" and first.decided_by == custodian and first.decided_at
    client.force_login(handler)
    assert client.get(url(report, "identity/")).status_code == 403
    client.post(url(report, "identity-request/"), {"reason": "反映人同意联系，需核实细节"})
    second = IdentityRequest.objects.get(state="pending")
    client.force_login(custodian)
    client.post(
        f"/supervision/identity-requests/{second.pk}/", {"decision": "approve", "reason": "同意"}
    )
    client.force_login(handler)
    for _ in range(2):
        response = client.get(url(report, "identity/"))
        assert response.status_code == 200
        assert "张实名" in response.content.decode() and "13912345678" in response.content.decode()
    assert CaseAccess.objects.filter(report=report, user=handler, action="identity").count() == 2
    notes = list(report.events.values_list("note", flat=True))
    assert any("未批准" in n for n in notes) and any("批准" in n and "未" not in n for n in notes)
    # The name never shows on the case page itself.
    assert "张实名" not in client.get(url(report)).content.decode()
    # The approval lapses after identity_approval_days (7 by default): a new request is needed.
    IdentityRequest.objects.filter(pk=second.pk).update(
        decided_at=timezone.now() - timedelta(days=7, seconds=1)
    )
    assert client.get(url(report, "identity/")).status_code == 403
    IdentityRequest.objects.filter(pk=second.pk).update(
        decided_at=timezone.now() - timedelta(days=6, hours=23)
    )
    assert client.get(url(report, "identity/")).status_code == 200


def test_only_the_custodian_decides_and_never_twice(client, case, users):
    report, handler, _, _ = case
    req = svc.request_identity(actor=handler, report=report, reason="需要")
    client.force_login(users[Role.SUPERVISION_OFFICER])
    assert client.get(f"/supervision/identity-requests/{req.pk}/").status_code == 403
    client.force_login(users[Role.CUSTODIAN])
    client.post(
        f"/supervision/identity-requests/{req.pk}/", {"decision": "approve", "reason": "同意"}
    )
    response = client.post(
        f"/supervision/identity-requests/{req.pk}/", {"decision": "deny", "reason": "改主意"}
    )
    assert "已经审批过" in response.content.decode()
    req.refresh_from_db()
    assert req.state == "approved"


def test_an_anonymous_report_has_no_identity_to_request(case, users):
    report, handler, officer, _ = case
    anon = make_report(state=ReportState.ACCEPTED)
    svc.assign_case(actor=officer, report=anon, handlers=[handler])
    with pytest.raises(Exception, match="匿名"):
        svc.request_identity(actor=handler, report=anon, reason="x")


def test_a_missing_file_is_a_clear_404_not_a_500(client, case):
    report, handler, _, f = case
    f.blob.storage.delete(f.blob.name)
    client.force_login(handler)
    assert client.get(url(report, f"files/{f.pk}/")).status_code == 404
    assert not CaseAccess.objects.filter(action="file").exists()
