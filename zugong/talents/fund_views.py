"""Staff pages of the special fund (人才发展专项资金): thin views over fund_selectors and
fund_services."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.views import attempt, bounded_int, form_page, paginate
from zugong.talents import fund_exports  # noqa: F401 - registers the exporters
from zugong.talents import fund_selectors as selectors
from zugong.talents import fund_services as services
from zugong.talents.fund_forms import (
    AllocationForm,
    ApplyForm,
    BudgetChangeForm,
    BudgetForm,
    CancelForm,
    DecisionForm,
    PayForm,
)
from zugong.talents.models import DisbursementState, PolicyItem

FORM = "talents/packages/form.html"
SECTION = "talents"


_form_page = partial(form_page, template=FORM, section=SECTION)


def _writer(request: HttpRequest) -> None:
    if not selectors.can_write_fund(request.user):
        raise PermissionDenied(services.NOT_WRITER)


def _year(request: HttpRequest) -> int:
    return bounded_int(request.GET.get("year"), 2000, 2100, timezone.localdate().year) or 0


def _base(request: HttpRequest, nav: str) -> dict[str, Any]:
    return {
        "section": SECTION,
        "nav": nav,
        "can_write": selectors.can_write_fund(request.user),
        "can_approve": selectors.can_approve_fund(request.user),
    }


# --- budgets ---------------------------------------------------------------------------------


@require_GET
def fund_budget_list(request: HttpRequest) -> HttpResponse:
    year = bounded_int(request.GET.get("year"), 2000, 2100)
    item = bounded_int(request.GET.get("item"), 1, 2**62)
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.budgets(request.user, year=year, item=item, q=q)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_fund_budgets", qs)
    items = PolicyItem.objects.order_by("policy_id", "code").values_list("pk", "name")
    return render(
        request,
        "talents/fund/budget_list.html",
        {
            **_base(request, "budgets"),
            "page_obj": paginate(request, qs),
            "year": year,
            "item": item,
            "q": q,
            "years": [(y, f"{y}年") for y in selectors.budget_years(request.user)],
            "items": list(items),
        },
    )


@require_http_methods(["GET", "POST"])
def fund_budget_create(request: HttpRequest) -> HttpResponse:
    selectors.budgets(request.user)  # readers only
    _writer(request)
    form = BudgetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        budget = attempt(
            form, lambda: services.create_budget(actor=request.user, **form.cleaned_data)
        )
        if budget is not None:
            messages.success(request, "已录入专项资金预算。")
            return redirect("talents:fund_budget_detail", pk=budget.pk)
    return _form_page(request, form, "录入年度预算", reverse("talents:fund_budget_list"))


BUDGET_TABS = {"info": "分配与拨付", "history": "历史"}


@require_GET
def fund_budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.get_budget(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in BUDGET_TABS else "info"
    context = {**_base(request, "budgets"), "budget": budget, "tab": tab, "tabs": BUDGET_TABS}
    if tab == "info":
        context["allocations"] = list(
            budget.allocations.select_related("talent", "grant").order_by("allocated_on", "id")
        )
        context["disbursements"] = list(
            budget.disbursements.select_related("talent", "applied_by", "decided_by").order_by(
                "-applied_on", "-id"
            )
        )
    else:
        context["history_entries"] = history_entries(budget)
    return render(request, "talents/fund/budget_detail.html", context)


@require_http_methods(["GET", "POST"])
def fund_budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.get_budget(request.user, pk)
    _writer(request)
    form = BudgetChangeForm(
        request.POST or None, initial={"amount": budget.amount, "note": budget.note}
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.change_budget(actor=request.user, budget=budget, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "已调整年度预算。")
            return redirect("talents:fund_budget_detail", pk=budget.pk)
    back = reverse("talents:fund_budget_detail", args=[budget.pk])
    return _form_page(request, form, f"调整预算：{budget}", back)


@require_http_methods(["GET", "POST"])
def fund_allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.get_budget(request.user, pk)
    _writer(request)
    talents = selectors.talents_for_budget(request.user, budget)
    initial = {}
    talent_pk = bounded_int(request.GET.get("talent"), 1, 2**62)
    if talent_pk:
        initial["talent"] = talent_pk
    form = AllocationForm(request.POST or None, budget=budget, talents=talents, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.allocate(actor=request.user, budget=budget, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "已分配资金。")
            return redirect("talents:fund_budget_detail", pk=budget.pk)
    back = reverse("talents:fund_budget_detail", args=[budget.pk])
    notice = f"未分配余额 {budget.unallocated:,.2f} 元。"
    return _form_page(request, form, f"分配资金：{budget}", back, notice=notice)


# --- disbursements ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def fund_disbursement_create(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.get_allocation(request.user, pk)
    _writer(request)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.apply(actor=request.user, allocation=allocation, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "已提交拨付申请，待审批。")
            return redirect("talents:fund_disbursement_detail", pk=saved.pk)
    back = reverse("talents:fund_budget_detail", args=[allocation.budget_id])
    notice = (
        f"{allocation.talent.name}：分配 {allocation.amount:,.2f} 元，剩余 "
        f"{allocation.remaining:,.2f} 元；预算余额 {allocation.budget.balance:,.2f} 元。"
    )
    return _form_page(request, form, f"申请拨付：{allocation}", back, notice=notice)


@require_GET
def fund_disbursement_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    f = selectors.DisbursementFilters(
        state=state if state in DisbursementState.values else "",
        year=bounded_int(request.GET.get("year"), 2000, 2100),
        q=request.GET.get("q", "").strip()[:60],
    )
    qs = selectors.disbursements(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_fund_disbursements", qs)
    return render(
        request,
        "talents/fund/disbursement_list.html",
        {
            **_base(request, "disbursements"),
            "page_obj": paginate(request, qs),
            "f": f,
            "states": DisbursementState.choices,
            "counts": selectors.state_counts(request.user, f.year),
            "years": [(y, f"{y}年") for y in selectors.budget_years(request.user)],
        },
    )


DISBURSEMENT_TABS = {"info": "基本信息", "history": "历史"}


@require_GET
def fund_disbursement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.get_disbursement(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in DISBURSEMENT_TABS else "info"
    context = {**_base(request, "disbursements"), "d": d, "tab": tab, "tabs": DISBURSEMENT_TABS}
    if tab == "history":
        context["history_entries"] = history_entries(d)
    return render(request, "talents/fund/disbursement_detail.html", context)


@require_http_methods(["GET", "POST"])
def fund_disbursement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.get_disbursement(request.user, pk)
    if not selectors.can_approve_fund(request.user):
        raise PermissionDenied(services.NOT_APPROVER)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "approve":
            saved = attempt(
                form,
                lambda: services.approve(actor=request.user, disbursement=d, on=data["on"]),
            )
        else:
            saved = attempt(
                form,
                lambda: services.refuse(
                    actor=request.user, disbursement=d, on=data["on"], reason=data["reason"]
                ),
            )
        if saved is not None:
            messages.success(request, f"已审批：{saved.get_state_display()}。")
            return redirect("talents:fund_disbursement_detail", pk=d.pk)
    back = reverse("talents:fund_disbursement_detail", args=[d.pk])
    notice = (
        f"{d.talent.name} 申请 {d.amount:,.2f} 元；预算余额 {d.budget.balance:,.2f} 元，"
        f"分配剩余 {d.allocation.remaining:,.2f} 元。"
    )
    return _form_page(request, form, f"审批拨付：{d.talent.name}", back, notice=notice)


@require_http_methods(["GET", "POST"])
def fund_disbursement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.get_disbursement(request.user, pk)
    if not selectors.can_approve_fund(request.user):
        raise PermissionDenied(services.NOT_APPROVER)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.cancel(actor=request.user, disbursement=d, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, f"已撤销审批，{saved.amount:,.2f} 元退回预算余额。")
            return redirect("talents:fund_disbursement_detail", pk=d.pk)
    back = reverse("talents:fund_disbursement_detail", args=[d.pk])
    notice = "只能撤销已审批、尚未拨付的申请；撤销后金额退回预算和分配，台账当日记红字冲销。"
    return _form_page(request, form, f"撤销审批：{d.talent.name}", back, notice=notice)


@require_http_methods(["GET", "POST"])
def fund_disbursement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.get_disbursement(request.user, pk)
    _writer(request)
    form = PayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.pay(actor=request.user, disbursement=d, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "已登记拨付。")
            return redirect("talents:fund_disbursement_detail", pk=d.pk)
    back = reverse("talents:fund_disbursement_detail", args=[d.pk])
    return _form_page(request, form, f"登记拨付：{d.talent.name}", back)


# --- the ledger and the fund's use -------------------------------------------------------------


@require_GET
def fund_ledger(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    item = bounded_int(request.GET.get("item"), 1, 2**62)
    ledger = selectors.ledger(request.user, year=year, item=item)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_fund_ledger", ledger)
    items = PolicyItem.objects.order_by("policy_id", "code").values_list("pk", "name")
    return render(
        request,
        "talents/fund/ledger.html",
        {
            **_base(request, "ledger"),
            "ledger": ledger,
            "rows": paginate(request, ledger.rows, per_page=100, known_count=len(ledger.rows)),
            "year": year,
            "item": item,
            "years": _year_choices(request, year),
            "items": list(items),
        },
    )


def _year_choices(request: HttpRequest, year: int) -> list[tuple[int, str]]:
    years = sorted(set(selectors.budget_years(request.user)) | {year}, reverse=True)
    return [(y, f"{y}年") for y in years]


@require_GET
def fund_usage(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    by_item = selectors.usage_by_item(request.user, year)
    by_talent = selectors.usage_by_talent(request.user, year)
    export = request.GET.get("export")
    if export == "xlsx":
        return export_response("talent_fund_usage", by_item)
    if export == "talents":
        return export_response("talent_fund_usage", by_talent, with_budget=False)
    return render(
        request,
        "talents/fund/usage.html",
        {
            **_base(request, "usage"),
            "year": year,
            "years": _year_choices(request, year),
            "by_item": by_item,
            "by_talent": paginate(request, by_talent, known_count=len(by_talent)),
            "charts": {"usage": selectors.usage_chart(by_item)},
        },
    )
