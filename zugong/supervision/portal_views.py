"""Portal pages for the public (no login, no session, no messages framework).

What the reporter must keep (the receipt code) is shown only in the response to a POST, never in a
URL. Lookups by code answer every failure, including throttling, with the same sentence.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zugong.supervision import portal_services, pow, throttle, uploads
from zugong.supervision.models import (
    Channel,
    MessageVisibility,
    Report,
    ReportState,
)
from zugong.supervision.portal_forms import (
    AddInformationForm,
    ReportForm,
    StatusForm,
    active_notices,
)

# Flood limits on new reports, per hour (supervision.md §1.7: GlobaLeaks uses 5 per client and 20
# per tenant; here the limit is per channel).
REPORTS_PER_CLIENT_PER_HOUR = 5
REPORTS_PER_CHANNEL_PER_HOUR = 30
ADDITIONS_PER_CLIENT_PER_HOUR = 10
# Wrong receipt codes: per client, and for everyone together (a distributed guesser).
WRONG_CODES_PER_CLIENT = 5
WRONG_CODES_GLOBAL = 200
WRONG_CODE_WINDOW_SECONDS = 15 * 60
HOUR = 60 * 60

GENERIC_LOOKUP_ANSWER = "查询码不正确或暂时无法查询，请核对后再试"
POW_REFUSED = (
    "提交未通过安全校验（页面停留过久、已提交过或浏览器未启用 JavaScript）。"
    "内容仍在下面，请重新选择附件后再点“提交”。"
)
HONEYPOT_REFUSED = "提交未成功，请检查后再试。"

# What the reporter sees of the handling (the staff's steps in plain words).
PUBLIC_STATE = {
    ReportState.RECEIVED: "已收到，待受理",
    ReportState.REJECTED: "不予受理",
    ReportState.ACCEPTED: "已受理",
    ReportState.INVESTIGATING: "核查中",
    ReportState.ANSWERED: "已反馈",
    ReportState.CLOSED: "已办结",
}


def _client(request: HttpRequest) -> str:
    # Set by privacy.PortalPrivacyMiddleware: already a hash, never the address.
    return getattr(request, "portal_client", "")


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "portal/home.html",
        {"channels": Channel.choices, "notices": list(active_notices(today)[:20])},
    )


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@login_not_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request, "portal/notices.html", {"notices": list(active_notices(today)), "today": today}
    )


def _initial(request: HttpRequest) -> dict:
    initial: dict = {}
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        initial["channel"] = channel
    notice = request.GET.get("notice", "")
    if notice.isdigit() and len(notice) < 10:
        initial.update(channel=Channel.SELECTION, notice=int(notice))
    return initial


def _report_page(request: HttpRequest, form: ReportForm, status: int = 200) -> HttpResponse:
    # Each rendering gets a fresh one-time challenge: a refused form can be sent again.
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["pow_challenge"] = pow.new_challenge()
        form.data["pow_nonce"] = ""
    else:
        form.initial["pow_challenge"] = pow.new_challenge()
    return render(
        request,
        "portal/report_form.html",
        {
            "form": form,
            "max_files": uploads.MAX_FILES,
            "max_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
            "allowed_types": uploads.ALLOWED_TYPES_TEXT,
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "GET":
        return _report_page(request, ReportForm(initial=_initial(request), today=today))
    form = ReportForm(request.POST, today=today)
    valid = form.is_valid()
    if request.POST.get("website"):
        form.add_error(None, HONEYPOT_REFUSED)
        return _report_page(request, form)
    try:
        pow.check(request.POST.get("pow_challenge", ""), request.POST.get("pow_nonce", ""))
    except pow.ProofRefused:
        form.add_error(None, POW_REFUSED)
        return _report_page(request, form)
    files: list[uploads.CleanFile] = []
    try:
        files = uploads.check_uploads(request.FILES.getlist("files"))
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        valid = False
    if not valid:
        return _report_page(request, form)
    data = form.cleaned_data
    # Both limits count every accepted submission attempt; either one refuses.
    client_ok = throttle.hit(
        "portal-report-client", _client(request), REPORTS_PER_CLIENT_PER_HOUR, HOUR
    )
    channel_ok = throttle.hit(
        "portal-report-channel", data["channel"], REPORTS_PER_CHANNEL_PER_HOUR, HOUR
    )
    if not (client_ok and channel_ok):
        form.add_error(
            None,
            "提交过于频繁："
            + ("此渠道" if client_ok else "同一网络")
            + "一小时内收到的反映已达上限，请一小时后再提交。内容仍在下面，请先自行保存。",
        )
        return _report_page(request, form)
    try:
        new_report, code = portal_services.submit_report(
            channel=data["channel"],
            text=data["text"],
            subject_text=data.get("subject_text", ""),
            notice=data.get("notice"),
            org=data.get("org"),
            files=files,
            identity_name=data.get("name", ""),
            identity_contact=data.get("contact", ""),
            today=today,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _report_page(request, form)
    return render(
        request,
        "portal/receipt.html",
        {"code": code, "report": new_report, "first_time": True, "today": today},
    )


def _lookup(request: HttpRequest, code: str) -> Report | None:
    """The report with this code, or None for a wrong code and while lookups are throttled."""
    client = _client(request)
    blocked = throttle.is_blocked(
        "portal-code-client", client, WRONG_CODES_PER_CLIENT
    ) or throttle.is_blocked("portal-code-all", "all", WRONG_CODES_GLOBAL)
    # The slow hash runs even when blocked, so the answer's timing does not tell the two apart.
    found = portal_services.find_by_receipt(code)
    if blocked:
        return None
    if found is None:
        throttle.hit(
            "portal-code-client", client, WRONG_CODES_PER_CLIENT, WRONG_CODE_WINDOW_SECONDS
        )
        throttle.hit("portal-code-all", "all", WRONG_CODES_GLOBAL, WRONG_CODE_WINDOW_SECONDS)
    return found


def _status_page(
    request: HttpRequest,
    found: Report,
    code: str,
    add_form: AddInformationForm | None = None,
    added: bool = False,
) -> HttpResponse:
    messages = list(found.messages.filter(visibility=MessageVisibility.PUBLIC).order_by("id"))
    return render(
        request,
        "portal/status.html",
        {
            "report": found,
            "state_label": PUBLIC_STATE.get(found.state, found.get_state_display()),
            "rejected": found.state == ReportState.REJECTED,
            "messages_shown": messages,
            "can_add": portal_services.can_add_information(found),
            "add_form": add_form or AddInformationForm(initial={"code": code}),
            "added": added,
            "max_files": uploads.MAX_FILES,
            "max_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
            "allowed_types": uploads.ALLOWED_TYPES_TEXT,
        },
    )


def _generic_refusal(request: HttpRequest) -> HttpResponse:
    form = StatusForm()
    return render(
        request, "portal/status_form.html", {"form": form, "refused": GENERIC_LOOKUP_ANSWER}
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/status_form.html", {"form": StatusForm()})
    code = request.POST.get("code", "")[:40]
    found = _lookup(request, code)
    if found is None:
        return _generic_refusal(request)
    if found.receipt_must_change:
        # Filed by staff on the reporter's behalf: from now on only the reporter knows the code.
        new_code = portal_services.replace_receipt(found)
        return render(
            request,
            "portal/receipt.html",
            {"code": new_code, "report": found, "first_time": False},
        )
    return _status_page(request, found, code)


@login_not_required
@require_POST
def status_add(request: HttpRequest) -> HttpResponse:
    form = AddInformationForm(request.POST)
    code = request.POST.get("code", "")[:40]
    found = _lookup(request, code)
    if found is None or found.receipt_must_change:
        return _generic_refusal(request)
    if not form.is_valid():
        return _status_page(request, found, code, add_form=form)
    if not portal_services.can_add_information(found):
        form.add_error(None, f"补充信息：本件已{PUBLIC_STATE[found.state]}，不能再补充。")
        return _status_page(request, found, code, add_form=form)
    try:
        files = uploads.check_uploads(request.FILES.getlist("files"), already=found.files.count())
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _status_page(request, found, code, add_form=form)
    if not throttle.hit("portal-add-client", _client(request), ADDITIONS_PER_CLIENT_PER_HOUR, HOUR):
        form.add_error(None, "补充过于频繁：一小时内补充次数已达上限，请稍后再试。内容仍在下面。")
        return _status_page(request, found, code, add_form=form)
    try:
        portal_services.add_information(report=found, text=form.cleaned_data["text"], files=files)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _status_page(request, found, code, add_form=form)
    found.refresh_from_db()
    return _status_page(request, found, code, added=True)
