"""Pages of 组织关系转接, 流动党员, 失联党员 and 出党: thin views over the services and selectors.

Reads go through the selectors (out of scope is a 404); every write goes through a service, whose
Chinese ValidationError is shown beside the field it names; a read-only account gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.accounts.models import User
from zugong.core.documents import pdf_response
from zugong.core.downloads import docx_response
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error, paginate
from zugong.members import selectors as member_selectors
from zugong.members.models import Member
from zugong.orgs import selectors as org_selectors
from zugong.transfers import forms as F
from zugong.transfers import selectors, services
from zugong.transfers.documents import letter_docx
from zugong.transfers.models import (
    ApprovalCase,
    CaseStatus,
    FlowDirection,
    Level,
    LostStatus,
    QuitCase,
    QuitKind,
    Transfer,
    TransferKind,
)
from zugong.transfers.pdf import letter_pdf
from zugong.transfers.selectors import QUEUE_TABS, QueueFilters

PERM = "transfers.act"
DETAIL_TABS = {"info": "基本信息", "chain": "审批流程", "findings": "发现的问题", "history": "历史"}
QUIT_TABS = {"info": "基本信息", "chain": "审批流程", "history": "历史"}


def _today() -> date:
    return timezone.localdate()


def _require_writer(request: HttpRequest, obj: object = None) -> None:
    if not request.user.has_perm(PERM, obj):
        raise PermissionDenied("您的角色没有此项操作权限（只读账号不能办理转接）")


def _level(user: User) -> int | None:
    """The approval level the account acts at; None for a read-only account."""
    if not user.can_write:
        return None
    try:
        return services.actor_level(user)
    except PermissionError:
        return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _choice(value: str, allowed: list[str]) -> str:
    return value if value in allowed else ""


def _member_from_get(request: HttpRequest) -> Member | None:
    value = request.GET.get("member", "")
    return member_selectors.get_member(request.user, int(value)) if value.isdigit() else None


def _save(form: Form, call: Callable[[], Any]) -> Any:
    """Run a service; its ValidationError lands on the form, a level refusal as a form error."""
    try:
        return call()
    except ValidationError as exc:
        add_validation_error(form, exc)
    except PermissionError as exc:
        form.add_error(None, str(exc))
    return None


# --- the queue ----------------------------------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    g = request.GET
    level = _level(request.user)
    default_tab = "todo" if level else "doing"
    f = QueueFilters(
        tab=g.get("tab") if g.get("tab") in QUEUE_TABS else default_tab,
        q=g.get("q", "").strip()[:40],
        kind=_choice(g.get("kind", ""), TransferKind.values),
        status=_choice(g.get("status", ""), CaseStatus.values),
        date_from=_date(g.get("date_from", "")),
        date_to=_date(g.get("date_to", "")),
    )
    today = _today()
    qs = selectors.transfer_queue(request.user, level, f, today)
    if g.get("export") == "xlsx":
        return export_response("transfers", qs)
    return render(
        request,
        "transfers/queue.html",
        {
            "page_obj": paginate(request, qs),
            "f": f,
            "tabs": QUEUE_TABS,
            "counts": selectors.queue_counts(request.user, level, today),
            "kinds": TransferKind.choices,
            "statuses": CaseStatus.choices,
            "level_label": Level(level).label if level else "",
            "can_write": request.user.can_write,
            "today": today,
        },
    )


# --- one transfer: data, the chain, the actions -----------------------------------------------


def _return_steps(case: ApprovalCase) -> list[tuple[str, str]]:
    steps = [("", "退回申请方修改")]
    steps += [(str(i), f"退回至{Level(case.chain[i]).label}") for i in range(case.step)]
    return steps


def case_actions(user: User, case: ApprovalCase) -> list[str]:
    """The approval actions this account may take on the case now (transfers and 出党 alike)."""
    level = _level(user)
    if level is None or not user.scope.contains(case.org_path):
        return []
    actions = []
    current = case.current_level
    if current is not None:
        if level == current:
            actions.append("approve")
        if level >= current:
            actions.append("return")
    if (case.status == CaseStatus.PENDING and case.step == 0) or case.status == (
        CaseStatus.RETURNED
    ):
        actions.append("withdraw")
    if case.status == CaseStatus.RETURNED:
        actions.append("resubmit")
    return actions


def transfer_actions(user: User, t: Transfer) -> list[str]:
    """Every action this account may take on the transfer now, in the order of the flow."""
    level = _level(user)
    if level is None:
        return []
    actions = case_actions(user, t)
    mine = user.scope.contains(t.org_path)
    if t.status == CaseStatus.APPROVED and mine and level >= Level.COMMITTEE:
        actions.append("issue_letter")
    if t.status == CaseStatus.AWAITING_RECEIPT:
        if t.kind == TransferKind.OUT and mine:
            actions.append("record_receipt")
        if t.kind == TransferKind.WITHIN and user.scope.contains(t.to_org_path):
            actions.append("receive")
    if t.kind == TransferKind.IN and t.status == CaseStatus.REGISTERED and mine:
        actions.append("assign")
        if t.to_org_id:
            actions.append("accept")
    return actions


ACTION_LABELS = {
    "approve": "审核通过",
    "return": "退回",
    "withdraw": "撤回申请",
    "resubmit": "重新提交",
    "issue_letter": "开具介绍信",
    "record_receipt": "登记回执",
    "receive": "接收党员",
    "assign": "分配党支部",
    "accept": "接收并发出回执",
}


def _action_form(name: str, user: User, case: ApprovalCase, data: Any = None) -> Form:
    today = _today()
    if name == "return":
        return F.ReturnForm(data, steps=_return_steps(case), prefix=name)
    if name == "issue_letter":
        assert isinstance(case, Transfer)
        return F.IssueLetterForm(
            data,
            issuers=selectors.issuer_choices(user, case),
            prefix=name,
            initial={"issued_on": today, "dues_paid_to": today.replace(day=1)},
        )
    if name == "record_receipt":
        assert isinstance(case, Transfer)
        return F.ReceiptForm(
            data, prefix=name, initial={"receipt_on": today, "receipt_org_name": case.to_org_name}
        )
    if name == "receive":
        return F.ReceiveForm(data, prefix=name, initial={"received_on": today})
    if name == "assign":
        return F.AssignForm(data, branches=org_selectors.branches_in_scope(user), prefix=name)
    if name == "accept":
        return F.AcceptForm(data, prefix=name, initial={"received_on": today, "receipt_on": today})
    return F.ActionForm(data, prefix=name)


def _run_action(name: str, user: User, case: ApprovalCase, cd: dict[str, Any]) -> None:
    """Call the service for the action with the cleaned form data."""
    if name == "approve":
        services.approve(actor=user, case=case, remark=cd["remark"])
    elif name == "return":
        to = cd["to_step"]
        services.return_case(
            actor=user, case=case, to_step=int(to) if to else None, reason=cd["reason"]
        )
    elif name == "withdraw":
        services.withdraw(actor=user, case=case, reason=cd["remark"])
    elif name == "resubmit":
        services.resubmit(actor=user, case=case, remark=cd["remark"])
    elif name == "issue_letter":
        services.issue_letter(
            actor=user,
            transfer=case,  # type: ignore[arg-type]
            issuer=cd["issuer"],
            issued_on=cd["issued_on"],
            dues_paid_to=cd["dues_paid_to"],
            number=cd["number"],
            valid_until=cd["valid_until"],
        )
    elif name == "record_receipt":
        services.record_receipt(
            actor=user,
            transfer=case,  # type: ignore[arg-type]
            receipt_on=cd["receipt_on"],
            receipt_org_name=cd["receipt_org_name"],
            received_on=cd["received_on"],
        )
    elif name == "receive":
        services.receive_within(actor=user, transfer=case, received_on=cd["received_on"])  # type: ignore[arg-type]
    elif name == "assign":
        services.assign_branch(actor=user, transfer=case, to_org=cd["to_org"])  # type: ignore[arg-type]
    elif name == "accept":
        services.accept_transfer_in(
            actor=user,
            transfer=case,  # type: ignore[arg-type]
            received_on=cd["received_on"],
            receipt_on=cd["receipt_on"],
        )


def _handle_action(
    request: HttpRequest, case: ApprovalCase, available: list[str]
) -> tuple[HttpResponse | None, dict[str, Form]]:
    """POST of one action: a redirect when done, else the forms with the posted one bound."""
    user = request.user
    forms = {name: _action_form(name, user, case) for name in available}
    name = request.POST.get("action", "")
    if name not in available:
        messages.error(
            request,
            "操作：该操作当前不可办理（办理状态已变化，或不由本账号所在层级办理），请刷新后重试。"
            if name
            else "操作：请选择要办理的操作。",
        )
        return None, forms
    form = _action_form(name, user, case, request.POST)
    forms[name] = form
    if form.is_valid():
        try:
            _run_action(name, user, case, form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        except PermissionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已{ACTION_LABELS[name]}。")
            return redirect(request.path), forms
    messages.error(request, f"{ACTION_LABELS[name]}未完成，请按提示修改。")
    return None, forms


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    t = selectors.get_transfer(request.user, pk)
    if request.method == "POST" and not request.user.can_write:
        raise PermissionDenied("您的角色没有此项操作权限（只读账号不能办理转接）")
    available = transfer_actions(request.user, t)
    forms: dict[str, Form]
    if request.method == "POST":
        response, forms = _handle_action(request, t, available)
        if response is not None:
            return response
        t = selectors.get_transfer(request.user, pk)
    else:
        forms = {name: _action_form(name, request.user, t) for name in available}
    tab = request.GET.get("tab", "info")
    tab = tab if tab in DETAIL_TABS else "info"
    context: dict[str, Any] = {
        "t": t,
        "tab": tab,
        "tabs": DETAIL_TABS,
        "action_forms": [(n, ACTION_LABELS[n], forms[n]) for n in available],
        "actions_log": selectors.transfer_actions(request.user, t),
        "chain_steps": _chain_steps(t),
        "findings_count": Finding.objects.filter(subject_type="transfer", subject_id=t.pk).count(),
        "has_letter": bool(t.letter_number) and t.kind != TransferKind.IN,
    }
    if t.kind == TransferKind.OUT and t.is_open and t.member_id:
        total, months = services.member_arrears_total(request.user, t.member, _today())
        context["arrears"] = (total, months) if total > 0 else None
    if tab == "findings":
        context["findings"] = Finding.objects.filter(subject_type="transfer", subject_id=t.pk)
    elif tab == "history":
        context["history_entries"] = history_entries(t)
    return render(request, "transfers/detail.html", context)


def _chain_steps(case: ApprovalCase) -> list[dict[str, Any]]:
    """The chain as the page shows it: each level, done / current / to come."""
    steps = []
    for i, level in enumerate(case.chain):
        if case.status in (CaseStatus.PENDING,):
            state = "done" if i < case.step else ("current" if i == case.step else "todo")
        elif case.status in (CaseStatus.RETURNED, CaseStatus.WITHDRAWN):
            state = "todo"
        else:
            state = "done"
        steps.append({"label": Level(level).label, "state": state})
    return steps


# --- applying, registering --------------------------------------------------------------------


def _arrears(user: User, member: Member) -> tuple[Any, str] | None:
    total, months = services.member_arrears_total(user, member, _today())
    return (total, months) if total > 0 else None


@require_http_methods(["GET", "POST"])
def apply_out(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.get_member(request.user, pk)
    _require_writer(request, member)
    form = F.ApplyOutForm(request.POST or None, initial={"applied_on": _today()})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        t = _save(
            form,
            lambda: services.apply_transfer_out(
                actor=request.user,
                member=member,
                to_org_name=cd["to_org_name"],
                reason=cd["reason"],
                applied_on=cd["applied_on"],
            ),
        )
        if t is not None:
            messages.success(request, f"已提出{member.name}转出县外的申请，等待审核。")
            return redirect("transfers:detail", pk=t.pk)
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": f"转出县外申请：{member.name}",
            "member": member,
            "arrears": _arrears(request.user, member),
            "open_transfer": selectors.open_transfer_of(request.user, member),
            "cancel_url": reverse("transfers:member_history", args=[member.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def apply_within(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.get_member(request.user, pk)
    _require_writer(request, member)
    branches = selectors.county_branches(member.org).exclude(pk=member.org_id)
    form = F.ApplyWithinForm(
        request.POST or None, branches=branches, initial={"applied_on": _today()}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        t = _save(
            form,
            lambda: services.apply_transfer_within(
                actor=request.user,
                member=member,
                to_org=cd["to_org"],
                reason=cd["reason"],
                applied_on=cd["applied_on"],
            ),
        )
        if t is not None:
            messages.success(request, f"已提出{member.name}县内转接的申请，等待审核。")
            return redirect("transfers:detail", pk=t.pk)
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": f"县内转接申请：{member.name}",
            "member": member,
            "open_transfer": selectors.open_transfer_of(request.user, member),
            "cancel_url": reverse("transfers:member_history", args=[member.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def register_in(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    today = _today()
    form = F.RegisterInForm(
        request.POST or None,
        branches=org_selectors.branches_in_scope(request.user),
        initial={"registered_on": today},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = services.IncomingPerson(
            name=cd["person_name"],
            gender=cd["person_gender"],
            id_number=cd["person_id_number"],
            birth_date=cd["person_birth_date"],
            member_type=cd["person_member_type"],
            joined_on=cd["person_joined_on"],
            confirmed_on=cd["person_confirmed_on"],
            phone=cd["person_phone"],
        )
        t = _save(
            form,
            lambda: services.register_transfer_in(
                actor=request.user,
                person=person,
                from_org_name=cd["from_org_name"],
                letter_number=cd["letter_number"],
                issued_on=cd["issued_on"],
                valid_until=cd["valid_until"],
                dues_paid_to=cd["dues_paid_to"],
                to_org=cd["to_org"],
                registered_on=cd["registered_on"],
                reason=cd["reason"],
            ),
        )
        if t is not None:
            messages.success(request, f"已登记{t.person_name}的转入介绍信。")
            return redirect("transfers:detail", pk=t.pk)
    return render(
        request,
        "transfers/form.html",
        {"form": form, "title": "登记县外转入", "cancel_url": reverse("transfers:queue")},
    )


@require_GET
def letter_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    t = selectors.get_transfer(request.user, pk)
    if not t.letter_number or t.kind == TransferKind.IN or t.member_id is None:
        raise Http404("该转接尚未开具介绍信")
    return docx_response(f"组织关系介绍信-{t.subject_name}-{t.letter_number}.docx", letter_docx(t))


@require_GET
def letter_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same 介绍信 as letter_docx_view, as PDF for printing as-is."""
    t = selectors.get_transfer(request.user, pk)
    if not t.letter_number or t.kind == TransferKind.IN or t.member_id is None:
        raise Http404("该转接尚未开具介绍信")
    name = f"组织关系介绍信-{t.subject_name}-{t.letter_number}.pdf"
    return pdf_response(name, letter_pdf(t))


