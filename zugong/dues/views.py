"""党费 pages: the scope's summary, a branch's month and standards, a member's ledger, reports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zugong.core.dbrouting import reads_from_replica
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error, bounded_int, paginate, require_perm
from zugong.dues import selectors, services
from zugong.dues.forms import (
    BranchSettingForm,
    BulkStandardForm,
    PaymentBatchForm,
    PaymentForm,
    StandardForm,
    VoidForm,
)
from zugong.dues.models import DuesCategory
from zugong.dues.selectors import STATE_LABELS, STATE_MONTH_LABELS, PaymentFilters
from zugong.dues.services import FIRST_YEAR, quarter_of
from zugong.members import selectors as member_selectors
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import OrgKind

PERM = "dues.edit_dues"
MONTHS = list(range(1, 13))


def _int(value: str, low: int, high: int, default: int | None) -> int | None:
    return bounded_int(value, low, high, default)


def _period(request: HttpRequest, *, month_optional: bool = False) -> tuple[int, int | None]:
    """?year=&month= within sensible bounds; anything else falls back to the current month."""
    today = timezone.localdate()
    year = _int(request.GET.get("year", ""), FIRST_YEAR, today.year + 1, today.year)
    raw_month = request.GET.get("month")
    if month_optional and raw_month == "":
        return year, None  # type: ignore[return-value]
    return year, _int(raw_month or "", 1, 12, today.month)  # type: ignore[return-value]


def _years() -> list[int]:
    today = timezone.localdate()
    return list(range(today.year + 1, max(FIRST_YEAR, today.year - 9) - 1, -1))


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the summary -------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    root = org_selectors.anchor_org(request.user)
    context: dict[str, object] = {"root": root, "year": today.year, "month": today.month}
    if root is not None:
        report = selectors.dues_report(request.user, root, today.year, today.month, today)
        context["report"] = report
        context["year_total"] = selectors.subtree_collection(
            request.user, root, today.year, None, today
        )
        if root.kind == OrgKind.BRANCH:
            context["unpaid"] = selectors.unpaid_members(
                request.user, root, today.year, today.month
            )
    return render(request, "dues/home.html", context)


# --- a branch's month -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def branch_month(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    year, month = _period(request)
    assert month is not None
    q = request.GET.get("q", "").strip()[:40]
    state = request.GET.get("state", "")
    state = state if state in STATE_LABELS else ""
    rows = selectors.branch_roster(request.user, org, year, month, q=q, state=state)
    if request.GET.get("export") == "xlsx":
        return export_response("dues_roster", rows)
    setting = selectors.branch_setting(org)
    quarterly = bool(setting and setting.quarterly_allowed)
    can_edit = request.user.has_perm(PERM, org)
    form = None
    if request.method == "POST":
        require_perm(request, PERM, org)
    page_obj = paginate(request, rows, known_count=len(rows))
    if can_edit:
        form = PaymentBatchForm(
            request.POST or None,
            rows=list(page_obj.object_list),
            quarterly=quarterly,
            initial={"paid_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            months = [month]
            if form.cleaned_data.get("quarter"):
                months = [m for m in MONTHS if quarter_of(m) == quarter_of(month) and m >= month]
            try:
                created = services.record_payments(
                    actor=request.user,
                    org=org,
                    year=year,
                    months=months,
                    paid_on=form.cleaned_data["paid_on"],
                    entries=form.entries(),
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已登记{len(created)}笔党费交纳记录。")
                return redirect(f"{request.path}?year={year}&month={month}")
    fields = {r.member.pk: row_fields for r, row_fields in form.table()} if form else {}
    return render(
        request,
        "dues/branch_month.html",
        {
            "org": org,
            "year": year,
            "month": month,
            "years": _years(),
            "months": MONTHS,
            "q": q,
            "state": state,
            "states": STATE_LABELS,
            "page_obj": page_obj,
            "lines": [(r, fields.get(r.member.pk)) for r in page_obj.object_list],
            "form": form,
            "can_edit": can_edit,
            "setting": setting,
            "collection": selectors.subtree_collection(
                request.user, org, year, month, timezone.localdate()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def branch_setting(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    require_perm(request, PERM, org)
    setting = selectors.branch_setting(org)
    initial = (
        {
            "quarterly_allowed": setting.quarterly_allowed,
            "decided_on": setting.decided_on,
            "basis": setting.basis,
        }
        if setting
        else {}
    )
    form = BranchSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_branch_setting(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存党费收缴方式。")
            return redirect("dues:branch_month", pk=org.pk)
    return render(
        request,
        "dues/form.html",
        {
            "form": form,
            "org": org,
            "title": f"{org.name} · 党费收缴方式",
            "history_entries": history_entries(setting) if setting else [],
            "back": reverse("dues:branch_month", args=[org.pk]),
        },
    )


# --- standards --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def standards(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    year, _ = _period(request)
    q = request.GET.get("q", "").strip()[:40]
    category = request.GET.get("category", "")
    category = category if category in DuesCategory.values or category == "none" else ""
    rows = selectors.branch_standards(request.user, org, year, q=q, category=category)
    if request.GET.get("export") == "xlsx":
        return export_response("dues_standards", rows, year)
    if request.method == "POST":
        require_perm(request, PERM, org)
    can_edit = request.user.has_perm(PERM, org)
    page_obj = paginate(request, rows, known_count=len(rows))
    form = None
    if can_edit:
        form = BulkStandardForm(
            request.POST if request.POST.get("action") == "bulk" else None,
            members=list(page_obj.object_list),
        )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "copy":
                count = services.copy_last_year(actor=request.user, org=org, year=year)
                messages.success(
                    request, f"已沿用{year - 1}年标准为{count}名党员核定{year}年标准。"
                )
                return redirect(f"{request.path}?year={year}")
            if form is not None and form.is_valid():
                bulk = form.rows()
                if not bulk:
                    raise ValidationError("请至少为一名党员选择收入类别。")
                count = services.bulk_set_standards(
                    actor=request.user, org=org, year=year, rows=bulk
                )
                messages.success(request, f"已核定{count}名党员的{year}年党费标准。")
                return redirect(f"{request.path}?year={year}")
            if form is not None and request.POST.get("action") != "bulk":
                raise ValidationError("请选择操作：批量核定或沿用上年标准。")
        except ValidationError as exc:
            _show_errors(request, exc)
    return render(
        request,
        "dues/standards.html",
        {
            "org": org,
            "year": year,
            "years": _years(),
            "q": q,
            "category": category,
            "categories": DuesCategory.choices,
            "page_obj": page_obj,
            "lines": form.table()
            if form is not None
            else [(m, current, last, None) for m, current, last in page_obj.object_list],
            "form": form,
            "can_edit": can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
def standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.get_member(request.user, pk)
    require_perm(request, PERM, member)
    year, _ = _period(request)
    current = member.dues_standards.filter(year=year).first()
    form = StandardForm(
        request.POST or None,
        initial=StandardForm.initial_for(current, services.default_starts_month(member, year)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_standard(
                actor=request.user, member=member, year=year, data=form.to_input()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已保存{member.name}的{year}年党费标准。")
            return redirect(f"{reverse('dues:member_ledger', args=[member.pk])}?year={year}")
    return render(
        request,
        "dues/form.html",
        {
            "form": form,
            "member": member,
            "title": f"{member.name} · {year}年党费交纳标准",
            "back": f"{reverse('dues:member_ledger', args=[member.pk])}?year={year}",
            "history_entries": history_entries(current) if current else [],
        },
    )


# --- one member's ledger ------------------------------------------------------------------------------

TABS = {"ledger": "交纳台账", "history": "标准变更历史", "findings": "发现的问题"}


def member_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.get_member(request.user, pk)
    year, _ = _period(request)
    today = timezone.localdate()
    tab = request.GET.get("tab", "ledger")
    tab = tab if tab in TABS else "ledger"
    standard, months = selectors.member_months(member, year, today)
    context: dict[str, object] = {
        "member": member,
        "year": year,
        "years": _years(),
        "tab": tab,
        "tabs": TABS,
        "standard": standard,
        "can_edit": request.user.has_perm(PERM, member),
        "findings_count": Finding.objects.filter(
            subject_type="member_dues", subject_id=member.pk
        ).count(),
    }
    if tab == "ledger":
        context["months"] = months
        context["month_labels"] = STATE_MONTH_LABELS
        context["arrears"] = selectors.member_arrears(request.user, member, today)
        context["voided"] = selectors.voided_payments(member, year)
        context["due_total"] = sum(m.due_amount for m in months)
        context["paid_total"] = sum(m.payment.amount for m in months if m.payment)
    elif tab == "history":
        context["history_entries"] = history_entries(standard) if standard else []
    else:
        context["findings"] = Finding.objects.filter(
            subject_type="member_dues", subject_id=member.pk
        )
    return render(request, "dues/member_ledger.html", context)


# --- payments -----------------------------------------------------------------------------------------


def payments(request: HttpRequest) -> HttpResponse:
    g = request.GET
    org = None
    if g.get("org", "").isdigit():
        org = selectors.get_org(request.user, int(g["org"]))
    today = timezone.localdate()
    f = PaymentFilters(
        org_path=org.path if org else "",
        year=_int(g.get("year", ""), FIRST_YEAR, today.year + 1, None),
        month=_int(g.get("month", ""), 1, 12, None),
        q=g.get("q", "").strip()[:40],
        by_proxy=g.get("by_proxy", ""),
        voided=g.get("voided", ""),
    )
    qs = selectors.payment_list(request.user, f)
    if g.get("export") == "xlsx":
        return export_response("dues_payments", qs)
    return render(
        request,
        "dues/payments.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "filter_org": org,
            "years": _years(),
            "months": MONTHS,
        },
    )


@require_http_methods(["GET", "POST"])
def payment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.get_payment(request.user, pk)
    require_perm(request, PERM, payment)
    form = PaymentForm(request.POST or None, initial=PaymentForm.initial_for(payment))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_payment(actor=request.user, payment=payment, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已更正交纳记录。")
            return redirect(
                f"{reverse('dues:member_ledger', args=[payment.member_id])}?year={payment.year}"
            )
    return render(
        request,
        "dues/form.html",
        {
            "form": form,
            "member": payment.member,
            "payment": payment,
            "title": f"更正{payment.member.name} {payment.year}年{payment.month}月的党费交纳记录",
            "back": f"{reverse('dues:member_ledger', args=[payment.member_id])}?year={payment.year}",
            "history_entries": history_entries(payment),
        },
    )


@require_http_methods(["GET", "POST"])
def payment_void(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.get_payment(request.user, pk)
    require_perm(request, PERM, payment)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_payment(
                actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已作废该交纳记录，该月份可重新登记。")
            return redirect(
                f"{reverse('dues:member_ledger', args=[payment.member_id])}?year={payment.year}"
            )
    return render(
        request,
        "dues/form.html",
        {
            "form": form,
            "member": payment.member,
            "payment": payment,
            "danger": True,
            "title": f"作废{payment.member.name} {payment.year}年{payment.month}月的党费交纳记录",
            "back": f"{reverse('dues:member_ledger', args=[payment.member_id])}?year={payment.year}",
        },
    )


# --- the report ----------------------------------------------------------------------------------------


@reads_from_replica
def report(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    year, month = _period(request, month_optional=True)
    today = timezone.localdate()
    result = selectors.dues_report(request.user, org, year, month, today)
    if request.GET.get("export") == "xlsx":
        return export_response("dues_report", result)
    q = request.GET.get("q", "").strip()[:40]
    rows = [r for r in result.rows if q in r.label] if q else result.rows
    only_arrears = request.GET.get("arrears") == "1"
    if only_arrears:
        rows = [r for r in rows if r.unpaid_count or r.arrears_amount]
    return render(
        request,
        "dues/report.html",
        {
            "org": org,
            "report": result,
            "page_obj": paginate(request, rows, known_count=len(rows)),
            "year": year,
            "month": month,
            "years": _years(),
            "months": MONTHS,
            "q": q,
            "only_arrears": only_arrears,
            "ancestors": org_selectors.ancestors_in_scope(request.user, org),
        },
    )
