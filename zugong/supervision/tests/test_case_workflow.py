"""The workflow 受理 / 不予受理 → 分办 → 核查 → 反馈 → 办结, reopening, and registering a 举报
received by letter or visit: legal steps, refused steps (with a Chinese message, nothing
written), and every step a CaseEvent with its actor."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zugong.accounts.models import Role
from zugong.supervision import case_services as svc
from zugong.supervision import receipts
from zugong.supervision.crypto import unseal
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    CaseEvent,
    Channel,
    MessageVisibility,
    Report,
    ReportState,
)
from zugong.supervision.tests.test_case_support import TEXT, make_handler, make_report

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 26)


@pytest.fixture
def officer(users):  # noqa: ANN001, ANN201
    return users[Role.SUPERVISION_OFFICER]


@pytest.fixture
def handler(db):  # noqa: ANN001, ANN201
    return make_handler("chengban")


def test_the_whole_path_records_every_step(officer, handler):
    report = make_report(received_on=DAY)
    svc.accept_case(actor=officer, report=report, note="符合受理条件", today=DAY)
    assert report.state == ReportState.ACCEPTED and report.accepted_on == DAY
    assert report.step_due_on == step_due(ReportState.ACCEPTED, DAY)
    svc.assign_case(actor=officer, report=report, handlers=[handler], today=DAY)
    assert report.state == ReportState.INVESTIGATING
    svc.add_note(
        actor=handler,
        report=report,
        text="约谈了相关人员",
        evidence=b"pdf",
        evidence_name="谈话记录.pdf",
        today=DAY,
    )
    svc.answer_case(actor=handler, report=report, text="经核查，反映问题部分属实", today=DAY)
    assert report.state == ReportState.ANSWERED
    svc.close_case(
        actor=handler,
        report=report,
        result="partly_true",
        note="已责令整改",
        today=date(2025, 10, 9),
    )
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.result == "partly_true"
    assert report.closed_on == date(2025, 10, 9) and report.step_due_on is None
    assert report.result_note == "已责令整改" and "整改" not in report.result_note_sealed
    kinds = list(report.events.values_list("kind", "actor__username"))
    assert kinds == [
        ("accepted", officer.username),
        ("assigned", officer.username),
        ("note", "chengban"),
        ("answered", "chengban"),
        ("closed", "chengban"),
    ]
    visibility = dict(report.messages.values_list("visibility", "text_sealed"))
    assert unseal(visibility[MessageVisibility.PUBLIC]) == "经核查，反映问题部分属实"
    assert unseal(visibility[MessageVisibility.INTERNAL]) == "约谈了相关人员"
    evidence = report.files.get()
    assert not evidence.from_reporter and evidence.name == "谈话记录.pdf"
    assert evidence.blob.read() != b"pdf"  # encrypted at rest


def test_rejection_needs_a_reason_the_reporter_sees(officer):
    report = make_report()
    with pytest.raises(ValidationError, match="不予受理理由"):
        svc.reject_case(actor=officer, report=report, reason="  ")
    svc.reject_case(actor=officer, report=report, reason="不属于组织部门受理范围，请向纪委反映")
    report.refresh_from_db()
    assert report.state == ReportState.REJECTED and "纪委" in report.reject_reason
    assert report.events.get().kind == CaseEvent.Kind.REJECTED


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (ReportState.ACCEPTED, "accept"),
        (ReportState.INVESTIGATING, "reject"),
        (ReportState.RECEIVED, "assign"),
        (ReportState.INVESTIGATING, "close"),
        (ReportState.RECEIVED, "answer"),
    ],
)
def test_illegal_transitions_are_refused_in_chinese(officer, handler, state, step):
    report = make_report(state=state)
    report.assignments.create(handler=handler, assigned_by=officer)
    calls = {
        "accept": lambda: svc.accept_case(actor=officer, report=report, note="x"),
        "reject": lambda: svc.reject_case(actor=officer, report=report, reason="x"),
        "assign": lambda: svc.assign_case(actor=officer, report=report, handlers=[handler]),
        "close": lambda: svc.close_case(actor=handler, report=report, result="true", note="x"),
        "answer": lambda: svc.answer_case(actor=handler, report=report, text="x"),
    }
    with pytest.raises(ValidationError, match="当前状态为") as exc:
        calls[step]()
    assert "不能" in str(exc.value)
    report.refresh_from_db()
    assert report.state == state and not report.events.exists()


def test_steps_need_the_right_person(officer, handler, users):
    report = make_report(state=ReportState.INVESTIGATING)
    with pytest.raises(PermissionDenied):
        svc.accept_case(actor=users[Role.DEPARTMENT_ADMIN], report=report, note="x")
    with pytest.raises(PermissionDenied):  # not assigned
        svc.answer_case(actor=handler, report=report, text="x")
    with pytest.raises(PermissionDenied):  # the officer is not assigned either
        svc.add_note(actor=officer, report=report, text="x")


def test_close_needs_a_result(officer, handler):
    report = make_report(state=ReportState.ANSWERED)
    report.assignments.create(handler=handler, assigned_by=officer)
    with pytest.raises(ValidationError, match="办结结果"):
        svc.close_case(actor=handler, report=report, result="maybe", note="x")


def test_reopening_needs_the_permission_and_a_reason(officer, handler, users):
    report = make_report(state=ReportState.CLOSED, result="false")
    report.assignments.create(handler=handler, assigned_by=officer)
    for someone in (
        handler,
        users[Role.LEADER],
        users[Role.DEPARTMENT_ADMIN],
        users[Role.CUSTODIAN],
    ):
        with pytest.raises(PermissionDenied):
            svc.reopen_case(actor=someone, report=report, reason="新线索")
    with pytest.raises(ValidationError, match="重新办理理由"):
        svc.reopen_case(actor=officer, report=report, reason="")
    svc.reopen_case(
        actor=users[Role.SYSTEM_ADMIN], report=report, reason="反映人补充了新线索", today=DAY
    )
    report.refresh_from_db()
    assert report.state == ReportState.INVESTIGATING and report.result == ""
    assert report.reopened_times == 1
    assert report.step_due_on == step_due(ReportState.INVESTIGATING, DAY)
    event = report.events.get()
    assert event.kind == CaseEvent.Kind.REOPENED and event.note == "反映人补充了新线索"
    with pytest.raises(ValidationError, match="当前状态为"):
        svc.reopen_case(actor=officer, report=report, reason="again")


def test_registering_on_behalf_gives_a_code_that_must_change(officer, users):
    report, code = svc.register_on_behalf(
        actor=officer,
        channel=Channel.MEMBER,
        text="来信反映某党员长期不参加组织生活",
        received_on=DAY,
        identity_name="张三",
        identity_contact="13800001111",
        how="来信",
    )
    assert receipts.normalize_receipt(code) is not None
    assert report.receipt_hash == receipts.receipt_hash(code)
    assert code.replace("-", "") not in report.receipt_hash
    assert report.receipt_must_change and report.filed_by == officer
    assert report.state == ReportState.RECEIVED
    assert report.step_due_on == date(2025, 10, 10)
    assert report.identity.name_sealed and "张三" not in report.identity.name_sealed
    assert report.events.get().actor == officer
    with pytest.raises(PermissionDenied):
        svc.register_on_behalf(
            actor=users[Role.LEADER], channel=Channel.MEMBER, text="x", received_on=DAY
        )
    assert Report.objects.count() == 1


def test_the_register_page_shows_the_code_once(client, officer):
    client.force_login(officer)
    response = client.post(
        "/supervision/cases/new/",
        {"how": "来访", "received_on": "2025-09-26", "channel": "other", "text": TEXT},
    )
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    report = Report.objects.get()
    assert report.receipt_hash == receipts.receipt_hash(code)
    # Bad input: a future date and an unknown cadre are named by field.
    response = client.post(
        "/supervision/cases/new/",
        {
            "how": "来访",
            "received_on": "2099-01-01",
            "channel": "other",
            "text": "x",
            "cadre_name": "查无此人",
        },
    )
    body = response.content.decode()
    assert "收到日期：不能晚于今天" in body and "没有找到该干部" in body
    assert Report.objects.count() == 1


def test_the_notice_stays_under_review_until_its_last_report_closes(officer, handler, unit_tree):
    from zugong.cadres.models import PublicNotice
    from zugong.supervision.models import SubjectKind
    from zugong.supervision.tests.test_portal_support import active_notice

    notice = active_notice(unit_tree.town_a, under_review=True)
    first, second = make_report(received_on=DAY), make_report(received_on=DAY)
    Report.objects.filter(pk__in=[first.pk, second.pk]).update(
        subject_kind=SubjectKind.NOTICE, subject_notice=notice
    )
    first.refresh_from_db()
    second.refresh_from_db()

    def under_review() -> bool:
        return PublicNotice.objects.get(pk=notice.pk).under_review

    svc.reject_case(actor=officer, report=first, reason="不属于受理范围", today=DAY)
    assert under_review()  # the second is still open
    svc.accept_case(actor=officer, report=second, note="受理", today=DAY)
    svc.assign_case(actor=officer, report=second, handlers=[handler], today=DAY)
    svc.answer_case(actor=handler, report=second, text="经核查不属实", today=DAY)
    svc.close_case(actor=handler, report=second, result="false", note="不属实", today=DAY)
    assert not under_review()
    svc.reopen_case(actor=officer, report=second, reason="有新情况", today=DAY)
    assert under_review()
