"""Organization pages: tree browser, list, record with tabs, and the structure actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.locking import StaleEdit
from zugong.core.models import Finding
from zugong.core.rules.registry import subject_types_shown_on
from zugong.core.selectors import code_items
from zugong.core.views import add_validation_error, conflict_page, paginate, require_perm
from zugong.orgs import selectors, services
from zugong.orgs.forms import DissolveForm, MoveForm, OrganizationForm, TeamForm
from zugong.orgs.models import OrgKind, OrgStatus

TABS = {
    "info": "基本信息",
    "children": "下级组织",
    "team": "领导班子",
    "findings": "发现的问题",
    "history": "历史",
}


def tree(request: HttpRequest) -> HttpResponse:
    root = selectors.anchor_org(request.user)
    children = selectors.children_of(request.user, root) if root else []
    return render(request, "orgs/tree.html", {"root": root, "children": children})


def children(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    return render(
        request, "orgs/_tree_children.html", {"children": selectors.children_of(request.user, org)}
    )


def org_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "category", "status")}
    qs = selectors.org_list(request.user, **params)
    if request.GET.get("export") == "xlsx":
        return export_response("orgs", qs)
    return render(
        request,
        "orgs/list.html",
        {
            "page_obj": paginate(request, qs),
            "params": params,
            "kinds": OrgKind.choices,
            "statuses": OrgStatus.choices,
            "categories": code_items("org_category"),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in TABS:
        tab = "info"
    context: dict[str, object] = {
        "org": org,
        "tab": tab,
        "tabs": TABS,
        "ancestors": selectors.ancestors_in_scope(request.user, org),
        "can_edit": request.user.has_perm("orgs.edit_org", org),
        "can_shape": request.user.has_perm("orgs.shape_tree", org)
        and request.user.scope.path != org.path,
        "can_add_child": request.user.has_perm("orgs.shape_tree", org)
        and org.is_active
        and org.kind != OrgKind.BRANCH_GROUP,
        "findings_count": Finding.objects.filter(
            subject_type__in=subject_types_shown_on("orgs:detail"), subject_id=org.pk
        ).count(),
    }
    if tab == "info":
        context["subtree_findings"] = Finding.objects.filter(org_path__startswith=org.path).count()
    elif tab == "children":
        context["children"] = selectors.children_of(request.user, org, include_dissolved=True)
    elif tab == "team":
        context["teams"] = org.teams.prefetch_related("seats")
    elif tab == "findings":
        context["findings"] = Finding.objects.filter(
            subject_type__in=subject_types_shown_on("orgs:detail"), subject_id=org.pk
        )
    elif tab == "history":
        context["history_entries"] = history_entries(org)
    return render(request, "orgs/detail.html", context)


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = selectors.get_org(request.user, pk)
    require_perm(request, "orgs.shape_tree", parent)
    form = OrganizationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {
                name: form.cleaned_data[name]
                for name in form.Meta.fields
                if name in form.cleaned_data
            }
            org = services.create_org(actor=request.user, parent=parent, **fields)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已设立“{org.name}”。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "parent": parent, "title": f"在“{parent.name}”下设立党组织"},
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    require_perm(request, "orgs.edit_org", org)
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {
                name: form.cleaned_data[name]
                for name in services.EDITABLE_FIELDS
                if name in form.cleaned_data
            }
            services.update_org(
                actor=request.user, org=org, expected_version=form.loaded_version, **fields
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        except StaleEdit as stale:
            return conflict_page(
                request,
                form,
                stale,
                title=f"编辑“{stale.current.name}”",
                reopen=reverse("orgs:edit", args=[org.pk]),
                back=reverse("orgs:detail", args=[org.pk]),
            )
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": f"编辑“{org.name}”"}
    )


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    require_perm(request, "orgs.shape_tree", org)
    form = MoveForm(
        request.POST or None, parents=selectors.parent_choices(request.user, exclude=org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_org(
                actor=request.user, org=org, new_parent=form.cleaned_data["new_parent"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, f"已将“{org.name}”移到“{form.cleaned_data['new_parent'].name}”之下。"
            )
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": f"移动“{org.name}”"}
    )


@require_http_methods(["GET", "POST"])
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    require_perm(request, "orgs.shape_tree", org)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissolve_org(
                actor=request.user,
                org=org,
                on=form.cleaned_data["dissolved_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已撤销“{org.name}”，记录保留。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "title": f"撤销“{org.name}”", "danger": True},
    )


@require_http_methods(["GET", "POST"])
def elect_team(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    require_perm(request, "orgs.shape_tree", org)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.elect_team(
                actor=request.user,
                org=org,
                elected_on=form.cleaned_data["elected_on"],
                seats=form.seats(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已记录新一届班子。")
            return redirect(f"{org.get_absolute_url()}?tab=team")
    years, source = services.term_years_for(org)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "org": org,
            "title": f"“{org.name}”换届选举",
            "help": f"任期 {years} 年，依据{source}",
        },
    )
