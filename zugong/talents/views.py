"""Staff pages of the talent pool (人才库, 发展档案, 人才底数, import) and the policies (政策,
事项, 兑现, 匹配): thin views over selectors (reads) and services (writes).

Order of refusals: a role that does not read talents gets a 403 first; then an object outside
the scope is a 404; then a reader who may not write gets a 403.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.accounts.models import SensitiveAccess
from zugong.core.dbrouting import reads_from_replica
from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.imports import ImportFileError, runner, workbooks
from zugong.core.imports.spec import get_spec
from zugong.core.locking import StaleEdit
from zugong.core.models import Finding, ImportJob
from zugong.core.views import attempt, bounded_int, conflict_page, form_page, paginate
from zugong.talents import (
    exports,  # noqa: F401 - registers the exporters
    imports,
    selectors,
    services,
    stats,
)
from zugong.talents.access import can_write_talents
from zugong.talents.eligibility import describe
from zugong.talents.forms import (
    ArchiveEntryForm,
    GrantForm,
    ImportForm,
    ItemForm,
    PolicyForm,
    StopGrantForm,
    TalentForm,
)
from zugong.talents.models import (
    ArchiveKind,
    Education,
    PolicyItem,
    RecruitMode,
    TalentCategory,
    TalentStatus,
)
from zugong.talents.rules import TALENT_KIND, tier_pairs

FORM = "talents/form.html"


def _reader(request: HttpRequest) -> None:
    selectors.require_reader(request.user)


def _writer(request: HttpRequest) -> None:
    selectors.require_reader(request.user)
    if not can_write_talents(request.user):
        raise PermissionDenied(services.NOT_WRITER)


_form_page = partial(form_page, template=FORM)


# --- the pool -------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> selectors.TalentFilters:
    g = request.GET

    def pick(name: str, allowed: Any) -> str:
        value = g.get(name, "")
        return value if value in allowed else ""

    status = g.get("status", "active")
    return selectors.TalentFilters(
        q=g.get("q", "").strip()[:60],
        category=pick("category", TalentCategory.values),
        tier=g.get("tier", "").strip()[:20],
        field=g.get("field", "").strip()[:60],
        org=bounded_int(g.get("org"), 1, 2**31),
        education=pick("education", Education.values),
        recruit_mode=pick("recruit_mode", RecruitMode.values),
        status=status if status in (*TalentStatus.values, "all") else "active",
    )


@require_GET
def talent_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    f = _filters(request)
    qs = selectors.talent_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        unmasked = request.user.exports_unmasked or can_write_talents(request.user)
        return export_response("talents", qs, unmasked=unmasked)
    return render(
        request,
        "talents/talent_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "categories": TalentCategory.choices,
            "tiers": tier_pairs(),
            "educations": Education.choices,
            "modes": RecruitMode.choices,
            "statuses": [*TalentStatus.choices, ("all", "全部")],
            "areas": [(o.pk, o.name) for o in selectors.area_orgs(request.user)],
            "fields": [(x, x) for x in selectors.field_choices(request.user)],
            "can_write": can_write_talents(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def talent_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = TalentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        talent = attempt(
            form,
            lambda: services.save_talent(actor=request.user, talent=None, **form.cleaned_data),
        )
        if talent is not None:
            messages.success(request, "已录入人才。")
            return redirect("talents:detail", pk=talent.pk)
    return _form_page(request, form, "录入人才", reverse("talents:list"))


@require_http_methods(["GET", "POST"])
def talent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    talent = selectors.get_talent(request.user, pk)
    _writer(request)
    form = TalentForm(
        request.POST or None,
        user=request.user,
        initial=TalentForm.initial_for(talent),
        version=talent.version,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            saved = attempt(
                form,
                lambda: services.save_talent(
                    actor=request.user,
                    talent=talent,
                    expected_version=form.loaded_version,
                    **data,
                ),
            )
        except StaleEdit as stale:
            return conflict_page(
                request,
                form,
                stale,
                title=f"修改人才信息：{stale.current.name}",
                reopen=reverse("talents:edit", args=[talent.pk]),
                back=reverse("talents:detail", args=[talent.pk]),
            )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("talents:detail", pk=talent.pk)
    return _form_page(
        request, form, f"修改人才信息：{talent.name}", reverse("talents:detail", args=[talent.pk])
    )


TABS = {
    "info": "基本信息",
    "archive": "发展档案",
    "grants": "政策享受",
    "findings": "发现的问题",
    "history": "历史",
}


@require_GET
def talent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    talent = selectors.get_talent(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in TABS else "info"
    can_write = can_write_talents(request.user)
    findings = Finding.objects.filter(subject_type=TALENT_KIND, subject_id=talent.pk)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "talent": talent,
        "tab": tab,
        "tabs": TABS,
        "can_write": can_write,
        "findings_count": findings.count(),
        "tier_labels": dict(tier_pairs()),
        "today": today,
    }
    if tab == "info":
        context["unmasked"] = can_write
        if can_write:
            SensitiveAccess.objects.create(
                user=request.user,
                subject_type="talent",
                subject_id=talent.pk,
                fields="公民身份号码,手机号",
            )
        per_kind = dict(talent.archive.values_list("kind").annotate(n=Count("id")).order_by())
        context["archive_counts"] = {
            label: per_kind.get(value, 0) for value, label in ArchiveKind.choices
        }
    elif tab == "archive":
        context["entries"] = list(talent.archive.select_related("created_by"))
        context["entry_form"] = ArchiveEntryForm(initial={"occurred_on": today})
    elif tab == "grants":
        context["grants"] = [
            (g, g.current_on(today))
            for g in talent.grants.select_related("item__policy", "created_by")
        ]
    elif tab == "findings":
        context["findings"] = findings
    else:
        context["history_entries"] = history_entries(talent)
        context["archive_history"] = [
            (e, history_entries(e, limit=10)) for e in talent.archive.all()[:20]
        ]
    return render(request, "talents/talent_detail.html", context)


@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    talent = selectors.get_talent(request.user, pk)
    _writer(request)
    form = ArchiveEntryForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        entry = attempt(
            form,
            lambda: services.add_archive_entry(
                actor=request.user, talent=talent, **form.cleaned_data
            ),
        )
        if entry is not None:
            messages.success(request, "已记入发展档案。")
            return redirect(reverse("talents:detail", args=[talent.pk]) + "?tab=archive")
    return _form_page(
        request,
        form,
        f"记入发展档案：{talent.name}",
        reverse("talents:detail", args=[talent.pk]) + "?tab=archive",
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    entry = selectors.get_entry(request.user, pk)
    _writer(request)
    back = reverse("talents:detail", args=[entry.talent_id]) + "?tab=archive"
    initial = {name: getattr(entry, name) for name in ArchiveEntryForm.base_fields}
    form = ArchiveEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.update_archive_entry(
                actor=request.user, entry=entry, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "已修改发展档案，原记录保留在变更记录中。")
            return redirect(back)
    return _form_page(request, form, f"修改发展档案：{entry.talent.name}", back)


def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only; scope and role are checked first, so a GET says 405 only to those allowed."""
    _reader(request)
    entry = selectors.get_entry(request.user, pk)
    _writer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    talent_pk = entry.talent_id
    services.delete_archive_entry(actor=request.user, entry=entry)
    messages.success(request, "已删除该条发展档案，删除前的内容保留在变更记录中。")
    return redirect(reverse("talents:detail", args=[talent_pk]) + "?tab=archive")


