from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from zugong.core.dbrouting import reads_from_replica
from zugong.core.exports import export_response, xlsx_response
from zugong.core.rules.registry import RULES
from zugong.core.selectors import workday_calendar
from zugong.core.views import paginate
from zugong.dashboard import cockpit as cockpit_panels
from zugong.dashboard import selectors
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import Organization

CHILDREN_SHOWN = 30


def largest_children(
    user: Any, org: Organization | None, limit: int | None = CHILDREN_SHOWN
) -> tuple[list[Organization], int]:
    """The subordinate organizations with the most members, and how many there are in all: a
    province's root can have thousands, which no chart or page table can show."""
    if org is None:
        return [], 0
    children = org_selectors.children_of(user, org)
    total = children.count()
    if limit is not None and total > limit:
        children = children.order_by("-rollup__members_total", "sort_order", "path")[:limit]
    return list(children), total


@reads_from_replica
def home(request: HttpRequest) -> HttpResponse:
    root = org_selectors.anchor_org(request.user)
    focus = None
    if request.GET.get("org", "").isdigit():
        focus = org_selectors.get_org(request.user, int(request.GET["org"]))
    findings = selectors.todo(request.user, focus)
    rule_id = request.GET.get("rule", "")
    if rule_id:
        findings = findings.filter(rule_id=rule_id)
    if request.GET.get("export") == "xlsx":
        return export_response("findings", findings)
    children, children_total = largest_children(request.user, root)
    chart = {
        "labels": [c.short_name or c.name for c in children],
        "full": [c.rollup.full_members_total for c in children],
        "probationary": [c.rollup.probationary_total for c in children],
    }
    by_rule = [
        {**row, "title": RULES[row["rule_id"]].title if row["rule_id"] in RULES else row["rule_id"]}
        for row in selectors.todo_by_rule(selectors.todo(request.user, focus))
    ]
    return render(
        request,
        "dashboard/home.html",
        {
            "unknown_calendar_years": unknown_calendar_years(),
            "root": root,
            "focus": focus,
            "rule_id": rule_id,
            "page_obj": paginate(request, findings, per_page=20),
            "by_rule": by_rule,
            "children": children,
            "children_total": children_total,
            "chart": chart,
        },
    )


def unknown_calendar_years() -> list[int]:
    """This year, and next year from November on, when the holiday calendar does not know them."""
    today = timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    calendar = workday_calendar()
    return [y for y in years if not calendar.is_known_year(y)]


def _cockpit_scopes(request: HttpRequest) -> tuple[Organization | None, Any]:
    """The organization (?org=) and cadre unit (?unit=) shown: the account's anchors by default,
    anything outside its scopes a 404."""
    user = request.user
    org = org_selectors.anchor_org(user)
    raw_org = request.GET.get("org", "")
    if raw_org:
        if not raw_org.isdigit():
            raise Http404("组织参数无效")
        org = org_selectors.get_org(user, int(raw_org))
    unit = user.anchor_unit  # loaded with the account; None without a cadre scope
    raw_unit = request.GET.get("unit", "")
    if unit is not None and raw_unit:
        from zugong.cadres.scope import get_unit

        if not raw_unit.isdigit():
            raise Http404("单位参数无效")
        unit = get_unit(user, int(raw_unit))
    return org, unit


@reads_from_replica
def cockpit(request: HttpRequest) -> HttpResponse:
    """驾驶舱: the account's scope (or an organization or unit inside it) at a glance."""
    if not cockpit_panels.sections_for(request.user):
        raise PermissionDenied("本账号的角色没有驾驶舱。")
    org, unit = _cockpit_scopes(request)
    exporting = request.GET.get("export") == "xlsx"
    children, children_total = largest_children(
        request.user, org, limit=None if exporting else CHILDREN_SHOWN
    )
    view = cockpit_panels.build(request.user, org, children, unit, timezone.localdate())
    if not view.sections:
        raise PermissionDenied("驾驶舱按管理范围显示：本账号没有所辖党组织或干部单位。")
    if exporting:
        return _cockpit_export(view, request.GET.get("panel", ""))
    return render(
        request,
        "dashboard/cockpit.html",
        {
            "root": org,
            "unit": unit,
            "view": view,
            "charts": view.charts(),
            "children_total": children_total,
            "members_url": reverse("members:list"),
        },
    )


def _cockpit_export(view: cockpit_panels.Cockpit, panel_key: str) -> HttpResponse:
    """The whole cockpit, or one panel (?panel=), as the table beside each chart."""
    panels = [(s, p) for s, p in view.panels() if not panel_key or p.key == panel_key]
    if panel_key and not panels:
        raise Http404("没有这个图表")
    rows: list[tuple[object, ...]] = [
        (section.title, panel.title, row.label, row.count, row.target, row.share)
        for section, panel in panels
        for row in panel.rows
    ]
    if not panel_key:
        rows += [("下级组织", "党员数", o.name, n, None, None) for o, n in view.children]
        rows += [("下级单位", "在职干部数", u.name, n, None, None) for u, n in view.unit_children]
    scope = view.org.name if view.has_party and view.org is not None else view.unit.name
    title = panels[0][1].title if panel_key else "驾驶舱"
    return xlsx_response(
        f"{title}-{scope}",
        "驾驶舱",
        ["板块", "指标", "项目", "数量", "目标（计划、核定）", "占比（%）"],
        rows,
    )
