"""Demo 群众评绩 surveys: one ended with about forty answers and published results, one open.

Written through the services, as a citizen's phone would: each answer comes from its own random
device token and goes through the same window and dedup checks."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zugong.orgs.models import Organization, OrgKind, OrgStatus
from zugong.surveys import services
from zugong.surveys.models import QuestionKind, SubjectKind, Survey

CLOSED_RESPONSES = 40
OPEN_RESPONSES = 12
SUGGESTIONS = [
    "希望村务公开栏能及时更新。",
    "党员联系户走访要常态化。",
    "办事窗口午休时间能否安排值班？",
    "政策宣传可以多用方言讲解。",
    "支部书记很负责，值得肯定。",
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _questions(survey: Survey, subject: str) -> None:
    for kind, text, options, required in (
        (QuestionKind.RATING, f"您对{subject}的总体评价", "", True),
        (QuestionKind.SINGLE, "您是否了解其近一年的主要工作", "了解\n了解一些\n不了解", True),
        (
            QuestionKind.MULTIPLE,
            "您认为最需要改进的方面",
            "联系群众\n办事效率\n作风纪律\n信息公开",
            False,
        ),
        (QuestionKind.TEXT, "其他意见和建议", "", False),
    ):
        services.add_question(
            actor=None,
            survey=survey,
            data=services.QuestionInput(
                kind=kind, text=text, options_text=options, required=required
            ),
        )


def _answer(survey: Survey, rng: random.Random, now: datetime) -> None:
    q = {x.kind: x for x in survey.questions.all()}
    services.submit_answers(
        survey=survey,
        token=secrets.token_urlsafe(32),
        answers={
            q[QuestionKind.RATING].pk: rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 12, 10])[0],
            q[QuestionKind.SINGLE].pk: rng.choices([0, 1, 2], weights=[5, 4, 2])[0],
            q[QuestionKind.MULTIPLE].pk: rng.sample(range(4), rng.randint(0, 2)),
            q[QuestionKind.TEXT].pk: rng.choice(SUGGESTIONS) if rng.random() < 0.3 else "",
        },
        now=now,
    )


def seed_surveys(*, today: date, seed: int = 2026) -> int:
    """Two surveys; returns the number of answers written. A second run adds nothing."""
    if Survey.objects.exists():
        return 0
    rng = random.Random(seed)
    active = Organization.objects.filter(status=OrgStatus.ACTIVE)
    root = active.filter(parent=None).order_by("path").first()
    township = active.filter(kind=OrgKind.PARTY_COMMITTEE).order_by("path").first() or root
    if root is None:
        return 0
    closed = services.create_survey(
        actor=None,
        data=services.SurveyInput(
            title=f"{township.short_name or township.name}年度群众满意度评议",
            description="请对本镇党委一年来的工作作出评价，匿名作答。",
            subject_kind=SubjectKind.ORGANIZATION,
            opens_at=_at(today - timedelta(days=30), 8),
            closes_at=_at(today + timedelta(days=1), 18),
            organization=township,
        ),
    )
    _questions(closed, "本镇党委")
    services.publish_survey(actor=None, survey=closed, now=_at(today - timedelta(days=31), 9))
    for i in range(CLOSED_RESPONSES):
        _answer(closed, rng, _at(today - timedelta(days=29 - i % 18), 10))
    services.close_survey(actor=None, survey=closed, now=_at(today - timedelta(days=10), 18))
    open_survey = services.create_survey(
        actor=None,
        data=services.SurveyInput(
            title="县便民服务中心窗口服务评议",
            description="您刚办完事？请花一分钟评一评窗口服务。",
            subject_kind=SubjectKind.SERVICE,
            service_name="县便民服务中心窗口服务",
            opens_at=_at(today - timedelta(days=3), 8),
            closes_at=_at(today + timedelta(days=14), 18),
            organization=root,
        ),
    )
    _questions(open_survey, "窗口服务")
    services.publish_survey(actor=None, survey=open_survey, now=_at(today - timedelta(days=4), 9))
    for _ in range(OPEN_RESPONSES):
        _answer(open_survey, rng, _at(today - timedelta(days=1), 10))
    return CLOSED_RESPONSES + OPEN_RESPONSES
