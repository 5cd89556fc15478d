"""Public survey pages (/portal/surveys/): no login, no session, no messages framework.

A device is known only by a random token in a cookie scoped to /portal/surveys/; the server keeps
a salted hash of it per survey (models.py explains why the answers cannot be joined to it).
"""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from zugong.supervision.throttle import hit
from zugong.surveys import selectors, services
from zugong.surveys.forms import AnswerForm
from zugong.surveys.models import Survey, SurveyPhase

DEVICE_COOKIE = "zg_survey_device"
DEVICE_COOKIE_PATH = "/portal/surveys/"
DEVICE_COOKIE_AGE = 3 * 365 * 24 * 3600
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Submissions per hashed client and hour: a family or an office behind one address may answer
# several surveys, a script may not flood one.
SUBMIT_LIMIT = 30
SUBMIT_WINDOW = 3600

ALREADY_ANSWERED = "您已经提交过本问卷，每台设备只能提交一次。感谢您的参与！"
NO_COOKIE = (
    "没有收到本机的问卷标识（Cookie）。请允许浏览器保存本网站的 Cookie 后再次提交；"
    "您填写的内容仍在下方。"
)
THROTTLED = "提交过于频繁，请稍后再试。您填写的内容仍在下方。"


def device_token(request: HttpRequest) -> str | None:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    return token if TOKEN_PATTERN.match(token) else None


def set_device_cookie(request: HttpRequest, response: HttpResponse, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_AGE,
        path=DEVICE_COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


@login_not_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/portal/list.html",
        {"open_surveys": selectors.open_surveys(), "ended_surveys": selectors.ended_surveys()},
    )


def _render_detail(
    request: HttpRequest,
    survey: Survey,
    *,
    form: AnswerForm | None = None,
    notice: str = "",
    answered: bool = False,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "surveys/portal/detail.html",
        {
            "survey": survey,
            "phase": survey.phase(),
            "form": form,
            "notice": notice,
            "answered": answered,
        },
        status=status,
    )
    if device_token(request) is None:
        set_device_cookie(request, response, secrets.token_urlsafe(32))
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_public_survey(pk)
    if survey.phase() != SurveyPhase.OPEN:
        return _render_detail(request, survey)
    token = device_token(request)
    if services.has_participated(survey, token):
        return _render_detail(request, survey, notice=ALREADY_ANSWERED, answered=True)
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method != "POST":
        return _render_detail(request, survey, form=form)
    if not hit("survey-submit", request.portal_client, SUBMIT_LIMIT, SUBMIT_WINDOW):
        return _render_detail(request, survey, form=form, notice=THROTTLED, status=429)
    if not form.is_valid():
        return _render_detail(request, survey, form=form)
    if token is None:
        return _render_detail(request, survey, form=form, notice=NO_COOKIE)
    try:
        services.submit_answers(survey=survey, token=token, answers=form.answers())
    except services.AlreadyAnswered:
        return _render_detail(request, survey, notice=ALREADY_ANSWERED, answered=True)
    except services.SurveyNotOpen:
        survey.refresh_from_db()
        return _render_detail(request, survey)
    return render(request, "surveys/portal/thanks.html", {"survey": survey})


@login_not_required
@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_public_survey(pk)
    visible = survey.results_visible
    return render(
        request,
        "surveys/portal/results.html",
        {
            "survey": survey,
            "visible": visible,
            "results": selectors.survey_results(survey) if visible else [],
            "responses": selectors.response_count(survey) if visible else None,
        },
    )
