"""Reads of the 举报 cases for staff. Access is per case, never by role alone:

- a handler opens a case only while assigned to it (CaseAssignment active);
- the 干部监督科 (SUPERVISION_OFFICER) sees the queue's metadata and opens the cases waiting for
  受理 or 分办, plus those assigned to it;
- nobody else opens case content, whatever the role. A case one may not open is a 404, exactly
  like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.cadres.models import Cadre, PostHolding, Unit
from zugong.cadres.models.units import UNIT_PATH_STEP
from zugong.supervision import case_rules
from zugong.supervision.models import (
    OPEN_STATES,
    CaseAccess,
    CaseAssignment,
    HandlerProfile,
    IdentityRequest,
    Report,
    ReportState,
    SubjectKind,
)

# Cases the 干部监督科 opens without being assigned: they wait for 受理 or 分办.
INTAKE_STATES = (ReportState.RECEIVED, ReportState.ACCEPTED)
# Who sees the queue's metadata (number, channel, dates, state, handlers; never content).
QUEUE_ROLES = frozenset({Role.SUPERVISION_OFFICER, Role.SYSTEM_ADMIN})
# Who may reopen a closed case (with a reason).
REOPEN_ROLES = frozenset({Role.SUPERVISION_OFFICER, Role.SYSTEM_ADMIN})
STATS_ROLES = frozenset(
    {Role.SUPERVISION_OFFICER, Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.LEADER}
)
NO_CADRE_FLAG = "未关联干部档案，无法核对回避"


def is_officer(user: User) -> bool:
    return user.role == Role.SUPERVISION_OFFICER


def sees_queue(user: User) -> bool:
    return user.role in QUEUE_ROLES


def assigned_q(user: User) -> Q:
    return Q(
        Exists(CaseAssignment.objects.filter(report=OuterRef("pk"), handler=user, active=True))
    )


def openable(user: User) -> QuerySet[Report]:
    """The cases `user` may open (read content)."""
    q = assigned_q(user)
    if is_officer(user):
        q |= Q(state__in=INTAKE_STATES)
    return Report.objects.filter(q)


def get_case(user: User, pk: int) -> Report:
    report = openable(user).filter(pk=pk).first()
    if report is None:
        raise Http404("没有这个举报件，或您无权查看")
    return report


def get_case_meta(user: User, pk: int) -> Report:
    """A case for metadata-only actions (reopen) by the queue's roles; content is not shown."""
    if not sees_queue(user):
        raise Http404("没有这个举报件")
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise Http404("没有这个举报件")
    return report


def is_assigned(user: User, report: Report) -> bool:
    return CaseAssignment.objects.filter(report=report, handler=user, active=True).exists()


# --- the queue and lists ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    state: str = ""
    channel: str = ""
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    handler: int | None = None


def number_pk(text: str) -> int | None:
    """The primary key in a typed case number ("JB000012", "jb12", "12")."""
    digits = text.strip().upper().removeprefix("JB").lstrip("0")
    return int(digits) if digits.isdigit() and len(digits) <= 12 else None


def cases(user: User, f: CaseFilters, today: date | None = None) -> QuerySet[Report]:
    """The queue (queue roles: every case, metadata) or one's own assigned cases."""
    qs = Report.objects.all() if sees_queue(user) else Report.objects.filter(assigned_q(user))
    if f.q:
        pk = number_pk(f.q)
        qs = qs.filter(pk=pk) if pk is not None else qs.none()
    if f.state:
        qs = qs.filter(state=f.state)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue:
        qs = qs.filter(state__in=OPEN_STATES, step_due_on__lt=today or timezone.localdate())
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    if f.handler:
        qs = qs.filter(assignments__handler_id=f.handler, assignments__active=True)
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=CaseAssignment.objects.filter(active=True).select_related("handler"),
            to_attr="active_assignments",
        )
    ).order_by("-received_on", "-id")


def handler_accounts() -> QuerySet[User]:
    return User.objects.filter(handler_profile__isnull=False).order_by("username")


def access_history(report: Report) -> QuerySet[CaseAccess]:
    return report.accesses.select_related("user")


