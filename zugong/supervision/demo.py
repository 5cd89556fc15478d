"""The demo county's 举报 cases: about a dozen reports in every state of the workflow (some on a
任前公示 notice, some with a sealed identity, one with a pending identity request), the handlers
linked to demo cadres, and the accounts the case handling needs:

- jiandu (干部监督科, SUPERVISION_OFFICER), baoguan (保管人, CUSTODIAN);
- chengban1, chengban2 (承办人 of the 干部监督科, SUPERVISION_OFFICER role, handler profiles
  linked to cadres of 县委组织部 when the cadre side is seeded).

Deterministic for a seed; a second run adds nothing. The texts are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from zugong.accounts.models import Role, User
from zugong.cadres.models import Cadre, CadreStatus, PublicNotice
from zugong.core.selectors import workday_calendar
from zugong.orgs.models import Organization
from zugong.supervision import case_selectors, receipts
from zugong.supervision import case_services as svc
from zugong.supervision.crypto import seal
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    Channel,
    HandlerProfile,
    Report,
    ReportState,
    SealedIdentity,
    SubjectKind,
)

DEMO_PASSWORD = "Zugong@2026"


@dataclass(frozen=True)
class DemoCase:
    text: str
    channel: str
    target: str  # the state to reach
    workdays_ago: int
    subject: str = "cadre"  # cadre / notice / none
    identity: bool = False
    result: str = ""


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "反映该同志在任前公示期间仍在原单位违规报销费用。",
        Channel.SELECTION,
        "received",
        1,
        "notice",
    ),
    DemoCase("反映某村党支部换届时有人打招呼拉票。", Channel.ORGANIZATION, "received", 9, "none"),
    DemoCase("咨询个人社保缴费问题。", Channel.OTHER, "rejected", 20, "none"),
    DemoCase("反映该干部工作作风简单粗暴，群众意见较大。", Channel.SELECTION, "accepted", 2),
    DemoCase("反映该干部档案中学历信息存疑。", Channel.SELECTION, "accepted", 6, identity=True),
    DemoCase(
        "反映该同志在公示对象推荐过程中有违规操作。",
        Channel.SELECTION,
        "investigating",
        12,
        "notice",
        identity=True,
    ),
    DemoCase(
        "反映某党员长期不参加组织生活、不交党费。", Channel.MEMBER, "investigating", 30, "none"
    ),
    DemoCase(
        "反映该干部亲属经商并承揽本单位工程。",
        Channel.SELECTION,
        "investigating",
        70,
        identity=True,
    ),
    DemoCase("反映该干部上班时间经常不在岗。", Channel.SELECTION, "answered", 40),
    DemoCase("反映某社区党组织“三会一课”流于形式。", Channel.ORGANIZATION, "answered", 50, "none"),
    DemoCase("反映该干部违规操办子女婚宴。", Channel.SELECTION, "closed", 80, result="partly_true"),
    DemoCase(
        "反映该干部年龄造假。", Channel.SELECTION, "closed", 90, identity=True, result="false"
    ),
)


def _account(username: str, full_name: str, role: str, org: Organization | None) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.full_name, user.role, user.anchor_org, user.is_active = full_name, role, org, True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _workdays_before(today: date, n: int) -> date:
    cal = workday_calendar()
    day = today
    while n > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if cal.is_workday(day).value:
            n -= 1
    return day


def seed_supervision(*, today: date, seed: int = 2026) -> int:
    """Create the demo cases; returns the number of reports made (0 when some exist already)."""
    if Report.objects.exists():
        return 0
    rng = random.Random(seed)
    county_org = Organization.objects.order_by("path").first()
    # The same accounts as zugong.demo.accounts.DEMO_ACCOUNTS (made here too when seeded alone).
    officer = _account("jiandu", "孙立新", Role.SUPERVISION_OFFICER, county_org)
    _account("baoguan", "郑秀梅", Role.CUSTODIAN, county_org)
    handlers = [
        _account("chengban1", "吴志刚", Role.SUPERVISION_OFFICER, county_org),
        _account("chengban2", "何晓燕", Role.SUPERVISION_OFFICER, county_org),
    ]
    staff = list(
        Cadre.objects.filter(status=CadreStatus.ACTIVE, unit__name="县委组织部").order_by("id")[:2]
    )
    for i, handler in enumerate(handlers):
        HandlerProfile.objects.get_or_create(
            user=handler, defaults={"cadre": staff[i] if i < len(staff) else None}
        )
    staff_units = {c.unit_path for c in staff}
    subjects = [
        c
        for c in Cadre.objects.filter(status=CadreStatus.ACTIVE).order_by("id")[:400]
        if c.unit_path not in staff_units
    ]
    notice = PublicNotice.objects.select_related("cadre").order_by("-starts_on").first()
    made = 0
    for case in CASES:
        received = _workdays_before(today, case.workdays_ago)
        cadre = rng.choice(subjects) if case.subject == "cadre" and subjects else None
        kind, use_notice = SubjectKind.NONE, None
        if case.subject == "notice" and notice is not None:
            kind, use_notice = SubjectKind.NOTICE, notice
        elif cadre is not None:
            kind = SubjectKind.CADRE
        unit_path = use_notice.cadre.unit_path if use_notice else cadre.unit_path if cadre else ""
        report = Report.objects.create(
            channel=case.channel,
            subject_kind=kind,
            subject_cadre=cadre if kind == SubjectKind.CADRE else None,
            subject_notice=use_notice,
            text_sealed=seal(case.text),
            receipt_hash=receipts.receipt_hash(receipts.new_receipt()),
            has_identity=case.identity,
            received_on=received,
            step_due_on=step_due(ReportState.RECEIVED, received),
            unit_path=unit_path,
        )
        made += 1
        if use_notice is not None:
            PublicNotice.objects.filter(pk=use_notice.pk).update(under_review=True)
        if case.identity:
            SealedIdentity.objects.create(
                report=report,
                name_sealed=seal(f"实名反映人{made}"),
                contact_sealed=seal(f"1390000{made:04d}"),
                provided_on=received,
            )
        _advance(report, case, officer, handlers, today, received)
    return made


def _advance(
    report: Report,
    case: DemoCase,
    officer: User,
    handlers: list[User],
    today: date,
    received: date,
) -> None:
    order = ["received", "accepted", "investigating", "answered", "closed"]
    if case.target == "rejected":
        svc.reject_case(
            actor=officer,
            report=report,
            reason="不属于组织部门受理范围，建议向社保部门咨询。",
            today=received,
        )
        return
    reach = order.index(case.target)
    step_day = min(today, _next_workday(received))
    if reach >= 1:
        svc.accept_case(
            actor=officer, report=report, note="符合受理条件，予以受理。", today=step_day
        )
    if reach >= 2:
        eligible = [c.user for c in case_selectors.candidates(report, step_day) if c.eligible]
        chosen = [h for h in handlers if h in eligible][:1] or eligible[:1]
        if not chosen:
            return
        svc.assign_case(actor=officer, report=report, handlers=chosen, today=step_day)
        handler = chosen[0]
        svc.add_note(
            actor=handler, report=report, text="已调阅有关材料，约谈知情人两名。", today=today
        )
        if case.identity and case.target == "investigating":
            svc.request_identity(
                actor=handler,
                report=report,
                reason="需与反映人核实具体时间、地点，申请查看联系方式。",
            )
        if reach >= 3:
            svc.answer_case(
                actor=handler,
                report=report,
                text="您反映的问题已受理并完成核查，核查情况已按规定处理。感谢您的监督。",
                today=today,
            )
        if reach >= 4:
            svc.close_case(
                actor=handler,
                report=report,
                result=case.result or "unverifiable",
                note="经核查，已按干部管理权限作出处理。",
                today=today,
            )


def _next_workday(day: date) -> date:
    return workday_calendar().add_workdays(day, 1).value  # type: ignore[return-value]
