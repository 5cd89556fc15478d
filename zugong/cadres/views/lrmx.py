"""任免审批表 files: LRMX import with a field-by-field preview, single and batch export (.lrmx,
.docx, PDF), each long job followed on a progress page by the account that started it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from zugong.cadres import lrmx_services
from zugong.cadres.adform import adform_docx, adform_pdf
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.lrmx_mapping import prefetch_for_record, record_from_cadre
from zugong.cadres.models import Cadre, CadreFileJob, CadreStatus
from zugong.cadres.permissions import require_cadre_reader, require_cadre_writer
from zugong.cadres.scope import get_scoped, get_unit, visible_cadres, visible_units
from zugong.core.documents import pdf_response
from zugong.core.downloads import docx_response, name_download
from zugong.core.forms import ZForm
from zugong.core.views import add_validation_error
from zugong.orgs.models import subtree_q

PREVIEW_DIFFS_SHOWN = 200


class LrmxUploadForm(ZForm):
    file = forms.FileField(
        label="任免审批表文件",
        help_text="单个 .lrmx（中组部任免审批表编辑器 3.x）、旧版 .lrm（与同名 .pic 照片一起打包），或包含多个文件的 .zip",
    )
    unit = forms.ModelChoiceField(
        label="新建档案所在单位",
        queryset=None,
        help_text="系统中还没有档案的干部建在该单位下；已有档案按公民身份号码匹配，单位不变",
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = visible_units(user).filter(is_active=True)  # type: ignore[attr-defined]


def _job(request: HttpRequest, pk: int) -> CadreFileJob:
    """A job of this account (others' jobs do not exist for it), within its current scope."""
    require_cadre_reader(request)
    job = (
        CadreFileJob.objects.filter(pk=pk, created_by=request.user)
        .select_related("target_unit")
        .first()
    )
    if job is None or not request.user.cadre_scope.contains(job.scope_path):
        raise Http404("没有找到该任务")
    return job


def _cadre(request: HttpRequest, pk: int) -> Cadre:
    require_cadre_reader(request)
    return get_scoped(request.user, prefetch_for_record(Cadre.objects.all()), pk)


@require_http_methods(["GET", "POST"])
def lrmx_import(request: HttpRequest) -> HttpResponse:
    require_cadre_writer(request)
    form = LrmxUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = lrmx_services.start_lrmx_import(
                user=request.user,
                uploaded=form.cleaned_data["file"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return redirect("cadres:file_job", pk=job.pk)
    # The preview items of a big import are large JSON: the job list does not need them.
    jobs = CadreFileJob.objects.filter(created_by=request.user).defer("items")[:20]
    return render(request, "cadres/lrmx/import.html", {"form": form, "jobs": jobs})


@require_GET
def file_jobs(request: HttpRequest) -> HttpResponse:
    require_cadre_reader(request)
    jobs = CadreFileJob.objects.filter(created_by=request.user).defer("items")[:50]
    return render(request, "cadres/lrmx/jobs.html", {"jobs": jobs})


@require_GET
def file_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    items = job.items or []
    shown = [i for i in items if i["action"] != "unchanged"][:PREVIEW_DIFFS_SHOWN]
    return render(
        request,
        "cadres/lrmx/job.html",
        {
            "job": job,
            "items": shown,
            "hidden_count": len(items) - len(shown),
            "has_errors": any(i["action"] == "error" for i in items),
        },
    )


@require_GET
def file_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "cadres/lrmx/_progress.html", {"job": job})
    if job.finished or job.status == CadreFileJob.Status.PREVIEW:
        response["HX-Refresh"] = "true"
    return response


@require_http_methods(["GET", "POST"])
def lrmx_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    require_cadre_writer(request)
    if request.method == "GET":  # the confirm button lives on the job page
        return redirect("cadres:file_job", pk=job.pk)
    try:
        lrmx_services.confirm_lrmx_import(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("cadres:file_job", pk=job.pk)


@require_http_methods(["GET", "POST"])
def lrmx_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    require_cadre_writer(request)
    if request.method == "GET":
        return redirect("cadres:file_job", pk=job.pk)
    try:
        lrmx_services.cancel_lrmx_import(job=job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("cadres:file_job", pk=job.pk)


@require_GET
def file_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != CadreFileJob.Status.DONE or not job.output_file:
        raise Http404("文件尚未生成")
    try:
        handle = job.output_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不存在，请重新导出") from None
    response = FileResponse(handle, content_type="application/octet-stream")
    return name_download(response, job.original_name)


@require_http_methods(["GET", "POST"])
def batch_export(request: HttpRequest) -> HttpResponse:
    """Start a batch export of the cadres ticked on the list (ids), or of a whole unit subtree."""
    require_cadre_reader(request)
    if request.method == "GET":  # started from the list's buttons; the jobs are listed here
        return redirect("cadres:file_jobs")
    # Ticked boxes send one id each; the list page sends its page's ids comma-separated.
    ids = [int(v) for raw in request.POST.getlist("ids") for v in raw.split(",") if v.isdigit()]
    unit = request.POST.get("unit", "")
    if not ids and unit.isdigit():
        root = get_unit(request.user, int(unit))
        # One more than the limit, so the service can say the subtree is too large.
        ids = list(
            visible_cadres(request.user)
            .filter(subtree_q("unit_path", root.path), status=CadreStatus.ACTIVE)
            .order_by("unit_path", "name_pinyin", "id")
            .values_list("pk", flat=True)[: settings.ZUGONG_CADRE_BATCH_LIMIT + 1]
        )
    try:
        job = lrmx_services.start_batch_export(
            user=request.user, kind=request.POST.get("kind", ""), cadre_ids=ids
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("cadres:file_jobs")
    return redirect("cadres:file_job", pk=job.pk)


@require_GET
def cadre_lrmx(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre(request, pk)
    response = HttpResponse(write_lrmx(record_from_cadre(cadre)), content_type="application/xml")
    return name_download(response, f"{cadre.name}.lrmx")


@require_GET
def cadre_adform_docx(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre(request, pk)
    return docx_response(f"{cadre.name}-干部任免审批表.docx", adform_docx(record_from_cadre(cadre)))


@require_GET
def cadre_adform_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre(request, pk)
    inline = request.GET.get("inline") == "1"
    return pdf_response(
        f"{cadre.name}-干部任免审批表.pdf", adform_pdf(record_from_cadre(cadre)), inline=inline
    )


urlpatterns = [
    path("lrmx/import/", lrmx_import, name="lrmx_import"),
    path("files/", file_jobs, name="file_jobs"),
    path("files/<int:pk>/", file_job, name="file_job"),
    path("files/<int:pk>/progress/", file_job_progress, name="file_job_progress"),
    path("files/<int:pk>/apply/", lrmx_apply, name="lrmx_apply"),
    path("files/<int:pk>/cancel/", lrmx_cancel, name="lrmx_cancel"),
    path("files/<int:pk>/download/", file_job_download, name="file_job_download"),
    path("files/batch/", batch_export, name="batch_export"),
    path("cadres/<int:pk>/lrmx/", cadre_lrmx, name="cadre_lrmx"),
    path("cadres/<int:pk>/adform.docx", cadre_adform_docx, name="cadre_adform_docx"),
    path("cadres/<int:pk>/adform.pdf", cadre_adform_pdf, name="cadre_adform_pdf"),
]
