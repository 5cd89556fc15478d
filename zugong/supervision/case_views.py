"""Staff pages of case handling (/supervision/): the queue, a case and its steps, the sealed
identity, the custodian's requests, the handler list and the statistics.

Access is checked per case (case_selectors.get_case: 404 for a case one may not open), then the
role or the assignment the step needs (403); the state is checked by the service (a Chinese
message on the form).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zugong.accounts.models import Role, User
from zugong.core.downloads import name_download
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error, bounded_int, paginate
from zugong.supervision import case_rules, case_services, exports, stats
from zugong.supervision import case_selectors as selectors
from zugong.supervision.crypto import SealError, unseal, unseal_bytes
from zugong.supervision.forms import (
    AcceptForm,
    AnswerForm,
    AssignForm,
    CloseForm,
    HandlerProfileForm,
    IdentityDecisionForm,
    NoteForm,
    ReasonForm,
    RegisterForm,
    RejectForm,
    UnassignForm,
)
from zugong.supervision.models import (
    CaseAccess,
    Channel,
    HandlerProfile,
    IdentityRequest,
    Report,
    ReportResult,
    ReportState,
)

__all__ = ["exports"]  # registers the exporters


def _require_officer(request: HttpRequest) -> None:
    if not selectors.is_officer(request.user):
        raise PermissionDenied("只有干部监督科可以进行此项操作")


def _date_param(request: HttpRequest, name: str) -> date | None:
    try:
        return parse_date(request.GET.get(name, "").strip()[:10])
    except ValueError:
        return None


# --- the queue ---------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    channel = request.GET.get("channel", "")
    f = selectors.CaseFilters(
        q=request.GET.get("q", "").strip()[:20],
        state=state if state in ReportState.values else "",
        channel=channel if channel in Channel.values else "",
        overdue=request.GET.get("overdue") == "1",
        received_from=_date_param(request, "from"),
        received_to=_date_param(request, "to"),
        handler=bounded_int(request.GET.get("handler"), 1, 10**12),
    )
    today = timezone.localdate()
    qs = selectors.cases(request.user, f, today)
    if request.GET.get("export") == "xlsx":
        case_services.log_export(
            user=request.user, report_ids=list(qs.values_list("pk", flat=True))
        )
        return export_response("supervision_cases", qs, today)
    return render(
        request,
        "supervision/case_list.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "today": today,
            "states": ReportState.choices,
            "channels": Channel.choices,
            "handlers": list(selectors.handler_accounts())
            if selectors.sees_queue(request.user)
            else [],
            "is_queue": selectors.sees_queue(request.user),
            "is_officer": selectors.is_officer(request.user),
            "is_custodian": request.user.role == Role.CUSTODIAN,
            "can_stats": request.user.role in selectors.STATS_ROLES,
            # Reminders, overdue steps and escalations (督办) for the queue: numbers only.
            "deadline_findings": list(
                Finding.objects.filter(subject_type=case_rules.CASE_KIND).order_by(
                    "severity", "due_on"
                )[:50]
            )
            if selectors.sees_queue(request.user)
            else [],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def case_register(request: HttpRequest) -> HttpResponse:
    """来信来访 entered on the reporter's behalf; the temporary code is shown once, not stored."""
    _require_officer(request)
    form = RegisterForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report, code = case_services.register_on_behalf(
                actor=request.user,
                channel=d["channel"],
                text=d["text"],
                received_on=d["received_on"],
                subject_cadre=d["cadre"],
                subject_notice=d["notice"],
                subject_text=d["subject_text"],
                identity_name=d["identity_name"],
                identity_contact=d["identity_contact"],
                how=d["how"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return render(
                request, "supervision/case_registered.html", {"report": report, "code": code}
            )
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": "代为登记举报（来信来访）",
            "back": reverse("supervision:case_list"),
            "multipart": False,
        },
    )


# --- one case ----------------------------------------------------------------------------------


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_case(request.user, pk)
    case_services.log_access(user=request.user, report=report, action=CaseAccess.Action.VIEW)
    return render(request, "supervision/case_detail.html", _detail_context(request, report))


