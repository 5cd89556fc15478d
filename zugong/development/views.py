"""发展党员 pages: the pipeline board, the case list and timeline, recording a step, the
township overview, plans and 入党志愿书 numbers, and the .docx documents. Views stay thin:
reads come from selectors, every write goes through services (which check every rule)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.documents import pdf_response
from zugong.core.downloads import docx_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error, bounded_int, paginate, require_perm
from zugong.development import selectors, services
from zugong.development.documents import NOTICES, notice_docx, record_docx
from zugong.development.forms import (
    CancelForm,
    CaseForm,
    ExtendForm,
    PlanForm,
    RangeForm,
    StepForm,
    VoidForm,
)
from zugong.development.models import (
    AdmissionFormNumberStatus,
    Case,
    CaseStatus,
    ProbationExtension,
    RuleSetChoice,
    Stage,
    StepDefinition,
)
from zugong.development.pdf import notice_pdf, record_pdf, review_pdf
from zugong.development.rules import CASE_KIND
from zugong.development.selectors import BOARD_COLUMNS, CaseFilters
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import Organization, OrgKind, OrgStatus

PERM = "development.edit_case"
PLAN_PERM = "development.manage_plans"
TABS = {"info": "基本信息", "timeline": "历程", "findings": "发现的问题", "history": "历史"}


def _org_param(request: HttpRequest) -> Organization | None:
    """?org= narrows a page to a subtree in scope; anything else is ignored."""
    raw = request.GET.get("org", "")
    if not raw.isdigit():
        return None
    try:
        return org_selectors.get_org(request.user, int(raw))
    except Http404:
        return None


def _year(request: HttpRequest) -> int:
    this = timezone.localdate().year
    return bounded_int(request.GET.get("year"), 2000, this + 1, default=this)


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this + 1, this - 6, -1))


def _township_choices(request: HttpRequest) -> list[Organization]:
    """Organizations whose subtree a board or overview can be narrowed to (not single branches)."""
    return list(
        org_selectors.visible_orgs(request.user)
        .exclude(kind__in=[OrgKind.BRANCH, OrgKind.BRANCH_GROUP])
        .order_by("path")[:200]
    )


# --- the board and the overview ------------------------------------------------------------------


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    org = _org_param(request)
    today = timezone.localdate()
    columns, truncated = selectors.board(request.user, org, today)
    return render(
        request,
        "development/board.html",
        {
            "columns": [(key, label, columns[key]) for key, label in BOARD_COLUMNS],
            "truncated": truncated,
            "filter_org": org,
            "org_choices": _township_choices(request),
            "branches": org_selectors.branches_in_scope(request.user)[:300],
            "today": today,
            "can_create": request.user.can_write,
        },
    )


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    org = _org_param(request) or org_selectors.anchor_org(request.user)
    today = timezone.localdate()
    year = _year(request)
    context: dict[str, object] = {
        "org": org,
        "year": year,
        "years": _years(),
        "stages": Stage.choices,
        "org_choices": _township_choices(request),
    }
    if org is not None:
        rows = selectors.overview_rows(request.user, org, today)
        context.update(
            rows=rows,
            totals=[sum(r.by_stage[i] for r in rows) for i in range(5)],
            total=sum(r.total for r in rows),
            overdue_total=sum(r.overdue for r in rows),
            overdue=selectors.overdue_findings(request.user, org, today),
            plans=selectors.plans_under(request.user, org, year),
        )
    return render(request, "development/overview.html", context)


# --- cases ----------------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    status = request.GET.get("status", "")
    org = _org_param(request)
    f = CaseFilters(
        q=request.GET.get("q", "").strip()[:40],
        status=status if status in CaseStatus.values else "",
        stage=int(stage) if stage.isdigit() and int(stage) in Stage.values else None,
        org=org,
    )
    qs = selectors.case_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("development_cases", qs, unmasked=request.user.exports_unmasked)
    return render(
        request,
        "development/case_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "filter_org": org,
            "stages": Stage.choices,
            "statuses": CaseStatus.choices,
            "can_create": request.user.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    branches = org_selectors.branches_in_scope(request.user)
    org = _org_param(request)
    form = CaseForm(
        request.POST or None,
        branches=branches,
        initial={"org": org.pk if org else None, "applied_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(actor=request.user, **data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        except PermissionError:
            form.add_error("org", "党支部：不在本账号的管理范围内。")
        else:
            messages.success(request, f"已登记{case.name}的入党申请。")
            return redirect("development:case_detail", pk=case.pk)
    return render(
        request,
        "development/form.html",
        {"form": form, "title": "登记入党申请", "back": reverse("development:case_list")},
    )


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in TABS else "info"
    findings = Finding.objects.filter(subject_type=CASE_KIND, subject_id=case.pk)
    context: dict[str, object] = {
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "can_edit": request.user.has_perm(PERM, case) and case.status == CaseStatus.OPEN,
        "findings_count": findings.count(),
        "notice_kinds": [(k, v[0]) for k, v in NOTICES.items()],
    }
    if tab == "info":
        context.update(
            numbers=list(case.admission_forms.order_by("number")),
            probation_end=selectors.probation_end(case),
            seniority=selectors.party_seniority_start(case),
            extension=ProbationExtension.objects.filter(case=case).first(),
        )
    elif tab == "timeline":
        steps = list(selectors.case_steps(case))
        due = [f for f in findings if f.due_on]
        recorded = {s.definition_id for s in steps}
        context.update(
            steps=steps,
            rule_sets=dict(RuleSetChoice.choices),
            due=due,
            upcoming=[
                d
                for d in selectors.next_steps(case)
                if d.pk not in recorded
                and (not steps or d.sort_order > steps[-1].definition.sort_order)
            ][:3]
            if case.status == CaseStatus.OPEN
            else [],
            today=timezone.localdate(),
        )
    elif tab == "findings":
        context["findings"] = findings
    elif tab == "history":
        context["history_entries"] = history_entries(case)
    return render(request, "development/case_detail.html", context)


# A refusal names what it is about first ("入党介绍人：…", "公示期：…"): shown beside that field.
ERROR_FIELDS: list[tuple[str, str]] = [
    ("入党介绍人", "sponsor_members"),
    ("培养联系人", "cultivation_contact_members"),
    ("谈话人", "talker_members"),
    ("公示", "notice_from"),
    ("审批组织", "responsible_org"),
    ("应到", "voters_due"),
    ("实到", "voters_present"),
    ("赞成", "votes_yes"),
    ("表决", "votes_yes"),
    ("集中培训", "training_days"),
    ("培训", "training_days"),
    ("政审", "review_passed"),
    ("政治审查", "review_passed"),
]


def _show_step_errors(form: StepForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        add_validation_error(form, exc)
        return
    people = form.people_field()
    for key, items in exc.error_dict.items():
        for item in items:
            message = item.messages[0]
            target = people if key == "people" else key
            if target not in form.fields:
                target = next(
                    (f for p, f in ERROR_FIELDS if message.startswith(p) and f in form.fields),
                    None,
                )
            form.add_error(target, message)


def _default_step(case_steps: list[StepDefinition], last_order: int) -> StepDefinition | None:
    return next((d for d in case_steps if d.sort_order > last_order), None) or (
        case_steps[0] if case_steps else None
    )


@require_http_methods(["GET", "POST"])
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    require_perm(request, PERM, case)
    choices = selectors.next_steps(case) if case.status == CaseStatus.OPEN else []
    code = request.POST.get("code") or request.GET.get("code", "")
    last_order = case.last_step.sort_order if case.last_step else -1
    definition = next((d for d in choices if d.code == code), None) or _default_step(
        choices, last_order
    )
    if definition is None:
        messages.error(request, f"该档案{case.get_status_display()}，没有可以记录的步骤。")
        return redirect("development:case_detail", pk=case.pk)
    form = StepForm(
        request.POST or None,
        definition=definition,
        orgs=org_selectors.visible_orgs(request.user).filter(
            path__in=[case.org_path[:i] for i in range(4, len(case.org_path) + 1, 4)]
        ),
        members=selectors.step_members(request.user, case),
        initial={"done_on": timezone.localdate(), "responsible_org": case.org_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_step(actor=request.user, case=case, step=form.step_input())
        except ValidationError as exc:
            _show_step_errors(form, exc)
        else:
            messages.success(request, f"已记录{definition.label}。")
            return redirect(reverse("development:case_detail", args=[case.pk]) + "?tab=timeline")
    return render(
        request,
        "development/step_form.html",
        {"form": form, "case": case, "definition": definition, "choices": choices},
    )


@require_http_methods(["GET", "POST"])
def case_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    require_perm(request, PERM, case)
    form = CancelForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_case(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已终止该发展党员档案。")
            return redirect("development:case_detail", pk=case.pk)
    title = "取消预备党员资格" if case.member_id else "终止发展"
    return render(
        request,
        "development/form.html",
        {
            "form": form,
            "case": case,
            "title": f"{case.name} · {title}",
            "danger": True,
            "back": reverse("development:case_detail", args=[case.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def extend_probation(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    require_perm(request, PERM, case)
    form = ExtendForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.extend_probation(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已记录延长预备期。")
            return redirect("development:case_detail", pk=case.pk)
    return render(
        request,
        "development/form.html",
        {
            "form": form,
            "case": case,
            "title": f"{case.name} · 延长预备期",
            "intro": f"预备期届满日：{selectors.probation_end(case) or '尚未接收为预备党员'}",
            "back": reverse("development:case_detail", args=[case.pk]),
        },
    )


# --- plans and 入党志愿书 numbers ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    can_manage = request.user.has_perm(PLAN_PERM)
    form = None
    if request.method == "POST":
        require_perm(request, PLAN_PERM)
    if can_manage:
        orgs = org_selectors.visible_orgs(request.user).filter(
            kind__in=services.PLAN_ORG_KINDS, status=OrgStatus.ACTIVE
        )
        form = PlanForm(request.POST or None, orgs=orgs.order_by("path"), initial={"year": year})
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.set_plan(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已保存{plan}。")
                return redirect(f"{reverse('development:plans')}?year={plan.year}")
    rows = selectors.plan_list(request.user, year)
    return render(
        request,
        "development/plans.html",
        {
            "rows": [(p, used, p.quota - used) for p, used in rows],
            "year": year,
            "years": _years(),
            "form": form,
            "quota_total": sum(p.quota for p, _ in rows),
            "used_total": sum(u for _, u in rows),
        },
    )


@require_http_methods(["GET", "POST"])
def admission_forms(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    can_manage = request.user.has_perm(PLAN_PERM)
    if request.method == "POST":
        require_perm(request, PLAN_PERM)
    form = RangeForm(request.POST or None, initial={"year": year}) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.add_form_range(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已登记入党志愿书编号段。")
            return redirect(f"{reverse('development:forms')}?year={form.cleaned_data['year']}")
    numbers = selectors.admission_numbers(request.user, year)
    q = request.GET.get("q", "").strip()[:40]
    if q:
        numbers = numbers.filter(case__name__contains=q) | numbers.filter(number__startswith=q)
    return render(
        request,
        "development/forms.html",
        {
            "year": year,
            "years": _years(),
            "q": q,
            "ranges": selectors.form_ranges(year),
            "page_obj": paginate(request, numbers.select_related("issued_by")),
            "form": form,
            "void": AdmissionFormNumberStatus.VOID,
        },
    )


@require_http_methods(["GET", "POST"])
def form_void(request: HttpRequest, pk: int) -> HttpResponse:
    number = selectors.get_admission_number(request.user, pk)
    require_perm(request, PERM, number.case)
    form = VoidForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.void_admission_form(
                actor=request.user,
                number=number,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["void_reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已作废入党志愿书编号{number.number}。")
            return redirect(f"{reverse('development:forms')}?year={number.form_range.year}")
    return render(
        request,
        "development/form.html",
        {
            "form": form,
            "title": f"作废入党志愿书编号 {number.number}（{number.case.name}）",
            "intro": "编号一经使用不得删除；作废后不再发放，重新发放时取下一个编号。",
            "danger": True,
            "back": reverse("development:forms"),
        },
    )


# --- documents ----------------------------------------------------------------------------------------


@require_GET
def notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    kind = request.GET.get("kind", "")
    if kind not in NOTICES:
        # Without ?kind= the notice of the case's next 公示.
        kind = "candidate" if case.stage <= 3 else "admission" if case.stage == 4 else "conversion"
    body = notice_docx(case, kind, list(selectors.case_steps(case)), timezone.localdate())
    return docx_response(f"{case.name}{NOTICES[kind][0]}公示.docx", body)


@require_GET
def record_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    numbers = [
        f"{n.number}{'（已作废）' if n.status == AdmissionFormNumberStatus.VOID else ''}"
        for n in case.admission_forms.order_by("number")
    ]
    body = record_docx(case, list(selectors.case_steps(case)), numbers)
    return docx_response(f"{case.name}发展党员纪实表.docx", body)


@require_GET
def review_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """政治审查记录 of a case (blank conclusion until the 政审 is recorded)."""
    # Imported here: views.py is shared, this view is appended without touching its imports.
    from zugong.development.documents import review_docx

    case = selectors.get_case(request.user, pk)
    body = review_docx(case, list(selectors.case_steps(case)))
    return docx_response(f"{case.name}政治审查记录.docx", body)


# --- documents as PDF (same access and data as the .docx views above) ----------------------------


def _notice_kind(request: HttpRequest, case: Case) -> str:
    kind = request.GET.get("kind", "")
    if kind in NOTICES:
        return kind
    # Without ?kind= the notice of the case's next 公示, as for the .docx.
    return "candidate" if case.stage <= 3 else "admission" if case.stage == 4 else "conversion"


def _form_numbers(case: Case) -> list[str]:
    return [
        f"{n.number}{'（已作废）' if n.status == AdmissionFormNumberStatus.VOID else ''}"
        for n in case.admission_forms.order_by("number")
    ]


@require_GET
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    kind = _notice_kind(request, case)
    body = notice_pdf(case, kind, list(selectors.case_steps(case)), timezone.localdate())
    return pdf_response(f"{case.name}{NOTICES[kind][0]}公示.pdf", body)


@require_GET
def record_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    body = record_pdf(case, list(selectors.case_steps(case)), _form_numbers(case))
    return pdf_response(f"{case.name}发展党员纪实表.pdf", body)


@require_GET
def review_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    body = review_pdf(case, list(selectors.case_steps(case)))
    return pdf_response(f"{case.name}政治审查记录.pdf", body)
