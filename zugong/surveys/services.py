"""Every write of the survey app: staff edits of a survey and its questions, and the public's
answers. Each function is one transaction: nothing is half-written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres.models import Cadre
from zugong.orgs.models import Organization
from zugong.surveys.models import (
    OptionTally,
    Participation,
    Question,
    QuestionKind,
    SubjectKind,
    Survey,
    SurveyStatus,
    TextAnswer,
)

MAX_OPTIONS = 20
TEXT_ANSWER_MAX = 1000


class AlreadyAnswered(Exception):
    """This device has answered the survey before."""


class SurveyNotOpen(Exception):
    """The survey is not taking answers now (not yet open, ended, or a draft)."""


@dataclass(frozen=True)
class SurveyInput:
    title: str
    description: str
    subject_kind: str
    opens_at: datetime
    closes_at: datetime
    organization: Organization | None = None
    cadre: Cadre | None = None
    service_name: str = ""


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    required: bool = True
    options_text: str = ""
    position: int | None = None


def _require_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise ValidationError("问卷已发布，不能再修改问卷内容和题目。")


def _apply_subject(actor: User | None, survey: Survey, data: SurveyInput) -> None:
    """Set the subject and its scope copy; an account may only choose subjects in its scope."""
    if data.closes_at <= data.opens_at:
        raise ValidationError({"closes_at": "截止时间必须晚于开始时间。"})
    survey.subject_kind = data.subject_kind
    survey.organization = survey.cadre = None
    survey.service_name = ""
    survey.org_path = survey.unit_path = None
    if data.subject_kind == SubjectKind.ORGANIZATION:
        if data.organization is None:
            raise ValidationError({"organization": "评议对象为党组织时，请选择党组织。"})
        if actor is not None and not actor.scope.contains(data.organization.path):
            raise PermissionDenied("该党组织不在您的管理范围内")
        survey.organization = data.organization
        survey.org_path = data.organization.path
    elif data.subject_kind == SubjectKind.CADRE:
        if data.cadre is None:
            raise ValidationError({"cadre": "评议对象为干部时，请选择干部。"})
        if actor is not None and not actor.cadre_scope.contains(data.cadre.unit_path):
            raise PermissionDenied("该干部不在您的管理范围内")
        survey.cadre = data.cadre
        survey.unit_path = data.cadre.unit_path
    elif data.subject_kind == SubjectKind.SERVICE:
        if not data.service_name.strip():
            raise ValidationError({"service_name": "评议对象为服务事项时，请填写服务事项名称。"})
        survey.service_name = data.service_name.strip()
        # A service survey belongs to the organization of the account that created it; an edit
        # keeps the path it had.
        if survey.pk is None or not survey.org_path:
            path = actor.scope.path if actor is not None else None
            if path is None and data.organization is not None:
                path = data.organization.path
            if path is None:
                raise ValidationError("您的账号没有所辖组织，不能创建服务事项问卷。")
            survey.org_path = path
    else:
        raise ValidationError({"subject_kind": "请选择评议对象类型。"})


@transaction.atomic
def create_survey(*, actor: User | None, data: SurveyInput) -> Survey:
    survey = Survey(
        title=data.title.strip(),
        description=data.description.strip(),
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        created_by=actor,
    )
    _apply_subject(actor, survey, data)
    survey._history_user = actor
    survey.save()
    return survey


@transaction.atomic
def update_survey(*, actor: User | None, survey: Survey, data: SurveyInput) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    survey.title = data.title.strip()
    survey.description = data.description.strip()
    survey.opens_at, survey.closes_at = data.opens_at, data.closes_at
    if data.subject_kind == SubjectKind.SERVICE and survey.subject_kind != SubjectKind.SERVICE:
        survey.org_path = None  # takes the actor's path anew
    _apply_subject(actor, survey, data)
    survey._history_user = actor
    survey.save()
    return survey


def _check_question(data: QuestionInput) -> list[str]:
    if data.kind not in QuestionKind.values:
        raise ValidationError({"kind": "请选择题型。"})
    if not data.text.strip():
        raise ValidationError({"text": "请填写题目。"})
    options = [line.strip() for line in data.options_text.splitlines() if line.strip()]
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(options) < 2:
            raise ValidationError({"options_text": "选择题至少需要两个选项（每行一个）。"})
        if len(options) > MAX_OPTIONS:
            raise ValidationError({"options_text": f"选项最多 {MAX_OPTIONS} 个。"})
        if len(set(options)) != len(options):
            raise ValidationError({"options_text": "选项不能重复。"})
        if any(len(o) > 100 for o in options):
            raise ValidationError({"options_text": "每个选项不超过 100 个字。"})
    else:
        options = []
    return options


@transaction.atomic
def add_question(*, actor: User | None, survey: Survey, data: QuestionInput) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    options = _check_question(data)
    position = data.position
    if position is None:
        last = survey.questions.aggregate(m=Max("position"))["m"] or 0
        position = last + 1
    question = Question(
        survey=survey,
        position=position,
        kind=data.kind,
        text=data.text.strip(),
        required=data.required,
        options_text="\n".join(options),
    )
    question._history_user = actor
    question.save()
    return question


@transaction.atomic
def update_question(*, actor: User | None, question: Question, data: QuestionInput) -> Question:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_draft(survey)
    options = _check_question(data)
    question.kind = data.kind
    question.text = data.text.strip()
    question.required = data.required
    question.options_text = "\n".join(options)
    if data.position is not None:
        question.position = data.position
    question._history_user = actor
    question.save()
    return question


@transaction.atomic
def delete_question(*, actor: User | None, question: Question) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_draft(survey)
    question._history_user = actor
    question.delete()


@transaction.atomic
def publish_survey(*, actor: User | None, survey: Survey, now: datetime | None = None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    questions = list(survey.questions.all())
    if not questions:
        raise ValidationError("问卷至少需要一道题目才能发布。")
    if survey.closes_at <= now:
        raise ValidationError("截止时间已过，请先修改截止时间再发布。")
    # Every counter exists from now on: answering only UPDATEs them, never inserts a row.
    OptionTally.objects.bulk_create(
        OptionTally(question=q, index=i)
        for q in questions
        if q.has_tallies
        for i in range(len(q.options))
    )
    survey.status = SurveyStatus.PUBLISHED
    survey._history_user = actor
    survey.save(update_fields=["status"])
    return survey


@transaction.atomic
def close_survey(*, actor: User | None, survey: Survey, now: datetime | None = None) -> Survey:
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.PUBLISHED:
        raise ValidationError("只有已发布的问卷可以结束。")
    survey.status = SurveyStatus.CLOSED
    survey.closes_at = min(survey.closes_at, now)
    survey._history_user = actor
    survey.save(update_fields=["status", "closes_at"])
    return survey


def device_hash(survey: Survey, token: str) -> str:
    """The only trace of a device: its token never reaches the database."""
    return hashlib.sha256(f"{survey.salt}:{token}".encode()).hexdigest()


def has_participated(survey: Survey, token: str | None) -> bool:
    if not token:
        return False
    return Participation.objects.filter(
        survey=survey, token_hash=device_hash(survey, token)
    ).exists()


Answer = int | str | list[int] | None


@transaction.atomic
def submit_answers(
    *, survey: Survey, token: str, answers: dict[int, Answer], now: datetime | None = None
) -> None:
    """Record one device's answers: `answers` maps a question id to a rating (1-5), an option
    index, a list of option indexes, or a text. The form has checked them against the questions.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.phase(now) != "open":
        raise SurveyNotOpen
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, token_hash=device_hash(survey, token))
    except IntegrityError:
        raise AlreadyAnswered from None
    questions = {q.pk: q for q in survey.questions.all()}
    texts = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None or value in (None, "", []):
            continue
        if question.kind == QuestionKind.TEXT:
            texts.append(TextAnswer(question=question, text=str(value)[:TEXT_ANSWER_MAX]))
        else:
            if question.kind == QuestionKind.RATING:
                indexes = [int(value) - 1]
            elif question.kind == QuestionKind.SINGLE:
                indexes = [int(value)]
            else:
                indexes = sorted({int(v) for v in value})
            OptionTally.objects.filter(question=question, index__in=indexes).update(
                count=F("count") + 1
            )
        Question.objects.filter(pk=question.pk).update(answered=F("answered") + 1)
    TextAnswer.objects.bulk_create(texts)
