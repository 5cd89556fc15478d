"""Every read of 发展党员 data: scoped by the acting user's organization subtree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from zugong.accounts.models import User
from zugong.development import workflow as wf
from zugong.development.models import (
    NATIONAL_2014,
    AdmissionFormNumber,
    ApprovalAuthority,
    Case,
    CaseStatus,
    CaseStep,
    DevelopmentPlan,
    DisciplinaryProbation,
    RuleSetPeriod,
    StepDefinition,
)
from zugong.orgs.models import Organization


def rule_set_on(day: date) -> str:
    """The national rule set the deployment has in force on a day (2014 before any setting)."""
    period = (
        RuleSetPeriod.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )
    return period.rule_set if period else NATIONAL_2014


def _scoped(user: User, qs: QuerySet, field: str = "org_path") -> QuerySet:
    path = user.scope.path
    if path is None:
        return qs.none()
    return qs.filter(**{f"{field}__startswith": path})


def get_case(user: User, pk: int) -> Case:
    """One case in the user's scope; outside it is a 404, like one that does not exist."""
    case = _scoped(
        user, Case.objects.select_related("org", "gender", "member", "last_step")
    ).filter(pk=pk)
    found = case.first()
    if found is None:
        raise Http404("没有找到该发展党员档案")
    return found


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    stage: int | None = None
    org: Organization | None = None


def case_list(user: User, f: CaseFilters | None = None) -> QuerySet[Case]:
    f = f or CaseFilters()
    qs = _scoped(user, Case.objects.select_related("org", "last_step"))
    if f.org is not None:
        qs = qs.filter(org_path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(id_number__endswith=f.q))
    return qs


def case_steps(case: Case) -> QuerySet[CaseStep]:
    return (
        CaseStep.objects.filter(case=case)
        .select_related("definition", "responsible_org", "recorded_by")
        .prefetch_related("people__member")
        .order_by("definition__sort_order", "done_on", "id")
    )


def active_steps() -> list[StepDefinition]:
    return list(StepDefinition.objects.filter(is_active=True).order_by("sort_order"))


def next_steps(case: Case) -> list[StepDefinition]:
    """The active steps not yet recorded (repeatable ones stay available), in order."""
    recorded = set(CaseStep.objects.filter(case=case).values_list("definition_id", flat=True))
    return [d for d in active_steps() if d.repeatable or d.pk not in recorded]


def step_dates(case: Case) -> dict[str, list[date]]:
    done: dict[str, list[date]] = {}
    for code, on in (
        CaseStep.objects.filter(case=case)
        .order_by("done_on", "id")
        .values_list("definition__code", "done_on")
    ):
        done.setdefault(code, []).append(on)
    return done


def probation_end(case: Case) -> date | None:
    """预备期满之日 of a case that reached the 支部大会, counting an extension."""
    from zugong.core.rules.engine import RuleContext
    from zugong.development.rules import PROBATION, probation_ends_on

    meeting = (
        CaseStep.objects.filter(case=case, definition__code=wf.ADMISSION_MEETING)
        .values_list("done_on", "rule_set")
        .first()
    )
    if meeting is None:
        return None
    extension = getattr(case, "extension", None) if case.pk else None
    ctx = RuleContext(today=meeting[0])
    period = int(ctx.param(PROBATION[meeting[1]], "months"))
    return probation_ends_on(meeting[0], extension.months if extension else 0, period)


def party_seniority_start(case: Case) -> date | None:
    """党龄 counts from 转正, i.e. the day the (extended) 预备期 ends (党章第七条)."""
    if not CaseStep.objects.filter(case=case, definition__code=wf.CONVERSION_APPROVAL).exists():
        return None
    return probation_end(case)


def holds_approval_authority(org: Organization, on: date) -> bool:
    auth = ApprovalAuthority.objects.filter(org=org).first()
    return bool(auth and auth.holds_on(on))