def _detail_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    user = request.user
    assigned = selectors.is_assigned(user, report)
    officer = selectors.is_officer(user)
    return {
        "report": report,
        "subject": selectors.subject_of(report),
        "messages_list": list(report.messages.select_related("author")),
        "files": list(report.files.all()),
        "events": list(report.events.select_related("actor")),
        "assignments": list(report.assignments.select_related("handler", "assigned_by")),
        "accesses": list(selectors.access_history(report)[:200]),
        "findings": list(
            Finding.objects.filter(subject_type=case_rules.CASE_KIND, subject_id=report.pk)
        ),
        "my_requests": list(report.identity_requests.filter(requested_by=user)),
        "can_see_identity": selectors.approved_identity_request(user, report) is not None,
        "identity_days": case_rules.identity_approval_days(timezone.localdate()),
        "assigned": assigned,
        "officer": officer,
        # A verified 举报 may become a 问题清单 item (inquiries), de-identified by the officer.
        "promotable": officer
        and report.state == ReportState.CLOSED
        and report.result in (ReportResult.TRUE, ReportResult.PARTLY_TRUE),
        "actions": [a for a in ACTIONS.values() if a.offered(report, user, assigned)],
    }


@require_GET
def case_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    report = selectors.get_case(request.user, pk)
    f = report.files.filter(pk=file_pk).first()
    if f is None:
        raise Http404("没有这个附件")
    try:
        with f.blob.open("rb") as fh:
            body = unseal_bytes(fh.read())
    except (OSError, SealError) as exc:
        # A missing or undecryptable file is reported, never a 500.
        raise Http404("附件文件缺失或无法解密，请联系系统管理员") from exc
    case_services.log_access(user=request.user, report=report, action=CaseAccess.Action.FILE)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Cache-Control"] = "no-store"
    return name_download(response, f.name or f"附件{f.pk}")


@never_cache
@require_GET
def case_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """The sealed identity, only after a custodian approved this user's written request."""
    report = selectors.get_case(request.user, pk)
    approved = selectors.approved_identity_request(request.user, report)
    if approved is None or not report.has_identity or not hasattr(report, "identity"):
        raise PermissionDenied("查看实名信息须先提出书面申请并经保管人批准")
    case_services.log_access(user=request.user, report=report, action=CaseAccess.Action.IDENTITY)
    identity = report.identity
    return render(
        request,
        "supervision/case_identity.html",
        {
            "report": report,
            "approved": approved,
            "name": unseal(identity.name_sealed),
            "contact": unseal(identity.contact_sealed),
        },
    )


# --- the steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One step on a case: who may take it, its form and the service it calls."""

    name: str
    title: str
    states: tuple[str, ...]  # offered on the case page in these states
    who: str  # "officer": the 干部监督科; "handler": an assigned handler; "reopen": REOPEN_ROLES
    make_form: Callable[[HttpRequest, Report], Any]
    run: Callable[[HttpRequest, Report, dict], str]  # returns the success message
    multipart: bool = False

    def allowed(self, user: User, assigned: bool) -> bool:
        if self.who == "officer":
            return selectors.is_officer(user)
        if self.who == "reopen":
            return user.role in selectors.REOPEN_ROLES
        return assigned

    def offered(self, report: Report, user: User, assigned: bool) -> bool:
        if self.name == "identity_request" and not report.has_identity:
            return False  # an anonymous report has no identity to ask for
        return report.state in self.states and self.allowed(user, assigned)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _assign_form(request: HttpRequest, report: Report) -> AssignForm:
    eligible = [c.user for c in selectors.candidates(report) if c.eligible]
    return AssignForm(_data(request), eligible=eligible)


def _unassign_form(request: HttpRequest, report: Report) -> UnassignForm:
    assigned = [a.handler for a in report.assignments.filter(active=True).select_related("handler")]
    return UnassignForm(_data(request), assigned=assigned)


def _run_note(request: HttpRequest, report: Report, d: dict) -> str:
    upload = d.get("evidence")
    case_services.add_note(
        actor=request.user,
        report=report,
        text=d["text"],
        evidence=upload.read() if upload else None,
        evidence_name=upload.name if upload else "",
        evidence_type=(upload.content_type or "application/octet-stream") if upload else "",
    )
    return "已记录核查情况。"


