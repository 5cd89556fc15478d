"""Staff pages of 大调研 and 问题清单/督办: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.downloads import stored_file_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import attempt, bounded_int, form_page, paginate
from zugong.inquiries import (
    exports,  # noqa: F401 - registers the exporters
    selectors,
    services,
)
from zugong.inquiries.access import can_organize, can_promote_reports, can_review, is_tracker
from zugong.inquiries.forms import (
    ActivityForm,
    AnswerForm,
    DecisionForm,
    FileForm,
    MilestoneDoneForm,
    MilestoneForm,
    OpinionForm,
    PlanForm,
    ProblemForm,
    ProblemListForm,
    ProgressForm,
    ReasonForm,
)
from zugong.inquiries.models import Milestone, OpinionSource, ProblemEvent, ProblemState
from zugong.inquiries.rules import PROBLEM_KIND

FORM = "inquiries/form.html"


def _organizer(request: HttpRequest) -> None:
    if not can_organize(request.user):
        raise PermissionDenied(services.NOT_ORGANIZER)


_form_page = partial(form_page, template=FORM)


# --- plans ----------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.plans(request.user, q=q)
    if request.GET.get("export") == "xlsx":
        return export_response("inquiry_plans", qs)
    return render(
        request,
        "inquiries/plan_list.html",
        {"page_obj": paginate(request, qs), "q": q, "can_organize": can_organize(request.user)},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    _organizer(request)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = attempt(
            form, lambda: services.save_plan(actor=request.user, plan=None, **form.cleaned_data)
        )
        if plan is not None:
            messages.success(request, "已创建大调研。")
            return redirect("inquiries:plan_detail", pk=plan.pk)
    return _form_page(request, form, "新建大调研", reverse("inquiries:plan_list"))


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    _organizer(request)
    form = PlanForm(request.POST or None, user=request.user, initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form, lambda: services.save_plan(actor=request.user, plan=plan, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("inquiries:plan_detail", pk=plan.pk)
    return _form_page(
        request, form, f"修改大调研：{plan.topic}", reverse("inquiries:plan_detail", args=[plan.pk])
    )


PLAN_TABS = {
    "info": "基本信息",
    "activities": "调研活动",
    "opinions": "意见建议",
    "history": "历史",
}


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in PLAN_TABS else "info"
    context: dict[str, Any] = {
        "plan": plan,
        "tab": tab,
        "tabs": PLAN_TABS,
        "can_organize": can_organize(request.user),
    }
    if tab == "activities":
        context["activities"] = plan.activities.prefetch_related("files")
    elif tab == "opinions":
        context["opinions"] = selectors.opinions(
            request.user, selectors.OpinionFilters(plan=plan.pk)
        )[:200]
    elif tab == "history":
        context["history_entries"] = history_entries(plan)
    else:
        context["lists"] = plan.problem_lists.all()
    return render(request, "inquiries/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    _organizer(request)
    form = ActivityForm(
        request.POST or None, request.FILES or None, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        activity = attempt(
            form,
            lambda: services.add_activity(
                actor=request.user, plan=plan, files=[upload] if upload else [], **data
            ),
        )
        if activity is not None:
            messages.success(request, "已记录调研活动。")
            return redirect("inquiries:activity_detail", pk=activity.pk)
    return _form_page(
        request,
        form,
        f"记录调研活动：{plan.topic}",
        reverse("inquiries:plan_detail", args=[plan.pk]),
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity(request.user, pk)
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _organizer(request)
        if form.is_valid():
            saved = attempt(
                form,
                lambda: services.attach_activity_file(
                    actor=request.user, activity=activity, uploaded=form.cleaned_data["file"]
                ),
            )
            if saved is not None:
                messages.success(request, "已上传附件。")
                return redirect("inquiries:activity_detail", pk=activity.pk)
    return render(
        request,
        "inquiries/activity_detail.html",
        {
            "activity": activity,
            "files": activity.files.all(),
            "opinions": activity.opinions.all(),
            "form": form,
            "can_organize": can_organize(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def activity_file(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.get_activity_file(request.user, pk))


# --- opinions -------------------------------------------------------------------------------


def _opinion_filters(request: HttpRequest) -> selectors.OpinionFilters:
    source = request.GET.get("source", "")
    answered = request.GET.get("answered", "")
    return selectors.OpinionFilters(
        q=request.GET.get("q", "").strip()[:60],
        plan=bounded_int(request.GET.get("plan"), 1, 2**31),
        source=source if source in OpinionSource.values else "",
        answered=answered if answered in ("yes", "no") else "",
    )


@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    f = _opinion_filters(request)
    qs = selectors.opinions(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("inquiry_opinions", qs)
    return render(
        request,
        "inquiries/opinion_list.html",
        {"page_obj": paginate(request, qs), "f": f, "sources": OpinionSource.choices},
    )


@require_http_methods(["GET", "POST"])
def opinion_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan(request.user, pk)
    _organizer(request)
    form = OpinionForm(
        request.POST or None,
        user=request.user,
        plan=plan,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        opinion = attempt(
            form, lambda: services.add_opinion(actor=request.user, plan=plan, **form.cleaned_data)
        )
        if opinion is not None:
            messages.success(request, "已登记意见。")
            return redirect("inquiries:opinion_detail", pk=opinion.pk)
    return _form_page(
        request, form, f"登记意见：{plan.topic}", reverse("inquiries:plan_detail", args=[plan.pk])
    )


@require_http_methods(["GET", "POST"])
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The opinion and its answer; POST records the answer."""
    opinion = selectors.get_opinion(request.user, pk)
    initial = {"answer": opinion.answer, "answered_on": opinion.answered_on or timezone.localdate()}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _organizer(request)
        if form.is_valid() and attempt(
            form,
            lambda: services.answer_opinion(
                actor=request.user, opinion=opinion, **form.cleaned_data
            ),
        ):
            messages.success(request, "已保存答复。")
            return redirect("inquiries:opinion_detail", pk=opinion.pk)
    return render(
        request,
        "inquiries/opinion_detail.html",
        {
            "opinion": opinion,
            "form": form,
            "problems": opinion.problems.all(),
            "can_organize": can_organize(request.user),
            "history_entries": history_entries(opinion),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def opinion_promote(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = selectors.get_opinion(request.user, pk)
    _organizer(request)
    lists = selectors.problem_lists(request.user)
    form = ProblemForm(
        request.POST or None,
        user=request.user,
        lists=lists,
        initial={"topic": opinion.topic, "responsible_org": opinion.org_id},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        problem = attempt(
            form, lambda: services.promote_opinion(actor=request.user, opinion=opinion, **data)
        )
        if problem is not None:
            messages.success(request, "已列入问题清单。")
            return redirect("inquiries:problem_detail", pk=problem.pk)
    return _form_page(
        request,
        form,
        f"将意见 #{opinion.pk} 列入问题清单",
        reverse("inquiries:opinion_detail", args=[opinion.pk]),
        notice="请重新撰写问题标题和描述：意见原文不会被复制，问题只记录“意见编号”。",
    )


@require_http_methods(["GET", "POST"])
def report_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """The 干部监督科 lists a closed 举报 (属实/部分属实) as a problem, with a new text."""
    if not can_promote_reports(request.user):
        raise PermissionDenied("只有干部监督科可以将举报件列入问题清单")
    report = services.verified_report(pk)
    lists = selectors.problem_lists(request.user)
    form = ProblemForm(request.POST or None, user=request.user, lists=lists)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        problem = attempt(
            form, lambda: services.promote_report(actor=request.user, report_pk=report.pk, **data)
        )
        if problem is not None:
            messages.success(request, f"已将举报件 #{report.pk} 列入问题清单（仅记录编号）。")
            return redirect("inquiries:problem_list_detail", pk=problem.problem_list_id)
    return _form_page(
        request,
        form,
        f"将举报件 #{report.pk} 列入问题清单",
        reverse("supervision:case_detail", args=[report.pk]),
        notice="请撰写去除身份信息的问题标题和描述；举报内容不会被复制，问题只记录“举报件编号”。",
    )


# --- problem lists --------------------------------------------------------------------------


@require_GET
def problem_list_index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.problem_lists(request.user, q=q)
    return render(
        request,
        "inquiries/problem_list_index.html",
        {"page_obj": paginate(request, qs), "q": q, "can_organize": can_organize(request.user)},
    )


@require_http_methods(["GET", "POST"])
def problem_list_create(request: HttpRequest) -> HttpResponse:
    _organizer(request)
    form = ProblemListForm(request.POST or None, plans=selectors.plans(request.user))
    if request.method == "POST" and form.is_valid():
        created = attempt(
            form, lambda: services.create_problem_list(actor=request.user, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, "已创建问题清单。")
            return redirect("inquiries:problem_list_detail", pk=created.pk)
    return _form_page(request, form, "新建问题清单", reverse("inquiries:problem_list_index"))


@require_GET
def problem_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = selectors.get_problem_list(request.user, pk)
    rows = selectors.list_tree(problem_list, selectors.problems(request.user))
    return render(
        request,
        "inquiries/problem_list_detail.html",
        {
            "problem_list": problem_list,
            "rows": rows,
            "today": timezone.localdate(),
            "can_organize": can_organize(request.user)
            and request.user.scope.contains(problem_list.org_path),
            "history_entries": history_entries(problem_list),
        },
    )


@require_http_methods(["GET", "POST"])
def problem_list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    # The lookup comes first: out of scope is a 404 whatever the method.
    problem_list = selectors.get_problem_list(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    published = request.POST.get("published") == "1"
    services.set_published(actor=request.user, problem_list=problem_list, published=published)
    messages.success(request, "已公开整改进度。" if published else "已停止公开。")
    return redirect("inquiries:problem_list_detail", pk=problem_list.pk)


@require_http_methods(["GET", "POST"])
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = selectors.get_problem_list(request.user, pk)
    _organizer(request)
    parent = bounded_int(request.GET.get("parent"), 1, 2**31)
    form = ProblemForm(
        request.POST or None,
        user=request.user,
        problem_list=problem_list,
        initial={"parent": parent},
    )
    if request.method == "POST" and form.is_valid():
        problem = attempt(
            form,
            lambda: services.create_problem(
                actor=request.user, problem_list=problem_list, **form.cleaned_data
            ),
        )
        if problem is not None:
            messages.success(request, "已增加问题。")
            return redirect("inquiries:problem_detail", pk=problem.pk)
    return _form_page(
        request,
        form,
        f"增加问题：{problem_list.title}",
        reverse("inquiries:problem_list_detail", args=[pk]),
    )


# --- problems -------------------------------------------------------------------------------


def _problem_filters(request: HttpRequest) -> selectors.ProblemFilters:
    state = request.GET.get("state", "")
    return selectors.ProblemFilters(
        q=request.GET.get("q", "").strip()[:60],
        problem_list=bounded_int(request.GET.get("list"), 1, 2**31),
        state=state if state in ProblemState.values else "",
        overdue=request.GET.get("overdue") == "1",
    )


@require_GET
def problem_index(request: HttpRequest) -> HttpResponse:
    f = _problem_filters(request)
    today = timezone.localdate()
    qs = selectors.problems(request.user, f, today)
    if request.GET.get("export") == "xlsx":
        return export_response("inquiry_problems", qs)
    return render(
        request,
        "inquiries/problem_index.html",
        {"page_obj": paginate(request, qs), "f": f, "states": ProblemState.choices, "today": today},
    )


PROBLEM_TABS = {"info": "整改情况", "findings": "发现的问题", "history": "历史"}


@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.get_problem(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in PROBLEM_TABS else "info"
    findings = Finding.objects.filter(subject_type=PROBLEM_KIND, subject_id=problem.pk)
    user = request.user
    in_review_scope = user.scope.contains(problem.problem_list.org_path)
    context: dict[str, Any] = {
        "problem": problem,
        "tab": tab,
        "tabs": PROBLEM_TABS,
        "findings_count": findings.count(),
        "can_track": services.can_track(user, problem) and not problem.is_closed,
        "can_edit": can_organize(user) and in_review_scope and not problem.is_closed,
        "can_review": can_review(user) and in_review_scope,
        "tracker": is_tracker(user),
    }
    if tab == "info":
        children = list(problem.children.select_related("responsible_org"))
        context.update(
            children=children,
            milestones=list(problem.milestones.all()),
            evidence=list(problem.evidence.all()),
            # Where a problem came from is for the organizers, not the responsible unit.
            events=list(
                problem.events.select_related("actor").exclude(
                    kind=ProblemEvent.Kind.PROMOTED if is_tracker(user) else ""
                )
            ),
            progress_form=ProgressForm(
                initial={"progress": problem.progress, "measures": problem.measures}
            ),
            milestone_form=MilestoneForm(),
            done_form=MilestoneDoneForm(initial={"done_on": timezone.localdate()}),
            file_form=FileForm(),
            reason_form=ReasonForm(),
            decision_form=DecisionForm(),
            today=timezone.localdate(),
        )
    elif tab == "findings":
        context["findings"] = findings
    else:
        context["history_entries"] = history_entries(problem)
    return render(request, "inquiries/problem_detail.html", context)


@require_http_methods(["GET", "POST"])
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.get_problem(request.user, pk)
    _organizer(request)
    fields = [
        "title",
        "description",
        "topic",
        "responsible_org",
        "owner_name",
        "measures",
        "deadline",
        "weight",
        "parent",
    ]
    initial = {name: getattr(problem, name) for name in fields}
    form = ProblemForm(
        request.POST or None,
        user=request.user,
        problem_list=problem.problem_list,
        exclude=problem,
        initial=initial,
    )
    saved = (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            lambda: services.update_problem(
                actor=request.user, problem=problem, **form.cleaned_data
            ),
        )
    )
    if saved:
        messages.success(request, "已保存。")
        return redirect("inquiries:problem_detail", pk=problem.pk)
    return _form_page(
        request, form, f"修改问题：{problem.title}", reverse("inquiries:problem_detail", args=[pk])
    )


def _problem_action(
    request: HttpRequest,
    pk: int,
    form_class: type,
    title: str,
    write: Callable[..., Any],
    done: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """A small write on a problem: the form alone on GET, the write on POST, errors shown."""
    problem = selectors.get_problem(request.user, pk)
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
    written = (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, lambda: write(problem, form.cleaned_data)) is not None
    )
    if written:
        messages.success(request, done)
        return redirect("inquiries:problem_detail", pk=problem.pk)
    return _form_page(
        request,
        form,
        f"{title}：{problem.title}",
        reverse("inquiries:problem_detail", args=[pk]),
        multipart=form_class is FileForm,
    )


def _tracking_guard(request: HttpRequest, pk: int) -> None:
    problem = selectors.get_problem(request.user, pk)
    if not services.can_track(request.user, problem):
        raise PermissionDenied(services.NOT_TRACKER)


def _review_guard(request: HttpRequest, pk: int) -> None:
    problem = selectors.get_problem(request.user, pk)
    if not can_review(request.user):
        raise PermissionDenied(services.NOT_REVIEWER)
    if not request.user.scope.contains(problem.problem_list.org_path):
        raise PermissionDenied("该问题清单不在您的审核范围内")


@require_http_methods(["GET", "POST"])
def problem_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _tracking_guard(request, pk)
    return _problem_action(
        request,
        pk,
        ProgressForm,
        "更新整改进度",
        lambda p, d: services.set_progress(actor=request.user, problem=p, **d),
        "已更新整改进度。",
    )


@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    _tracking_guard(request, pk)
    return _problem_action(
        request,
        pk,
        MilestoneForm,
        "增加整改节点",
        lambda p, d: services.add_milestone(actor=request.user, problem=p, **d),
        "已增加整改节点。",
    )


@require_http_methods(["GET", "POST"])
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = Milestone.objects.filter(pk=pk).first()
    if milestone is None:
        raise Http404("整改节点不存在")
    problem_pk = milestone.problem_id
    _tracking_guard(request, problem_pk)
    return _problem_action(
        request,
        problem_pk,
        MilestoneDoneForm,
        f"完成整改节点“{milestone.title}”",
        lambda p, d: services.complete_milestone(actor=request.user, milestone=milestone, **d),
        "已记录节点完成。",
    )


@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _tracking_guard(request, pk)
    return _problem_action(
        request,
        pk,
        FileForm,
        "上传佐证材料",
        lambda p, d: services.add_evidence(actor=request.user, problem=p, uploaded=d["file"]),
        "已上传佐证材料。",
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.get_evidence(request.user, pk))


@require_http_methods(["GET", "POST"])
def closure_request(request: HttpRequest, pk: int) -> HttpResponse:
    _tracking_guard(request, pk)
    return _problem_action(
        request,
        pk,
        ReasonForm,
        "申请销号",
        lambda p, d: services.request_closure(actor=request.user, problem=p, **d),
        "已申请销号，等待审核。",
    )


@require_http_methods(["GET", "POST"])
def closure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _review_guard(request, pk)
    return _problem_action(
        request,
        pk,
        DecisionForm,
        "审核销号",
        lambda p, d: services.decide_closure(
            actor=request.user, problem=p, approve=d["decision"] == "approve", reason=d["reason"]
        ),
        "已审核销号申请。",
    )


@require_http_methods(["GET", "POST"])
def problem_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    _review_guard(request, pk)
    return _problem_action(
        request,
        pk,
        ReasonForm,
        "重新整改",
        lambda p, d: services.reopen_problem(actor=request.user, problem=p, **d),
        "已重新整改。",
    )


# --- statistics -----------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    if is_tracker(request.user):
        raise PermissionDenied(selectors.TRACKER_REFUSED)
    rows = selectors.statistics(request.user, timezone.localdate())
    if request.GET.get("export") == "xlsx":
        return export_response("inquiry_statistics", rows)
    return render(request, "inquiries/statistics.html", {"rows": rows})