@require_http_methods(["GET", "POST"])
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    talent = selectors.get_talent(request.user, pk)
    _writer(request)
    initial: dict[str, Any] = {"granted_on": timezone.localdate()}
    item_pk = bounded_int(request.GET.get("item"), 1, 2**31)
    if item_pk:
        initial["item"] = item_pk
    form = GrantForm(request.POST or None, talent=talent, initial=initial)
    if request.method == "POST" and form.is_valid():
        grant = attempt(
            form,
            lambda: services.grant_item(actor=request.user, talent=talent, **form.cleaned_data),
        )
        if grant is not None:
            messages.success(request, f"已兑现“{grant.item.name}”。")
            return redirect(reverse("talents:detail", args=[talent.pk]) + "?tab=grants")
    return _form_page(
        request,
        form,
        f"政策兑现：{talent.name}",
        reverse("talents:detail", args=[talent.pk]) + "?tab=grants",
        notice="兑现前逐项核对享受条件；不符合条件的，系统拒绝并说明不符合的条件。",
    )


# --- 人才底数 -------------------------------------------------------------------------------


@require_GET
@reads_from_replica
def statistics(request: HttpRequest) -> HttpResponse:
    _reader(request)
    org = bounded_int(request.GET.get("org"), 1, 2**31)
    result = stats.talent_stats(request.user, timezone.localdate(), org)
    if request.GET.get("export") == "xlsx":
        trend = stats.Section(
            "trend",
            "年末在库人数",
            [stats.StatRow(str(t.year), t.total) for t in result.trend],
        )
        trend.total = result.total
        return export_response("talent_stats", [*result.sections, trend])
    return render(
        request,
        "talents/statistics.html",
        {
            "stats": result,
            "charts": result.charts(),
            "areas": [(o.pk, o.name) for o in selectors.area_orgs(request.user)],
            "org": org,
        },
    )