def _run_assign(request: HttpRequest, report: Report, d: dict) -> str:
    case_services.assign_case(
        actor=request.user, report=report, handlers=list(d["handlers"]), note=d["note"]
    )
    return "已分办。"


OPEN = (ReportState.RECEIVED, ReportState.ACCEPTED, ReportState.INVESTIGATING, ReportState.ANSWERED)
WORK = (ReportState.INVESTIGATING, ReportState.ANSWERED)

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "accept",
            "受理",
            (ReportState.RECEIVED,),
            "officer",
            lambda r, c: AcceptForm(_data(r)),
            lambda r, c, d: (
                case_services.accept_case(actor=r.user, report=c, note=d["note"]),
                "已受理。",
            )[1],
        ),
        Action(
            "reject",
            "不予受理",
            (ReportState.RECEIVED,),
            "officer",
            lambda r, c: RejectForm(_data(r)),
            lambda r, c, d: (
                case_services.reject_case(actor=r.user, report=c, reason=d["reason"]),
                "已不予受理。",
            )[1],
        ),
        Action(
            "assign", "分办", (ReportState.ACCEPTED, *WORK), "officer", _assign_form, _run_assign
        ),
        Action(
            "unassign",
            "撤回分办",
            WORK,
            "officer",
            _unassign_form,
            lambda r, c, d: (
                case_services.unassign_case(
                    actor=r.user, report=c, handler=d["handler"], reason=d["reason"]
                ),
                "已撤回分办。",
            )[1],
        ),
        Action(
            "note",
            "核查记录",
            WORK,
            "handler",
            lambda r, c: NoteForm(_data(r), r.FILES if r.method == "POST" else None),
            _run_note,
            multipart=True,
        ),
        Action(
            "answer",
            "反馈",
            WORK,
            "handler",
            lambda r, c: AnswerForm(_data(r)),
            lambda r, c, d: (
                case_services.answer_case(actor=r.user, report=c, text=d["text"]),
                "已反馈，反映人凭查询码可以看到。",
            )[1],
        ),
        Action(
            "close",
            "办结",
            (ReportState.ANSWERED,),
            "handler",
            lambda r, c: CloseForm(_data(r)),
            lambda r, c, d: (
                case_services.close_case(
                    actor=r.user, report=c, result=d["result"], note=d["note"]
                ),
                "已办结。",
            )[1],
        ),
        Action(
            "reopen",
            "重新办理",
            (ReportState.CLOSED, ReportState.REJECTED),
            "reopen",
            lambda r, c: ReasonForm(_data(r)),
            lambda r, c, d: (
                case_services.reopen_case(actor=r.user, report=c, reason=d["reason"]),
                "已重新办理。",
            )[1],
        ),
        Action(
            "identity_request",
            "申请查看实名信息",
            OPEN + (ReportState.CLOSED,),
            "handler",
            lambda r, c: ReasonForm(_data(r)),
            lambda r, c, d: (
                case_services.request_identity(actor=r.user, report=c, reason=d["reason"]),
                "已提交申请，待保管人审批。",
            )[1],
        ),
    ]
}


def case_action(name: str) -> Callable[..., HttpResponse]:
    action = ACTIONS[name]

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if action.who == "reopen":
            # Reopening works on the queue's metadata: the case content is not shown.
            report = selectors.get_case_meta(request.user, pk)
            assigned = False
        else:
            report = selectors.get_case(request.user, pk)
            assigned = selectors.is_assigned(request.user, report)
        if not action.allowed(request.user, assigned):
            raise PermissionDenied(f"您不能对本件进行“{action.title}”")
        form = action.make_form(request, report)
        if request.method == "POST" and form.is_valid():
            try:
                message = action.run(request, report, form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, message)
                # After 分办 or reopening the case may no longer be this account's to open.
                if not selectors.openable(request.user).filter(pk=report.pk).exists():
                    return redirect("supervision:case_list")
                return redirect("supervision:case_detail", pk=report.pk)
        state_problem = (
            ""
            if report.state in action.states
            else (f"本件当前状态为“{report.get_state_display()}”，不能{action.title}。")
        )
        candidates = selectors.candidates(report) if name == "assign" else []
        return render(
            request,
            "supervision/form.html",
            {
                "form": form,
                "title": f"{action.title}：举报件 {report.number}",
                "back": reverse("supervision:case_detail", args=[report.pk])
                if action.who != "reopen"
                else reverse("supervision:case_list"),
                "multipart": action.multipart,
                "state_problem": state_problem,
                "candidates": candidates,
                "testid": f"action-{name}",
            },
        )

    view.__name__ = f"case_{name}"
    return view


