from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zugong.surveys.demo import CLOSED_RESPONSES, OPEN_RESPONSES, seed_surveys
from zugong.surveys.models import Survey, SurveyPhase
from zugong.surveys.selectors import survey_results

pytestmark = pytest.mark.django_db


def test_demo_has_one_ended_survey_with_results_and_one_open(tree):
    today = timezone.localdate()
    assert seed_surveys(today=today) == CLOSED_RESPONSES + OPEN_RESPONSES
    assert seed_surveys(today=today) == 0  # a second run adds nothing
    phases = {s.phase(): s for s in Survey.objects.all()}
    assert set(phases) == {SurveyPhase.ENDED, SurveyPhase.OPEN}
    ended = phases[SurveyPhase.ENDED]
    assert ended.participations.count() == CLOSED_RESPONSES
    rating = survey_results(ended)[0]
    assert rating.answered == CLOSED_RESPONSES and 1 <= rating.mean <= 5
    body = Client().get(reverse("portal_surveys:results", args=[ended.pk])).content.decode()
    assert f'data-testid="results-responses">{CLOSED_RESPONSES}<' in body
    open_page = Client().get(reverse("portal_surveys:detail", args=[phases[SurveyPhase.OPEN].pk]))
    assert 'data-testid="survey-form"' in open_page.content.decode()