# --- import ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                job = runner.start_import(
                    user=request.user,
                    spec_name=imports.SPEC_NAME,
                    uploaded_file=form.cleaned_data["file"],
                )
            except ImportFileError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("talents:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by_id=request.user.pk, kind=imports.SPEC_NAME).order_by(
        "-created_at"
    )[:20]
    return render(
        request,
        "talents/import.html",
        {"form": form, "jobs": jobs, "spec": get_spec(imports.SPEC_NAME)},
        status=status,
    )


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    _writer(request)
    buffer = io.BytesIO()
    workbooks.build_template(get_spec(imports.SPEC_NAME), buffer)
    buffer.seek(0)
    return name_download(
        FileResponse(buffer, content_type=XLSX_CONTENT_TYPE), "人才库导入模板.xlsx"
    )


def _job(request: HttpRequest, pk: int) -> Any:
    _writer(request)
    job = runner.get_job(request.user, pk)
    if job.kind != imports.SPEC_NAME:
        raise Http404("导入记录不存在")
    return job


@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    page = Paginator(job.errors or [], 50).get_page(request.GET.get("page"))
    return render(
        request,
        "talents/import_job.html",
        {"job": job, "finished": runner.is_finished(job), "page_obj": page},
    )


@require_GET
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.error_file:
        raise Http404("该导入没有标注错误的表格")
    response = FileResponse(job.error_file.open("rb"), content_type=XLSX_CONTENT_TYPE)
    return name_download(response, "人才库导入错误标注.xlsx")


# --- policies -------------------------------------------------------------------------------


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.policy_list(request.user, q)
    return render(
        request,
        "talents/policy_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "can_write": can_write_talents(request.user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = PolicyForm(
        request.POST or None, user=request.user, initial={"org": request.user.anchor_org_id}
    )
    if request.method == "POST" and form.is_valid():
        policy = attempt(
            form,
            lambda: services.save_policy(actor=request.user, policy=None, **form.cleaned_data),
        )
        if policy is not None:
            messages.success(request, "已登记人才政策。")
            return redirect("talents:policy_detail", pk=policy.pk)
    return _form_page(request, form, "登记人才政策", reverse("talents:policy_list"))


