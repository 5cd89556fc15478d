"""Units, posts and 职数: the unit tree, a unit's page, the forms, and the 配备一览表."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import exports as _exports  # noqa: F401 - registers the exporters
from zugong.cadres import unit_selectors, unit_services
from zugong.cadres.forms import PostForm, QuotaForm, UnitForm
from zugong.cadres.models import Unit, UnitKind
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.scope import get_unit
from zugong.cadres.unit_rules import UNIT_KIND
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error

TABS = {"posts": "职务与职数", "findings": "发现的问题", "history": "历史"}


def _unit_param(request: HttpRequest, name: str = "unit") -> Unit | None:
    """?unit= narrows a page to a subtree in scope; anything else is ignored."""
    raw = request.GET.get(name, "")
    if not raw.isdigit():
        return None
    try:
        return get_unit(request.user, int(raw))
    except Http404:
        return None


@require_GET
def unit_tree(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    show_inactive = request.GET.get("inactive") == "1"
    return render(
        request,
        "cadres/units/tree.html",
        {
            "roots": unit_selectors.unit_tree(request.user, include_inactive=show_inactive),
            "show_inactive": show_inactive,
            "can_edit": request.user.can_write_cadres,
        },
    )


@require_GET
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One branch of a large tree, opened from its parent's node (htmx)."""
    require_cadre_reader(request)
    unit = get_unit(request.user, pk)
    show_inactive = request.GET.get("inactive") == "1"
    nodes = unit_selectors.unit_tree(request.user, include_inactive=show_inactive, under=unit)
    return render(
        request, "cadres/units/_nodes.html", {"nodes": nodes, "show_inactive": show_inactive}
    )


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    unit = get_unit(request.user, pk)
    tab = request.GET.get("tab", "posts")
    tab = tab if tab in TABS else "posts"
    findings = Finding.objects.filter(subject_type=UNIT_KIND, subject_id=unit.pk)
    context: dict[str, object] = {
        "unit": unit,
        "tab": tab,
        "tabs": TABS,
        "findings_count": findings.count(),
        "can_edit": request.user.has_perm("cadres.edit", unit),
        "children": unit_selectors.unit_choices(request.user, active_only=False).filter(
            parent=unit
        ),
    }
    if tab == "posts":
        rows = [r for r in unit_selectors.staffing_rows(request.user, unit) if r.unit.pk == unit.pk]
        context.update(
            posts=unit_selectors.unit_posts(unit),
            loose_holdings=unit_selectors.unit_holdings_without_post(unit),
            staffing=rows,
            quotas=unit_selectors.unit_quotas(unit),
        )
    elif tab == "findings":
        context["findings"] = list(findings)
    else:
        context["history_entries"] = history_entries(unit)
    return render(request, "cadres/units/detail.html", context)


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    parent = _unit_param(request, "parent")
    form = UnitForm(
        request.POST or None,
        parents=unit_selectors.unit_choices(request.user),
        initial={"parent": parent.pk if parent else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_services.create_unit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已新建单位“{unit.name}”。")
            return redirect("cadres:unit_detail", pk=unit.pk)
    return render(
        request,
        "cadres/units/form.html",
        {"form": form, "title": "新建单位", "back": reverse("cadres:unit_tree"), "unit": parent},
    )


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    unit = get_unit(request.user, pk)
    require_cadre_writer(request, unit)
    initial = {
        f: getattr(unit, f)
        for f in ("name", "short_name", "kind", "grade", "sort_order", "is_active", "note")
    }
    form = UnitForm(request.POST or None, parents=None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.update_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已保存单位“{unit.name}”。")
            return redirect("cadres:unit_detail", pk=unit.pk)
    return render(
        request,
        "cadres/units/form.html",
        {
            "form": form,
            "title": "修改单位",
            "unit": unit,
            "back": reverse("cadres:unit_detail", args=[unit.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    unit = get_unit(request.user, pk)
    require_cadre_writer(request, unit)
    form = PostForm(request.POST or None)
    del form.fields["is_active"]
    if request.method == "POST" and form.is_valid():
        try:
            post = unit_services.create_post(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已增设职务“{post.title}”。")
            return redirect("cadres:unit_detail", pk=unit.pk)
    return render(
        request,
        "cadres/units/form.html",
        {
            "form": form,
            "title": "增设领导职务",
            "unit": unit,
            "back": reverse("cadres:unit_detail", args=[unit.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    post = unit_selectors.get_post(request.user, pk)
    require_cadre_writer(request, post)
    initial = {
        f: getattr(post, f)
        for f in ("title", "level", "seats", "category", "is_elected", "sort_order", "is_active")
    }
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.update_post(actor=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已保存职务“{post.title}”。")
            return redirect("cadres:unit_detail", pk=post.unit_id)
    return render(
        request,
        "cadres/units/form.html",
        {
            "form": form,
            "title": "修改领导职务",
            "unit": post.unit,
            "back": reverse("cadres:unit_detail", args=[post.unit_id]),
        },
    )


@require_http_methods(["GET", "POST"])
def quota_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    unit = get_unit(request.user, pk)
    require_cadre_writer(request, unit)
    quotas = unit_selectors.unit_quotas(unit)
    initial: dict[str, object] = {f"level_{q.level}": q.approved for q in quotas}
    initial["document"] = next((q.document for q in quotas if q.document), "")
    form = QuotaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        approved = form.approved()
        if all(v is None for v in approved.values()) and not quotas:
            form.add_error(None, "核定职数：请至少填写一个职务层次的职数。")
        else:
            try:
                unit_services.set_quotas(
                    actor=request.user,
                    unit=unit,
                    approved=approved,
                    document=form.cleaned_data["document"],
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已保存“{unit.name}”的核定职数。")
                return redirect("cadres:unit_detail", pk=unit.pk)
    return render(
        request,
        "cadres/units/form.html",
        {
            "form": form,
            "title": "核定职数",
            "unit": unit,
            "intro": "按机构编制部门核定的领导职数填写；某一层次没有核定职数的留空。",
            "back": reverse("cadres:unit_detail", args=[unit.pk]),
        },
    )


@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    root = _unit_param(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    rows = unit_selectors.staffing_rows(request.user, root, kind=kind)
    if request.GET.get("export") == "xlsx":
        return export_response("cadre_staffing", rows)
    groups, total = unit_selectors.group_staffing(rows)
    return render(
        request,
        "cadres/units/staffing.html",
        {
            "groups": groups,
            "total": total,
            "root": root,
            "kind": kind,
            "kinds": UnitKind.choices,
            "unit_choices": unit_selectors.unit_choices(request.user)[:500],
        },
    )


urlpatterns = [
    path("units/", unit_tree, name="unit_tree"),
    path("units/new/", unit_create, name="unit_create"),
    path("units/<int:pk>/", unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", unit_children, name="unit_children"),
    path("units/<int:pk>/edit/", unit_edit, name="unit_edit"),
    path("units/<int:pk>/posts/new/", post_create, name="post_create"),
    path("units/<int:pk>/quota/", quota_edit, name="quota_edit"),
    path("posts/<int:pk>/edit/", post_edit, name="post_edit"),
    path("staffing/", staffing, name="staffing"),
]
