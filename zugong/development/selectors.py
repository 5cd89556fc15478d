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
