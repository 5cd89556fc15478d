"""Helpers for the survey tests: a survey with one question of each kind, answered by devices."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from zugong.orgs.models import Organization
from zugong.surveys import services
from zugong.surveys.models import Question, QuestionKind, SubjectKind, Survey


def make_survey(
    org: Organization,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    publish: bool = True,
    title: str = "城关镇便民服务满意度评议",
) -> Survey:
    now = timezone.now()
    survey = services.create_survey(
        actor=None,
        data=services.SurveyInput(
            title=title,
            description="请根据您的实际感受作答。",
            subject_kind=SubjectKind.ORGANIZATION,
            opens_at=opens_at or now - timedelta(days=1),
            closes_at=closes_at or now + timedelta(days=7),
            organization=org,
        ),
    )
    for kind, text, options, required in (
        (QuestionKind.RATING, "总体满意度", "", True),
        (QuestionKind.SINGLE, "办事是否一次办成", "是\n否\n不清楚", True),
        (QuestionKind.MULTIPLE, "需要改进的方面", "服务态度\n办事效率\n政策宣传", False),
        (QuestionKind.TEXT, "意见和建议", "", False),
    ):
        services.add_question(
            actor=None,
            survey=survey,
            data=services.QuestionInput(
                kind=kind, text=text, options_text=options, required=required
            ),
        )
    if publish:
        services.publish_survey(actor=None, survey=survey)
    survey.refresh_from_db()
    return survey


def questions(survey: Survey) -> dict[str, Question]:
    return {q.kind: q for q in survey.questions.all()}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def answer(
    survey: Survey,
    *,
    rating: int | None = 5,
    single: int | None = 0,
    multiple: list[int] | None = None,
    text: str = "",
    token: str | None = None,
) -> str:
    token = token or new_token()
    q = questions(survey)
    services.submit_answers(
        survey=survey,
        token=token,
        answers={
            q[QuestionKind.RATING].pk: rating,
            q[QuestionKind.SINGLE].pk: single,
            q[QuestionKind.MULTIPLE].pk: multiple or [],
            q[QuestionKind.TEXT].pk: text,
        },
    )
    return token


def form_data(survey: Survey, **values: object) -> dict[str, object]:
    """POST data for the public form: rating 4, option 0, options [1, 2] unless given."""
    q = questions(survey)
    data: dict[str, object] = {
        f"q{q[QuestionKind.RATING].pk}": values.get("rating", "4"),
        f"q{q[QuestionKind.SINGLE].pk}": values.get("single", "0"),
        f"q{q[QuestionKind.MULTIPLE].pk}": values.get("multiple", ["1", "2"]),
        f"q{q[QuestionKind.TEXT].pk}": values.get("text", "窗口人员很耐心"),
    }
    return {k: v for k, v in data.items() if v is not None}