@require_GET
def member_history(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_selectors.get_member(request.user, pk)
    return render(
        request,
        "transfers/member_history.html",
        {
            "member": member,
            "transfers": selectors.member_transfers(request.user, member),
            **selectors.member_cases(request.user, member),
            "can_write": request.user.has_perm(PERM, member),
        },
    )


# --- 流动党员 -----------------------------------------------------------------------------------


@require_GET
def flows(request: HttpRequest) -> HttpResponse:
    g = request.GET
    q = g.get("q", "").strip()[:40]
    direction = _choice(g.get("direction", ""), FlowDirection.values)
    state = _choice(g.get("state", ""), ["open", "ended"])
    qs = selectors.flow_list(request.user, q, direction, state)
    if g.get("export") == "xlsx":
        return export_response("transfer_flows", qs)
    return render(
        request,
        "transfers/flows.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "direction": direction,
            "state": state,
            "directions": FlowDirection.choices,
            "can_write": request.user.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def flow_create_out(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    member = _member_from_get(request)
    initial: dict[str, Any] = {"started_on": _today()}
    if member is not None:
        initial["member_id_number"] = member.id_number
    form = F.FlowOutForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        record = _save(
            form,
            lambda: services.register_outflow(
                actor=request.user,
                member=form.member,
                destination=cd["destination"],
                destination_org_name=cd["destination_org_name"],
                reason=cd["reason"],
                started_on=cd["started_on"],
                expected_until=cd["expected_until"],
                settled=cd["settled"],
                card_number=cd["card_number"],
            ),
        )
        if record is not None:
            messages.success(request, f"已登记{record.person_name}外出流动。")
            return redirect("transfers:flows")
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": "登记流出党员",
            "member": member,
            "cancel_url": reverse("transfers:flows"),
        },
    )


@require_http_methods(["GET", "POST"])
def flow_create_in(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = F.FlowInForm(
        request.POST or None,
        branches=org_selectors.branches_in_scope(request.user),
        initial={"started_on": _today()},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        record = _save(
            form,
            lambda: services.register_inflow(
                actor=request.user,
                host_org=cd["host_org"],
                person_name=cd["person_name"],
                person_id_number=cd["person_id_number"],
                origin=cd["origin"],
                origin_org_name=cd["origin_org_name"],
                reason=cd["reason"],
                started_on=cd["started_on"],
                expected_until=cd["expected_until"],
                settled=cd["settled"],
                card_number=cd["card_number"],
                phone=cd["phone"],
            ),
        )
        if record is not None:
            messages.success(request, f"已登记{record.person_name}流入。")
            return redirect("transfers:flows")
    return render(
        request,
        "transfers/form.html",
        {"form": form, "title": "登记流入党员", "cancel_url": reverse("transfers:flows")},
    )


@require_http_methods(["GET", "POST"])
def flow_end(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_flow(request.user, pk)
    _require_writer(request, record)
    form = F.FlowEndForm(request.POST or None, initial={"ended_on": _today()})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        done = _save(
            form,
            lambda: services.end_flow(
                actor=request.user, record=record, ended_on=cd["ended_on"], note=cd["note"]
            ),
        )
        if done is not None:
            messages.success(request, f"已结束{record}的流动记录。")
            return redirect("transfers:flows")
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": f"结束流动：{record}",
            "record": record,
            "history": history_entries(record),
            "cancel_url": reverse("transfers:flows"),
        },
    )


# --- 失联党员 -----------------------------------------------------------------------------------


@require_GET
def lost(request: HttpRequest) -> HttpResponse:
    g = request.GET
    q = g.get("q", "").strip()[:40]
    status = _choice(g.get("status", ""), LostStatus.values)
    qs = selectors.lost_list(request.user, q, status)
    if g.get("export") == "xlsx":
        return export_response("transfer_lost", qs)
    return render(
        request,
        "transfers/lost.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "status": status,
            "statuses": LostStatus.choices,
            "can_write": request.user.can_write,
            "today": _today(),
        },
    )


@require_http_methods(["GET", "POST"])
def lost_report(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    member = _member_from_get(request)
    initial: dict[str, Any] = {"reported_on": _today()}
    if member is not None:
        initial["member_id_number"] = member.id_number
    form = F.LostReportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        record = _save(
            form,
            lambda: services.report_lost(
                actor=request.user,
                member=form.member,
                lost_since=cd["lost_since"],
                reported_on=cd["reported_on"],
                search_note=cd["search_note"],
            ),
        )
        if record is not None:
            messages.success(request, f"已登记{record.member.name}为失联党员。")
            return redirect("transfers:lost")
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": "登记失联党员",
            "member": member,
            "cancel_url": reverse("transfers:lost"),
        },
    )


