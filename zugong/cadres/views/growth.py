"""成长档案 pages: the 优秀年轻干部 reserve pool, front-line assignments with 跟踪管理 notes and
evaluations, and one cadre's timeline with the 七种能力 radar. Reads go through growth_selectors,
writes through growth_services; every view first checks the account's cadre scope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import growth_selectors as selectors
from zugong.cadres import growth_services as services
from zugong.cadres.growth_forms import (
    AssignmentEndForm,
    AssignmentForm,
    EvaluationForm,
    ReserveAddForm,
    ReserveLeaveForm,
    TrackingNoteForm,
)
from zugong.cadres.growth_rules import ASSIGNMENT_KIND, RESERVE_LEVELS, age_on
from zugong.cadres.models import Assignment, AssignmentKind, Cadre, PostLevel, ReserveEntry, Unit
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.scope import get_cadre, get_unit, visible_units
from zugong.cadres.unit_selectors import filter_unit_choices
from zugong.core.exports import Exporter, export_response, register_exporter
from zugong.core.history import history_entries
from zugong.core.views import add_validation_error, bounded_int, paginate

# --- shared helpers (the adjustment and statistics pages use them too) -------------------------


def unit_param(request: HttpRequest) -> Unit | None:
    """?unit= narrows a page to a unit subtree in scope; anything else is ignored."""
    raw = request.GET.get("unit", "")
    if not raw.isdigit():
        return None
    try:
        return get_unit(request.user, int(raw))
    except Http404:
        return None


def unit_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """Units a list can be narrowed to: the anchor and the level below it (and the chosen one's
    line and children)."""
    raw = request.GET.get("unit", "")
    selected = visible_units(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    return filter_unit_choices(request.user, selected)


def cadre_picker(request: HttpRequest) -> tuple[QuerySet[Cadre], list[Cadre], Cadre | None]:
    """The cadres a form may choose from (all active in scope), the short searched list shown in
    the drop-down, and the cadre named by ?cadre= (kept in the list so it stays selected)."""
    cadres = selectors.scoped_active_cadres(request.user).select_related("unit")
    shortlist = selectors.pickable_cadres(request.user, request.GET.get("q", "").strip()[:40])
    chosen: Cadre | None = None
    raw = request.POST.get("cadre") or request.GET.get("cadre", "")
    if str(raw).isdigit():
        chosen = cadres.filter(pk=int(raw)).first()
        if chosen is not None and chosen not in shortlist:
            shortlist.insert(0, chosen)
    return cadres, shortlist, chosen


def form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "cadres/growth/form.html", context)


# --- exports -----------------------------------------------------------------------------------


def reserve_rows(qs: QuerySet[ReserveEntry]) -> Iterable[list[Any]]:
    today = timezone.localdate()
    for e in qs.iterator(chunk_size=2000):
        c = e.cadre
        yield [
            c.name,
            c.gender,
            c.birth_date,
            age_on(c.birth_date, today),
            c.unit.name,
            c.current_post_text,
            e.get_target_level_display(),
            e.entered_on,
            e.recommended_by,
            e.exception_reason,
            e.left_on,
            e.left_reason,
        ]


register_exporter(
    Exporter(
        name="cadre_reserve",
        title="优秀年轻干部库",
        headers=[
            "姓名",
            "性别",
            "出生日期",
            "年龄",
            "所在单位",
            "现任职务",
            "储备层次",
            "入库日期",
            "推荐方式",
            "不符合条件入库理由",
            "出库日期",
            "出库原因",
        ],
        rows=reserve_rows,
        widths=[10, 6, 12, 6, 24, 30, 12, 12, 16, 30, 12, 24],
    )
)


def assignment_rows(qs: QuerySet[Assignment]) -> Iterable[list[Any]]:
    for a in qs.iterator(chunk_size=2000):
        yield [
            a.cadre.name,
            a.cadre.unit.name,
            a.get_kind_display(),
            a.place,
            a.started_on,
            a.ended_on,
            a.mentor,
            a.goals,
            "是" if a.tracking_overdue else "",
        ]


register_exporter(
    Exporter(
        name="cadre_assignments",
        title="一线历练",
        headers=[
            "姓名",
            "所在单位",
            "岗位类别",
            "地点/岗位",
            "开始日期",
            "结束日期",
            "导师/联系领导",
            "目标任务",
            "跟踪管理逾期",
        ],
        rows=assignment_rows,
        widths=[10, 24, 12, 30, 12, 12, 14, 40, 12],
    )
)


# --- the reserve pool --------------------------------------------------------------------------


@require_GET
def reserve_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    today = timezone.localdate()
    level = request.GET.get("level", "")
    state = request.GET.get("state", "in")
    f = selectors.ReserveFilters(
        q=request.GET.get("q", "").strip()[:40],
        level=level if level in PostLevel.values else "",
        unit=unit_param(request),
        age_min=bounded_int(request.GET.get("age_min"), 18, 70),
        age_max=bounded_int(request.GET.get("age_max"), 18, 70),
        state=state if state in ("in", "out", "all") else "in",
        today=today,
    )
    qs = selectors.reserve_entries(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_reserve", qs)
    page = paginate(request, qs)
    entries = list(page.object_list)
    return render(
        request,
        "cadres/growth/reserve_list.html",
        {
            "page_obj": page,
            "entries": [(e, age_on(e.cadre.birth_date, today)) for e in entries],
            "findings": selectors.reserve_findings(entries),
            "f": f,
            "levels": [(v, PostLevel(v).label) for v in RESERVE_LEVELS],
            "units": unit_choices(request),
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def reserve_add(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    cadres, shortlist, chosen = cadre_picker(request)
    form = ReserveAddForm(
        request.POST or None,
        cadres=cadres,
        shortlist=shortlist,
        initial={"entered_on": timezone.localdate(), "cadre": chosen.pk if chosen else None},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.add_to_reserve(actor=request.user, **d)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已将{entry.cadre.name}纳入优秀年轻干部库。")
            return redirect("cadres:cadre_timeline", pk=entry.cadre_id)
    return form_page(
        request, form, "纳入优秀年轻干部库", reverse("cadres:reserve_list"), search=True
    )


@require_http_methods(["GET", "POST"])
def reserve_leave(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    entry = selectors.get_reserve_entry(request.user, pk)
    require_cadre_writer(request, entry)
    form = ReserveLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_reserve(
                actor=request.user,
                entry=entry,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["left_reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"{entry.cadre.name}已出库。")
            return redirect("cadres:reserve_list")
    return form_page(
        request, form, f"出库：{entry.cadre.name}", reverse("cadres:reserve_list"), danger=True
    )


# --- assignments -------------------------------------------------------------------------------


@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    f = selectors.AssignmentFilters(
        q=request.GET.get("q", "").strip()[:40],
        kind=kind if kind in AssignmentKind.values else "",
        state=state if state in ("ongoing", "ended") else "",
        overdue=request.GET.get("overdue") == "1",
        unit=unit_param(request),
        today=timezone.localdate(),
    )
    qs = selectors.assignments(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_assignments", qs)
    return render(
        request,
        "cadres/growth/assignment_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "kinds": AssignmentKind.choices,
            "units": unit_choices(request),
            "can_edit": request.user.can_write_cadres,
            "today": f.today,
        },
    )


@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    cadres, shortlist, chosen = cadre_picker(request)
    form = AssignmentForm(
        request.POST or None,
        cadres=cadres,
        shortlist=shortlist,
        initial={"started_on": timezone.localdate(), "cadre": chosen.pk if chosen else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.create_assignment(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已登记一线历练。")
            return redirect("cadres:assignment_detail", pk=assignment.pk)
    return form_page(request, form, "登记一线历练", reverse("cadres:assignment_list"), search=True)


@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    assignment = selectors.get_assignment(request.user, pk)
    return render(
        request,
        "cadres/growth/assignment_detail.html",
        {
            "a": assignment,
            "notes": list(selectors.assignment_notes(assignment)),
            "evaluations": list(selectors.assignment_evaluations(assignment)),
            "findings": list(selectors.findings_of(ASSIGNMENT_KIND, assignment.pk)),
            "history_entries": history_entries(assignment),
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    assignment = selectors.get_assignment(request.user, pk)
    require_cadre_writer(request, assignment)
    form = AssignmentEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    back = reverse("cadres:assignment_detail", args=[assignment.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.end_assignment(
                actor=request.user, assignment=assignment, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "一线历练已结束。")
            return redirect(back)
    return form_page(request, form, f"结束一线历练：{assignment}", back)


@require_http_methods(["GET", "POST"])
def tracking_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    assignment = selectors.get_assignment(request.user, pk)
    require_cadre_writer(request, assignment)
    form = TrackingNoteForm(request.POST or None, initial={"noted_on": timezone.localdate()})
    back = reverse("cadres:assignment_detail", args=[assignment.pk])
    if request.method == "POST" and form.is_valid():
        try:
            services.add_tracking_note(
                actor=request.user,
                assignment=assignment,
                noted_on=form.cleaned_data["noted_on"],
                content=form.cleaned_data["content"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已记录跟踪管理情况。")
            return redirect(back)
    return form_page(request, form, f"跟踪管理记录：{assignment}", back)


@require_http_methods(["GET", "POST"])
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An evaluation of a cadre (pk), optionally about one of the cadre's assignments."""
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    require_cadre_writer(request, cadre)
    own_assignments = cadre.assignments.order_by("-started_on")
    raw = request.GET.get("assignment", "")
    form = EvaluationForm(
        request.POST or None,
        assignments=own_assignments,
        initial={
            "evaluated_on": timezone.localdate(),
            "assignment": int(raw) if raw.isdigit() else None,
        },
    )
    back = reverse("cadres:cadre_timeline", args=[cadre.pk])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            evaluation = services.add_evaluation(
                actor=request.user,
                cadre=cadre,
                evaluated_on=d["evaluated_on"],
                grade=d["grade"],
                abilities=form.abilities(),
                assignment=d["assignment"],
                summary=d["summary"],
                evaluator=d["evaluator"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已记录评价。")
            if evaluation.assignment_id:
                return redirect("cadres:assignment_detail", pk=evaluation.assignment_id)
            return redirect(back)
    return form_page(request, form, f"评价：{cadre.name}", back, abilities_note=True)


# --- one cadre's timeline ----------------------------------------------------------------------


@require_GET
def cadre_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    latest, abilities = selectors.latest_abilities(cadre)
    today = timezone.localdate()
    return render(
        request,
        "cadres/growth/timeline.html",
        {
            "cadre": cadre,
            "age": age_on(cadre.birth_date, today),
            "items": selectors.cadre_timeline(cadre),
            "latest": latest,
            "abilities": abilities,
            "radar": {
                "indicators": [{"name": a.label, "max": 5} for a in abilities],
                "values": [a.score or 0 for a in abilities],
            },
            "findings": selectors.cadre_growth_findings(cadre),
            "reserve": cadre.reserve_entries.filter(left_on__isnull=True).first(),
            "can_edit": request.user.can_write_cadres,
        },
    )


urlpatterns = [
    path("growth/reserve/", reserve_list, name="reserve_list"),
    path("growth/reserve/add/", reserve_add, name="reserve_add"),
    path("growth/reserve/<int:pk>/leave/", reserve_leave, name="reserve_leave"),
    path("growth/assignments/", assignment_list, name="assignment_list"),
    path("growth/assignments/new/", assignment_create, name="assignment_create"),
    path("growth/assignments/<int:pk>/", assignment_detail, name="assignment_detail"),
    path("growth/assignments/<int:pk>/end/", assignment_end, name="assignment_end"),
    path("growth/assignments/<int:pk>/notes/new/", tracking_note_add, name="tracking_note_add"),
    path("growth/cadre/<int:pk>/evaluations/new/", evaluation_add, name="evaluation_add"),
    path("growth/cadre/<int:pk>/timeline/", cadre_timeline, name="cadre_timeline"),
]
