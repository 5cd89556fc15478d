"""民主评议党员 pages: the rounds list, a round with its tabs, opening, bulk grading, closing and
reopening, one member's results, 组织处置 of 不合格 members, and the 第八表 roll-up report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.views import add_validation_error, paginate, require_perm
from zugong.life import appraisal_exports
from zugong.life import appraisal_selectors as selectors
from zugong.life import appraisal_services as services
from zugong.life.appraisal_forms import (
    EntryForm,
    HandlingForm,
    ReopenForm,
    RoundCloseForm,
    RoundCreateForm,
    RoundEditForm,
    grade_formset,
)
from zugong.life.models import AppraisalRound, Grade, HandlingMeasure, RoundStatus
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import OrgKind

# Writers inside their scope manage rounds (accounts/permissions.py).
PERM = "life.manage_appraisal"

TABS = {"results": "评议结果", "stats": "统计", "findings": "发现的问题", "history": "历史"}


def _year(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _default_year() -> int:
    # A year's appraisal is held at its end or early in the next year.
    today = timezone.localdate()
    return today.year if today.month >= 10 else today.year - 1


def _filters(request: HttpRequest) -> tuple[selectors.RoundFilters, Any]:
    g = request.GET
    org = None
    if g.get("org", "").isdigit():
        org = org_selectors.get_org(request.user, int(g["org"]))
    f = selectors.RoundFilters(
        q=g.get("q", "").strip()[:40],
        year=_year(g.get("year", "")),
        org_path=org.path if org is not None else "",
        status=g.get("status", "") if g.get("status", "") in RoundStatus.values else "",
        problems=g.get("problems", "") if g.get("problems", "") in ("yes", "no") else "",
    )
    return f, org


def appraisal_list(request: HttpRequest) -> HttpResponse:
    f, org = _filters(request)
    qs = selectors.round_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("appraisal_rounds", qs)
    page = paginate(request, qs)
    page.object_list = selectors.attach_counts(page.object_list)
    return render(
        request,
        "life/appraisal/list.html",
        {
            "page_obj": page,
            "f": f,
            "filter_org": org,
            "years": selectors.round_years(request.user),
            "statuses": RoundStatus.choices,
            "committees": org_selectors.parent_choices(request.user).exclude(kind=OrgKind.BRANCH)[
                :300
            ],
            "can_create": request.user.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def appraisal_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, PERM)
    initial: dict[str, Any] = {"year": _default_year(), "started_on": timezone.localdate()}
    if request.GET.get("org", "").isdigit():
        initial["org"] = request.GET["org"]
    form = RoundCreateForm(
        request.POST or None,
        initial=initial,
        branches=org_selectors.branches_in_scope(request.user),
        meetings=selectors.appraisal_meetings(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            appraisal = services.open_round(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                f"已开展{appraisal.year}年度民主评议，评议名单共{appraisal.entries.count()}名党员。",
            )
            return redirect("life:appraisal_detail", pk=appraisal.pk)
    return render(request, "life/appraisal/form.html", {"form": form, "title": "开展民主评议党员"})


def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = selectors.get_round(request.user, pk)
    tab = request.GET.get("tab", "results")
    if tab not in TABS:
        tab = "results"
    if request.GET.get("export") == "xlsx":
        return export_response(
            "appraisal_entries",
            selectors.round_entries(appraisal),
            unmasked=request.user.exports_unmasked,
        )
    can_edit = request.user.has_perm(PERM, appraisal)
    findings = selectors.round_findings(appraisal)
    context: dict[str, Any] = {
        "round": appraisal,
        "tab": tab,
        "tabs": TABS,
        "can_edit": can_edit,
        "is_open": appraisal.status == RoundStatus.OPEN,
        "findings_count": findings.count(),
        "stats": selectors.grade_stats(appraisal),
        "ancestors": org_selectors.ancestors_in_scope(request.user, appraisal.org),
    }
    if tab == "results":
        context["entries"] = selectors.round_entries(appraisal)
        context["reopen_form"] = ReopenForm()
    elif tab == "findings":
        context["findings"] = findings
    elif tab == "history":
        context["history_entries"] = history_entries(appraisal)
    return render(request, "life/appraisal/detail.html", context)


def _open_round_for_edit(request: HttpRequest, pk: int) -> tuple[AppraisalRound, bool]:
    """The round, checked for scope (404) and role (403); False when it is closed."""
    appraisal = selectors.get_round(request.user, pk)
    require_perm(request, PERM, appraisal)
    if appraisal.status != RoundStatus.OPEN:
        messages.error(request, "该评议已结束，需要修改时请先重新开启评议。")
        return appraisal, False
    return appraisal, True


@require_http_methods(["GET", "POST"])
def appraisal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal, is_open = _open_round_for_edit(request, pk)
    if not is_open:
        return redirect("life:appraisal_detail", pk=appraisal.pk)
    form = RoundEditForm(
        request.POST or None,
        initial={
            "started_on": appraisal.started_on,
            "meeting": appraisal.meeting_id,
            "note": appraisal.note,
        },
        meetings=selectors.appraisal_meetings(request.user, appraisal.org),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(actor=request.user, appraisal=appraisal, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("life:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "life/appraisal/form.html",
        {"form": form, "round": appraisal, "title": "修改评议信息"},
    )


@require_http_methods(["GET", "POST"])
def appraisal_grade(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal, is_open = _open_round_for_edit(request, pk)
    if not is_open:
        return redirect("life:appraisal_detail", pk=appraisal.pk)
    entries = list(appraisal.entries.select_related("member").order_by("member__name_pinyin", "id"))
    formset = grade_formset(entries, request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.EntryGrade(
                entry_id=form.cleaned_data["entry"],
                grade=form.cleaned_data["grade"],
                votes_excellent=form.cleaned_data["votes_excellent"],
                votes_qualified=form.cleaned_data["votes_qualified"],
                votes_basic=form.cleaned_data["votes_basic"],
                votes_unqualified=form.cleaned_data["votes_unqualified"],
                note=form.cleaned_data["note"],
            )
            for form in formset.forms
        ]
        try:
            changed = services.grade_entries(actor=request.user, appraisal=appraisal, rows=rows)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已保存，{changed}名党员的评议结果有变动。")
            return redirect("life:appraisal_detail", pk=appraisal.pk)
    by_id = {e.pk: e for e in entries}
    rows = [(form, by_id.get(form.initial.get("entry"))) for form in formset.forms]
    return render(
        request,
        "life/appraisal/grade.html",
        {"round": appraisal, "formset": formset, "rows": rows, "grades": Grade.choices},
    )


@require_http_methods(["GET", "POST"])
def appraisal_close(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal, is_open = _open_round_for_edit(request, pk)
    if not is_open:
        return redirect("life:appraisal_detail", pk=appraisal.pk)
    form = RoundCloseForm(
        request.POST or None,
        initial={"closed_on": timezone.localdate()},
        meetings=selectors.appraisal_meetings(request.user, appraisal.org),
    )
    stats = selectors.grade_stats(appraisal)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_round(actor=request.user, appraisal=appraisal, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if stats.ungraded:
                messages.warning(
                    request,
                    f"评议已结束；仍有{stats.ungraded}名党员未评定等次，已列入“发现的问题”。",
                )
            else:
                messages.success(request, "评议已结束。")
            return redirect("life:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "life/appraisal/close.html",
        {"form": form, "round": appraisal, "stats": stats},
    )


def appraisal_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    # The round first: out of scope is a 404 whatever the method.
    appraisal = selectors.get_round(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_perm(request, PERM, appraisal)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.reopen_round(actor=request.user, appraisal=appraisal, reason=reason)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "评议已重新开启，可以继续修改评议结果。")
    return redirect("life:appraisal_detail", pk=appraisal.pk)


@require_http_methods(["GET", "POST"])
def appraisal_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_entry(request.user, pk)
    appraisal = entry.round
    can_edit = request.user.has_perm(PERM, appraisal)
    is_open = appraisal.status == RoundStatus.OPEN
    if request.method == "POST":
        require_perm(request, PERM, appraisal)
        if not is_open:
            messages.error(request, "该评议已结束，需要修改时请先重新开启评议。")
            return redirect("life:appraisal_entry", pk=entry.pk)
    form = None
    if can_edit and is_open:
        form = EntryForm(
            request.POST or None, instance=entry, vote_limit=services.vote_limit(appraisal)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.update_entry(actor=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已保存“{entry.member.name}”的评议结果。")
                return redirect("life:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "life/appraisal/entry.html",
        {
            "entry": entry,
            "round": appraisal,
            "form": form,
            "can_edit": can_edit,
            "handlings": entry.handlings.all(),
            "history_entries": history_entries(entry),
        },
    )


@require_http_methods(["GET", "POST"])
def appraisal_handling_create(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_entry(request.user, pk)
    require_perm(request, PERM, entry.round)
    if entry.grade != Grade.UNQUALIFIED:
        messages.error(request, "只有评定为“不合格”的党员才登记组织处置。")
        return redirect("life:appraisal_entry", pk=entry.pk)
    form = HandlingForm(request.POST or None, initial={"decided_by": "党支部大会"})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_handling(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已登记“{entry.member.name}”的组织处置。")
            return redirect("life:appraisal_entry", pk=entry.pk)
    return render(
        request,
        "life/appraisal/handling_form.html",
        {"form": form, "entry": entry, "title": f"登记“{entry.member.name}”的组织处置"},
    )


@require_http_methods(["GET", "POST"])
def appraisal_handling_edit(request: HttpRequest, pk: int) -> HttpResponse:
    handling = selectors.get_handling(request.user, pk)
    entry = handling.entry
    require_perm(request, PERM, entry.round)
    form = HandlingForm(request.POST or None, instance=handling)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_handling(actor=request.user, handling=handling, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("life:appraisal_entry", pk=entry.pk)
    return render(
        request,
        "life/appraisal/handling_form.html",
        {
            "form": form,
            "entry": entry,
            "handling": handling,
            "title": f"修改“{entry.member.name}”的组织处置",
            "history_entries": history_entries(handling),
        },
    )


def appraisal_report(request: HttpRequest) -> HttpResponse:
    g = request.GET
    if g.get("org", "").isdigit():
        org = org_selectors.get_org(request.user, int(g["org"]))
    else:
        org = org_selectors.anchor_org(request.user)
    known_years = selectors.round_years(request.user)
    # Without a choice: the newest year that has rounds, so the page opens on real numbers.
    year = _year(g.get("year", "")) or (known_years[0] if known_years else _default_year())
    report = selectors.appraisal_report(request.user, org, year) if org is not None else None
    if report is not None and g.get("export") == "xlsx":
        return appraisal_exports.report_response(report, unit=org.name)
    years = sorted({*known_years, _default_year(), year}, reverse=True)
    return render(
        request,
        "life/appraisal/report.html",
        {
            "org": org,
            "year": year,
            "years": years,
            "report": report,
            "grades": [*Grade.labels, "未评定"],
            "measures": HandlingMeasure.labels,
            "ancestors": org_selectors.ancestors_in_scope(request.user, org) if org else [],
        },
    )


urlpatterns = [
    path("appraisal/", appraisal_list, name="appraisal_list"),
    path("appraisal/new/", appraisal_create, name="appraisal_create"),
    path("appraisal/report/", appraisal_report, name="appraisal_report"),
    path("appraisal/<int:pk>/", appraisal_detail, name="appraisal_detail"),
    path("appraisal/<int:pk>/edit/", appraisal_edit, name="appraisal_edit"),
    path("appraisal/<int:pk>/grade/", appraisal_grade, name="appraisal_grade"),
    path("appraisal/<int:pk>/close/", appraisal_close, name="appraisal_close"),
    path("appraisal/<int:pk>/reopen/", appraisal_reopen, name="appraisal_reopen"),
    path("appraisal/entries/<int:pk>/", appraisal_entry, name="appraisal_entry"),
    path(
        "appraisal/entries/<int:pk>/handlings/new/",
        appraisal_handling_create,
        name="appraisal_handling_create",
    ),
    path(
        "appraisal/handlings/<int:pk>/edit/",
        appraisal_handling_edit,
        name="appraisal_handling_edit",
    ),
]
