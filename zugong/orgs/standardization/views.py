"""Staff pages of 标准化/星级/软弱涣散: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.downloads import stored_file_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.core.rules.registry import RULES
from zugong.core.selectors import code_items
from zugong.core.views import attempt, bounded_int, form_page, paginate
from zugong.orgs.standardization import (
    exports,  # noqa: F401 - registers the exporters
    feeds,
    selectors,
    services,
)
from zugong.orgs.standardization.access import (
    NOT_ADMIN,
    NOT_EVIDENCE,
    NOT_SCORER,
    can_add_evidence,
    can_score,
    is_admin,
)
from zugong.orgs.standardization.forms import (
    PARAM_LABELS,
    CopyTemplateForm,
    DecisionForm,
    EvidenceForm,
    FileForm,
    IdentifyForm,
    ItemForm,
    MeasureDoneForm,
    MeasureForm,
    NoteForm,
    ParameterForm,
    ReasonForm,
    ReopenForm,
    ScoreForm,
    TemplateForm,
    WeakPlanForm,
    WeakProposeForm,
    YearForm,
)
from zugong.orgs.standardization.models import (
    WEAK_CAUSE_TABLE,
    ChecklistItem,
    ItemFeed,
    WeakBasis,
    WeakStatus,
)
from zugong.orgs.standardization.rules import TOWNSHIP_KIND, WEAK_KIND

FORM = "standards/form.html"


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    raw = request.POST.get("year") if request.method == "POST" else None
    return bounded_int(raw or request.GET.get("year"), 2000, today.year, today.year) or today.year


_form_page = partial(form_page, template=FORM)


def _years(today_year: int) -> list[tuple[int, str]]:
    return [(y, f"{y}年度") for y in range(today_year, today_year - 6, -1)]


# --- overview and township ------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    ctx = RuleContext()
    rows = selectors.overview(request.user, year, ctx)
    anchor = request.user.anchor_org
    return render(
        request,
        "standards/index.html",
        {
            "rows": rows,
            "year": year,
            "years": _years(timezone.localdate().year),
            "anchor_is_branch": anchor is not None and anchor.kind == "branch",
            "can_score": can_score(request.user),
            "is_admin": is_admin(request.user),
        },
    )


@require_GET
def township(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    year = _year(request)
    f = selectors.BranchFilters(
        year=year,
        q=request.GET.get("q", "").strip()[:40],
        stars=bounded_int(request.GET.get("stars"), 1, 5),
        status=request.GET.get("status", "")
        if request.GET.get("status") in ("scored", "confirmed", "unscored")
        else "",
    )
    qs = selectors.branch_rows(request.user, org, f)
    if request.GET.get("export") == "xlsx":
        return export_response("standards_branches", qs, year)
    page = paginate(request, qs)
    rows = selectors.attach_scores(list(page.object_list), year)
    ctx = RuleContext()
    rollup = getattr(org, "rollup", None)
    dist = selectors.distribution(org, year, ctx, rollup.branches_total if rollup else None)
    findings = list(Finding.objects.filter(subject_type=TOWNSHIP_KIND, subject_id=org.pk))
    return render(
        request,
        "standards/township.html",
        {
            "org": org,
            "year": year,
            "years": _years(timezone.localdate().year),
            "f": f,
            "page_obj": page,
            "rows": rows,
            "dist": dist,
            "charts": {"stars": dist.chart()},
            "findings": findings,
            "is_admin": is_admin(request.user),
            "status_choices": [
                ("scored", "已评分"),
                ("confirmed", "组织部已确认"),
                ("unscored", "未评分"),
            ],
            "star_choices": [(s, f"{s}星") for s in selectors.STARS],
        },
    )


@require_http_methods(["GET", "POST"])
def confirm_scores(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_org(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    form = YearForm(request.POST or None, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        count = attempt(
            form, lambda: services.confirm_scores(actor=request.user, org=org, year=year)
        )
        if count is not None:
            messages.success(request, f"已确认{count}个党支部的{year}年度星级。")
            return redirect(f"{reverse('standards:township', args=[org.pk])}?year={year}")
    return _form_page(
        request,
        form,
        f"确认星级：{org.name}",
        reverse("standards:township", args=[org.pk]),
        notice="确认后，各党支部该年度的得分和星级不能再由党（工）委修改。",
    )


@require_http_methods(["GET", "POST"])
def reopen_score(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    form = ReopenForm(request.POST or None, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        score = attempt(
            form,
            lambda: services.reopen_score(
                actor=request.user, org=org, year=year, reason=form.cleaned_data["reason"]
            ),
        )
        if score is not None:
            messages.success(request, f"已退回“{org.name}”{year}年度的评分，党（工）委可重新评分。")
            return redirect(f"{reverse('standards:branch_sheet', args=[org.pk])}?year={year}")
    return _form_page(
        request,
        form,
        f"退回重评：{org.name}",
        reverse("standards:branch_sheet", args=[org.pk]),
        notice="退回后该年度评分回到“已评分”状态，党（工）委修改后由组织部重新确认。",
    )


# --- a branch's score sheet ---------------------------------------------------------------------------


SHEET_TABS = {"sheet": "考评表", "history": "历史"}


@require_http_methods(["GET", "POST"])
def branch_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    user = request.user
    if request.method == "POST":
        _require(can_score(user), NOT_SCORER)
    year = _year(request)
    today = timezone.localdate()
    score = selectors.score_of(org, year)
    template = score.template if score else selectors.template_for(org, year)
    items = list(template.items.order_by("sort_order", "code", "id")) if template else []
    lines = {line.item_id: line for line in score.lines.all()} if score else {}
    editable = can_score(user) and not (score and score.is_confirmed) and bool(items)
    initial: dict[str, Any] = {"note": score.note if score else ""}
    for item_id, line in lines.items():
        if line.feed == ItemFeed.MANUAL:
            initial[f"item_{item_id}"] = f"{line.points.normalize():f}"
            initial[f"note_{item_id}"] = line.note
    form = ScoreForm(request.POST or None, items=items, initial=initial)
    status = 200
    if request.method == "POST":
        saved = form.is_valid() and attempt(
            form,
            lambda: services.save_score(
                actor=user,
                org=org,
                year=year,
                entries=form.entries(),
                note=form.cleaned_data.get("note", ""),
            ),
        )
        if saved:
            messages.success(request, f"已保存评分：{saved.total}分，{saved.stars}星。")
            return redirect(f"{reverse('standards:branch_sheet', args=[org.pk])}?year={year}")
        status = 400
    preview: dict[str, Any] = {}
    if editable and items:
        used = {i.feed for i in items if i.is_auto}
        computed = feeds.compute_feeds([org], year, today, used)
        ctx = RuleContext(today)
        for i in items:
            if i.is_auto:
                feed = computed[i.feed][org.pk]
                rate = feeds.deduction_rate(i.feed, ctx)
                preview[i.pk] = (feeds.auto_points(i.max_points, feed.units, rate), feed.text)
    tab = request.GET.get("tab", "sheet")
    tab = tab if tab in SHEET_TABS else "sheet"
    evidence = selectors.evidence_by_item(org, year)
    rows = [
        {
            "item": i,
            "line": lines.get(i.pk),
            "preview": preview.get(i.pk),
            "evidence": evidence.get(i.pk, []),
            "field": form[f"item_{i.pk}"] if not i.is_auto else None,
            "note_field": form[f"note_{i.pk}"] if not i.is_auto else None,
        }
        for i in items
    ]
    context = {
        "org": org,
        "year": year,
        "years": _years(today.year),
        "score": score,
        "template": template,
        "rows": rows,
        "form": form,
        "editable": editable,
        "can_add_evidence": can_add_evidence(user) and bool(items),
        "can_reopen": is_admin(user),
        "tab": tab,
        "tabs": SHEET_TABS,
        "history": selectors.years_of(org),
        "max_total": sum((i.max_points for i in items), start=0),
    }
    if tab == "history":
        context["history_entries"] = history_entries(score) if score else []
    return render(request, "standards/branch_sheet.html", context, status=status)


@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_branch(request.user, pk)
    _require(can_add_evidence(request.user), NOT_EVIDENCE)
    year = _year(request)
    score = selectors.score_of(org, year)
    template = score.template if score else selectors.template_for(org, year)
    items = template.items.order_by("sort_order", "code") if template else None
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        items=items if items is not None else ChecklistItem.objects.none(),
        initial={"item": request.GET.get("item")},
    )
    back = f"{reverse('standards:branch_sheet', args=[org.pk])}?year={year}"
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.add_score_evidence(
                actor=request.user,
                org=org,
                year=year,
                item=form.cleaned_data["item"],
                uploaded=form.cleaned_data["file"],
            ),
        )
        if saved is not None:
            messages.success(request, "已上传佐证材料。")
            return redirect(back)
    return _form_page(
        request,
        form,
        f"上传佐证材料：{org.name}（{year}年度）",
        back,
        multipart=True,
        hidden={"year": year},
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.get_score_evidence(request.user, pk))


# --- checklists and parameters ------------------------------------------------------------------------


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.templates(request.user)
    return render(
        request,
        "standards/template_list.html",
        {"page_obj": paginate(request, qs), "is_admin": is_admin(request.user)},
    )


@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    _require(is_admin(request.user), NOT_ADMIN)
    form = TemplateForm(request.POST or None, initial={"year_from": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        t = attempt(
            form,
            lambda: services.save_template(actor=request.user, template=None, **form.cleaned_data),
        )
        if t is not None:
            messages.success(request, "已创建考评细则，请增加考评项目。")
            return redirect("standards:template_detail", pk=t.pk)
    return _form_page(request, form, "新建考评细则", reverse("standards:template_list"))


@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.get_template(request.user, pk)
    items = list(template.items.all())
    return render(
        request,
        "standards/template_detail.html",
        {
            "template": template,
            "items": items,
            "total": sum((i.max_points for i in items), start=0),
            "is_admin": is_admin(request.user),
            "history_entries": history_entries(template),
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.get_template(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    initial = {name: getattr(template, name) for name in TemplateForm.base_fields}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        t = attempt(
            form,
            lambda: services.save_template(
                actor=request.user, template=template, **form.cleaned_data
            ),
        )
        if t is not None:
            messages.success(request, "已保存。")
            return redirect("standards:template_detail", pk=t.pk)
    return _form_page(
        request, form, f"修改：{template}", reverse("standards:template_detail", args=[pk])
    )


@require_http_methods(["GET", "POST"])
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.get_template(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    form = CopyTemplateForm(
        request.POST or None,
        initial={"name": template.name, "year_from": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        t = attempt(
            form,
            lambda: services.copy_template(
                actor=request.user, template=template, **form.cleaned_data
            ),
        )
        if t is not None:
            messages.success(request, "已复制为新版本。")
            return redirect("standards:template_detail", pk=t.pk)
    return _form_page(
        request,
        form,
        f"复制为新版本：{template}",
        reverse("standards:template_detail", args=[pk]),
        notice="新版本从起用年度起适用；已保存的考评保留评分时的细则和分值。",
    )


@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.get_template(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form,
            lambda: services.save_item(
                actor=request.user, template=template, item=None, **form.cleaned_data
            ),
        )
        if item is not None:
            messages.success(request, "已增加考评项目。")
            return redirect("standards:template_detail", pk=template.pk)
    return _form_page(
        request, form, f"增加考评项目：{template}", reverse("standards:template_detail", args=[pk])
    )


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item(request.user, pk)
    _require(is_admin(request.user), NOT_ADMIN)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item))
    back = reverse("standards:template_detail", args=[item.template_id])
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_item(
                actor=request.user, template=item.template, item=item, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect(back)
    return _form_page(request, form, f"修改考评项目：{item.code} {item.title}", back)


@require_http_methods(["GET", "POST"])
def parameters(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    if request.method == "POST":
        _require(is_admin(request.user), NOT_ADMIN)
    form = ParameterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            rule_id, key = form.split_key()
            saved = attempt(
                form,
                lambda: services.set_parameter(
                    actor=request.user,
                    rule_id=rule_id,
                    key=key,
                    value=form.cleaned_data["value"],
                    effective_from=form.cleaned_data["effective_from"],
                    source=form.cleaned_data["source"],
                ),
            )
            if saved is not None:
                messages.success(request, "已保存参数。")
                return redirect("standards:parameters")
        status = 400
    ctx = RuleContext()
    rows = []
    for rule_id in services.PARAMETER_RULES:
        rule = RULES[rule_id]
        for key, default in rule.params.items():
            rows.append(
                {
                    "rule": rule,
                    "key": key,
                    "label": PARAM_LABELS.get(key, key),
                    "default": default,
                    "current": ctx.param(rule, key),
                }
            )
    overrides = RuleParameter.objects.filter(rule_id__in=services.PARAMETER_RULES).select_related(
        "created_by"
    )
    return render(
        request,
        "standards/parameters.html",
        {
            "rows": rows,
            "overrides": overrides,
            "form": form,
            "is_admin": is_admin(request.user),
            "param_labels": PARAM_LABELS,
        },
        status=status,
    )


# --- 软弱涣散 ----------------------------------------------------------------------------------------


def _cause_names() -> dict[str, str]:
    return {c.code: c.name for c in code_items(WEAK_CAUSE_TABLE)}


@require_GET
def weak_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    f = selectors.WeakFilters(
        year=bounded_int(request.GET.get("year"), 2000, today.year),
        status=request.GET.get("status", "") if request.GET.get("status") in WeakStatus else "",
        q=request.GET.get("q", "").strip()[:40],
    )
    qs = selectors.weak_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("standards_weak_orgs", qs)
    return render(
        request,
        "standards/weak_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "years": _years(today.year),
            "statuses": WeakStatus.choices,
            "can_score": can_score(request.user),
            "today": today,
            "cause_names": _cause_names(),
        },
    )


@require_http_methods(["GET", "POST"])
def weak_create(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    _require(can_score(request.user), NOT_SCORER)
    form = WeakProposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        weak = attempt(
            form,
            lambda: services.propose_weak(
                actor=request.user,
                org=d["org"],
                year=d["year"],
                basis=d["basis"],
                cause_codes=d["cause_codes"],
                situation=d["situation"],
            ),
        )
        if weak is not None:
            messages.success(request, "已提出列入，等待组织部确认。")
            return redirect("standards:weak_detail", pk=weak.pk)
    return _form_page(
        request,
        form,
        "提出软弱涣散党组织",
        reverse("standards:weak_list"),
        notice="按情形列入的，至少选择一种软弱涣散情形；按考评排名列入的，请使用“倒排确定”。",
    )


@require_http_methods(["GET", "POST"])
def weak_identify(request: HttpRequest) -> HttpResponse:
    selectors.require_reader(request.user)
    _require(can_score(request.user), NOT_SCORER)
    today = timezone.localdate()
    year = _year(request) if request.GET.get("year") or request.method == "POST" else today.year - 1
    anchor = request.user.anchor_org
    org_pk = bounded_int(request.GET.get("org"), 1, 2**31 - 1)
    org = selectors.get_org(request.user, org_pk) if org_pk else anchor
    if org is None:
        raise PermissionDenied("未设置所辖组织")
    ctx = RuleContext()
    candidates = selectors.bottom_candidates(request.user, org, year, ctx)
    form = IdentifyForm(request.POST or None, candidates=candidates, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        chosen = {c.score.org_id: c for c in candidates}

        def write() -> int:
            count = 0
            for org_id in form.cleaned_data["org_ids"]:
                c = chosen[org_id]
                services.propose_weak(
                    actor=request.user,
                    org=c.score.org,
                    year=year,
                    basis=WeakBasis.RANKING,
                    cause_codes=[],
                    ranking_note=(
                        f"{year}年度得分{c.score.total}分，在{c.of}个已评党支部中排第{c.rank}位"
                        f"（倒数第{c.of - c.rank + 1}）"
                    ),
                )
                count += 1
            return count

        count = attempt(form, write)
        if count is not None:
            messages.success(request, f"已提出{count}个党组织列入整顿，等待组织部确认。")
            return redirect(f"{reverse('standards:weak_list')}?year={year}")
    return render(
        request,
        "standards/weak_identify.html",
        {
            "org": org,
            "year": year,
            "years": _years(today.year),
            "candidates": candidates,
            "share": selectors.bottom_share(ctx),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


WEAK_TABS = {"info": "整顿情况", "findings": "发现的问题", "history": "历史"}


@require_GET
def weak_detail(request: HttpRequest, pk: int) -> HttpResponse:
    weak = selectors.get_weak(request.user, pk)
    user = request.user
    tab = request.GET.get("tab", "info")
    tab = tab if tab in WEAK_TABS else "info"
    findings = Finding.objects.filter(subject_type=WEAK_KIND, subject_id=weak.pk)
    done, total = selectors.weak_progress(weak)
    open_ = weak.status not in (WeakStatus.CLOSED, WeakStatus.REJECTED)
    context: dict[str, Any] = {
        "weak": weak,
        "tab": tab,
        "tabs": WEAK_TABS,
        "findings_count": findings.count(),
        "done": done,
        "total": total,
        "percent": round(done * 100 / total) if total else 0,
        "is_admin": is_admin(user),
        "can_plan": can_score(user) and open_,
        "can_track": can_add_evidence(user) and open_,
        "causes": [_cause_names().get(c, c) for c in weak.cause_codes],
        "today": timezone.localdate(),
    }
    if tab == "info":
        context.update(
            measures=list(weak.measures.all()),
            evidence=list(weak.evidence.all()),
            events=list(weak.events.select_related("actor")),
        )
    elif tab == "findings":
        context["findings"] = findings
    else:
        context["history_entries"] = history_entries(weak)
    return render(request, "standards/weak_detail.html", context)


def _weak_action(
    request: HttpRequest,
    pk: int,
    form_class: type,
    title: str,
    write: Callable[..., Any],
    done: str,
    allowed: Callable[[Any], bool],
    refused: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """A small write on a listing: the form on GET, the write on POST, errors shown."""
    weak = selectors.get_weak(request.user, pk)
    _require(allowed(request.user), refused)
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    written = (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, lambda: write(weak, form.cleaned_data)) is not None
    )
    if written:
        messages.success(request, done)
        return redirect("standards:weak_detail", pk=weak.pk)
    return _form_page(
        request,
        form,
        f"{title}：{weak.org.name}（{weak.year}年度）",
        reverse("standards:weak_detail", args=[pk]),
        multipart=form_class is FileForm,
    )


@require_http_methods(["GET", "POST"])
def weak_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        DecisionForm,
        "确认列入整顿",
        lambda w, d: services.confirm_weak(
            actor=request.user, weak=w, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        "已审核。",
        is_admin,
        NOT_ADMIN,
    )


@require_http_methods(["GET", "POST"])
def weak_plan(request: HttpRequest, pk: int) -> HttpResponse:
    weak = selectors.get_weak(request.user, pk)
    initial = {
        "situation": weak.situation,
        "cause_codes": weak.cause_codes,
        "responsible": weak.responsible,
        "deadline": weak.deadline,
    }
    return _weak_action(
        request,
        pk,
        WeakPlanForm,
        "整顿方案",
        lambda w, d: services.save_plan(actor=request.user, weak=w, **d),
        "已保存整顿方案。",
        can_score,
        NOT_SCORER,
        initial=initial,
    )


@require_http_methods(["GET", "POST"])
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        MeasureForm,
        "增加整顿措施",
        lambda w, d: services.add_measure(actor=request.user, weak=w, **d),
        "已增加整顿措施。",
        can_add_evidence,
        NOT_EVIDENCE,
    )


@require_http_methods(["GET", "POST"])
def measure_done(request: HttpRequest, pk: int) -> HttpResponse:
    measure = selectors.get_measure(request.user, pk)
    return _weak_action(
        request,
        measure.weak_org_id,
        MeasureDoneForm,
        f"完成整顿措施“{measure.title}”",
        lambda w, d: services.complete_measure(actor=request.user, measure=measure, **d),
        "已记录完成。",
        can_add_evidence,
        NOT_EVIDENCE,
        initial={"done_on": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def weak_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        FileForm,
        "上传佐证材料",
        lambda w, d: services.add_weak_evidence(actor=request.user, weak=w, uploaded=d["file"]),
        "已上传佐证材料。",
        can_add_evidence,
        NOT_EVIDENCE,
    )


@require_GET
def weak_evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.get_weak_evidence(request.user, pk))


@require_http_methods(["GET", "POST"])
def weak_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        NoteForm,
        "报告整顿进展",
        lambda w, d: services.report_progress(actor=request.user, weak=w, **d),
        "已报告进展。",
        can_add_evidence,
        NOT_EVIDENCE,
    )


@require_http_methods(["GET", "POST"])
def weak_closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        ReasonForm,
        "申请销号",
        lambda w, d: services.request_weak_closure(actor=request.user, weak=w, **d),
        "已申请销号，等待组织部审核。",
        can_score,
        NOT_SCORER,
    )


@require_http_methods(["GET", "POST"])
def weak_closure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _weak_action(
        request,
        pk,
        DecisionForm,
        "审核销号",
        lambda w, d: services.decide_weak_closure(
            actor=request.user, weak=w, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        "已审核销号申请。",
        is_admin,
        NOT_ADMIN,
    )
