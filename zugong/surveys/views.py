"""Staff pages (/surveys/): the 组织部 and the 干部监督科 create, publish and close surveys within
their scope, print the QR code, and read the results once a survey has ended."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.views import add_validation_error, paginate
from zugong.surveys import qr, selectors, services
from zugong.surveys.exports import results_response
from zugong.surveys.forms import QuestionForm, SurveyForm
from zugong.surveys.models import QuestionKind, SubjectKind, Survey, SurveyPhase


def _survey_form(request: HttpRequest, **kwargs: object) -> SurveyForm:
    return SurveyForm(
        request.POST or None,
        organizations=selectors.organizations_for(request.user),
        cadres=selectors.cadres_for(request.user),
        **kwargs,
    )


def public_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("portal_surveys:detail", args=[survey.pk]))


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    selectors.require_survey_staff(request.user)
    phase = request.GET.get("phase", "")
    kind = request.GET.get("kind", "")
    f = selectors.SurveyFilters(
        q=request.GET.get("q", "").strip()[:40],
        phase=phase if phase in SurveyPhase.values else "",
        subject_kind=kind if kind in SubjectKind.values else "",
    )
    qs = selectors.survey_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("surveys", qs)
    return render(
        request,
        "surveys/list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "phases": SurveyPhase.choices,
            "kinds": SubjectKind.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    selectors.require_survey_staff(request.user)
    form = _survey_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(actor=request.user, data=form.to_input())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "问卷已创建，请添加题目后发布。")
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/form.html",
        {"form": form, "title": "新建评绩问卷", "back": reverse("surveys:list")},
    )


@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    questions = list(survey.questions.all())
    results = selectors.survey_results(survey) if survey.results_visible else []
    texts = {
        r.question.pk: list(selectors.text_answers(r.question))
        for r in results
        if r.question.kind == QuestionKind.TEXT
    }
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "questions": questions,
            "responses": selectors.response_count(survey),
            "results": [(r, texts.get(r.question.pk, [])) for r in results],
            "public_url": public_url(request, survey),
            "history_entries": history_entries(survey),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    if not survey.is_draft:
        messages.error(request, "问卷已发布，不能再修改。")
        return redirect("surveys:detail", pk=survey.pk)
    form = _survey_form(request, initial=SurveyForm.initial_from(survey))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(actor=request.user, survey=survey, data=form.to_input())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "问卷已保存。")
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "survey": survey,
            "title": "修改问卷",
            "back": reverse("surveys:detail", args=[survey.pk]),
        },
    )


def _question_view(request: HttpRequest, survey: Survey, question: object | None) -> HttpResponse:
    if not survey.is_draft:
        messages.error(request, "问卷已发布，不能再修改题目。")
        return redirect("surveys:detail", pk=survey.pk)
    initial = {"required": True}
    if question is not None:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "required": question.required,
            "options_text": question.options_text,
            "position": question.position,
        }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.add_question(actor=request.user, survey=survey, data=form.to_input())
            else:
                services.update_question(
                    actor=request.user, question=question, data=form.to_input()
                )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "题目已保存。")
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request,
        "surveys/form.html",
        {
            "form": form,
            "survey": survey,
            "title": "添加题目" if question is None else "修改题目",
            "back": reverse("surveys:detail", args=[survey.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    return _question_view(request, survey, None)


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    return _question_view(request, survey, selectors.get_question(survey, question_pk))


def _post_action(
    request: HttpRequest, pk: int, action: Callable[[Survey], object], done: str
) -> HttpResponse:
    """A POST-only step: out of scope is a 404 before the method is looked at, as for a record
    that does not exist; a refused step comes back as a message on the survey page."""
    survey = selectors.get_survey(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(survey)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("surveys:detail", pk=survey.pk)


@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    question = selectors.get_question(survey, question_pk)
    return _post_action(
        request,
        pk,
        lambda s: services.delete_question(actor=request.user, question=question),
        "题目已删除。",
    )


@require_http_methods(["GET", "POST"])
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda s: services.publish_survey(actor=request.user, survey=s),
        "问卷已发布，群众可在开始时间后作答。",
    )


@require_http_methods(["GET", "POST"])
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda s: services.close_survey(actor=request.user, survey=s),
        "问卷已结束，结果已公布。",
    )


@require_GET
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    url = public_url(request, survey)
    if request.GET.get("format") == "png":
        return HttpResponse(qr.qr_png(url), content_type="image/png")
    return HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")


@require_GET
def survey_print(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    return render(
        request,
        "surveys/print.html",
        {"survey": survey, "public_url": public_url(request, survey)},
    )


@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey(request.user, pk)
    if not survey.results_visible:
        messages.error(request, "问卷结束后才能导出结果。")
        return redirect("surveys:detail", pk=survey.pk)
    return results_response(
        survey, selectors.response_count(survey), selectors.survey_results(survey)
    )
