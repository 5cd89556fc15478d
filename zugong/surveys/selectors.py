"""Every read of the survey app: staff lists scoped to the account, public lists, and the
aggregated results (the only form in which answers ever leave the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.cadres.models import Cadre
from zugong.orgs.models import Organization, subtree_q
from zugong.surveys.models import (
    OptionTally,
    Question,
    QuestionKind,
    Survey,
    SurveyPhase,
    SurveyStatus,
    TextAnswer,
)

# The 组织部 and its 干部监督科 run surveys; the system administrator may too.
SURVEY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.SUPERVISION_OFFICER})


def require_survey_staff(user: User) -> None:
    if not (user.is_authenticated and user.role in SURVEY_ROLES):
        raise PermissionDenied("您的角色不能管理评绩问卷")


def visible_surveys(user: User) -> QuerySet[Survey]:
    """Surveys on the account's party subtree (organization and service surveys) or its unit
    subtree (cadre surveys)."""
    require_survey_staff(user)
    where = Q(pk__in=[])
    if user.scope.path is not None:
        where |= subtree_q("org_path", user.scope.path)
    if user.cadre_scope.path is not None:
        where |= subtree_q("unit_path", user.cadre_scope.path)
    return Survey.objects.filter(where)


def get_survey(user: User, pk: int) -> Survey:
    try:
        return visible_surveys(user).select_related("organization", "cadre").get(pk=pk)
    except Survey.DoesNotExist:
        raise Http404("没有找到该问卷，或不在您的管理范围内") from None


def get_question(survey: Survey, pk: int) -> Question:
    try:
        return survey.questions.get(pk=pk)
    except Question.DoesNotExist:
        raise Http404("没有找到该题目") from None


@dataclass(frozen=True)
class SurveyFilters:
    q: str = ""
    phase: str = ""
    subject_kind: str = ""


def phase_q(phase: str, now: datetime) -> Q:
    if phase == SurveyPhase.DRAFT:
        return Q(status=SurveyStatus.DRAFT)
    if phase == SurveyPhase.UPCOMING:
        return Q(status=SurveyStatus.PUBLISHED, opens_at__gt=now)
    if phase == SurveyPhase.OPEN:
        return Q(status=SurveyStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    if phase == SurveyPhase.ENDED:
        return Q(status=SurveyStatus.CLOSED) | Q(status=SurveyStatus.PUBLISHED, closes_at__lte=now)
    return Q()


def survey_list(user: User, f: SurveyFilters) -> QuerySet[Survey]:
    qs = visible_surveys(user).filter(phase_q(f.phase, timezone.now()))
    if f.subject_kind:
        qs = qs.filter(subject_kind=f.subject_kind)
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q)
            | Q(organization__name__icontains=f.q)
            | Q(cadre__name__icontains=f.q)
            | Q(service_name__icontains=f.q)
        )
    # Explicit ordering: a GROUP BY query ignores Meta.ordering.
    return (
        qs.select_related("organization", "cadre")
        .annotate(
            responses=Count("participations", distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("-opens_at", "-pk")
    )


def organizations_for(user: User) -> QuerySet[Organization]:
    if user.scope.path is None:
        return Organization.objects.none()
    return Organization.objects.filter(subtree_q("path", user.scope.path)).order_by("path")


def cadres_for(user: User) -> QuerySet[Cadre]:
    if user.cadre_scope.path is None:
        return Cadre.objects.none()
    return Cadre.objects.filter(subtree_q("unit_path", user.cadre_scope.path)).order_by(
        "unit_path", "name"
    )


def response_count(survey: Survey) -> int:
    return survey.participations.count()


# --- the public side -------------------------------------------------------------------------


def open_surveys(now: datetime | None = None) -> QuerySet[Survey]:
    now = now or timezone.now()
    return (
        Survey.objects.filter(phase_q(SurveyPhase.OPEN, now))
        .select_related("organization", "cadre")
        .order_by("closes_at", "pk")
    )


def ended_surveys(now: datetime | None = None, limit: int = 20) -> QuerySet[Survey]:
    now = now or timezone.now()
    return (
        Survey.objects.filter(phase_q(SurveyPhase.ENDED, now))
        .select_related("organization", "cadre")
        .order_by("-closes_at", "-pk")[:limit]
    )


def get_public_survey(pk: int) -> Survey:
    """A published or closed survey; a draft does not exist for the public."""
    try:
        return (
            Survey.objects.exclude(status=SurveyStatus.DRAFT)
            .select_related("organization", "cadre")
            .get(pk=pk)
        )
    except Survey.DoesNotExist:
        raise Http404("没有找到该问卷") from None


# --- results ---------------------------------------------------------------------------------


@dataclass
class OptionResult:
    label: str
    count: int
    share: float  # of the respondents who answered the question, 0-100

    @property
    def share_text(self) -> str:
        return f"{self.share:.1f}%"


@dataclass
class QuestionResult:
    number: int
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None  # ratings only
    text_answers: int = 0

    @property
    def mean_text(self) -> str:
        return "—" if self.mean is None else f"{self.mean:.2f}"


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Aggregates per question: distribution and mean of ratings, counts and shares of choices,
    the number of text answers. Callers show them only once `survey.results_visible`."""
    questions = list(survey.questions.all())
    counts: dict[int, dict[int, int]] = {}
    for tally in OptionTally.objects.filter(question__survey=survey):
        counts.setdefault(tally.question_id, {})[tally.index] = tally.count
    texts = dict(
        TextAnswer.objects.filter(question__survey=survey)
        .values_list("question")
        .annotate(n=Count("pk"))
    )
    results = []
    for number, question in enumerate(questions, start=1):
        result = QuestionResult(number, question, question.answered)
        if question.kind == QuestionKind.TEXT:
            result.text_answers = texts.get(question.pk, 0)
        else:
            by_index = counts.get(question.pk, {})
            for index, label in enumerate(question.options):
                n = by_index.get(index, 0)
                share = 100 * n / question.answered if question.answered else 0.0
                result.options.append(OptionResult(label, n, share))
            if question.kind == QuestionKind.RATING:
                total = sum(o.count for o in result.options)
                if total:
                    score = sum((i + 1) * o.count for i, o in enumerate(result.options))
                    result.mean = score / total
        results.append(result)
    return results


def text_answers(question: Question) -> QuerySet[TextAnswer]:
    """One question's texts, in the order of their random keys: never grouped by respondent."""
    return question.text_answers.order_by("id")
