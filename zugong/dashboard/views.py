from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zugong.core.dbrouting import reads_from_replica
from zugong.core.exports import export_response, xlsx_response
from zugong.core.rules.registry import RULES
from zugong.core.selectors import workday_calendar
from zugong.core.views import paginate
from zugong.dashboard import cockpit as cockpit_panels
from zugong.dashboard import selectors
from zugong.orgs import selectors as org_selectors


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
    children = list(org_selectors.children_of(request.user, root)) if root else []
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
            "chart": chart,
        },
    )


def unknown_calendar_years() -> list[int]:
    """This year, and next year from November on, when the holiday calendar does not know them."""
    today = timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    calendar = workday_calendar()
    return [y for y in years if not calendar.is_known_year(y)]


@reads_from_replica
def cockpit(request: HttpRequest) -> HttpResponse:
    """驾驶舱: the account's scope (or an organization inside it) at a glance."""
    root = org_selectors.anchor_org(request.user)
    if request.GET.get("org", "").isdigit():
        root = org_selectors.get_org(request.user, int(request.GET["org"]))
    if root is None:
        raise PermissionDenied("驾驶舱按党组织范围显示，本账号没有所辖党组织。")
    children = list(org_selectors.children_of(request.user, root))
    view = cockpit_panels.build(root, children, timezone.localdate())
    if request.GET.get("export") == "xlsx":
        rows = [
            (panel.title, row.label, row.count, row.share)
            for panel in (*view.member_panels, *view.org_panels)
            for row in panel.rows
        ] + [("下级组织党员数", o.name, n, "") for o, n in view.children]
        return xlsx_response(
            f"驾驶舱-{root.name}", "驾驶舱", ["指标", "项目", "数量", "占比（%）"], rows
        )
    return render(
        request,
        "dashboard/cockpit.html",
        {"root": root, "view": view, "charts": view.charts()},
    )
