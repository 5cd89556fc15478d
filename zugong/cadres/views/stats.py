"""干部统计: the statistics page (charts, each with its table) and its .xlsx export."""

from __future__ import annotations

import io
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from zugong.cadres.permissions import require_cadre_reader
from zugong.cadres.stats import CadreStats, cadre_stats
from zugong.cadres.views.growth import unit_choices, unit_param
from zugong.core.dbrouting import reads_from_replica
from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download


def _reference_date(request: HttpRequest) -> date:
    """?on=YYYY-MM-DD, the date ages are counted on; today when missing or malformed."""
    raw = request.GET.get("on", "")
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()
    return on if date(1950, 1, 1) <= on <= date(2100, 12, 31) else timezone.localdate()


def _stats(request: HttpRequest) -> CadreStats:
    return cadre_stats(
        request.user,
        unit=unit_param(request),
        on=_reference_date(request),
        active_only=request.GET.get("all") != "1",
    )


def _chart_data(stats: CadreStats) -> dict[str, object]:
    charts: dict[str, object] = {
        s.key: {
            "type": s.chart,
            "labels": [r.label for r in s.rows],
            "values": [r.count for r in s.rows],
        }
        for s in stats.sections
    }
    charts["young"] = {
        "type": "bar",
        "labels": [y.label for y in stats.young],
        "values": [y.share for y in stats.young],
        "unit": "%",
    }
    if stats.staffing:
        charts["staffing"] = {
            "type": "series",
            "labels": [r.label for r in stats.staffing],
            "series": [
                {"name": "核定", "data": [r.approved for r in stats.staffing], "color": "#999"},
                {"name": "实配", "data": [r.occupied for r in stats.staffing]},
            ],
        }
    return charts


@reads_from_replica
@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    stats = _stats(request)
    return render(
        request,
        "cadres/stats/stats.html",
        {
            "stats": stats,
            "charts": _chart_data(stats),
            "units": unit_choices(request),
            "querystring": request.GET.urlencode(),
        },
    )


def stats_workbook(stats: CadreStats) -> bytes:
    """One sheet per section, each a small table with a header row."""
    wb = Workbook()
    bold = Font(bold=True)
    summary = wb.active
    summary.title = "概况"
    scope = stats.unit.name if stats.unit else "全部所辖单位"
    summary.append(["统计范围", scope])
    summary.append(["年龄计算日期", stats.on.strftime("%Y-%m-%d")])
    summary.append(["统计对象", "仅在职干部" if stats.active_only else "全部干部"])
    summary.append(["干部总数", stats.total])
    for section in stats.sections:
        ws = wb.create_sheet(section.title[:31].replace("/", "、"))
        ws.append(["项目", "人数", "占比（%）"])
        for cell in ws[1]:
            cell.font = bold
        for r in section.rows:
            ws.append([r.label, r.count, r.share])
        ws.append(["合计", section.total, 100.0 if section.total else 0.0])
        ws.column_dimensions["A"].width = 24
    ws = wb.create_sheet("年轻干部占比")
    ws.append(["职务层次", "年龄上限（周岁）", "人数", "年轻干部", "占比（%）"])
    for y in stats.young:
        ws.append([y.label, y.limit, y.total, y.young, y.share])
    if stats.staffing is not None:
        ws = wb.create_sheet("职数使用")
        ws.append(["职务层次", "核定职数", "实配", "空缺", "超配"])
        for s in stats.staffing:
            ws.append([s.label, s.approved, s.occupied, s.vacancies, s.over])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@require_GET
def stats_export(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    stats = _stats(request)
    response = HttpResponse(stats_workbook(stats), content_type=XLSX_CONTENT_TYPE)
    name_download(response, f"干部统计-{stats.on:%Y%m%d}.xlsx")
    return response


urlpatterns = [
    path("stats/", stats_page, name="stats"),
    path("stats/export/", stats_export, name="stats_export"),
]
