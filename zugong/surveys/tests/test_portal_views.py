from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zugong.surveys import portal_views, services
from zugong.surveys.models import OptionTally, Participation, QuestionKind, TextAnswer
from zugong.surveys.tests.support import answer, form_data, make_survey, questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():  # noqa: ANN202 - fixture
    cache.clear()
    yield
    cache.clear()


def detail_url(survey) -> str:  # noqa: ANN001
    return reverse("portal_surveys:detail", args=[survey.pk])


def results_url(survey) -> str:  # noqa: ANN001
    return reverse("portal_surveys:results", args=[survey.pk])


def open_form(client: Client, survey) -> None:  # noqa: ANN001
    """A first visit: the page hands the device its cookie."""
    response = client.get(detail_url(survey))
    assert response.status_code == 200
    assert 'data-testid="survey-form"' in response.content.decode()


def test_the_first_visit_sets_a_scoped_httponly_device_cookie(tree):
    survey = make_survey(tree.branch_a1)
    response = Client().get(detail_url(survey))
    cookie = response.cookies[portal_views.DEVICE_COOKIE]
    assert cookie["path"] == "/portal/surveys/"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert portal_views.TOKEN_PATTERN.match(cookie.value)
    # No session for the public.
    assert "sessionid" not in response.cookies


def test_a_device_answers_once_and_is_refused_the_second_time(tree):
    survey = make_survey(tree.branch_a1)
    client = Client()
    open_form(client, survey)
    response = client.post(detail_url(survey), form_data(survey))
    assert response.status_code == 200
    assert "提交成功" in response.content.decode()
    again = client.post(detail_url(survey), form_data(survey, rating="1"))
    assert portal_views.ALREADY_ANSWERED in again.content.decode()
    # The page itself says so on the next visit, without a form.
    page = client.get(detail_url(survey)).content.decode()
    assert portal_views.ALREADY_ANSWERED in page
    assert 'data-testid="survey-form"' not in page
    rating = questions(survey)[QuestionKind.RATING]
    counts = dict(OptionTally.objects.filter(question=rating).values_list("index", "count"))
    assert counts[3] == 1 and counts[0] == 0  # the 4 was kept, the 1 refused
    # Another device is welcome.
    other = Client()
    open_form(other, survey)
    assert "提交成功" in other.post(detail_url(survey), form_data(survey)).content.decode()
    assert Participation.objects.filter(survey=survey).count() == 2


def test_a_post_without_the_device_cookie_keeps_the_answers_and_asks_for_cookies(tree):
    survey = make_survey(tree.branch_a1)
    response = Client().post(detail_url(survey), form_data(survey, text="我的意见"))
    body = response.content.decode()
    assert "Cookie" in body and "我的意见" in body
    assert not Participation.objects.exists()
    assert portal_views.DEVICE_COOKIE in response.cookies


def test_a_forged_cookie_is_replaced(tree):
    survey = make_survey(tree.branch_a1)
    client = Client()
    client.cookies[portal_views.DEVICE_COOKIE] = "<script>"
    response = client.get(detail_url(survey))
    assert portal_views.TOKEN_PATTERN.match(response.cookies[portal_views.DEVICE_COOKIE].value)


def test_validation_errors_name_the_question_in_chinese(tree):
    survey = make_survey(tree.branch_a1)
    client = Client()
    open_form(client, survey)
    response = client.post(detail_url(survey), form_data(survey, rating=None, single="9"))
    body = response.content.decode()
    assert "第1题“总体满意度”：此题为必答题，请作答。" in body
    assert "第2题“办事是否一次办成”：所选答案不是本题的选项。" in body
    assert "窗口人员很耐心" in body  # nothing typed is lost
    assert not Participation.objects.exists()


def test_text_over_the_limit_is_refused_with_the_question_named(tree):
    survey = make_survey(tree.branch_a1)
    client = Client()
    open_form(client, survey)
    response = client.post(detail_url(survey), form_data(survey, text="长" * 1001))
    assert "第4题“意见和建议”：不超过 1000 个字。" in response.content.decode()


def test_scripts_in_answers_are_escaped(tree):
    survey = make_survey(tree.branch_a1)
    client = Client()
    open_form(client, survey)
    client.post(detail_url(survey), form_data(survey, text="<script>alert(1)</script>"))
    assert TextAnswer.objects.get().text == "<script>alert(1)</script>"
    services.close_survey(actor=None, survey=survey)


