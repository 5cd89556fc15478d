"""党内统计 年报 pages: ask for a report, follow its progress, read the tables, export them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from zugong.core.exports import xlsx_response
from zugong.core.views import add_validation_error, bounded_int, paginate
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import Organization
from zugong.stats import asof, selectors, services
from zugong.stats.access import require_reader
from zugong.stats.exports import report_response
from zugong.stats.models import RunStatus


class ReportRequestForm(forms.Form):
    org = forms.ModelChoiceField(
        label="统计范围",
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": "统计范围：所选组织不存在或不在本账号的管理范围内。"},
    )
    year = forms.IntegerField(
        label="统计年度",
        min_value=1900,
        max_value=2100,
        error_messages={"invalid": "统计年度：请填写四位数的年份。"},
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_selectors.visible_orgs(user)


def org_choices(user: object, selected: Organization | None) -> list[tuple[int, str]]:
    """The anchor and two levels below it (乡镇 and their 党委/党总支), indented; any other
    subtree is reached from its organization page (?org=)."""
    root = org_selectors.anchor_org(user)
    if root is None:
        return []
    orgs = list(
        org_selectors.visible_orgs(user)
        .filter(path__startswith=root.path, depth__lte=root.depth + 2, status="active")
        .order_by("path")
        .only("pk", "name", "depth")[:1000]
    )
    if selected is not None and selected.pk not in {o.pk for o in orgs}:
        orgs.insert(0, selected)
    return [(o.pk, "\u3000" * max(o.depth - root.depth, 0) + o.name) for o in orgs]


def _index_context(
    request: HttpRequest, form: ReportRequestForm, selected: Organization | None = None
) -> dict:
    year = bounded_int(request.GET.get("year"), 1900, 2100)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    runs = selectors.runs(request.user, year=year, status=status, q=q)
    return {
        "form": form,
        "org_choices": org_choices(request.user, selected),
        "records_begin": asof.records_begin(),
        "page_obj": paginate(request, runs, per_page=50),
        "filter_year": year,
        "filter_status": status,
        "q": q,
        "statuses": RunStatus.choices,
    }


@require_GET
@require_reader
def index(request: HttpRequest) -> HttpResponse:
    initial_org = org_selectors.anchor_org(request.user)
    if request.GET.get("org", "").isdigit():
        initial_org = org_selectors.get_org(request.user, int(request.GET["org"]))
    form = ReportRequestForm(
        user=request.user,
        initial={
            "org": initial_org.pk if initial_org else None,
            "year": timezone.localdate().year - 1,
        },
    )
    if request.GET.get("export") == "xlsx":
        context = _index_context(request, form)
        rows = (
            [
                r.org.name,
                r.year,
                r.as_of,
                r.get_status_display(),
                r.requested_by,
                r.requested_at,
                r.finished_at,
            ]
            for r in selectors.runs(
                request.user,
                year=context["filter_year"],
                status=context["filter_status"],
                q=context["q"],
            )
        )
        return xlsx_response(
            "党内统计记录",
            "党内统计记录",
            ["统计范围", "统计年度", "统计时点", "状态", "发起人", "发起时间", "完成时间"],
            rows,
        )
    return render(request, "stats/index.html", _index_context(request, form, initial_org))


@require_POST
@require_reader
def run_create(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            run, created = services.request_report(
                request.user, form.cleaned_data["org"], form.cleaned_data["year"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if not created:
                messages.info(
                    request, "同一范围、同一年度的年报正在统计中，已为您打开该统计，不会重复计算。"
                )
            return redirect("stats:run_detail", pk=run.pk)
    selected = form.cleaned_data.get("org") if hasattr(form, "cleaned_data") else None
    return render(request, "stats/index.html", _index_context(request, form, selected), status=400)


@require_GET
@require_reader
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run(request.user, pk)
    result = selectors.report_of(run)
    report, checks = result if result else (None, [])
    return render(
        request,
        "stats/run.html",
        {"run": run, "report": report, "checks": checks, "checks_ok": all(c.ok for c in checks)},
    )


@require_GET
@require_reader
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run(request.user, pk)
    response = render(request, "stats/_progress.html", {"run": run})
    if run.finished:
        response["HX-Refresh"] = "true"
    return response


@require_GET
@require_reader
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run(request.user, pk)
    result = selectors.report_of(run)
    if result is None:
        messages.error(request, "导出：该年报尚未统计完成，完成后才能导出。")
        return redirect("stats:run_detail", pk=run.pk)
    return report_response(*result)
