"""Staff pages of the service packages (服务包): thin views over package_selectors (reads) and
package_services (writes)."""

from __future__ import annotations

from collections.abc import Callable
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
from zugong.core.models import Finding
from zugong.core.views import attempt, bounded_int, form_page, paginate
from zugong.talents import package_selectors as selectors
from zugong.talents import package_services as services
from zugong.talents.access import can_write_talents
from zugong.talents.fund_selectors import can_read_fund
from zugong.talents.models import RequestSource, ServiceKind, ServiceRequest
from zugong.talents.package_forms import (
    AssignForm,
    FeedbackForm,
    FinishForm,
    RequestForm,
    ReturnForm,
    StepForm,
)
from zugong.talents.package_rules import SERVICE_KIND, is_overdue

FORM = "talents/packages/form.html"
SECTION = "talents"


def _writer(request: HttpRequest) -> None:
    if not can_write_talents(request.user):
        raise PermissionDenied(services.NOT_WRITER)


_form_page = partial(form_page, template=FORM, section=SECTION)


@require_GET
def package_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    queue = request.GET.get("queue", "all")
    queue = queue if queue in selectors.QUEUES else "all"
    kind = request.GET.get("kind", "")
    source = request.GET.get("source", "")
    f = selectors.RequestFilters(
        queue=queue,
        q=request.GET.get("q", "").strip()[:60],
        kind=kind if kind in ServiceKind.values else "",
        assignee=bounded_int(request.GET.get("assignee"), 1, 2**62),
        source=source if source in RequestSource.values else "",
    )
    qs = selectors.requests(request.user, f, today)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_service_requests", qs, today)
    page_obj = paginate(request, qs)
    for r in page_obj:
        r.overdue = is_overdue(r, today)
    return render(
        request,
        "talents/packages/list.html",
        {
            "section": SECTION,
            "page_obj": page_obj,
            "f": f,
            "queues": selectors.QUEUES,
            "counts": selectors.queue_counts(request.user, today),
            "kinds": ServiceKind.choices,
            "sources": RequestSource.choices,
            "assignees": selectors.assignees_in(selectors.requests(request.user)),
            "can_write": can_write_talents(request.user),
            "can_read_fund": can_read_fund(request.user),
            "satisfaction": selectors.satisfaction_by_kind(request.user),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    initial = {}
    talent_pk = bounded_int(request.GET.get("talent"), 1, 2**62)
    if talent_pk:
        initial["talent"] = talent_pk
    form = RequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            form, lambda: services.create_request(actor=request.user, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, f"已登记人才服务事项 {created.number}。")
            return redirect("talents:package_detail", pk=created.pk)
    return _form_page(request, form, "登记人才服务事项", reverse("talents:package_list"))


TABS = {"info": "基本信息", "findings": "发现的问题", "history": "历史"}


@require_GET
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = selectors.get_request(request.user, pk)
    today = timezone.localdate()
    tab = request.GET.get("tab", "info")
    tab = tab if tab in TABS else "info"
    findings = Finding.objects.filter(subject_type=SERVICE_KIND, subject_id=obj.pk)
    context: dict[str, Any] = {
        "section": SECTION,
        "obj": obj,
        "tab": tab,
        "tabs": TABS,
        "findings_count": findings.count(),
        "can_write": can_write_talents(request.user),
        "can_read_fund": can_read_fund(request.user),
        "overdue": is_overdue(obj, today),
        "today": today,
    }
    if tab == "info":
        context["events"] = list(obj.events.select_related("actor"))
    elif tab == "findings":
        context["findings"] = findings
    else:
        context["history_entries"] = history_entries(obj)
    return render(request, "talents/packages/detail.html", context)


def _action(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    title: str,
    write: Callable[[ServiceRequest, dict[str, Any]], Any],
    done: str,
    **form_kwargs: Any,
) -> HttpResponse:
    obj = selectors.get_request(request.user, pk)
    _writer(request)
    kwargs = {k: (v(obj) if callable(v) else v) for k, v in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: write(obj, form.cleaned_data))
        if saved is not None:
            messages.success(request, done)
            return redirect("talents:package_detail", pk=obj.pk)
    back = reverse("talents:package_detail", args=[obj.pk])
    return _form_page(
        request, form, f"{title}：{obj.talent.name} {obj.get_kind_display()}", back, obj=obj
    )


@require_http_methods(["GET", "POST"])
def package_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        AssignForm,
        "指派服务专员",
        lambda obj, d: services.assign(actor=request.user, request=obj, **d),
        "已指派服务专员。",
        path=lambda obj: obj.org_path,
    )


@require_http_methods(["GET", "POST"])
def package_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        StepForm,
        "受理",
        lambda obj, d: services.accept(actor=request.user, request=obj, **d),
        "已受理。",
    )


@require_http_methods(["GET", "POST"])
def package_handle(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        StepForm,
        "开始办理",
        lambda obj, d: services.start_handling(actor=request.user, request=obj, **d),
        "已开始办理。",
    )


@require_http_methods(["GET", "POST"])
def package_finish(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        FinishForm,
        "办结",
        lambda obj, d: services.finish(actor=request.user, request=obj, **d),
        "已办结。",
    )


@require_http_methods(["GET", "POST"])
def package_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ReturnForm,
        "退回",
        lambda obj, d: services.return_request(actor=request.user, request=obj, **d),
        "已退回。",
    )


@require_http_methods(["GET", "POST"])
def package_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        FeedbackForm,
        "满意度评价",
        lambda obj, d: services.record_feedback(actor=request.user, request=obj, **d),
        "已记录满意度评价。",
    )