def handler_profiles() -> QuerySet[HandlerProfile]:
    return HandlerProfile.objects.select_related("user", "cadre", "cadre__unit").order_by(
        "user__username"
    )


def identity_requests_for_custodian() -> QuerySet[IdentityRequest]:
    return IdentityRequest.objects.select_related("report", "requested_by", "decided_by")


def approved_identity_request(user: User, report: Report) -> IdentityRequest | None:
    """The user's approval still in force: it lapses `identity_approval_days` after the
    custodian's decision (a rule parameter); a later need takes a new written request."""
    now = timezone.now()
    days = case_rules.identity_approval_days(timezone.localdate())
    return (
        IdentityRequest.objects.filter(
            report=report,
            requested_by=user,
            state=IdentityRequest.State.APPROVED,
            decided_at__gt=now - timedelta(days=days),
        )
        .order_by("-decided_at")
        .first()
    )


# --- 回避 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Whom a report names, for 回避: the cadre (if any) and the unit path concerned."""

    cadre_id: int | None
    unit_path: str
    unit_name: str


def subject_of(report: Report) -> Subject:
    cadre: Cadre | None = None
    if report.subject_kind == SubjectKind.CADRE and report.subject_cadre_id:
        cadre = Cadre.objects.select_related("unit").get(pk=report.subject_cadre_id)
    elif report.subject_kind == SubjectKind.NOTICE and report.subject_notice_id:
        cadre = Cadre.objects.select_related("unit").get(public_notices=report.subject_notice_id)
    if cadre is not None:
        return Subject(cadre.pk, cadre.unit_path, cadre.unit.name)
    if report.subject_kind == SubjectKind.ORGANIZATION and report.subject_org_id:
        unit = Unit.objects.filter(party_org_id=report.subject_org_id).first()
        if unit is not None:
            return Subject(None, unit.path, unit.name)
    if report.unit_path:
        unit = Unit.objects.filter(path=report.unit_path).first()
        return Subject(None, report.unit_path, unit.name if unit else "")
    return Subject(None, "", "")


def _parent_path(path: str) -> str:
    return path[:-UNIT_PATH_STEP] if len(path) > UNIT_PATH_STEP else ""


@dataclass(frozen=True)
class Candidate:
    user: User
    profile: HandlerProfile
    avoid_reason: str  # empty: eligible
    flag: str  # a warning shown beside an eligible handler

    @property
    def eligible(self) -> bool:
        return not self.avoid_reason


def avoidance(subject: Subject, profiles: Iterable[HandlerProfile], today: date) -> list[Candidate]:
    """Each handler with the 回避 reason that excludes them (empty if none): the cadre named,
    people working in that cadre's unit (or under it), and the leaders of that unit or its
    parent unit (a current post there)."""
    profiles = list(profiles)
    leader_cadres: set[int] = set()
    if subject.unit_path:
        unit_paths = [p for p in (subject.unit_path, _parent_path(subject.unit_path)) if p]
        cadre_ids = [p.cadre_id for p in profiles if p.cadre_id]
        leader_cadres = set(
            PostHolding.objects.filter(cadre_id__in=cadre_ids, unit__path__in=unit_paths)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
            .values_list("cadre_id", flat=True)
        )
    result = []
    for profile in profiles:
        cadre = profile.cadre
        reason, flag = "", ""
        if cadre is None:
            flag = NO_CADRE_FLAG
        elif subject.cadre_id and cadre.pk == subject.cadre_id:
            reason = "回避：本人即被反映干部"
        elif subject.unit_path and cadre.unit_path.startswith(subject.unit_path):
            reason = f"回避：与被反映对象同在{subject.unit_name or '一个单位'}工作"
        elif cadre.pk in leader_cadres:
            reason = f"回避：在{subject.unit_name or '被反映单位'}或其上级单位担任领导职务"
        result.append(Candidate(profile.user, profile, reason, flag))
    return result


def candidates(report: Report, today: date | None = None) -> list[Candidate]:
    profiles = HandlerProfile.objects.filter(active=True).select_related("user", "cadre")
    return avoidance(subject_of(report), profiles, today or timezone.localdate())
