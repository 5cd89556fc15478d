"""The cadre archive: the list (search, filters, exports), one cadre's tabs, the forms, the photo,
and one generic set of views for the child records (简历, 学历, 任职 ... 认定)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import archive_selectors as sel
from zugong.cadres import archive_services as svc
from zugong.cadres.exports import info_sheet_response
from zugong.cadres.forms import (
    AssessmentForm,
    CadreForm,
    DeleteForm,
    EducationForm,
    FamilyForm,
    PhotoForm,
    PostHoldingForm,
    RankHoldingForm,
    RewardForm,
    TitleForm,
    TrainingForm,
    VerificationForm,
)
from zugong.cadres.forms import ResumeForm as ResumeEntryForm
from zugong.cadres.models import (
    AnnualAssessment,
    Cadre,
    CadreStatus,
    Education,
    FamilyMember,
    PostHolding,
    PostLevel,
    ProfessionalTitle,
    RankHolding,
    ResumeEntry,
    RewardPunishment,
    Training,
    Verification,
)
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.scope import get_cadre, get_unit
from zugong.cadres.unit_selectors import filter_unit_choices, unit_choices
from zugong.core.exports import export_response
from zugong.core.history import history_entries
from zugong.core.locking import StaleEdit
from zugong.core.views import add_validation_error, bounded_int, conflict_page, paginate
from zugong.members.selectors import AGE_BAND_LABELS

CADRE_FIELDS = CadreForm.Meta.fields


# --- the list --------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> sel.CadreFilters:
    g = request.GET
    unit = None
    if g.get("unit", "").isdigit():
        try:
            unit = get_unit(request.user, int(g["unit"]))
        except Http404:
            unit = None
    status = g.get("status", CadreStatus.ACTIVE)
    sort = g.get("sort", "unit")
    education = g.get("education", "")
    return sel.CadreFilters(
        q=g.get("q", "").strip()[:40],
        unit=unit,
        level=g.get("level", "") if g.get("level") in PostLevel.values else "",
        rank=bounded_int(g.get("rank"), 1, 10_000),
        gender=g.get("gender", "") if g.get("gender") in ("男", "女") else "",
        age_band=g.get("age_band", "") if g.get("age_band") in sel.AGE_BANDS else "",
        education=education if education in sel.EDUCATION_CHOICES else "",
        education_scope=g.get("education_scope", "highest")
        if g.get("education_scope") in sel.EDUCATION_SCOPES
        else "highest",
        # "all" shows every status; the default is 在职.
        status="" if status == "all" else (status if status in CadreStatus.values else "active"),
        young=g.get("young") == "1",
        young_age=bounded_int(g.get("young_age"), *sel.YOUNG_AGE_RANGE, sel.YOUNG_AGE_DEFAULT),
        sort=sort if sort in sel.SORTS else "unit",
    )


@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    f = _filters(request)
    qs = sel.cadre_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return export_response("cadres", qs, unmasked=request.user.exports_unmasked)
    page_obj = paginate(request, sel.list_rows(qs), count_rows=qs)
    page_obj.object_list = sel.with_labels(page_obj.object_list)
    status_options = [*CadreStatus.choices, ("all", "全部状态")]
    return render(
        request,
        "cadres/archive/list.html",
        {
            "page_obj": page_obj,
            # The batch export of this page's 任免审批表 posts the ids as one list.
            "page_ids": ",".join(str(row["pk"]) for row in page_obj.object_list),
            "detail_prefix": reverse("cadres:cadre_detail", args=[0])[: -len("0/")],
            "f": f,
            "unit_options": filter_unit_choices(request.user, f.unit),
            "level_options": PostLevel.choices,
            "rank_options": [(r.pk, r.name) for r in sel.rank_choices()],
            "status_options": status_options,
            "status_param": request.GET.get("status", "active"),
            "age_band_options": AGE_BAND_LABELS.items(),
            "education_options": [(e, e) for e in sel.EDUCATION_CHOICES],
            "education_scope_options": sel.EDUCATION_SCOPES.items(),
            "sort_options": sel.SORT_LABELS.items(),
            "can_create": request.user.can_write_cadres,
        },
    )


@require_GET
def info_sheet(request: HttpRequest) -> HttpResponse:
    """The 干部信息表 (简表) of the filtered list, as .xlsx."""
    require_cadre_reader(request)
    f = _filters(request)
    title = f"{f.unit.name if f.unit else request.user.cadre_scope.label}干部信息表"
    return info_sheet_response(sel.cadre_list(request.user, f), title=title)


# --- one cadre -------------------------------------------------------------------------------


@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    tab = request.GET.get("tab", "info")
    tab = tab if tab in sel.RECORD_TABS else "info"
    context: dict[str, Any] = {
        "cadre": cadre,
        "tab": tab,
        "tabs": sel.RECORD_TABS,
        "can_edit": request.user.has_perm("cadres.edit", cadre),
        "kinds": {k: v.label for k, v in RECORD_KINDS.items()},
        **sel.archive_context(cadre, tab),
    }
    if tab == "history":
        context["history_entries"] = history_entries(cadre)
    return render(request, "cadres/archive/detail.html", context)


@require_GET
def cadre_photo(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    if not cadre.photo:
        raise Http404("该干部没有照片")
    try:
        handle = cadre.photo.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件不存在") from None
    content_type = "image/png" if cadre.photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cadre_fields(form: CadreForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in CADRE_FIELDS}


@require_http_methods(["GET", "POST"])
def cadre_create(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    units = unit_choices(request.user)
    initial: dict[str, Any] = {}
    if request.GET.get("unit", "").isdigit():
        initial["unit"] = request.GET["unit"]
    form = CadreForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = svc.create_cadre(actor=request.user, **_cadre_fields(form))
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已建立{cadre.name}的干部档案。")
            return redirect("cadres:cadre_detail", pk=cadre.pk)
    return render(
        request,
        "cadres/archive/form.html",
        {"form": form, "title": "新建干部档案", "back": reverse("cadres:cadre_list")},
    )


@require_http_methods(["GET", "POST"])
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    require_cadre_writer(request, cadre)
    # The unit may stay where it is even if it was deactivated; other choices are active units.
    units = unit_choices(request.user, active_only=False)
    # The form fills its own copy: the service compares the stored values with the new ones.
    form = CadreForm(request.POST or None, instance=get_cadre(request.user, pk), units=units)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_cadre(
                actor=request.user,
                cadre=cadre,
                expected_version=form.loaded_version,
                **_cadre_fields(form),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        except StaleEdit as stale:
            return conflict_page(
                request,
                form,
                stale,
                title=f"修改{stale.current.name}的基本信息",
                reopen=reverse("cadres:cadre_edit", args=[cadre.pk]),
                back=reverse("cadres:cadre_detail", args=[cadre.pk]),
            )
        else:
            messages.success(request, f"已保存{cadre.name}的基本信息。")
            return redirect("cadres:cadre_detail", pk=cadre.pk)
    return render(
        request,
        "cadres/archive/form.html",
        {
            "form": form,
            "title": "修改基本信息",
            "cadre": cadre,
            "back": reverse("cadres:cadre_detail", args=[cadre.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def cadre_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    require_cadre_writer(request, cadre)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.set_photo(actor=request.user, cadre=cadre, uploaded=form.cleaned_data["photo"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, "已更新照片。")
            return redirect("cadres:cadre_detail", pk=cadre.pk)
    return render(
        request,
        "cadres/archive/form.html",
        {
            "form": form,
            "title": "上传照片",
            "cadre": cadre,
            "multipart": True,
            "back": reverse("cadres:cadre_detail", args=[cadre.pk]),
        },
    )


# --- child records ---------------------------------------------------------------------------

Saver = Callable[[Any, Cadre, dict[str, Any], Any], Any]


@dataclass(frozen=True)
class RecordKind:
    label: str
    model: type[Model]
    form: type
    tab: str
    save: Saver


def _save_resume(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_resume_entry(
        actor=actor,
        cadre=cadre,
        start=d["start"],
        end=d["end"],
        text=d["text"],
        parent=d["parent"],
        entry=record,
    )


def _save_education(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_education(actor=actor, cadre=cadre, data=svc.EducationInput(**d), record=record)


def _save_post(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_post_holding(actor=actor, cadre=cadre, data=svc.PostInput(**d), record=record)


def _save_rank(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_rank_holding(actor=actor, cadre=cadre, record=record, **d)


def _save_title(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_professional_title(actor=actor, cadre=cadre, record=record, **d)


def _save_family(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_family_member(actor=actor, cadre=cadre, data=svc.FamilyInput(**d), record=record)


def _save_assessment(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    if record is None:
        svc.add_assessment(actor=actor, cadre=cadre, **d)
    else:
        svc.upsert_assessment(actor=actor, cadre=cadre, record=record, **d)


def _save_reward(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_reward(actor=actor, cadre=cadre, record=record, **d)


def _save_training(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_training(actor=actor, cadre=cadre, record=record, **d)


def _save_verification(actor: Any, cadre: Cadre, d: dict[str, Any], record: Any) -> None:
    svc.save_verification(actor=actor, cadre=cadre, record=record, **d)


RECORD_KINDS: dict[str, RecordKind] = {
    "resume": RecordKind("简历", ResumeEntry, ResumeEntryForm, "resume", _save_resume),
    "education": RecordKind("学历学位", Education, EducationForm, "education", _save_education),
    "post": RecordKind("任职", PostHolding, PostHoldingForm, "posts", _save_post),
    "rank": RecordKind("职级", RankHolding, RankHoldingForm, "posts", _save_rank),
    "title": RecordKind("专业技术职务", ProfessionalTitle, TitleForm, "title", _save_title),
    "family": RecordKind("家庭成员", FamilyMember, FamilyForm, "family", _save_family),
    "assessment": RecordKind(
        "年度考核", AnnualAssessment, AssessmentForm, "assessment", _save_assessment
    ),
    "reward": RecordKind("奖惩", RewardPunishment, RewardForm, "reward", _save_reward),
    "training": RecordKind("培训", Training, TrainingForm, "training", _save_training),
    "verification": RecordKind(
        "三龄两历一身份认定", Verification, VerificationForm, "verification", _save_verification
    ),
}


def _record_kind(kind: str) -> RecordKind:
    if kind not in RECORD_KINDS:
        raise Http404("没有这类记录")
    return RECORD_KINDS[kind]


def _record_form(kind: str, request: HttpRequest, cadre: Cadre, record: Any) -> Any:
    spec = _record_kind(kind)
    extra: dict[str, Any] = {"cadre": cadre}
    if kind == "post":
        extra["units"] = unit_choices(request.user)
    return spec.form(request.POST or None, instance=record, **extra)


def _edit_record(request: HttpRequest, pk: int, kind: str, rid: int | None) -> HttpResponse:
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    spec = _record_kind(kind)
    record = sel.get_child(cadre, spec.model, rid) if rid is not None else None
    require_cadre_writer(request, cadre)
    # The form fills its own copy of the record: the service sees the stored values (e.g. the
    # unit a post was in, whose 职数 use changes too).
    copy = sel.get_child(cadre, spec.model, rid) if rid is not None else None
    form = _record_form(kind, request, cadre, copy)
    back = reverse("cadres:cadre_detail", args=[cadre.pk]) + f"?tab={spec.tab}"
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(request.user, cadre, dict(form.cleaned_data), record)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已保存{spec.label}。")
            return redirect(back)
    return render(
        request,
        "cadres/archive/form.html",
        {
            "form": form,
            "title": f"{'修改' if record else '添加'}{spec.label}",
            "cadre": cadre,
            "back": back,
        },
    )


@require_http_methods(["GET", "POST"])
def record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _edit_record(request, pk, kind, None)


@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int, kind: str, rid: int) -> HttpResponse:
    return _edit_record(request, pk, kind, rid)


@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, pk: int, kind: str, rid: int) -> HttpResponse:
    """GET asks for confirmation; a POST without the confirmation box re-shows the question."""
    require_cadre_reader(request)
    cadre = get_cadre(request.user, pk)
    spec = _record_kind(kind)
    record = sel.get_child(cadre, spec.model, rid)
    require_cadre_writer(request, cadre)
    form = DeleteForm(request.POST or None)
    back = reverse("cadres:cadre_detail", args=[cadre.pk]) + f"?tab={spec.tab}"
    if request.method == "POST" and form.is_valid():
        try:
            svc.delete_record(actor=request.user, cadre=cadre, record=record)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, f"已删除{spec.label}“{record}”。")
            return redirect(back)
    return render(
        request,
        "cadres/archive/form.html",
        {
            "form": form,
            "title": f"删除{spec.label}",
            "intro": f"将删除：{record}。删除后可在“历史”中查到记录。",
            "cadre": cadre,
            "danger": True,
            "back": back,
        },
    )


urlpatterns = [
    path("cadres/", cadre_list, name="cadre_list"),
    path("cadres/info-sheet/", info_sheet, name="info_sheet"),
    path("cadres/new/", cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/photo/", cadre_photo, name="cadre_photo"),
    path("cadres/<int:pk>/photo/upload/", cadre_photo_upload, name="cadre_photo_upload"),
    path("cadres/<int:pk>/records/<slug:kind>/new/", record_add, name="record_add"),
    path("cadres/<int:pk>/records/<slug:kind>/<int:rid>/edit/", record_edit, name="record_edit"),
    path(
        "cadres/<int:pk>/records/<slug:kind>/<int:rid>/delete/",
        record_delete,
        name="record_delete",
    ),
]