def _lost_step(
    request: HttpRequest, pk: int, form_class: type[Form], title: str, call: Callable
) -> HttpResponse:
    record = selectors.get_lost(request.user, pk)
    _require_writer(request, record)
    form = form_class(request.POST or None, initial={"on": _today()})
    done = (
        request.method == "POST"
        and form.is_valid()
        and _save(form, lambda: call(request.user, record, form.cleaned_data)) is not None
    )
    if done:
        messages.success(request, f"已{title}：{record.member.name}。")
        return redirect("transfers:lost")
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": f"{title}：{record.member.name}",
            "record": record,
            "lost_record": record,
            "history": history_entries(record),
            "cancel_url": reverse("transfers:lost"),
        },
    )


@require_http_methods(["GET", "POST"])
def lost_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _lost_step(
        request,
        pk,
        F.LostSuspendForm,
        "停止党籍",
        lambda user, record, cd: services.suspend_lost_member(
            actor=user, record=record, on=cd["on"], decision=cd["decision"]
        ),
    )


@require_http_methods(["GET", "POST"])
def lost_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _lost_step(
        request,
        pk,
        F.LostRestoreForm,
        "恢复联系",
        lambda user, record, cd: services.restore_contact(
            actor=user, record=record, on=cd["on"], note=cd["note"]
        ),
    )