# --- the custodian -----------------------------------------------------------------------------


def _require_custodian(request: HttpRequest) -> None:
    if request.user.role != Role.CUSTODIAN:
        raise PermissionDenied("只有举报人身份保管人可以审批实名信息查看申请")


@require_GET
def identity_requests(request: HttpRequest) -> HttpResponse:
    _require_custodian(request)
    qs = selectors.identity_requests_for_custodian()
    return render(
        request, "supervision/identity_requests.html", {"page_obj": paginate(request, qs)}
    )


@require_http_methods(["GET", "POST"])
def identity_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_custodian(request)
    req = selectors.identity_requests_for_custodian().filter(pk=pk).first()
    if req is None:
        raise Http404("没有这份申请")
    form = IdentityDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.decide_identity_request(
                actor=request.user,
                request=req,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已审批。")
            return redirect("supervision:identity_requests")
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": f"审批实名信息查看申请：举报件 {req.report.number}",
            "intro": f"申请人：{req.requested_by}；申请理由：{req.reason}",
            "back": reverse("supervision:identity_requests"),
            "state_problem": ""
            if req.state == IdentityRequest.State.PENDING
            else "该申请已经审批过。",
            "testid": "identity-decide",
        },
    )


# --- handlers ----------------------------------------------------------------------------------


@require_GET
def handler_list(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    profiles = selectors.handler_profiles()
    return render(
        request,
        "supervision/handler_list.html",
        {"page_obj": paginate(request, profiles), "no_cadre": selectors.NO_CADRE_FLAG},
    )


def _profile_form(request: HttpRequest, profile: HandlerProfile | None) -> HandlerProfileForm:
    users = User.objects.filter(is_active=True).order_by("username")
    if profile is not None:
        users = users.filter(pk=profile.user_id)
    initial = {}
    if profile is not None:
        initial = {
            "user": profile.user_id,
            "cadre_name": profile.cadre.name if profile.cadre else "",
            "cadre_unit": profile.cadre.unit.name if profile.cadre else "",
            "active": profile.active,
            "note": profile.note,
        }
    return HandlerProfileForm(
        request.POST or None, users=users, initial=initial or {"active": True}
    )


@require_http_methods(["GET", "POST"])
def handler_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_officer(request)
    profile = None
    if pk is not None:
        profile = HandlerProfile.objects.select_related("cadre__unit").filter(pk=pk).first()
        if profile is None:
            raise Http404("没有这名承办人")
    form = _profile_form(request, profile)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case_services.save_handler_profile(
                actor=request.user,
                user=d["user"],
                cadre=d["cadre"],
                active=d["active"],
                note=d["note"],
                profile=profile,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存承办人。")
            return redirect("supervision:handler_list")
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": "承办人" if profile else "增加承办人",
            "back": reverse("supervision:handler_list"),
            "history_entries": history_entries(profile) if profile else None,
        },
    )


# --- statistics --------------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    if request.user.role not in selectors.STATS_ROLES:
        raise PermissionDenied("您的角色不能查看举报统计")
    this = timezone.localdate().year
    year = bounded_int(request.GET.get("year"), 2000, this + 1)
    s = stats.case_statistics(year=year)
    if request.GET.get("export") == "xlsx":
        return export_response("supervision_stats", s)
    return render(
        request,
        "supervision/stats.html",
        {"s": s, "year": year, "years": list(range(this, this - 6, -1))},
    )
