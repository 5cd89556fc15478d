"""Test factories for case handling: reports made the way the portal makes them (sealed text,
a hashed receipt, received_on, state RECEIVED, the step's due date), handlers and assignments."""

from __future__ import annotations

from datetime import date

from zugong.accounts.models import Role, User
from zugong.cadres.models import Cadre, PostHolding, Unit
from zugong.conftest import valid_id
from zugong.supervision import receipts
from zugong.supervision.crypto import seal
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    CaseAssignment,
    Channel,
    HandlerProfile,
    Report,
    ReportState,
    SealedIdentity,
    SubjectKind,
)

TEXT = "某干部在选拔中有拉票行为"


def receipt_hash() -> str:
    code = receipts.new_receipt()
    return receipts.receipt_hash(code) or ""


def make_report(
    *,
    received_on: date = date(2025, 9, 1),
    channel: str = Channel.SELECTION,
    text: str = TEXT,
    state: str = ReportState.RECEIVED,
    cadre: Cadre | None = None,
    identity: tuple[str, str] | None = None,
    step_due_on: date | None = None,
    result: str = "",
) -> Report:
    report = Report.objects.create(
        channel=channel,
        subject_kind=SubjectKind.CADRE if cadre else SubjectKind.NONE,
        subject_cadre=cadre,
        text_sealed=seal(text),
        receipt_hash=receipt_hash(),
        received_on=received_on,
        state=state,
        result=result,
        closed_on=received_on if result else None,
        step_due_on=step_due_on or step_due(ReportState.RECEIVED, received_on),
        has_identity=identity is not None,
        unit_path=cadre.unit_path if cadre else "",
    )
    if identity:
        SealedIdentity.objects.create(
            report=report,
            name_sealed=seal(identity[0]),
            contact_sealed=seal(identity[1]),
            provided_on=received_on,
        )
    return report


def make_cadre(unit: Unit, name: str, birth: date = date(1985, 3, 1)) -> Cadre:
    return Cadre.objects.create(
        name=name,
        gender="男",
        id_number=valid_id(birth),
        birth_date=birth,
        unit=unit,
        work_started_on=date(2007, 7, 1),
    )


def make_handler(username: str, cadre: Cadre | None = None, role: str = Role.LEADER) -> User:
    user = User.objects.create_user(
        username=username, password="Zugong@2026", role=role, full_name=username
    )
    HandlerProfile.objects.create(user=user, cadre=cadre)
    return user


def profile_for(user: User, cadre: Cadre | None = None) -> HandlerProfile:
    return HandlerProfile.objects.create(user=user, cadre=cadre)


def assign(report: Report, handler: User, by: User, state: str = ReportState.INVESTIGATING) -> None:
    CaseAssignment.objects.create(report=report, handler=handler, assigned_by=by)
    report.state = state
    report.save(update_fields=["state"])


def hold_post(
    cadre: Cadre, unit: Unit, title: str, started: date = date(2020, 1, 1)
) -> PostHolding:
    return PostHolding.objects.create(
        cadre=cadre, unit=unit, title=title, started_on=started, is_main=False
    )
