"""能上能下 pages: adjustment records (情形, 方式, procedure dates, 影响期 and re-use) and the
incentive records (表彰奖励, 容错纠错, 澄清正名)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import adjustment_selectors as selectors
from zugong.cadres import adjustment_services as services
from zugong.cadres.adjustment_forms import AdjustmentCreateForm, AdjustmentForm, IncentiveForm
from zugong.cadres.growth_rules import ADJUSTMENT_KIND
from zugong.cadres.growth_selectors import findings_of
from zugong.cadres.models import Adjustment, AdjustmentWay, Incentive, IncentiveKind
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.views.growth import cadre_picker, unit_choices, unit_param
from zugong.core.exports import Exporter, export_response, register_exporter
from zugong.core.history import history_entries
from zugong.core.views import add_validation_error, bounded_int, paginate

FORM_TEMPLATE = "cadres/adjustments/form.html"


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 10, -1))


def adjustment_rows(qs: QuerySet[Adjustment]) -> Iterable[list[Any]]:
    for a in qs.iterator(chunk_size=2000):
        yield [
            a.cadre.name,
            a.cadre.unit.name,
            f"（{a.situation.number}）{a.situation.text}",
            "已核实" if a.situation.status == "confirmed" else "待核实",
            a.get_way_display(),
            a.facts,
            a.basis,
            a.proposed_on,
            a.verified_on,
            a.talked_on,
            a.decided_on,
            a.announced_on,
            a.post_before,
            a.post_after,
            a.impact_until,
            a.reused_on,
            a.reuse_note,
        ]


register_exporter(
    Exporter(
        name="cadre_adjustments",
        title="能上能下调整",
        headers=[
            "姓名",
            "所在单位",
            "情形",
            "情形核实状态",
            "调整方式",
            "主要事实",
            "依据",
            "提出调整建议",
            "核实日期",
            "沟通谈话",
            "党委（党组）决定",
            "宣布日期",
            "调整前职务",
            "调整后职务/职级",
            "影响期至",
            "重新使用日期",
            "重新使用情况",
        ],
        rows=adjustment_rows,
        widths=[10, 24, 30, 10, 10, 40, 20, 12, 12, 12, 12, 12, 24, 24, 12, 12, 24],
    )
)


def incentive_rows(qs: QuerySet[Incentive]) -> Iterable[list[Any]]:
    for i in qs.iterator(chunk_size=2000):
        yield [
            i.cadre.name,
            i.cadre.unit.name,
            i.get_kind_display(),
            i.decided_on,
            i.decided_by,
            i.content,
        ]


register_exporter(
    Exporter(
        name="cadre_incentives",
        title="激励记录",
        headers=["姓名", "所在单位", "类别", "决定日期", "决定机关", "内容"],
        rows=incentive_rows,
        widths=[10, 24, 12, 12, 20, 50],
    )
)


# --- adjustments -------------------------------------------------------------------------------


@require_GET
def adjustment_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    way = request.GET.get("way", "")
    this = timezone.localdate().year
    f = selectors.AdjustmentFilters(
        q=request.GET.get("q", "").strip()[:40],
        situation=bounded_int(request.GET.get("situation"), 1, 10**9),
        way=way if way in AdjustmentWay.values else "",
        year=bounded_int(request.GET.get("year"), 2000, this + 1),
        unit=unit_param(request),
    )
    qs = selectors.adjustments(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_adjustments", qs)
    return render(
        request,
        "cadres/adjustments/adjustment_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "situations": list(selectors.situations(include_inactive=True)),
            "ways": AdjustmentWay.choices,
            "years": _years(),
            "units": unit_choices(request),
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def adjustment_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    cadres, shortlist, chosen = cadre_picker(request)
    form = AdjustmentCreateForm(
        request.POST or None,
        situations=selectors.situations(),
        cadres=cadres,
        shortlist=shortlist,
        initial={
            "proposed_on": timezone.localdate(),
            "cadre": chosen.pk if chosen else None,
            "post_before": chosen.current_post_text if chosen else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.create_adjustment(
                actor=request.user, cadre=form.cleaned_data["cadre"], data=form.data_object()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已登记能上能下调整。")
            return redirect("cadres:adjustment_detail", pk=adjustment.pk)
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": "登记能上能下调整",
            "back": reverse("cadres:adjustment_list"),
            "search": True,
        },
    )


@require_GET
def adjustment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    adjustment = selectors.get_adjustment(request.user, pk)
    return render(
        request,
        "cadres/adjustments/adjustment_detail.html",
        {
            "a": adjustment,
            "findings": list(findings_of(ADJUSTMENT_KIND, adjustment.pk)),
            "history_entries": history_entries(adjustment),
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def adjustment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    adjustment = selectors.get_adjustment(request.user, pk)
    require_cadre_writer(request, adjustment)
    initial = {
        name: getattr(adjustment, name)
        for name in services.AdjustmentData.__dataclass_fields__
        if name != "situation"
    }
    initial["situation"] = adjustment.situation_id
    form = AdjustmentForm(
        request.POST or None,
        # An edit keeps its situation even when that situation has since been switched off.
        situations=selectors.situations(include_inactive=True),
        initial=initial,
    )
    back = reverse("cadres:adjustment_detail", args=[adjustment.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.update_adjustment(
                actor=request.user, adjustment=adjustment, data=form.data_object()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(back)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "title": f"修改调整记录：{adjustment.cadre.name}", "back": back},
    )


# --- incentives --------------------------------------------------------------------------------


@require_GET
def incentive_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    kind = request.GET.get("kind", "")
    this = timezone.localdate().year
    f = selectors.IncentiveFilters(
        q=request.GET.get("q", "").strip()[:40],
        kind=kind if kind in IncentiveKind.values else "",
        year=bounded_int(request.GET.get("year"), 2000, this + 1),
        unit=unit_param(request),
    )
    qs = selectors.incentives(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_incentives", qs)
    return render(
        request,
        "cadres/adjustments/incentive_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "kinds": IncentiveKind.choices,
            "years": _years(),
            "units": unit_choices(request),
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def incentive_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    cadres, shortlist, chosen = cadre_picker(request)
    form = IncentiveForm(
        request.POST or None,
        cadres=cadres,
        shortlist=shortlist,
        initial={"decided_on": timezone.localdate(), "cadre": chosen.pk if chosen else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_incentive(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已登记激励记录。")
            return redirect("cadres:incentive_list")
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": "登记激励记录",
            "back": reverse("cadres:incentive_list"),
            "search": True,
        },
    )


urlpatterns = [
    path("adjustments/", adjustment_list, name="adjustment_list"),
    path("adjustments/new/", adjustment_create, name="adjustment_create"),
    path("adjustments/<int:pk>/", adjustment_detail, name="adjustment_detail"),
    path("adjustments/<int:pk>/edit/", adjustment_edit, name="adjustment_edit"),
    path("incentives/", incentive_list, name="incentive_list"),
    path("incentives/new/", incentive_create, name="incentive_create"),
]