# --- 出党 --------------------------------------------------------------------------------------


@require_GET
def quit_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    q = g.get("q", "").strip()[:40]
    kind = _choice(g.get("kind", ""), QuitKind.values)
    status = _choice(g.get("status", ""), CaseStatus.values)
    qs = selectors.quit_list(request.user, q, kind, status)
    if g.get("export") == "xlsx":
        return export_response("transfer_quits", qs)
    return render(
        request,
        "transfers/quit_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "kind": kind,
            "status": status,
            "kinds": QuitKind.choices,
            "statuses": CaseStatus.choices,
            "can_write": request.user.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
def quit_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    member = _member_from_get(request)
    today = _today()
    initial: dict[str, Any] = {"applied_on": today, "decision_on": today}
    if member is not None:
        initial["member_id_number"] = member.id_number
    form = F.QuitForm(
        request.POST or None,
        user=request.user,
        lost_records=selectors.open_lost_records(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        case = _save(
            form,
            lambda: services.apply_quit(
                actor=request.user,
                member=form.member,
                kind=cd["kind"],
                decision_on=cd["decision_on"],
                decision_note=cd["decision_note"],
                reason=cd["reason"],
                applied_on=cd["applied_on"],
                lost_contact=cd["lost_contact"],
            ),
        )
        if case is not None:
            messages.success(request, f"已提出{case.member.name}的出党申请，等待审批。")
            return redirect("transfers:quit_detail", pk=case.pk)
    return render(
        request,
        "transfers/form.html",
        {
            "form": form,
            "title": "出党（退党、劝退、除名、开除党籍）",
            "member": member,
            "cancel_url": reverse("transfers:quit_list"),
        },
    )


@require_http_methods(["GET", "POST"])
def quit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case: QuitCase = selectors.get_quit_case(request.user, pk)
    if request.method == "POST" and not request.user.can_write:
        raise PermissionDenied("您的角色没有此项操作权限（只读账号不能办理出党）")
    available = case_actions(request.user, case)
    if request.method == "POST":
        response, forms = _handle_action(request, case, available)
        if response is not None:
            return response
        case = selectors.get_quit_case(request.user, pk)
    else:
        forms = {name: _action_form(name, request.user, case) for name in available}
    tab = request.GET.get("tab", "info")
    tab = tab if tab in QUIT_TABS else "info"
    context: dict[str, Any] = {
        "case": case,
        "tab": tab,
        "tabs": QUIT_TABS,
        "action_forms": [(n, ACTION_LABELS[n], forms[n]) for n in available],
        "actions_log": selectors.quit_actions(request.user, case),
        "chain_steps": _chain_steps(case),
    }
    if tab == "history":
        context["history_entries"] = history_entries(case)
    return render(request, "transfers/quit_detail.html", context)


urlpatterns = [
    path("", queue, name="queue"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/letter.docx", letter_docx_view, name="letter_docx"),
    path("<int:pk>/letter.pdf", letter_pdf_view, name="letter_pdf"),
    path("members/<int:pk>/", member_history, name="member_history"),
    path("members/<int:pk>/out/", apply_out, name="apply_out"),
    path("members/<int:pk>/within/", apply_within, name="apply_within"),
    path("in/new/", register_in, name="register_in"),
    path("flows/", flows, name="flows"),
    path("flows/out/new/", flow_create_out, name="flow_create_out"),
    path("flows/in/new/", flow_create_in, name="flow_create_in"),
    path("flows/<int:pk>/end/", flow_end, name="flow_end"),
    path("lost/", lost, name="lost"),
    path("lost/new/", lost_report, name="lost_report"),
    path("lost/<int:pk>/suspend/", lost_suspend, name="lost_suspend"),
    path("lost/<int:pk>/restore/", lost_restore, name="lost_restore"),
    path("quit/", quit_list, name="quit_list"),
    path("quit/new/", quit_create, name="quit_create"),
    path("quit/<int:pk>/", quit_detail, name="quit_detail"),
]
