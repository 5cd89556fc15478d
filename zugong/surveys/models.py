"""群众评绩 surveys: a survey about an organization, a cadre or a service, its questions, and the
anonymous results.

How the answers stay apart from who answered (supervision.md §7.3, CONSUL Poll::Voter):

- `Participation` only says "this device has answered": a SHA-256 of (the survey's salt + the
  random device token kept in the respondent's cookie). The token itself is never stored, so a
  database reader cannot tell which device it was, and nothing else is on the row (no time, no
  answer, no client key).
- Ratings and choices are not stored per respondent at all: each answer adds one to a counter
  (`OptionTally`, created with the survey's publication and only ever UPDATEd), so there is no
  answer row whose id, time or insertion order could be lined up with a participation.
- Only text answers are rows (`TextAnswer`), one per question with a random UUID key and no
  response id, time or order column: two text answers of one respondent cannot be joined to
  each other or to the participation. (The database's physical row order is not a key, but an
  operator with the raw files could still see that rows were written together; the residual risk
  is documented for deployment, and text questions are optional.)

This is stronger than a Response row with a random UUID: without per-respondent rows of ratings
and choices, no cross-tabulation of one person's answers is possible, and none is exported.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", "党组织"
    CADRE = "cadre", "干部"
    SERVICE = "service", "服务事项"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CLOSED = "closed", "已结束"


class SurveyPhase(models.TextChoices):
    """What the public sees now: the stored status read against the window."""

    DRAFT = "draft", "草稿"
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "进行中"
    ENDED = "ended", "已结束"


class QuestionKind(models.TextChoices):
    RATING = "rating", "评分（1-5分）"
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TEXT = "text", "文字意见"


RATING_LABELS = {1: "1分 很不满意", 2: "2分 不满意", 3: "3分 一般", 4: "4分 满意", 5: "5分 很满意"}


def new_salt() -> str:
    return secrets.token_hex(16)


class Survey(models.Model):
    title = models.CharField("问卷标题", max_length=120)
    description = models.TextField("说明", blank=True)
    subject_kind = models.CharField("评议对象类型", max_length=16, choices=SubjectKind.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name="评议党组织",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name="评议干部",
    )
    service_name = models.CharField("服务事项", max_length=120, blank=True)
    # The scope copies: an organization or service survey lies on the party side (org_path),
    # a cadre survey on the unit side (unit_path); the other one stays NULL so that a prefix
    # filter never matches it.
    org_path = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    unit_path = models.CharField(max_length=255, null=True, blank=True, db_index=True)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    status = models.CharField(
        "状态", max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # Per survey, so a device's hash differs between surveys and cannot link its answers.
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["salt"])

    class Meta:
        verbose_name = verbose_name_plural = "评绩问卷"
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_label(self) -> str:
        if self.subject_kind == SubjectKind.ORGANIZATION and self.organization_id:
            return self.organization.name
        if self.subject_kind == SubjectKind.CADRE and self.cadre_id:
            return self.cadre.name
        return self.service_name

    def phase(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.status == SurveyStatus.DRAFT:
            return SurveyPhase.DRAFT
        if self.status == SurveyStatus.CLOSED or now >= self.closes_at:
            return SurveyPhase.ENDED
        if now < self.opens_at:
            return SurveyPhase.UPCOMING
        return SurveyPhase.OPEN

    def phase_label(self, now: datetime | None = None) -> str:
        return SurveyPhase(self.phase(now)).label

    @property
    def is_open(self) -> bool:
        return self.phase() == SurveyPhase.OPEN

    @property
    def results_visible(self) -> bool:
        # Hidden from everyone, staff included, while answers may still come in (CONSUL #4771).
        return self.phase() == SurveyPhase.ENDED

    @property
    def is_draft(self) -> bool:
        return self.status == SurveyStatus.DRAFT


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("顺序", default=1)
    kind = models.CharField("题型", max_length=12, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=200)
    required = models.BooleanField("必答", default=True)
    # One option per line, for single and multiple choice.
    options_text = models.TextField("选项", blank=True)
    # How many respondents answered this question (the base of the shares).
    answered = models.PositiveIntegerField("作答人数", default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["answered"])

    class Meta:
        verbose_name = verbose_name_plural = "问卷题目"
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def options(self) -> list[str]:
        if self.kind == QuestionKind.RATING:
            return [RATING_LABELS[i] for i in range(1, 6)]
        return [line.strip() for line in self.options_text.splitlines() if line.strip()]

    @property
    def has_tallies(self) -> bool:
        return self.kind != QuestionKind.TEXT


class OptionTally(models.Model):
    """How many respondents chose option `index` (0-based; a rating's index is its score - 1)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    index = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "index"], name="survey_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}#{self.index}: {self.count}"


class TextAnswer(models.Model):
    # A random key: its order says nothing about when or with which other answer it was written.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="text_answers")
    text = models.TextField("意见")

    def __str__(self) -> str:
        return self.text[:40]


class Participation(models.Model):
    """The "has answered" marker of one device: no time, no client key, no link to any answer."""

    # A random key as well: an id sequence here would count answers in the order they came.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    token_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "token_hash"], name="survey_one_participation_per_device"
            )
        ]

    def __str__(self) -> str:
        return "已参与"
