"""Staff pages of 示范创建: thin views over selectors (reads) and services (writes).

The order of the checks is the same everywhere: the role may read 示范创建 at all (else 403),
the object lies in the scope (else 404), the role may do this (else 403).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.campaigns import (
    exports,  # noqa: F401 - registers the exporters
    selectors,
    services,
)
from zugong.campaigns.access import (
    NOT_DEPARTMENT,
    NOT_NOMINATOR,
    NOT_READER,
    can_manage,
    can_nominate,
    can_read,
)
from zugong.campaigns.forms import (
    AdvanceForm,
    CampaignForm,
    CriterionForm,
    EvidenceForm,
    KindForm,
    NominateForm,
    ScoreForm,
    TownshipTargetsForm,
    WithdrawForm,
)
from zugong.campaigns.models import TRANSITIONS, CampaignKind, Criterion, Stage
from zugong.campaigns.rules import CAMPAIGN_KIND, CANDIDATE_KIND
from zugong.core.downloads import stored_file_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import attempt, bounded_int, form_page, paginate
from zugong.orgs.models import PATH_STEP, Organization, subtree_q

FORM = "campaigns/form.html"


def _reader(request: HttpRequest) -> None:
    if not can_read(request.user):
        raise PermissionDenied(NOT_READER)


def _manager(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied(NOT_DEPARTMENT)


def _nominator(request: HttpRequest) -> None:
    if not can_nominate(request.user):
        raise PermissionDenied(NOT_NOMINATOR)


_form_page = partial(form_page, template=FORM)


def _year(request: HttpRequest) -> int | None:
    return bounded_int(request.GET.get("year"), 2000, 2100)


def _pk(request: HttpRequest, name: str) -> int | None:
    return bounded_int(request.GET.get(name), 1, 2**31 - 1)


# --- kinds ----------------------------------------------------------------------------------


@require_GET
def kind_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.kinds(request.user, q=q)
    if request.GET.get("export") == "xlsx":
        return export_response("campaign_kinds", qs)
    return render(
        request,
        "campaigns/kind_list.html",
        {"page_obj": paginate(request, qs), "q": q, "can_manage": can_manage(request.user)},
    )


@require_http_methods(["GET", "POST"])
def kind_create(request: HttpRequest) -> HttpResponse:
    _reader(request)
    _manager(request)
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = attempt(
            form, lambda: services.save_kind(actor=request.user, kind=None, **form.cleaned_data)
        )
        if kind is not None:
            messages.success(request, f"已新增创建类型“{kind.name}”。")
            return redirect("campaigns:kind_list")
    return _form_page(request, form, "新增创建类型", reverse("campaigns:kind_list"))


@require_http_methods(["GET", "POST"])
def kind_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kind: CampaignKind = selectors.get_kind(request.user, pk)
    _manager(request)
    form = KindForm(request.POST or None, initial=KindForm.initial_for(kind))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form, lambda: services.save_kind(actor=request.user, kind=kind, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("campaigns:kind_list")
    return _form_page(
        request,
        form,
        f"修改创建类型：{kind.name}",
        reverse("campaigns:kind_list"),
        history_entries=history_entries(kind),
    )


# --- campaigns ------------------------------------------------------------------------------


def _campaign_filters(request: HttpRequest) -> selectors.CampaignFilters:
    return selectors.CampaignFilters(
        q=request.GET.get("q", "").strip()[:60],
        year=_year(request),
        kind=_pk(request, "kind"),
        group=request.GET.get("group", "").strip()[:40],
    )


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    f = _campaign_filters(request)
    qs = selectors.campaigns(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("campaigns", qs)
    kinds = list(selectors.kinds(request.user))
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "years": selectors.years(request.user),
            "kind_choices": [(k.pk, k.name) for k in kinds],
            "group_choices": [(g, g) for g in dict.fromkeys(k.group for k in kinds if k.group)],
            "can_manage": can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    _reader(request)
    _manager(request)
    form = CampaignForm(
        request.POST or None, initial={"year": timezone.localdate().year, "pass_score": 80}
    )
    if request.method == "POST" and form.is_valid():
        campaign = attempt(
            form,
            lambda: services.save_campaign(actor=request.user, campaign=None, **form.cleaned_data),
        )
        if campaign is not None:
            messages.success(request, "已建立示范创建，请设置评分标准。")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _form_page(request, form, "新建示范创建", reverse("campaigns:campaign_list"))


@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk)
    _manager(request)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_campaign(
                actor=request.user, campaign=campaign, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        f"修改：{campaign.title}",
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
    )


@require_http_methods(["GET", "POST"])
def campaign_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """分解目标: the yearly target broken down to the townships."""
    campaign = selectors.get_campaign(request.user, pk)
    _manager(request)
    townships = services.campaign_townships(campaign)
    current = {t.township_id: t.target for t in campaign.township_targets.all()}
    form = TownshipTargetsForm(
        request.POST or None,
        townships=townships,
        initial={f"t_{pk}": n for pk, n in current.items()},
    )
    back = reverse("campaigns:campaign_detail", args=[campaign.pk])
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.set_township_targets(
                actor=request.user, campaign=campaign, targets=form.targets()
            ),
        )
        if saved is not None:
            messages.success(request, "已保存分解目标。")
            return redirect(back)
    return _form_page(
        request,
        form,
        f"分解目标：{campaign.title}（年度目标{campaign.target}个）",
        back,
        notice="留空或填0表示不分解到该乡镇（街道）/系统；各项合计不能少于年度目标。",
    )


CAMPAIGN_TABS = {
    "info": "创建标准",
    "ranking": "创建对象与排名",
    "findings": "发现的问题",
    "history": "历史",
}


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in CAMPAIGN_TABS else "info"
    context: dict[str, Any] = {
        "campaign": campaign,
        "tab": tab,
        "tabs": CAMPAIGN_TABS,
        "can_manage": can_manage(request.user),
        "can_nominate": can_nominate(request.user),
        "criteria": list(campaign.criteria.all()),
        "township_targets": list(campaign.township_targets.select_related("township")),
    }
    if tab == "ranking":
        context["ranking"] = selectors.ranking(request.user, campaign)
        context["revoked"] = list(
            selectors.candidates(
                request.user,
                selectors.CandidateFilters(campaign=campaign.pk, stage=Stage.REVOKED),
            )
        )
    elif tab == "findings":
        context["findings"] = Finding.objects.filter(
            subject_type=CAMPAIGN_KIND, subject_id=campaign.pk
        )
    elif tab == "history":
        context["history_entries"] = history_entries(campaign)
    context["points_total"] = sum(c.max_points for c in context["criteria"])
    return render(request, "campaigns/campaign_detail.html", context)


@require_http_methods(["GET", "POST"])
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk)
    _manager(request)
    form = CriterionForm(
        request.POST or None, initial={"sort_order": (campaign.n_criteria + 1) * 10}
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_criterion(
                actor=request.user, campaign=campaign, criterion=None, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "已增加评分标准。")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        f"增加评分标准：{campaign.title}",
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
    )


@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    criterion = Criterion.objects.select_related("campaign").filter(pk=pk).first()
    # The criterion's campaign must be one the account sees: else a 404, like a missing one.
    campaign = selectors.get_campaign(request.user, criterion.campaign_id if criterion else 0)
    _manager(request)
    form = CriterionForm(request.POST or None, initial=CriterionForm.initial_for(criterion))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.save_criterion(
                actor=request.user, campaign=campaign, criterion=criterion, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "已保存评分标准。")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        f"修改评分标准：{criterion.title}",
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
        history_entries=history_entries(criterion),
    )


@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk)
    _nominator(request)
    form = NominateForm(
        request.POST or None,
        user=request.user,
        campaign=campaign,
        initial={"declared_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        candidate = attempt(
            form,
            lambda: services.nominate(actor=request.user, campaign=campaign, **form.cleaned_data),
        )
        if candidate is not None:
            messages.success(request, f"已申报“{candidate.org.name}”。")
            return redirect("campaigns:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        f"申报创建对象：{campaign.title}",
        reverse("campaigns:campaign_detail", args=[campaign.pk]),
    )


# --- candidates -----------------------------------------------------------------------------


def _candidate_filters(
    request: HttpRequest, *, named_only: bool = False
) -> selectors.CandidateFilters:
    stage = request.GET.get("stage", "")
    return selectors.CandidateFilters(
        q=request.GET.get("q", "").strip()[:60],
        campaign=_pk(request, "campaign"),
        year=_year(request),
        kind=_pk(request, "kind"),
        stage=stage if stage in Stage.values else "",
        township=_pk(request, "township"),
        named_only=named_only,
    )


def _township_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """The 党(工)委 level (depth 2) within the scope; a deeper account sees its own township."""
    path = request.user.scope.path
    if path is None:
        return []
    if len(path) <= 2 * PATH_STEP:
        rows = Organization.objects.filter(subtree_q("path", path), depth=2)
    else:
        rows = Organization.objects.filter(path=path[: 2 * PATH_STEP])
    return [(o.pk, o.short_name or o.name) for o in rows.order_by("path")]


def _candidate_list_page(request: HttpRequest, *, named_only: bool) -> HttpResponse:
    f = _candidate_filters(request, named_only=named_only)
    qs = selectors.candidates(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("campaign_named" if named_only else "campaign_candidates", qs)
    kinds = list(selectors.kinds(request.user))
    return render(
        request,
        "campaigns/candidate_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "named_only": named_only,
            "years": selectors.years(request.user),
            "kind_choices": [(k.pk, k.name) for k in kinds],
            "stage_choices": Stage.choices,
            "township_choices": _township_choices(request),
        },
    )


@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    return _candidate_list_page(request, named_only=False)


@require_GET
def named_list(request: HttpRequest) -> HttpResponse:
    return _candidate_list_page(request, named_only=True)


CANDIDATE_TABS = {
    "info": "评分与佐证材料",
    "events": "阶段记录",
    "findings": "发现的问题",
    "history": "历史",
}


@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in CANDIDATE_TABS else "info"
    scores = {s.criterion_id: s for s in candidate.scores.select_related("scorer")}
    evidence = list(candidate.evidence.select_related("uploaded_by", "criterion"))
    context: dict[str, Any] = {
        "candidate": candidate,
        "campaign": candidate.campaign,
        "tab": tab,
        "tabs": CANDIDATE_TABS,
        "rows": [
            (c, scores.get(c.pk), [e for e in evidence if e.criterion_id == c.pk])
            for c in candidate.campaign.criteria.all()
        ],
        "general_evidence": [e for e in evidence if e.criterion_id is None],
        "can_manage": can_manage(request.user),
        "can_nominate": can_nominate(request.user),
        "can_score": can_manage(request.user)
        and candidate.stage in (Stage.DECLARED, Stage.CULTIVATING),
        "next_stages": [Stage(s).label for s in sorted(TRANSITIONS[candidate.stage])],
        "stage_path": [
            (s, label, _stage_state(candidate.stage, s))
            for s, label in Stage.choices
            if s != Stage.REVOKED or candidate.stage == Stage.REVOKED
        ],
    }
    if tab == "events":
        context["events"] = candidate.events.select_related("actor")
    elif tab == "findings":
        context["findings"] = Finding.objects.filter(
            subject_type=CANDIDATE_KIND, subject_id=candidate.pk
        )
    elif tab == "history":
        context["history_entries"] = history_entries(candidate)
    return render(request, "campaigns/candidate_detail.html", context)


def _stage_state(current: str, stage: str) -> str:
    order = list(Stage.values)
    if stage == current:
        return "current"
    return "done" if order.index(stage) < order.index(current) else "ahead"


@require_http_methods(["GET", "POST"])
def candidate_advance(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate(request.user, pk)
    _manager(request)
    allowed = TRANSITIONS[candidate.stage]
    first = next((s for s, _ in AdvanceForm.base_fields["to_stage"].choices if s in allowed), "")
    form = AdvanceForm(
        request.POST or None, initial={"on": timezone.localdate(), "to_stage": first}
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.advance(actor=request.user, candidate=candidate, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, f"已记录：{saved.get_stage_display()}。")
            return redirect("campaigns:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        f"变更阶段：{candidate.org.name}（目前：{candidate.get_stage_display()}）",
        reverse("campaigns:candidate_detail", args=[candidate.pk]),
        notice=f"创建阶段依次为{services.STAGE_SEQUENCE_TEXT}，不能跳过；复查不合格的已命名对象摘牌。",
    )


@require_http_methods(["GET", "POST"])
def candidate_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate(request.user, pk)
    _nominator(request)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = attempt(
            form,
            lambda: services.withdraw(
                actor=request.user, candidate=candidate, reason=form.cleaned_data["reason"]
            ),
        )
        if campaign is not None:
            messages.success(request, f"已撤回“{candidate.org.name}”的申报。")
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return _form_page(
        request,
        form,
        f"撤回申报：{candidate.org.name}（{candidate.campaign.title}）",
        reverse("campaigns:candidate_detail", args=[candidate.pk]),
        notice="只有处于“申报”阶段、尚未评分的对象可以撤回；撤回后记录在变更历史中保留。",
    )


@require_http_methods(["GET", "POST"])
def candidate_score(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate(request.user, pk)
    _manager(request)
    form = ScoreForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.score(
                actor=request.user,
                candidate=candidate,
                points=form.points(),
                remarks=form.remarks(),
            ),
        )
        if saved is not None:
            messages.success(request, f"已保存评分，总分{saved.total_score}分。")
            return redirect("campaigns:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        f"评分：{candidate.org.name}",
        reverse("campaigns:candidate_detail", args=[candidate.pk]),
    )


@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.get_candidate(request.user, pk)
    _nominator(request)
    form = EvidenceForm(request.POST or None, request.FILES or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.upload_evidence(
                actor=request.user,
                candidate=candidate,
                uploaded=form.cleaned_data["file"],
                criterion=form.cleaned_data["criterion"],
            ),
        )
        if saved is not None:
            messages.success(request, f"已上传“{saved.original_name}”。")
            return redirect("campaigns:candidate_detail", pk=candidate.pk)
    return _form_page(
        request,
        form,
        f"上传佐证材料：{candidate.org.name}",
        reverse("campaigns:candidate_detail", args=[candidate.pk]),
        multipart=True,
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.get_evidence(request.user, pk))


# --- progress -------------------------------------------------------------------------------


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    _reader(request)
    years = selectors.years(request.user)
    year = _year(request) or (years[0] if years else timezone.localdate().year)
    data = selectors.progress(request.user, year)
    if request.GET.get("export") == "xlsx":
        return export_response("campaign_progress", data)
    if request.GET.get("export") == "townships":
        return export_response("campaign_township_progress", data)
    charts = {"progress": data.chart(), "townships": data.township_chart()}
    return render(
        request,
        "campaigns/progress.html",
        {"p": data, "year": year, "years": years or [year], "charts": charts},
    )