def test_before_and_after_the_window_the_page_says_so(tree):
    now = timezone.now()
    early = make_survey(tree.branch_a1, opens_at=now + timedelta(days=2))
    body = Client().get(detail_url(early)).content.decode()
    assert "尚未开始" in body and 'data-testid="survey-form"' not in body
    # A post before the window is refused the same way.
    assert "尚未开始" in Client().post(detail_url(early), form_data(early)).content.decode()
    late = make_survey(tree.branch_a1)
    services.close_survey(actor=None, survey=late)
    body = Client().get(detail_url(late)).content.decode()
    assert "已于" in body and "结束" in body and 'data-testid="survey-form"' not in body
    assert not Participation.objects.exists()


def test_a_draft_does_not_exist_for_the_public(tree):
    draft = make_survey(tree.branch_a1, publish=False)
    assert Client().get(detail_url(draft)).status_code == 404
    assert Client().get(results_url(draft)).status_code == 404


def test_the_list_shows_open_surveys_and_ended_ones_with_results(tree):
    now = timezone.now()
    live = make_survey(tree.branch_a1, title="进行中的问卷")
    make_survey(tree.branch_a1, title="未开始的问卷", opens_at=now + timedelta(days=1))
    make_survey(tree.branch_a1, title="草稿问卷", publish=False)
    ended = make_survey(tree.branch_a1, title="已结束的问卷")
    services.close_survey(actor=None, survey=ended)
    body = Client().get(reverse("portal_surveys:list")).content.decode()
    assert "进行中的问卷" in body and detail_url(live) in body
    assert "已结束的问卷" in body and results_url(ended) in body
    assert "未开始的问卷" not in body and "草稿问卷" not in body


def test_results_are_hidden_until_closing_then_published_as_aggregates(tree):
    survey = make_survey(tree.branch_a1)
    answer(survey, rating=5, text="非常满意的私人意见")
    answer(survey, rating=3)
    body = Client().get(results_url(survey)).content.decode()
    assert 'data-testid="results-hidden"' in body and "4.00" not in body
    services.close_survey(actor=None, survey=survey)
    body = Client().get(results_url(survey)).content.decode()
    assert 'data-testid="results-responses">2<' in body
    assert 'data-testid="result-mean">4.00<' in body
    # Text answers are counted, never shown to the public.
    assert "非常满意的私人意见" not in body
    assert "文字意见 <strong>1</strong> 条" in body


def test_submissions_are_throttled_per_hashed_client(tree, monkeypatch):
    monkeypatch.setattr(portal_views, "SUBMIT_LIMIT", 2)
    survey = make_survey(tree.branch_a1)
    for _ in range(2):
        client = Client(REMOTE_ADDR="203.0.113.9")
        open_form(client, survey)
        assert "提交成功" in client.post(detail_url(survey), form_data(survey)).content.decode()
    client = Client(REMOTE_ADDR="203.0.113.9")
    open_form(client, survey)
    response = client.post(detail_url(survey), form_data(survey))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Participation.objects.filter(survey=survey).count() == 2
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    open_form(elsewhere, survey)
    assert "提交成功" in elsewhere.post(detail_url(survey), form_data(survey)).content.decode()


def test_portal_pages_have_no_inline_script_or_style(tree):
    survey = make_survey(tree.branch_a1)
    answer(survey)
    closed = make_survey(tree.branch_a1)
    answer(closed)
    services.close_survey(actor=None, survey=closed)
    for url in (
        reverse("portal_surveys:list"),
        detail_url(survey),
        detail_url(closed),
        results_url(closed),
    ):
        response = Client().get(url)
        body = response.content.decode()
        assert "<script>" not in body and "style=" not in body, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url


def test_public_pages_are_flat_in_queries(tree, django_assert_max_num_queries):
    survey = make_survey(tree.branch_a1)
    client = Client()
    client.get(reverse("portal_surveys:list"))
    with django_assert_max_num_queries(4):
        client.get(reverse("portal_surveys:list"))
    for i in range(10):
        make_survey(tree.branch_a1, title=f"问卷{i}")
    with django_assert_max_num_queries(4):
        response = client.get(reverse("portal_surveys:list"))
    assert response.content.decode().count('data-testid="open-survey"') == 11
    services.close_survey(actor=None, survey=survey)
    with django_assert_max_num_queries(8):
        client.get(results_url(survey))
