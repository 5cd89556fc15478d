"""Member register pages: the filtered list, the record with tabs, create, edit, status change."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zugong.accounts.models import SensitiveAccess
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.locking import StaleEdit
from zugong.core.models import Finding
from zugong.core.rules.registry import subject_types_shown_on
from zugong.core.selectors import cached_code_items, code_names
from zugong.core.views import add_validation_error, conflict_page, paginate, require_perm
from zugong.members import selectors, services
from zugong.members.completeness import missing_fields
from zugong.members.forms import MemberEditForm, MemberForm, StatusChangeForm
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.members.selectors import AGE_BAND_LABELS, SORTS, MemberFilters
from zugong.orgs import selectors as org_selectors

# What a list row shows: loading only these keeps 50 rows (and their branches) cheap to build.
LIST_COLUMNS = (
    "name",
    "gender_id",
    "ethnicity_id",
    "education_id",
    "id_number",
    "joined_on",
    "member_type",
    "status",
    "completeness",
    "org_path",
    "name_pinyin",
    "birth_date",
    "org__name",
)

TABS = {"info": "基本信息", "records": "相关记录", "findings": "发现的问题", "history": "历史"}


def _filters(request: HttpRequest) -> tuple[MemberFilters, object]:
    g = request.GET
    org = None
    org_path = ""
    if g.get("org", "").isdigit():
        org = org_selectors.get_org(request.user, int(g["org"]))
        org_path = org.path
    year = g.get("joined_year", "").strip()
    f = MemberFilters(
        q=g.get("q", "").strip()[:40],
        org_path=org_path,
        member_type=g.get("member_type", ""),
        gender=g.get("gender", ""),
        age_band=g.get("age_band", ""),
        education=g.get("education", ""),
        ethnicity=g.get("ethnicity", ""),
        joined_year=int(year) if year.isdigit() and 1921 <= int(year) <= 2100 else None,
        status=g.get("status", MemberStatus.NORMAL),
        completeness=g.get("completeness", ""),
        sort=g.get("sort", "org") if g.get("sort", "org") in SORTS else "org",
    )
    return f, org


def _rollup_count(request: HttpRequest, f: MemberFilters, org: object) -> int | None:
    """An unfiltered list of members in good standing is exactly the roll-up's total: O(1)."""
    unfiltered = MemberFilters(org_path=f.org_path, sort=f.sort)
    if f != unfiltered:
        return None
    node = org or org_selectors.anchor_org(request.user)
    rollup = getattr(node, "rollup", None) if node is not None else None
    return rollup.members_total if rollup is not None else None


def member_list(request: HttpRequest) -> HttpResponse:
    f, org = _filters(request)
    qs = selectors.member_list(request.user, f, today=timezone.localdate())
    if request.GET.get("export") == "xlsx":
        return export_response("members", qs, unmasked=request.user.exports_unmasked)
    return render(
        request,
        "members/list.html",
        {
            "page_obj": paginate(
                request, qs.only(*LIST_COLUMNS), known_count=_rollup_count(request, f, org)
            ),
            "f": f,
            "filter_org": org,
            "member_types": MemberType.choices,
            "statuses": MemberStatus.choices,
            "age_bands": AGE_BAND_LABELS,
            "genders": [g for g in cached_code_items("gender") if g.code in ("1", "2")],
            "educations": cached_code_items("education"),
            "ethnicities": cached_code_items("ethnicity"),
            "code_names": code_names(),
            "sorts": {
                "org": "按组织",
                "name": "按姓名拼音",
                "joined": "按入党日期",
                "-joined": "按入党日期（倒序）",
                "birth": "按出生日期",
            },
            "can_create": request.user.can_write,
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in TABS:
        tab = "info"
    can_edit = request.user.has_perm("members.edit_member", member)
    context: dict[str, object] = {
        "member": member,
        "tab": tab,
        "tabs": TABS,
        "can_edit": can_edit,
        "ancestors": org_selectors.ancestors_in_scope(request.user, member.org),
        "findings_count": Finding.objects.filter(
            subject_type__in=subject_types_shown_on("members:detail"), subject_id=member.pk
        ).count(),
    }
    if tab == "info":
        context["missing"] = missing_fields(member)
        # Writers see personal data in full on the record page; each such view is logged.
        context["unmasked"] = can_edit
        if can_edit:
            SensitiveAccess.objects.create(
                user=request.user,
                subject_type="member",
                subject_id=member.pk,
                fields="公民身份号码,手机号",
            )
    elif tab == "records":
        context["status_changes"] = member.status_changes.select_related("actor")
    elif tab == "findings":
        context["findings"] = Finding.objects.filter(
            subject_type__in=subject_types_shown_on("members:detail"), subject_id=member.pk
        )
    elif tab == "history":
        context["history_entries"] = history_entries(member)
    return render(request, "members/detail.html", context)


def _save(request: HttpRequest, form: MemberForm, save: object) -> Member | None:
    try:
        member = save(actor=request.user, member=form.save(commit=False))  # type: ignore[operator]
    except ValidationError as exc:
        add_validation_error(form, exc)
        return None
    # Warnings (a historic region code, a converted 15-digit number) do not block, but are said.
    for warning in form.id_warnings:
        messages.warning(request, warning)
    return member


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "members.edit_member")
    branches = org_selectors.branches_in_scope(request.user)
    initial = {}
    if request.GET.get("org", "").isdigit():
        initial["org"] = request.GET["org"]
    form = MemberForm(
        request.POST or None, request.FILES or None, branches=branches, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        member = _save(request, form, services.create_member)
        if member is not None:
            messages.success(request, f"已登记党员“{member.name}”。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "title": "登记党员"})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member(request.user, pk)
    require_perm(request, "members.edit_member", member)
    form = MemberEditForm(
        request.POST or None,
        request.FILES or None,
        instance=member,
        branches=org_selectors.branches_in_scope(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(
                request,
                form,
                partial(
                    services.update_member,
                    on=form.cleaned_data["effective_on"],
                    correction=form.cleaned_data["is_correction"],
                    expected_version=form.loaded_version,
                ),
            )
        except StaleEdit as stale:
            return conflict_page(
                request,
                form,
                stale,
                title=f"编辑“{stale.current.name}”",
                reopen=reverse("members:edit", args=[member.pk]),
                back=reverse("members:detail", args=[member.pk]),
            )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": f"编辑“{member.name}”"},
    )


@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member(request.user, pk)
    require_perm(request, "members.edit_member", member)
    form = StatusChangeForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member_status(
                actor=request.user,
                member=member,
                to_status=form.cleaned_data["to_status"],
                on=form.cleaned_data["changed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "党籍状态已变更。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "member": member, "title": f"变更“{member.name}”的党籍状态"},
    )