def disciplined_member_ids(member_ids: list[int], on: date) -> frozenset[int]:
    """Members under 留党察看 on a day (rights not yet restored)."""
    return frozenset(
        DisciplinaryProbation.objects.filter(member_id__in=member_ids, starts_on__lte=on)
        .filter(Q(rights_restored_on__isnull=True) | Q(rights_restored_on__gt=on))
        .values_list("member_id", flat=True)
    )


def plan_for(org_path: str, year: int) -> DevelopmentPlan | None:
    """The nearest plan above (or at) an organization for a year."""
    prefixes = [org_path[:i] for i in range(4, len(org_path) + 1, 4)]
    return (
        DevelopmentPlan.objects.filter(org_path__in=prefixes, year=year)
        .order_by("-org_path")
        .first()
    )


def plan_used(plan: DevelopmentPlan) -> int:
    """Cases counted against a plan: 接收预备党员 approved in its year under its organization."""
    return (
        CaseStep.objects.filter(
            definition__code=wf.ADMISSION_APPROVAL,
            done_on__year=plan.year,
            case__org_path__startswith=plan.org_path,
        )
        .exclude(case__status=CaseStatus.CANCELLED)
        .count()
    )


def plan_list(user: User, year: int) -> list[tuple[DevelopmentPlan, int]]:
    """The year's plans in scope, each with its used count (one query per plan, few plans)."""
    plans = _scoped(user, DevelopmentPlan.objects.filter(year=year).select_related("org"))
    return [(p, plan_used(p)) for p in plans]


def admission_numbers(user: User, year: int) -> QuerySet[AdmissionFormNumber]:
    return _scoped(
        user,
        AdmissionFormNumber.objects.filter(form_range__year=year).select_related("case"),
        "case__org_path",
    )


# --- pages: the board, the overview ----------------------------------------------------------

BOARD_COLUMNS: list[tuple[str, str]] = [
    ("applicant", "申请人"),
    ("activist", "积极分子"),
    ("candidate", "发展对象"),
    ("probationary", "预备党员"),
    ("converting", "转正中"),
]
# A county-wide board without an org filter would be thousands of cards; the list pages it.
BOARD_LIMIT = 400


@dataclass
class BoardCard:
    case: Case
    next_step: StepDefinition | None
    due_on: date | None
    due_message: str
    overdue: bool


def board_column(case: Case, conversion_order: int) -> str:
    """The column of an open case: its stage until admitted, then 预备党员 or 转正中."""
    if case.member_id is None:
        return {1: "applicant", 2: "activist"}.get(case.stage, "candidate")
    if case.last_step is not None and case.last_step.sort_order >= conversion_order:
        return "converting"
    return "probationary"


def case_due(case_ids: list[int]) -> dict[int, tuple[date, str]]:
    """The earliest due date (and its message) among the stored findings of each case."""
    from zugong.core.models import Finding
    from zugong.development.rules import CASE_KIND

    due: dict[int, tuple[date, str]] = {}
    for subject_id, on, message in (
        Finding.objects.filter(
            subject_type=CASE_KIND, subject_id__in=case_ids, due_on__isnull=False
        )
        .order_by("due_on", "id")
        .values_list("subject_id", "due_on", "message")
    ):
        due.setdefault(subject_id, (on, message))
    return due


def board(
    user: User, org: Organization | None, today: date
) -> tuple[dict[str, list[BoardCard]], bool]:
    """Open cases in scope (or under `org`) by column, each with its next step and due date."""
    qs = _scoped(user, Case.objects.filter(status=CaseStatus.OPEN)).select_related(
        "org", "last_step"
    )
    if org is not None:
        qs = qs.filter(org_path__startswith=org.path)
    cases = list(qs.order_by("org_path", "applied_on", "id")[: BOARD_LIMIT + 1])
    truncated = len(cases) > BOARD_LIMIT
    cases = cases[:BOARD_LIMIT]
    steps = active_steps()
    conversion = next((s.sort_order for s in steps if s.code == wf.CONVERSION_REQUEST), 10**6)
    due = case_due([c.pk for c in cases])
    columns: dict[str, list[BoardCard]] = {key: [] for key, _ in BOARD_COLUMNS}
    for c in cases:
        after = c.last_step.sort_order if c.last_step is not None else -1
        nxt = next((s for s in steps if s.sort_order > after), None)
        on, message = due.get(c.pk, (None, ""))
        columns[board_column(c, conversion)].append(
            BoardCard(c, nxt, on, message, bool(on and on < today))
        )
    return columns, truncated


