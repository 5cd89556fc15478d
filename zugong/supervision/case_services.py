"""Writes of the case handling by the 干部监督科 and the handlers: 受理 / 不予受理 → 分办 → 核查 →
反馈 → 办结, reopening, evidence, identity requests, and the deadline escalation.

Every step is a CaseEvent with its actor; a step not allowed in the case's state is refused with a
Chinese message (ValidationError) and nothing is written. Access to the case (case_selectors) is
checked by the views before a service runs; the services check the role and the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.cadres.models import Cadre, PublicNotice
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.supervision import case_rules, case_selectors, receipts
from zugong.supervision.crypto import seal, seal_bytes
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    CaseAccess,
    CaseAssignment,
    CaseEvent,
    Channel,
    HandlerProfile,
    IdentityRequest,
    MessageVisibility,
    Report,
    ReportFile,
    ReportMessage,
    ReportResult,
    ReportState,
    SealedIdentity,
    SubjectKind,
)

STATE_LABELS = dict(ReportState.choices)
WORK_STATES = (ReportState.INVESTIGATING, ReportState.ANSWERED)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require_state(report: Report, allowed: Sequence[str], step: str) -> None:
    if report.state not in allowed:
        wanted = "、".join(STATE_LABELS[s] for s in allowed)
        raise ValidationError(
            f"当前状态为“{report.get_state_display()}”，不能{step}（{step}只适用于：{wanted}）。"
        )


def _require_officer(actor: User, step: str) -> None:
    if actor.role != Role.SUPERVISION_OFFICER:
        raise PermissionDenied(f"只有干部监督科可以{step}")


def _require_assigned(actor: User, report: Report, step: str) -> None:
    if not case_selectors.is_assigned(actor, report):
        raise PermissionDenied(f"只有承办人可以{step}")


def _event(report: Report, kind: str, actor: User | None, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(report=report, kind=kind, actor=actor, note=note[:500])


def _enter(report: Report, state: str, today: date) -> None:
    report.state = state
    report.step_due_on = step_due(state, today)


def _settle_notice(report: Report) -> None:
    """A 公示 shows "有反映，核查中" while any 反映 on it is open; the last one closed (or not
    accepted) clears it, and reopening one sets it again."""
    if report.subject_notice_id is None:
        return
    still_open = Report.objects.filter(
        subject_notice_id=report.subject_notice_id, state__in=case_selectors.OPEN_STATES
    ).exists()
    PublicNotice.objects.filter(pk=report.subject_notice_id).update(under_review=still_open)


def log_access(*, user: User, report: Report, action: str) -> CaseAccess:
    return CaseAccess.objects.create(report=report, user=user, action=action)


def log_export(*, user: User, report_ids: Sequence[int]) -> int:
    """An export is a reading of every case in it: one EXPORT row per case, in one statement."""
    rows = [
        CaseAccess(report_id=pk, user=user, action=CaseAccess.Action.EXPORT) for pk in report_ids
    ]
    return len(CaseAccess.objects.bulk_create(rows, batch_size=1000))


# --- intake ------------------------------------------------------------------------------------


@transaction.atomic
def register_on_behalf(
    *,
    actor: User,
    channel: str,
    text: str,
    received_on: date,
    subject_cadre: Cadre | None = None,
    subject_notice: PublicNotice | None = None,
    subject_text: str = "",
    identity_name: str = "",
    identity_contact: str = "",
    how: str = "",
) -> tuple[Report, str]:
    """A 举报 received by letter, visit or phone, entered by the 干部监督科; returns the report and
    the temporary receipt code, shown once to print for the reporter, who must change it."""
    _require_officer(actor, "代为登记举报")
    if channel not in Channel.values:
        raise ValidationError({"channel": "渠道：请选择一个有效的渠道。"})
    if not text.strip():
        raise ValidationError({"text": "反映内容：必须填写。"})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "收到日期：不能晚于今天。"})
    code = receipts.new_receipt()
    kind = SubjectKind.NONE
    unit_path = ""
    if subject_notice is not None:
        kind, subject_cadre = SubjectKind.NOTICE, None
        unit_path = subject_notice.cadre.unit_path
    elif subject_cadre is not None:
        kind, unit_path = SubjectKind.CADRE, subject_cadre.unit_path
    report = Report.objects.create(
        channel=channel,
        subject_kind=kind,
        subject_cadre=subject_cadre,
        subject_notice=subject_notice,
        subject_text_sealed=seal(subject_text.strip()),
        text_sealed=seal(text.strip()),
        receipt_hash=receipts.receipt_hash(code),
        receipt_must_change=True,
        filed_by=actor,
        has_identity=bool(identity_name.strip()),
        received_on=received_on,
        state=ReportState.RECEIVED,
        step_due_on=step_due(ReportState.RECEIVED, received_on),
        unit_path=unit_path,
    )
    if identity_name.strip():
        SealedIdentity.objects.create(
            report=report,
            name_sealed=seal(identity_name.strip()),
            contact_sealed=seal(identity_contact.strip()),
            provided_on=received_on,
        )
    if subject_notice is not None:
        PublicNotice.objects.filter(pk=subject_notice.pk).update(under_review=True)
    _event(report, CaseEvent.Kind.RECEIVED, actor, f"代为登记（{how or '来信来访'}）")
    return report, code


@transaction.atomic
def accept_case(*, actor: User, report: Report, note: str, today: date | None = None) -> Report:
    _require_officer(actor, "受理")
    _require_state(report, [ReportState.RECEIVED], "受理")
    day = _today(today)
    report.accepted_on = day
    _enter(report, ReportState.ACCEPTED, day)
    report.save(update_fields=["state", "accepted_on", "step_due_on"])
    _event(report, CaseEvent.Kind.ACCEPTED, actor, note)
    return report


@transaction.atomic
def reject_case(*, actor: User, report: Report, reason: str, today: date | None = None) -> Report:
    """不予受理: the reason is shown to the reporter with the code."""
    _require_officer(actor, "不予受理")
    _require_state(report, [ReportState.RECEIVED], "不予受理")
    if not reason.strip():
        raise ValidationError({"reason": "不予受理理由：必须填写，反映人凭查询码可以看到。"})
    report.state = ReportState.REJECTED
    report.reject_reason = reason.strip()[:500]
    report.step_due_on = None
    report.closed_on = _today(today)
    report.save(update_fields=["state", "reject_reason", "step_due_on", "closed_on"])
    _settle_notice(report)
    _event(report, CaseEvent.Kind.REJECTED, actor, reason)
    return report


# --- 分办 ---------------------------------------------------------------------------------------


@transaction.atomic
def assign_case(
    *,
    actor: User,
    report: Report,
    handlers: Sequence[User],
    note: str = "",
    today: date | None = None,
) -> list[CaseAssignment]:
    """分办 to one or more handlers; a handler the 回避 rules exclude is refused with the reason."""
    _require_officer(actor, "分办")
    _require_state(report, [ReportState.ACCEPTED, *WORK_STATES], "分办")
    if not handlers:
        raise ValidationError({"handlers": "承办人：请至少选择一名承办人。"})
    day = _today(today)
    by_user = {c.user.pk: c for c in case_selectors.candidates(report, day)}
    made = []
    for handler in handlers:
        candidate = by_user.get(handler.pk)
        if candidate is None:
            raise ValidationError({"handlers": f"承办人：{handler}不是在册的承办人。"})
        if not candidate.eligible:
            raise ValidationError({"handlers": f"承办人：{handler}{candidate.avoid_reason}。"})
        if case_selectors.is_assigned(handler, report):
            raise ValidationError({"handlers": f"承办人：{handler}已经是本件的承办人。"})
        made.append(
            CaseAssignment.objects.create(report=report, handler=handler, assigned_by=actor)
        )
        _event(
            report,
            CaseEvent.Kind.ASSIGNED,
            actor,
            f"分办给{handler}" + (f"：{note}" if note else ""),
        )
    if report.state == ReportState.ACCEPTED:
        _enter(report, ReportState.INVESTIGATING, day)
        report.save(update_fields=["state", "step_due_on"])
    return made


@transaction.atomic
def unassign_case(*, actor: User, report: Report, handler: User, reason: str) -> None:
    _require_officer(actor, "撤回分办")
    if not reason.strip():
        raise ValidationError({"reason": "撤回理由：必须填写。"})
    updated = CaseAssignment.objects.filter(report=report, handler=handler, active=True).update(
        active=False, ended_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"handler": f"承办人：{handler}不是本件的承办人。"})
    _event(report, CaseEvent.Kind.UNASSIGNED, actor, f"撤回{handler}的分办：{reason}")


# --- 核查, 反馈, 办结 ---------------------------------------------------------------------------


@transaction.atomic
def add_note(
    *,
    actor: User,
    report: Report,
    text: str,
    evidence: bytes | None = None,
    evidence_name: str = "",
    evidence_type: str = "application/octet-stream",
    today: date | None = None,
) -> ReportMessage:
    """A 核查 note (internal, never shown to the reporter), optionally with an evidence file."""
    _require_assigned(actor, report, "记录核查情况")
    _require_state(report, WORK_STATES, "记录核查情况")
    if not text.strip():
        raise ValidationError({"text": "核查记录：必须填写。"})
    day = _today(today)
    message = ReportMessage.objects.create(
        report=report,
        author=actor,
        visibility=MessageVisibility.INTERNAL,
        text_sealed=seal(text.strip()),
        created_on=day,
    )
    if evidence is not None:
        f = ReportFile(
            report=report,
            name_sealed=seal(evidence_name or "证据材料"),
            content_type=evidence_type[:100],
            size=len(evidence),
            added_on=day,
            from_reporter=False,
        )
        f.blob.save("evidence.bin", ContentFile(seal_bytes(evidence)), save=False)
        f.save()
    _event(report, CaseEvent.Kind.NOTE, actor, "核查记录" + ("（附证据材料）" if evidence else ""))
    return message


@transaction.atomic
def answer_case(
    *, actor: User, report: Report, text: str, today: date | None = None
) -> ReportMessage:
    """反馈: a reply the reporter reads with the code."""
    _require_assigned(actor, report, "反馈")
    _require_state(report, WORK_STATES, "反馈")
    if not text.strip():
        raise ValidationError({"text": "反馈内容：必须填写。"})
    day = _today(today)
    message = ReportMessage.objects.create(
        report=report,
        author=actor,
        visibility=MessageVisibility.PUBLIC,
        text_sealed=seal(text.strip()),
        created_on=day,
    )
    if report.state == ReportState.INVESTIGATING:
        _enter(report, ReportState.ANSWERED, day)
        report.save(update_fields=["state", "step_due_on"])
    _event(report, CaseEvent.Kind.ANSWERED, actor)
    return message


@transaction.atomic
def close_case(
    *, actor: User, report: Report, result: str, note: str, today: date | None = None
) -> Report:
    _require_assigned(actor, report, "办结")
    _require_state(report, [ReportState.ANSWERED], "办结")
    if result not in ReportResult.values:
        raise ValidationError({"result": "办结结果：请选择属实、部分属实、不属实或无法核实。"})
    if not note.strip():
        raise ValidationError({"note": "办结情况：必须填写。"})
    report.state = ReportState.CLOSED
    report.result = result
    report.result_note_sealed = seal(note.strip())
    report.closed_on = _today(today)
    report.step_due_on = None
    report.save(update_fields=["state", "result", "result_note_sealed", "closed_on", "step_due_on"])
    _settle_notice(report)
    _event(report, CaseEvent.Kind.CLOSED, actor, ReportResult(result).label)
    return report


@transaction.atomic
def reopen_case(*, actor: User, report: Report, reason: str, today: date | None = None) -> Report:
    """重新办理: only the 干部监督科 or the system administrator, with a reason; the handlers
    still assigned continue the 核查."""
    if actor.role not in case_selectors.REOPEN_ROLES:
        raise PermissionDenied("只有干部监督科或系统管理员可以重新办理已办结的举报件")
    _require_state(report, [ReportState.CLOSED, ReportState.REJECTED], "重新办理")
    if not reason.strip():
        raise ValidationError({"reason": "重新办理理由：必须填写。"})
    day = _today(today)
    back_to = (
        ReportState.RECEIVED if report.state == ReportState.REJECTED else ReportState.INVESTIGATING
    )
    _enter(report, back_to, day)
    report.result = ""
    report.reject_reason = ""
    report.closed_on = None
    report.reopened_times += 1
    report.save(
        update_fields=[
            "state",
            "step_due_on",
            "result",
            "reject_reason",
            "closed_on",
            "reopened_times",
        ]
    )
    _settle_notice(report)
    _event(report, CaseEvent.Kind.REOPENED, actor, reason)
    return report


# --- the sealed identity -----------------------------------------------------------------------


@transaction.atomic
def request_identity(*, actor: User, report: Report, reason: str) -> IdentityRequest:
    _require_assigned(actor, report, "申请查看实名信息")
    if not report.has_identity:
        raise ValidationError("本件为匿名举报，没有实名信息。")
    if not reason.strip():
        raise ValidationError({"reason": "申请理由：必须填写。"})
    if IdentityRequest.objects.filter(
        report=report, requested_by=actor, state=IdentityRequest.State.PENDING
    ).exists():
        raise ValidationError("您已有一份待审批的申请。")
    request = IdentityRequest.objects.create(
        report=report, requested_by=actor, reason=reason.strip()
    )
    _event(report, CaseEvent.Kind.NOTE, actor, "申请查看实名信息（待保管人审批）")
    return request


@transaction.atomic
def decide_identity_request(
    *, actor: User, request: IdentityRequest, approve: bool, reason: str
) -> IdentityRequest:
    if actor.role != Role.CUSTODIAN:
        raise PermissionDenied("只有举报人身份保管人可以审批")
    if request.state != IdentityRequest.State.PENDING:
        raise ValidationError("该申请已经审批过。")
    if request.requested_by_id == actor.pk:
        raise ValidationError("不能审批本人提出的申请。")
    if not reason.strip():
        raise ValidationError({"reason": "审批意见：必须填写。"})
    request.state = IdentityRequest.State.APPROVED if approve else IdentityRequest.State.DENIED
    request.decided_by = actor
    request.decision_reason = reason.strip()
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_by", "decision_reason", "decided_at"])
    _event(
        request.report,
        CaseEvent.Kind.NOTE,
        actor,
        f"保管人{'批准' if approve else '未批准'}{request.requested_by}查看实名信息的申请",
    )
    return request


# --- handlers ----------------------------------------------------------------------------------


@transaction.atomic
def save_handler_profile(
    *,
    actor: User,
    user: User,
    cadre: Cadre | None,
    active: bool = True,
    note: str = "",
    profile: HandlerProfile | None = None,
) -> HandlerProfile:
    _require_officer(actor, "维护承办人")
    if profile is None:
        if HandlerProfile.objects.filter(user=user).exists():
            raise ValidationError({"user": f"账号：{user}已在承办人名单中。"})
        profile = HandlerProfile(user=user)
    profile.cadre = cadre
    profile.active = active
    profile.note = note
    profile.save()
    return profile


# --- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRun:
    reminded: int  # cases whose step falls due within the reminder window
    escalated: int  # cases overdue beyond the escalation limit


def _open_cases_with_deadlines() -> list[Report]:
    return list(
        Report.objects.filter(
            state__in=case_selectors.OPEN_STATES, step_due_on__isnull=False
        ).prefetch_related("events")
    )


@transaction.atomic
def check_deadlines(today: date | None = None) -> DeadlineRun:
    """Refresh the deadline findings of every open case, then record the day's reminder and
    escalation events (record_deadline_events)."""
    day = _today(today)
    ctx = RuleContext(today=day)
    open_cases = _open_cases_with_deadlines()
    refresh_findings(case_rules.CASE_KIND, open_cases, ctx)
    # Closed or rejected cases keep no deadline findings.
    Finding.objects.filter(subject_type=case_rules.CASE_KIND).exclude(
        subject_id__in=[r.pk for r in open_cases]
    ).delete()
    return _record_events(open_cases, ctx)


@transaction.atomic
def record_deadline_events(today: date) -> DeadlineRun:
    """Once per step, a REMINDED event for a case that falls due within the reminder window and
    an ESCALATED event for a case overdue beyond the escalation limit. The daily job runs this
    alone: `refresh_findings` has already refreshed the case findings just before."""
    return _record_events(_open_cases_with_deadlines(), RuleContext(today=today))


def _record_events(open_cases: list[Report], ctx: RuleContext) -> DeadlineRun:
    reminded = escalated = 0
    for report in open_cases:
        marker = f"期限{report.step_due_on.isoformat()}"
        step = report.get_state_display()
        if case_rules.escalation_due(report, ctx):
            kind = CaseEvent.Kind.ESCALATED
            note = f"“{step}”环节逾期（{marker}），提请干部监督科督办"
        elif case_rules.reminder_due(report, ctx):
            kind = CaseEvent.Kind.REMINDED
            note = f"“{step}”环节即将到期（{marker}），已提醒承办人"
        else:
            continue
        # Once per step: the marker names the step's due date.
        if any(e.kind == kind and marker in e.note for e in report.events.all()):
            continue
        _event(report, kind, None, note)
        if kind == CaseEvent.Kind.ESCALATED:
            escalated += 1
        else:
            reminded += 1
    return DeadlineRun(reminded=reminded, escalated=escalated)


def run_daily_deadline_check(today: date) -> str:
    run = record_deadline_events(today)
    return f"举报件到期提醒 {run.reminded} 件，逾期督办 {run.escalated} 件"
