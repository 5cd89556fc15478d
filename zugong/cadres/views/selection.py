"""选拔任用纪实 pages: the list, opening a case, its record page with the timeline and the people's
checks, one form per step, people added from the archive, pause/resume/end, the 纪实表 and the
任前公示 documents, and the list of notices. Every page starts with the cadre permission check;
reads go through the scoped selectors, writes through selection_services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import selection_documents as documents
from zugong.cadres import selection_selectors as selectors
from zugong.cadres import selection_services as services
from zugong.cadres.models import (
    SELECTION_STEP_ORDER,
    PublicNotice,
    SelectionCase,
    SelectionStatus,
    SelectionStepKind,
)
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.scope import get_unit
from zugong.cadres.selection_forms import (
    STEP_FORMS,
    CandidateForm,
    CaseForm,
    FeedbackForm,
    ResumeForm,
    StatusForm,
)
from zugong.cadres.selection_rules import parameter_rows
from zugong.cadres.views.growth import unit_choices
from zugong.core.documents import pdf_response
from zugong.core.downloads import docx_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.views import add_validation_error, paginate

Step = SelectionStepKind
TABS = {"info": "基本信息", "timeline": "纪实", "findings": "发现的问题", "history": "历史"}
OPEN_STATUSES = (SelectionStatus.ACTIVE, SelectionStatus.PAUSED)


def _can_write(request: HttpRequest, case: SelectionCase) -> bool:
    return bool(request.user.has_perm("cadres.edit", case))


def _detail(case: SelectionCase, tab: str = "") -> str:
    url = reverse("cadres:selection_detail", args=[case.pk])
    return f"{url}?tab={tab}" if tab else url


@require_GET
def selection_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    status = request.GET.get("status", "")
    step = request.GET.get("step", "")
    unit = None
    raw_unit = request.GET.get("unit", "")
    if raw_unit.isdigit():
        try:
            unit = get_unit(request.user, int(raw_unit))
        except Http404:
            unit = None
    f = selectors.SelectionFilters(
        q=request.GET.get("q", "").strip()[:40],
        status=status if status in SelectionStatus.values else "",
        step=step if step in SELECTION_STEP_ORDER else "",
        unit=unit,
    )
    qs = selectors.case_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_selection_cases", qs)
    return render(
        request,
        "cadres/selection/list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "statuses": SelectionStatus.choices,
            "steps": Step.choices,
            "units": unit_choices(request),
            "can_create": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def selection_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    form = CaseForm(
        request.POST or None,
        posts=selectors.posts_for_new_case(request.user),
        initial={"opened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已启动“{case.title}”的选拔任用纪实。")
            return redirect("cadres:selection_detail", pk=case.pk)
    return render(
        request,
        "cadres/selection/form.html",
        {"form": form, "title": "启动选拔任用（动议）", "back": reverse("cadres:selection_list")},
    )


@require_GET
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in TABS else "info"
    can_write = _can_write(request, case)
    findings = selectors.case_findings(case)
    notice = case.notices.order_by("-starts_on", "-id").first()
    context: dict[str, Any] = {
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "can_write": can_write,
        "is_open": case.status in OPEN_STATUSES,
        "can_record": can_write and case.status == SelectionStatus.ACTIVE and case.current_step,
        "can_add_candidate": can_write
        and case.status == SelectionStatus.ACTIVE
        and case.current_step in services.CANDIDATE_STEPS,
        "can_edit_feedback": can_write
        and case.status == SelectionStatus.ACTIVE
        and case.current_step == Step.APPOINTMENT
        and notice is not None,
        "notice": notice,
        "findings": findings,
        "findings_count": findings.count(),
        "order": [(code, label) for code, label in Step.choices],
    }
    if tab == "info":
        context["rows"] = selectors.candidate_rows(case)
        context["check_date"] = services.check_date(case)
    elif tab == "timeline":
        names = {c.pk: c.cadre.name for c in selectors.candidates(case)}
        recorded = {s.step: s for s in selectors.case_steps(case)}
        context["timeline"] = [
            (
                code,
                label,
                recorded.get(code),
                selectors.describe_step(recorded[code], names) if code in recorded else [],
                selectors.warnings_of(recorded[code]) if code in recorded else [],
                selectors.checks_of(recorded[code]) if code in recorded else [],
            )
            for code, label in Step.choices
        ]
    elif tab == "history":
        context["history_entries"] = history_entries(case)
    return render(request, "cadres/selection/detail.html", context)


def _show_errors(form: Any, exc: ValidationError) -> None:
    """A service error beside its field when the form has it (vote fields included)."""
    if not hasattr(exc, "error_dict"):
        add_validation_error(form, exc)
        return
    for key, items in exc.error_dict.items():
        target = key if key in form.fields else None
        for item in items:
            form.add_error(target, item.messages[0])


@require_http_methods(["GET", "POST"])
def selection_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    require_cadre_writer(request, case)
    if step not in STEP_FORMS:
        raise Http404("没有这个环节")
    if step == Step.PUBLIC_NOTICE and case.current_step == Step.APPOINTMENT:
        return _notice_feedback(request, case)
    if case.status != SelectionStatus.ACTIVE or step != case.current_step:
        reason = (
            f"该纪实{case.get_status_display()}，不能办理。"
            if case.status != SelectionStatus.ACTIVE
            else f"当前应办理“{case.get_current_step_display()}”，须按顺序逐个环节办理。"
        )
        messages.error(request, reason)
        return redirect(_detail(case, "timeline"))
    candidates = selectors.candidates(case)
    form_class = STEP_FORMS[step]
    # The 公示 text is generated from the archive with the dates actually entered (left blank
    # here); it can be edited afterwards on the 公示反映情况 form.
    initial: dict[str, Any] = {"done_on": timezone.localdate()}
    form = form_class(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_step(
                actor=request.user,
                case=case,
                step=step,
                done_on=form.cleaned_data["done_on"],
                details=form.details(),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, f"已记录“{Step(step).label}”。")
            return redirect(_detail(case, "timeline"))
    return render(
        request,
        "cadres/selection/step_form.html",
        {
            "form": form,
            "case": case,
            "step_label": Step(step).label,
            "step": step,
            "rows": selectors.candidate_rows(case) if step in services.CHECKED_STEPS else [],
        },
    )


def _notice_feedback(request: HttpRequest, case: SelectionCase) -> HttpResponse:
    """While the case waits for 任职: the 反映 received and the 核查中 flag of its 公示."""
    notice: PublicNotice | None = case.notices.order_by("-starts_on", "-id").first()
    if notice is None or case.status != SelectionStatus.ACTIVE:
        messages.error(request, f"该纪实{case.get_status_display()}，不能登记公示反映情况。")
        return redirect(_detail(case, "timeline"))
    form = FeedbackForm(
        request.POST or None,
        initial={
            "feedback_count": notice.feedback_count,
            "feedback_summary": notice.feedback_summary,
            "under_review": notice.under_review,
            "public_text": notice.public_text,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_notice_feedback(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "已保存公示反映情况。")
            return redirect(_detail(case, "timeline"))
    return render(
        request,
        "cadres/selection/form.html",
        {
            "form": form,
            "case": case,
            "title": f"{case.title} · 公示反映情况",
            "intro": f"公示期：{notice.starts_on:%Y-%m-%d}至{notice.ends_on:%Y-%m-%d}"
            f"（{notice.working_days}个工作日）。有反映正在核查的，核查清楚前不得任职。",
            "back": _detail(case, "timeline"),
        },
    )


@require_http_methods(["GET", "POST"])
def selection_candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    require_cadre_writer(request, case)
    q = request.GET.get("q", "").strip()[:40]
    form = CandidateForm(
        request.POST or None, cadres=selectors.addable_cadres(request.user, case, q)
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.add_candidate(
                actor=request.user, case=case, cadre=form.cleaned_data["cadre"]
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, f"已增加人选{candidate.cadre.name}，并完成资格审查。")
            return redirect(_detail(case))
    return render(
        request,
        "cadres/selection/candidate_form.html",
        {"form": form, "case": case, "q": q},
    )


def _status_view(
    request: HttpRequest, pk: int, form_class: type, action: Any, title: str, done: str
) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    require_cadre_writer(request, case)
    form = form_class(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(_detail(case))
    return render(
        request,
        "cadres/selection/form.html",
        {
            "form": form,
            "case": case,
            "title": f"{case.title} · {title}",
            "intro": f"当前状态：{case.get_status_display()}"
            + (f"（{case.status_reason}）" if case.status_reason else ""),
            "danger": title == "终止",
            "back": _detail(case),
        },
    )


@require_http_methods(["GET", "POST"])
def selection_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_view(request, pk, StatusForm, services.pause_case, "暂停", "已暂停该纪实。")


@require_http_methods(["GET", "POST"])
def selection_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_view(request, pk, ResumeForm, services.resume_case, "恢复", "已恢复办理。")


@require_http_methods(["GET", "POST"])
def selection_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_view(request, pk, StatusForm, services.end_case, "终止", "已终止该纪实。")


@require_GET
def selection_record_docx(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    return docx_response(f"{case.title}纪实表.docx", documents.record_docx(case))


@require_GET
def selection_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    case = selectors.get_case(request.user, pk)
    return pdf_response(f"{case.title}纪实表.pdf", documents.record_pdf(case))


@require_GET
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    notice = selectors.get_notice(request.user, pk)
    return docx_response(f"{notice.cadre.name}任前公示.docx", documents.notice_docx(notice))


@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    notice = selectors.get_notice(request.user, pk)
    return pdf_response(f"{notice.cadre.name}任前公示.pdf", documents.notice_pdf(notice))


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    today = timezone.localdate()
    active, recent = selectors.notices(request.user, today)
    return render(
        request,
        "cadres/selection/notice_list.html",
        {"active": active, "recent": recent, "today": today},
    )


@require_GET
def selection_rules_view(request: HttpRequest) -> HttpResponse:
    """The rules and their parameters (national default, status, source) behind the checks."""
    require_cadre_reader(request)
    return render(request, "cadres/selection/rules.html", {"rows": parameter_rows()})


urlpatterns = [
    path("selection/", selection_list, name="selection_list"),
    path("selection/new/", selection_create, name="selection_create"),
    path("selection/rules/", selection_rules_view, name="selection_rules"),
    path("selection/notices/", notice_list, name="notice_list"),
    path("selection/notices/<int:pk>/docx/", notice_docx, name="notice_docx"),
    path("selection/notices/<int:pk>/pdf/", notice_pdf, name="notice_pdf"),
    path("selection/<int:pk>/", selection_detail, name="selection_detail"),
    path("selection/<int:pk>/steps/<slug:step>/", selection_step, name="selection_step"),
    path(
        "selection/<int:pk>/candidates/add/",
        selection_candidate_add,
        name="selection_candidate_add",
    ),
    path("selection/<int:pk>/pause/", selection_pause, name="selection_pause"),
    path("selection/<int:pk>/resume/", selection_resume, name="selection_resume"),
    path("selection/<int:pk>/end/", selection_end, name="selection_end"),
    path("selection/<int:pk>/record.docx", selection_record_docx, name="selection_record_docx"),
    path("selection/<int:pk>/record.pdf", selection_record_pdf, name="selection_record_pdf"),
]