@dataclass
class BranchRow:
    org_id: int
    name: str
    by_stage: list[int]
    total: int
    overdue: int


def overview_rows(user: User, org: Organization, today: date) -> list[BranchRow]:
    """Open cases per stage per branch under `org`, with each branch's overdue findings."""
    from django.db.models import Count

    from zugong.core.models import Finding
    from zugong.development.rules import CASE_KIND

    counts = (
        _scoped(user, Case.objects.filter(status=CaseStatus.OPEN))
        .filter(org_path__startswith=org.path)
        .values("org_id", "org__name", "org_path", "stage")
        .annotate(n=Count("id"))
        .order_by("org_path")
    )
    rows: dict[int, BranchRow] = {}
    paths: dict[str, int] = {}
    for r in counts:
        row = rows.setdefault(r["org_id"], BranchRow(r["org_id"], r["org__name"], [0] * 5, 0, 0))
        row.by_stage[r["stage"] - 1] += r["n"]
        row.total += r["n"]
        paths[r["org_path"]] = r["org_id"]
    for path, n in (
        _scoped(user, Finding.objects.filter(subject_type=CASE_KIND, due_on__lt=today))
        .filter(org_path__startswith=org.path)
        .values("org_path")
        .annotate(n=Count("id"))
        .values_list("org_path", "n")
    ):
        if path in paths:
            rows[paths[path]].overdue += n
    return list(rows.values())


def overdue_findings(user: User, org: Organization, today: date, limit: int = 100) -> QuerySet:
    from zugong.core.models import Finding
    from zugong.development.rules import CASE_KIND

    return (
        _scoped(user, Finding.objects.filter(subject_type=CASE_KIND, due_on__lt=today))
        .filter(org_path__startswith=org.path)
        .order_by("due_on", "id")[:limit]
    )


def plans_under(user: User, org: Organization, year: int) -> list[tuple[DevelopmentPlan, int]]:
    """The year's plans at or under `org`, or else the nearest plan above it, with their use."""
    plans = [(p, u) for p, u in plan_list(user, year) if p.org_path.startswith(org.path)]
    if not plans:
        above = plan_for(org.path, year)
        if above is not None and (user.scope.contains(above.org_path)):
            plans = [(above, plan_used(above))]
    return plans


def form_ranges(year: int) -> list[tuple[object, int, int, int]]:
    """The year's 入党志愿书 ranges: size, numbers used and voided (county-wide, few rows)."""
    from django.db.models import Count

    from zugong.development.models import AdmissionFormNumberStatus, AdmissionFormRange

    qs = AdmissionFormRange.objects.filter(year=year).annotate(
        used=Count("numbers", filter=Q(numbers__status=AdmissionFormNumberStatus.USED)),
        voided=Count("numbers", filter=Q(numbers__status=AdmissionFormNumberStatus.VOID)),
    )
    return [(r, r.last_number - r.first_number + 1, r.used, r.voided) for r in qs]


def get_admission_number(user: User, pk: int) -> AdmissionFormNumber:
    found = (
        _scoped(
            user, AdmissionFormNumber.objects.select_related("case", "form_range"), "case__org_path"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("没有找到该入党志愿书编号")
    return found


def step_members(user: User, case: Case) -> QuerySet:
    """Register members offered as 培养联系人/入党介绍人: the case's own branch (and its groups).

    Someone from elsewhere (a 谈话人 of the 党委) is entered by name instead."""
    from zugong.members.models import Member, MemberStatus

    return _scoped(
        user,
        Member.objects.filter(org_path__startswith=case.org_path, status=MemberStatus.NORMAL),
    ).order_by("org_path", "name")
