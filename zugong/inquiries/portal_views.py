"""Public 整改进度 pages: only published lists, only titles, responsible units, progress,
milestones and 销号 state. Never an opinion's source, a 举报 reference or any staff note; no
session, no messages, no inline script or style (the portal's CSP)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zugong.inquiries import selectors
from zugong.inquiries.models import Milestone


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request, "inquiries/portal/index.html", {"lists": selectors.published_lists()[:100]}
    )


@login_not_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = selectors.get_published_list(pk)
    rows = selectors.list_tree(problem_list)
    milestones: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(problem__problem_list=problem_list).order_by(
        "planned_on", "id"
    ):
        milestones.setdefault(m.problem_id, []).append(m)
    items = [(p, depth, milestones.get(p.pk, [])) for p, depth in rows]
    return render(
        request, "inquiries/portal/detail.html", {"problem_list": problem_list, "items": items}
    )