@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    policy = selectors.get_policy(request.user, pk)
    _writer(request)
    if not services.can_edit_policy(request.user, policy):
        raise PermissionDenied("只能修改本级及下级制定的人才政策")
    form = PolicyForm(
        request.POST or None, user=request.user, initial=PolicyForm.initial_for(policy)
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_policy(actor=request.user, policy=policy, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("talents:policy_detail", pk=policy.pk)
    return _form_page(
        request,
        form,
        f"修改政策：{policy.title}",
        reverse("talents:policy_detail", args=[policy.pk]),
    )


@require_GET
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    policy = selectors.get_policy(request.user, pk)
    labels = dict(tier_pairs())
    items = [
        (item, describe(item.eligibility, labels), item.n_grants)
        for item in policy.items.annotate(n_grants=_grant_count()).order_by("code")
    ]
    return render(
        request,
        "talents/policy_detail.html",
        {
            "policy": policy,
            "items": items,
            "can_write": services.can_edit_policy(request.user, policy),
            "history_entries": history_entries(policy),
            "in_force": policy.in_force(timezone.localdate()),
        },
    )


def _grant_count() -> Any:
    return Count("grants", distinct=True)


def _item_page(request: HttpRequest, policy: Any, item: Any) -> HttpResponse:
    initial = ItemForm.initial_for(item) if item else {"is_active": True}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_item(
                actor=request.user, policy=policy, item=item, **form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, "已保存政策事项。")
            return redirect("talents:policy_detail", pk=policy.pk)
    title = f"修改政策事项：{item.name}" if item else f"增加政策事项：{policy.title}"
    return _form_page(request, form, title, reverse("talents:policy_detail", args=[policy.pk]))


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    policy = selectors.get_policy(request.user, pk)
    _writer(request)
    if not services.can_edit_policy(request.user, policy):
        raise PermissionDenied("只能修改本级及下级制定的人才政策")
    return _item_page(request, policy, None)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = selectors.get_item(request.user, pk)
    _writer(request)
    if not services.can_edit_policy(request.user, item.policy):
        raise PermissionDenied("只能修改本级及下级制定的人才政策")
    return _item_page(request, item.policy, item)


# --- grants and matching --------------------------------------------------------------------


@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    current = request.GET.get("current", "")
    f = selectors.GrantFilters(
        q=request.GET.get("q", "").strip()[:60],
        item=bounded_int(request.GET.get("item"), 1, 2**31),
        policy=bounded_int(request.GET.get("policy"), 1, 2**31),
        current=current if current in ("yes", "no") else "",
    )
    today = timezone.localdate()
    qs = selectors.grant_list(request.user, f, today)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_grants", qs)
    items = [
        (i.pk, f"{i.policy.title} · {i.name}")
        for i in PolicyItem.objects.filter(
            policy__in=selectors.visible_policies(request.user)
        ).select_related("policy")
    ]
    return render(
        request,
        "talents/grant_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "items": items,
            "today": today,
            "can_write": can_write_talents(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def grant_stop(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    grant = selectors.get_grant(request.user, pk)
    _writer(request)
    form = StopGrantForm(request.POST or None, initial={"stopped_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.stop_grant(actor=request.user, grant=grant, **_stop_data(form)),
        )
        if saved is not None:
            messages.success(request, "已终止享受。")
            return redirect(reverse("talents:detail", args=[grant.talent_id]) + "?tab=grants")
    return _form_page(
        request,
        form,
        f"终止享受：{grant.talent.name} · {grant.item.name}",
        reverse("talents:detail", args=[grant.talent_id]) + "?tab=grants",
    )


def _stop_data(form: Any) -> dict[str, Any]:
    return {
        "stopped_on": form.cleaned_data["stopped_on"],
        "reason": form.cleaned_data["stop_reason"],
    }


MATCH_TABS = {"eligible": "符合条件未享受", "broken": "已享受但不再符合"}


@require_GET
def matching(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    item = bounded_int(request.GET.get("item"), 1, 2**31)
    org = bounded_int(request.GET.get("org"), 1, 2**31)
    result = selectors.matching(request.user, today, item=item, org=org)
    if request.GET.get("export") == "xlsx":
        return export_response("talent_matching", result)
    tab = request.GET.get("tab", "eligible")
    tab = tab if tab in MATCH_TABS else "eligible"
    rows = result.eligible if tab == "eligible" else result.broken
    items = [
        (i.pk, f"{i.policy.title} · {i.name}")
        for i in PolicyItem.objects.filter(
            policy__in=selectors.visible_policies(request.user), is_active=True
        ).select_related("policy")
    ]
    return render(
        request,
        "talents/matching.html",
        {
            "result": result,
            "tab": tab,
            "tabs": MATCH_TABS,
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "items": items,
            "areas": [(o.pk, o.name) for o in selectors.area_orgs(request.user)],
            "item": item,
            "org": org,
            "today": today,
            "can_write": can_write_talents(request.user),
        },
    )
