"""组织生活 compliance pages: the grid of a subtree, one organization, the branch secretary's page
and the township's page. Reads only; every object comes through a scoped selector (404 outside)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from zugong.core.dbrouting import reads_from_replica
from zugong.core.exports import xlsx_response
from zugong.core.models import Finding
from zugong.core.rules.engine import RuleContext
from zugong.core.views import paginate
from zugong.dues import selectors as dues_selectors
from zugong.life import compliance
from zugong.life.compliance import (
    PROBLEM_STATES,
    RATE_DEFINITION,
    STATE_LABELS,
    STATE_SYMBOLS,
    Grid,
    GridRow,
    HeatMap,
    State,
)
from zugong.life.models import CitationStatus, Period
from zugong.members.models import MemberType
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import Organization, OrgKind

FIRST_YEAR = 2000
YEARS_SHOWN = 5
STATE_CSS = {
    State.DONE: "text-bg-success",
    State.OPEN: "bg-light",
    State.DUE: "text-bg-warning",
    State.OVERDUE: "text-bg-danger",
    State.UPCOMING: "text-body-tertiary",
    State.NA: "text-body-tertiary bg-body-secondary",
}
LEGEND = [(STATE_SYMBOLS[s], STATE_CSS[s], STATE_LABELS[s]) for s in State]
BRANCH_LEVEL = (OrgKind.BRANCH, OrgKind.BRANCH_GROUP)


def _year(request: HttpRequest, today: date) -> int:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return today.year
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= today.year + 1:
        return int(raw)
    messages.warning(
        request,
        f"年度“{raw[:10]}”无效：应为{FIRST_YEAR}至{today.year + 1}年之间的年份，已显示本年度。",
    )
    return today.year


def _chosen_org(request: HttpRequest) -> Organization:
    raw = request.GET.get("org", "").strip()
    if raw:
        if not raw.isdigit():
            raise Http404("组织参数无效")
        return org_selectors.get_org(request.user, int(raw))
    org = org_selectors.anchor_org(request.user)
    if org is None:
        raise Http404("账号未设置所辖组织")
    return org


def _years(today: date) -> list[int]:
    return list(range(today.year, today.year - YEARS_SHOWN, -1))


def _cell(req_name: str, label: str, state: State) -> tuple[str, str, str]:
    return STATE_SYMBOLS[state], STATE_CSS[state], f"{req_name} {label}：{STATE_LABELS[state]}"


def _grid_cells(g: Grid, row: GridRow) -> SafeString:
    """A row's cells as HTML: built here, because a page has thousands of them and the template
    engine spends ~10 µs on each variable."""
    cells = []
    for column, states in zip(g.columns, g.row_states(row), strict=True):
        name = column.plan.req.type_name
        cells.extend(
            _cell(name, span.label, state)
            for span, state in zip(column.plan.spans, states, strict=True)
        )
    return format_html_join(
        "", '<td class="{}" title="{}">{}</td>', ((css, title, sym) for sym, css, title in cells)
    )


def _heat_rows(heat: HeatMap | None) -> list[tuple[str, SafeString]]:
    """The heat map's data table, each row's twelve cells as HTML (see _grid_cells)."""
    if heat is None:
        return []
    return [
        (
            label,
            format_html_join(
                "",
                '<td class="text-end">{}</td>',
                (("—" if s is None else f"{s}%",) for s in shares),
            ),
        )
        for _key, label, shares in heat.table()
    ]


def _rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _export_rows(g: Grid) -> Iterable[list[Any]]:
    kinds = dict(OrgKind.choices)
    for row in g.rows:
        states = [s for column_states in g.row_states(row) for s in column_states]
        yield [
            row.org.name,
            row.org.code,
            kinds.get(row.org.kind, row.org.kind),
            *(STATE_LABELS[s] for s in states),
            row.counts[State.DONE],
            row.counts[State.OVERDUE],
            row.counts[State.DUE],
            _rate_text(row.rate),
        ]


def _export(g: Grid) -> HttpResponse:
    headers = ["党组织", "组织编码", "组织层级"]
    for column in g.columns:
        headers.extend(f"{column.plan.req.type_name}·{s.label}" for s in column.plan.spans)
    headers += ["已开展", "逾期未开展", "临期未开展", "开展率"]
    return xlsx_response(
        f"组织生活开展情况-{g.org.name}-{g.year}年",
        f"{g.year}年组织生活开展情况",
        headers,
        _export_rows(g),
        [30, 16, 10] + [8] * (len(headers) - 7) + [8, 10, 10, 8],
    )


@reads_from_replica
def compliance_grid(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    org = _chosen_org(request)
    year = _year(request, today)
    ctx = RuleContext(today)
    requirements = compliance.active_requirements(ctx)
    requirement = request.GET.get("requirement", "").strip()
    if requirement and requirement not in {r.code for r in requirements}:
        messages.warning(request, "所选的频次要求不存在或未启用，已显示全部要求。")
        requirement = ""
    q = request.GET.get("q", "").strip()[:40]
    problems = request.GET.get("problems") == "1"
    g = compliance.grid(
        request.user,
        org,
        year,
        today,
        requirement=requirement,
        problems_only=problems,
        q=q,
        ctx=ctx,
    )
    if request.GET.get("export") == "xlsx":
        return _export(g)
    page_obj = paginate(request, g.rows, known_count=len(g.rows))
    heat = None
    if org.kind != OrgKind.BRANCH_GROUP and not requirement:
        heat = compliance.heatmap_by_children(org, year, today, ctx, from_grid=g)
    return render(
        request,
        "life/compliance/grid.html",
        {
            "org": org,
            "year": year,
            "years": _years(today),
            "grid": g,
            "page_obj": page_obj,
            "rows": [(row, _grid_cells(g, row)) for row in page_obj],
            "requirements": requirements,
            "requirement": requirement,
            "q": q,
            "problems": problems,
            "children": org_selectors.children_of(request.user, org),
            "ancestors": org_selectors.ancestors_in_scope(request.user, org),
            "heat": heat,
            "heat_rows": _heat_rows(heat),
            "heat_chart": heat.chart() if heat else None,
            "legend": LEGEND,
            "rate_definition": RATE_DEFINITION,
            "rate": _rate_text(g.summary.rate),
        },
    )


def org_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.get_org(request.user, pk)
    today = timezone.localdate()
    year = _year(request, today)
    oc = compliance.org_compliance(org, year, today, RuleContext(today))
    rows = [
        {
            "req": row.req,
            "local": row.req.citation_status == CitationStatus.LOCAL,
            "status": CitationStatus(row.req.citation_status).label,
            "cells": [
                {
                    "label": span.label,
                    "symbol": STATE_SYMBOLS[state],
                    "css": STATE_CSS[state],
                    "state": STATE_LABELS[state],
                }
                for span, state in row.cells
            ],
        }
        for row in oc.rows
    ]
    return render(
        request,
        "life/compliance/org.html",
        {
            "org": org,
            "year": year,
            "years": _years(today),
            "rows": rows,
            "summary": oc.summary,
            "rate": _rate_text(oc.summary.rate),
            "rate_definition": RATE_DEFINITION,
            "findings": Finding.objects.filter(subject_type="org_life", subject_id=org.pk),
            "ancestors": org_selectors.ancestors_in_scope(request.user, org),
            "is_branch": org.kind == OrgKind.BRANCH,
            "is_township": org.kind not in BRANCH_LEVEL,
        },
    )


PERIOD_HEADINGS = {
    Period.MONTH: "本月",
    Period.QUARTER: "本季度",
    Period.HALF_YEAR: "本半年",
    Period.YEAR: "本年度",
}


def branch_home(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.get_org(request.user, pk)
    if org.kind != OrgKind.BRANCH:
        raise Http404("该组织不是党支部")
    today = timezone.localdate()
    ctx = RuleContext(today)
    items = compliance.current_items(org, today, ctx)
    members = compliance.roster(org)
    risks = compliance.members_at_risk(members, today, ctx)
    groups = [
        (
            PERIOD_HEADINGS[Period(period)],
            [
                {
                    "item": item,
                    "css": STATE_CSS[item.state],
                    "label": STATE_LABELS[item.state],
                    "open": item.state != State.DONE,
                    "problem": item.state in PROBLEM_STATES,
                }
                for item in period_items
            ],
        )
        for period, period_items in items.items()
    ]
    full = sum(1 for m in members if m.member_type == MemberType.FULL)
    return render(
        request,
        "life/compliance/branch.html",
        {
            "org": org,
            "today": today,
            "groups": groups,
            "members": members,
            "full_count": full,
            "probationary_count": len(members) - full,
            "risks": risks,
            "absence_limit": compliance.absence_months(ctx),
            "risk_from": max(1, compliance.absence_months(ctx) - compliance.RISK_MONTHS_BEFORE),
            "can_record": request.user.can_write,
            "ancestors": org_selectors.ancestors_in_scope(request.user, org),
            # The branch's 党费 this month, from the sibling dues app's selector.
            "dues_card": dues_selectors.branch_card(request.user, org, today),
        },
    )


def _township_export(org: Organization, year: int, rows: list) -> HttpResponse:
    return xlsx_response(
        f"各党支部组织生活开展情况-{org.name}-{year}年",
        f"{year}年各党支部组织生活",
        ["党支部", "组织编码", "已开展", "逾期未开展", "临期未开展", "期内待开展", "开展率"],
        (
            [
                r.org.name,
                r.org.code,
                r.counts[State.DONE],
                r.counts[State.OVERDUE],
                r.counts[State.DUE],
                r.counts[State.OPEN],
                _rate_text(r.rate),
            ]
            for r in rows
        ),
        [32, 16, 10, 12, 12, 12, 10],
    )


def township(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.get_org(request.user, pk)
    if org.kind in BRANCH_LEVEL:
        raise Http404("该组织不是党委（党总支）")
    today = timezone.localdate()
    year = _year(request, today)
    t = compliance.township(request.user, org, year, today, RuleContext(today))
    q = request.GET.get("q", "").strip()[:40]
    problems = request.GET.get("problems") == "1"
    rows = [
        r
        for r in t.branches
        if (not q or q in r.org.name)
        and (not problems or r.counts[State.OVERDUE] or r.counts[State.DUE])
    ]
    if request.GET.get("export") == "xlsx":
        return _township_export(org, year, rows)
    page_obj = paginate(request, rows, known_count=len(rows))
    return render(
        request,
        "life/compliance/township.html",
        {
            "org": org,
            "year": year,
            "years": _years(today),
            "summary": t.summary,
            "rate": _rate_text(t.summary.rate),
            "rate_definition": RATE_DEFINITION,
            "page_obj": page_obj,
            "branch_rows": [(r, _rate_text(r.rate)) for r in page_obj],
            "heat": t.heat,
            "heat_rows": _heat_rows(t.heat),
            "heat_chart": t.heat.chart() if t.heat.labels else None,
            "q": q,
            "problems": problems,
            "ancestors": org_selectors.ancestors_in_scope(request.user, org),
            "dues_table": dues_selectors.township_table(request.user, org, today),
        },
    )


urlpatterns = [
    path("compliance/", compliance_grid, name="compliance"),
    path("compliance/orgs/<int:pk>/", org_compliance, name="org_compliance"),
    path("compliance/branches/<int:pk>/", branch_home, name="branch_home"),
    path("compliance/townships/<int:pk>/", township, name="township"),
]
