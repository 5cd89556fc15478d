"""一张表导入 pages: choose, download the template, upload, follow the job, fetch the marked sheet."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.core.imports import runner, workbooks
from zugong.core.imports.readers import ImportFileError
from zugong.core.imports.spec import ImportSpec, all_specs, get_spec

ERRORS_PER_PAGE = 50


def writer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Imports write records: read-only accounts get a 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "can_write", False):
            raise PermissionDenied("本账号为只读账号，不能导入数据")
        return view(request, *args, **kwargs)

    return wrapped


def _spec(kind: str) -> ImportSpec:
    try:
        return get_spec(kind)
    except KeyError:
        raise Http404("没有这种导入") from None


def _index(
    request: HttpRequest, *, error: str = "", kind: str = "", status: int = 200
) -> HttpResponse:
    specs = all_specs()
    titles = {spec.name: spec.title for spec in specs}
    context = {
        "specs": specs,
        "rows": [(job, titles.get(job.kind, job.kind)) for job in runner.user_jobs(request.user)],
        "error": error,
        "error_kind": kind,
    }
    return render(request, "imports/index.html", context, status=status)


@require_GET
@writer_required
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@require_GET
@writer_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(kind)
    buffer = io.BytesIO()
    workbooks.build_template(spec, buffer)
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX_CONTENT_TYPE)
    return name_download(response, f"{spec.title}导入模板.xlsx")


@require_POST
@writer_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(kind)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _index(
            request, error="请选择要上传的文件（.xlsx 或 .csv）", kind=spec.name, status=400
        )
    try:
        job = runner.start_import(user=request.user, spec_name=spec.name, uploaded_file=uploaded)
    except ImportFileError as exc:
        return _index(request, error=exc.message, kind=spec.name, status=400)
    return redirect("imports:job", pk=job.pk)


@require_GET
@writer_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    record = runner.get_job(request.user, pk)
    page = Paginator(record.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": record,
        "spec": _spec(record.kind),
        "finished": runner.is_finished(record),
        "page_obj": page,
        "querystring_without_page": "",
    }
    return render(request, "imports/job.html", context)


@require_GET
@writer_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    record = runner.get_job(request.user, pk)
    finished = runner.is_finished(record)
    response = render(request, "imports/_progress.html", {"job": record, "finished": finished})
    if finished:
        # The result (counts or the error table) is on the full page: let htmx reload it.
        response["HX-Refresh"] = "true"
    return response


@require_GET
@writer_required
def error_file(request: HttpRequest, pk: int) -> HttpResponse:
    record = runner.get_job(request.user, pk)
    if not record.error_file:
        raise Http404("该导入没有标注错误的表格")
    response = FileResponse(record.error_file.open("rb"), content_type=XLSX_CONTENT_TYPE)
    return name_download(response, record.error_file.name.rsplit("/", 1)[-1])
