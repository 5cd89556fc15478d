"""Meeting record pages: the ledger list, the record with tabs, quick entry, files, the .docx."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.downloads import docx_response, name_download
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.models import Finding
from zugong.core.views import add_validation_error, bounded_int, paginate
from zugong.life import selectors, services
from zugong.life.documents import meeting_docx
from zugong.life.forms import MeetingForm, UploadForm, attendance_from_post, initial_from
from zugong.life.models import AttendanceStatus, FileKind, Meeting, MeetingCategory
from zugong.life.selectors import LIST_COLUMNS, MeetingFilters
from zugong.members.models import Member
from zugong.orgs import selectors as org_selectors
from zugong.orgs.models import Organization

TABS = {
    "info": "基本信息",
    "attendance": "出席情况",
    "files": "附件",
    "findings": "发现的问题",
    "history": "历史",
}
# A roster longer than this (a county committee's whole subtree) is not ticked person by person
# on a phone: the form says so and the attendance goes through the 一张表 import.
ROSTER_FORM_LIMIT = 300
# Writers of meeting records: a writing role, on a record inside the scope (accounts/permissions).
PERM = "life.edit_meeting"


def _require_writer(request: HttpRequest, obj: object = None) -> None:
    if not request.user.has_perm(PERM, obj):
        raise PermissionDenied("您的角色没有此项操作权限（只读账号不能登记或修改会议记录）")


def _int(value: str, low: int, high: int) -> int | None:
    return bounded_int(value, low, high)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _filters(request: HttpRequest) -> tuple[MeetingFilters, Organization | None]:
    g = request.GET
    org = None
    if g.get("org", "").isdigit():
        org = org_selectors.get_org(request.user, int(g["org"]))
    category = g.get("category", "")
    f = MeetingFilters(
        q=g.get("q", "").strip()[:40],
        org_path=org.path if org else "",
        meeting_type=_int(g.get("type", ""), 1, 10**9),
        category=category if category in MeetingCategory.values else "",
        year=_int(g.get("year", ""), 1921, 2100),
        month=_int(g.get("month", ""), 1, 12),
        date_from=_date(g.get("date_from", "")),
        date_to=_date(g.get("date_to", "")),
        quorum=g.get("quorum", "") if g.get("quorum", "") in ("met", "unmet") else "",
    )
    return f, org


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    f, org = _filters(request)
    qs = selectors.meeting_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("meetings", qs)
    this_year = timezone.localdate().year
    return render(
        request,
        "life/meetings/list.html",
        {
            "page_obj": paginate(request, qs.only(*LIST_COLUMNS)),
            "f": f,
            "filter_org": org,
            "types": list(selectors.meeting_types()),
            "categories": MeetingCategory.choices,
            "years": list(range(this_year, this_year - 6, -1)),
            "months": list(range(1, 13)),
            "can_create": request.user.can_write,
        },
    )


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in TABS:
        tab = "info"
    context: dict[str, object] = {
        "meeting": meeting,
        "tab": tab,
        "tabs": TABS,
        "can_edit": request.user.has_perm(PERM, meeting),
        "findings_count": Finding.objects.filter(
            subject_type="meeting", subject_id=meeting.pk
        ).count(),
    }
    if tab == "attendance":
        context["attendances"] = selectors.attendances(meeting)
    elif tab == "files":
        files = list(selectors.meeting_files(meeting))
        context["photos"] = [f for f in files if f.kind == FileKind.PHOTO]
        context["documents"] = [f for f in files if f.kind == FileKind.DOCUMENT]
        context["upload_form"] = UploadForm()
    elif tab == "findings":
        context["findings"] = Finding.objects.filter(subject_type="meeting", subject_id=meeting.pk)
    elif tab == "history":
        context["history_entries"] = history_entries(meeting)
    return render(request, "life/meetings/detail.html", context)


def _roster_context(
    org: Organization | None, meeting: Meeting | None = None, data: object = None
) -> dict[str, object]:
    """The roster rows for the form: everyone present unless recorded or posted otherwise."""
    if org is None:
        return {"roster_org": None, "roster": [], "roster_too_long": False}
    roster_qs = selectors.roster_members(org)
    size = roster_qs.count()
    if size > ROSTER_FORM_LIMIT:
        # Counted, not loaded: a county committee's subtree has thousands of members.
        return {"roster_org": org, "roster": [], "roster_too_long": True, "roster_size": size}
    members = list(roster_qs.only("name", "member_type", "org_path"))
    recorded: dict[int, tuple[str, str]] = {}
    if meeting is not None:
        recorded = {
            a.member_id: (a.status, a.reason)
            for a in meeting.attendances.only("member_id", "status", "reason")
        }
        known = {m.pk for m in members}
        extra = [pk for pk in recorded if pk not in known]
        if extra:
            members += list(Member.objects.filter(pk__in=extra).only("name", "member_type"))
    if len(members) > ROSTER_FORM_LIMIT:
        return {
            "roster_org": org,
            "roster": [],
            "roster_too_long": True,
            "roster_size": len(members),
        }
    rows = []
    for m in members:
        status, reason = recorded.get(m.pk, (AttendanceStatus.PRESENT, ""))
        if data is not None and f"att_{m.pk}" in data:  # type: ignore[operator]
            status = data.get(f"att_{m.pk}")  # type: ignore[attr-defined]
            reason = data.get(f"reason_{m.pk}", "")  # type: ignore[attr-defined]
        rows.append({"member": m, "status": status, "reason": reason})
    return {
        "roster_org": org,
        "roster": rows,
        "roster_too_long": False,
        "statuses": AttendanceStatus.choices,
        "lecturer_choices": members,
    }


@require_GET
def meeting_roster(request: HttpRequest) -> HttpResponse:
    """htmx: the roster of the organization just picked on the form."""
    _require_writer(request)
    org = None
    if request.GET.get("org", "").isdigit():
        org = org_selectors.get_org(request.user, int(request.GET["org"]))
    return render(request, "life/meetings/_roster.html", _roster_context(org))


def _form_org(form: MeetingForm) -> Organization | None:
    value = form["org"].value()
    try:
        return form.fields["org"].queryset.filter(pk=int(value)).first() if value else None
    except (TypeError, ValueError):
        return None


def _meeting_data(form: MeetingForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    for key in ("org", "meeting_type", "attachments"):
        data.pop(key, None)
    return data


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    initial: dict[str, object] = {"held_on": timezone.localdate()}
    default_org = selectors.default_meeting_org(request.user)
    if request.GET.get("org", "").isdigit():
        initial["org"] = org_selectors.get_org(request.user, int(request.GET["org"])).pk
    elif default_org is not None:
        initial["org"] = default_org.pk
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=initial,
        roster_url=reverse("life:meeting_roster"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                actor=request.user,
                org=form.cleaned_data["org"],
                meeting_type=form.cleaned_data["meeting_type"],
                data=_meeting_data(form),
                attendance=attendance_from_post(request.POST),
                files=form.cleaned_data.get("attachments") or [],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if meeting.quorum_met is False:
                messages.warning(
                    request,
                    f"已保存，但到会人数未超过半数（{meeting.quorum_present}/{meeting.quorum_expected}），"
                    "会议不能作出决定，已列入发现的问题。",
                )
            else:
                messages.success(request, f"已登记{meeting.meeting_type.name}“{meeting.topic}”。")
            return redirect("life:meeting_detail", pk=meeting.pk)
    org = (
        _form_org(form)
        if form.is_bound
        else (
            form.fields["org"].queryset.filter(pk=initial.get("org")).first()
            if initial.get("org")
            else None
        )
    )
    context = {
        "form": form,
        "title": "登记会议",
        **_roster_context(org, data=request.POST if form.is_bound else None),
        "lecturer_value": str(form["lecturer"].value() or ""),
    }
    return render(request, "life/meetings/form.html", context)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    _require_writer(request, meeting)
    form = MeetingForm(
        request.POST or None,
        user=request.user,
        meeting=meeting,
        initial=initial_from(meeting),
        roster_url=reverse("life:meeting_roster"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                actor=request.user,
                meeting=meeting,
                meeting_type=form.cleaned_data["meeting_type"],
                data=_meeting_data(form),
                attendance=attendance_from_post(request.POST),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("life:meeting_detail", pk=meeting.pk)
    context = {
        "form": form,
        "meeting": meeting,
        "title": f"编辑会议记录：{meeting.topic}",
        **_roster_context(meeting.org, meeting, data=request.POST if form.is_bound else None),
        "lecturer_value": str(form["lecturer"].value() or ""),
    }
    return render(request, "life/meetings/form.html", context)


def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_writer(request, meeting)
    services.delete_meeting(actor=request.user, meeting=meeting)
    messages.success(request, f"已删除会议记录“{meeting.topic}”。")
    return redirect("life:meeting_list")


def meeting_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_writer(request, meeting)
    form = UploadForm(request.POST, request.FILES)
    target = reverse("life:meeting_detail", args=[meeting.pk]) + "?tab=files"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        stored = services.add_meeting_files(
            actor=request.user, meeting=meeting, files=form.cleaned_data["attachments"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, f"已上传{len(stored)}个附件。")
    return redirect(target)


@require_GET
def meeting_file_download(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.get_meeting_file(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在") from None
    inline = item.kind == FileKind.PHOTO and request.GET.get("inline") == "1"
    response = FileResponse(handle, content_type=item.content_type)
    name_download(response, item.original_name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def meeting_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_meeting_file(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_writer(request, item.meeting)
    services.remove_meeting_file(actor=request.user, item=item)
    messages.success(request, f"已删除附件“{item.original_name}”。")
    return redirect(reverse("life:meeting_detail", args=[item.meeting_id]) + "?tab=files")


@require_GET
def meeting_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting(request.user, pk)
    body = meeting_docx(meeting, list(selectors.attendances(meeting)))
    return docx_response(f"{meeting.held_on:%Y%m%d}{meeting.meeting_type.name}记录.docx", body)


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/roster/", meeting_roster, name="meeting_roster"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/files/", meeting_file_upload, name="meeting_file_upload"),
    path("meetings/<int:pk>/record.docx", meeting_docx_view, name="meeting_docx"),
    path("meetings/files/<int:pk>/", meeting_file_download, name="meeting_file_download"),
    path("meetings/files/<int:pk>/delete/", meeting_file_delete, name="meeting_file_delete"),
]
