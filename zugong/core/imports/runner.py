"""Running an import: check the upload, validate every row, then write all rows or none."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from zugong.core.imports import readers, workbooks
from zugong.core.imports.readers import HeaderMap, ImportFileError
from zugong.core.imports.spec import (
    CellError,
    CodeBook,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    ScopedUser,
    WriteError,
    cell_text,
    get_spec,
    is_blank,
)
from zugong.core.models import ImportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
# The job keeps this many errors for the result page; the marked sheet has all of them.
MAX_STORED_ERRORS = 2000
Status = ImportJob.Status
FINISHED = frozenset({Status.INVALID, Status.DONE, Status.FAILED})


# --- starting ------------------------------------------------------------------------------


def start_import(*, user: ScopedUser, spec_name: str, uploaded_file: UploadedFile) -> ImportJob:
    """Check the upload (type, size, headers, data rows), store it as a job and run or enqueue it.

    Raises ImportFileError with a Chinese message for anything that cannot be imported at all.
    """
    spec = get_spec(spec_name)
    scope_path = user.scope.path
    if not scope_path:
        raise ImportFileError("您的账号未设置所辖组织，不能导入数据；请联系系统管理员")
    name = uploaded_file.name or ""
    uploaded_file.seek(0)
    kind = readers.check_upload(name, uploaded_file.size, uploaded_file.read(8))
    uploaded_file.seek(0)
    with readers.open_sheet(uploaded_file.file, kind) as sheet:
        header, rows = sheet.locate_header(spec)
        if not any(not _skippable(cells, spec, header) for _, cells in rows):
            raise ImportFileError(
                "表格中只有表头，没有数据行（模板中的示例行不会导入），请填写数据后再上传"
            )
        estimated = max(sheet.estimate_rows() - header.row, 1)

    uploaded_file.seek(0)
    job = ImportJob(
        kind=spec.name,
        original_name=os.path.basename(name)[:200],
        scope_path=scope_path,
        created_by=user,
        total_rows=estimated,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    job.file.save(f"{spec.name}-{stamp}.{kind}", uploaded_file, save=False)
    job.save()
    if estimated > settings.ZUGONG_IMPORT_TASK_THRESHOLD:
        from zugong.core.imports.tasks import import_task

        import_task.enqueue(job.pk)
    else:
        run_import(job.pk)
    job.refresh_from_db()
    return job


# --- running -------------------------------------------------------------------------------


def _set(job: ImportJob, **fields: Any) -> None:
    """Plain UPDATE outside any transaction, so a polling page sees it at once."""
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields, updated_at=timezone.now())


def run_import(job_id: int) -> None:
    """Validate every row; with no error, write them all in one transaction (or nothing at all)."""
    # Claim the job atomically: a task delivered twice (or to two workers) must not import twice.
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.PENDING).update(
        status=Status.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        logger.warning("import job %s is not pending; skipped", job_id)
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    spec = get_spec(job.kind)
    ctx = ImportContext(
        spec=spec,
        user=job.created_by,
        scope_path=job.scope_path,
        today=timezone.localdate(),
        codes=CodeBook(),
    )
    try:
        with _local_copy(job) as path:
            header, rows, errors = validate_file(
                path, _file_kind(job), spec, ctx, progress=lambda n: _set(job, processed_rows=n)
            )
            if errors:
                _reject(job, spec, path, header, rows, errors)
                return
    except ImportFileError as exc:
        _set(job, status=Status.FAILED, message=exc.message[:300])
        return
    except Exception:
        logger.exception("import job %s failed while validating", job.pk)
        _set(
            job,
            status=Status.FAILED,
            message=f"校验时发生系统错误，没有写入任何数据；请联系系统管理员（导入记录编号 {job.pk}）",
        )
        return

    _set(job, status=Status.WRITING, total_rows=len(rows), processed_rows=len(rows))
    try:
        with transaction.atomic():
            result = spec.write(rows, ctx)
    except WriteError as exc:
        logger.warning("import job %s rolled back: %s", job.pk, exc.message)
        _set(
            job,
            status=Status.FAILED,
            message=f"写入失败，已全部撤销，没有写入任何数据：{exc.message}"[:300],
        )
        return
    except Exception:
        logger.exception("import job %s failed while writing; rolled back", job.pk)
        _set(
            job,
            status=Status.FAILED,
            message=f"写入时发生系统错误，已全部撤销，没有写入任何数据；请联系系统管理员（导入记录编号 {job.pk}）",
        )
        return
    parts = [f"导入完成：新增{result.created}条，更新{result.updated}条"]
    if result.unchanged:
        parts.append(f"{result.unchanged}条与系统中一致，未修改")
    if header.ignored:
        parts.append("未识别而忽略的列：" + "、".join(header.ignored))
    _set(
        job,
        status=Status.DONE,
        created_count=result.created,
        updated_count=result.updated,
        message=("；".join(parts) + "。")[:300],
    )


def validate_file(
    path: str,
    kind: str,
    spec: ImportSpec,
    ctx: ImportContext,
    progress: Callable[[int], None] | None = None,
) -> tuple[HeaderMap, list[Row], list[RowError]]:
    """Parse and check every row, then the cross-row rules; returns the rows and every error."""
    with readers.open_sheet(path, kind) as sheet:
        header, stream = sheet.locate_header(spec)
        ctx.present = header.present
        if spec.prepare:
            spec.prepare(ctx)
        rows, errors = parse_rows(spec, header, stream, ctx, progress)
    if not rows:
        raise ImportFileError("表格中只有表头，没有数据行，请填写数据后再上传")
    if spec.cross_validate:
        errors.extend(spec.cross_validate(rows, ctx))
    errors.sort(key=lambda e: e.row)
    return header, rows, errors


def _skippable(cells: tuple[Any, ...], spec: ImportSpec, header: HeaderMap) -> bool:
    """Blank rows and the template's example row are not data."""
    if all(is_blank(c) for c in cells):
        return True
    if not spec.example:
        return False
    for key, expected in spec.example.items():
        position = header.index.get(key)
        if position is None:
            continue
        value = cells[position] if position < len(cells) else None
        if (cell_text(value) if value is not None else "") != expected:
            return False
    return True


def parse_rows(
    spec: ImportSpec,
    header: HeaderMap,
    stream: Iterator[tuple[int, tuple[Any, ...]]],
    ctx: ImportContext,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Row], list[RowError]]:
    plan = [
        (c.key, c.header, header.index[c.key], c.parser, c.required)
        for c in spec.columns
        if c.key in header.index
    ]
    rows: list[Row] = []
    errors: list[RowError] = []
    validate_row = spec.validate_row
    for number, cells in stream:
        if _skippable(cells, spec, header):
            continue
        values: dict[str, Any] = {}
        width = len(cells)
        for key, title, position, parser, required in plan:
            raw = cells[position] if position < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                values[key] = None
                if required:
                    errors.append(RowError(number, title, "", f"{title}：必须填写"))
                continue
            try:
                values[key] = parser(raw, ctx)
            except CellError as exc:
                values[key] = None
                errors.append(RowError(number, title, cell_text(raw), f"{title}：{exc.message}"))
        row = Row(number, values)
        if validate_row is not None:
            # Run on every row, so one upload reports every bad cell; missing values are skipped.
            errors.extend(validate_row(row, ctx))
        rows.append(row)
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows))
    return rows, errors


def _reject(
    job: ImportJob,
    spec: ImportSpec,
    path: str,
    header: HeaderMap,
    rows: list[Row],
    errors: list[RowError],
) -> None:
    bad_rows = len({e.row for e in errors})
    message = f"校验未通过：{bad_rows}行共{len(errors)}处错误，没有写入任何数据。请按下表或标注错误的表格修改后重新上传。"
    if len(errors) > MAX_STORED_ERRORS:
        message += f"本页列出前{MAX_STORED_ERRORS}处，全部错误见标注错误的表格。"
    _set(
        job,
        status=Status.INVALID,
        total_rows=len(rows),
        processed_rows=len(rows),
        errors=[e.as_dict() for e in errors[:MAX_STORED_ERRORS]],
        message=message[:300],
    )
    try:
        with tempfile.TemporaryFile() as out:
            workbooks.write_error_workbook(path, _file_kind(job), spec, errors, out)
            out.seek(0)
            stem = os.path.splitext(job.original_name)[0][:60] or spec.name
            job.error_file.save(f"{stem}-错误标注.xlsx", File(out), save=False)
        ImportJob.objects.filter(pk=job.pk).update(error_file=job.error_file.name)
    except Exception:
        # The error list is already stored; a missing marked sheet must not hide it.
        logger.exception("import job %s: could not build the marked sheet", job.pk)


def _file_kind(job: ImportJob) -> str:
    return "csv" if job.file.name.lower().endswith(".csv") else "xlsx"


@contextmanager
def _local_copy(job: ImportJob) -> Iterator[str]:
    """A local path to the stored upload (storages without paths are copied to a temp file)."""
    try:
        path = job.file.path
    except NotImplementedError:
        path = ""
    if path:
        yield path
        return
    suffix = "." + _file_kind(job)
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, job.file.open("rb") as src:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield tmp.name


# --- reads for the pages -------------------------------------------------------------------


def user_jobs(user: ScopedUser, limit: int = 20) -> QuerySet[ImportJob]:
    """The account's own recent imports."""
    return ImportJob.objects.filter(created_by_id=user.pk).order_by("-created_at")[:limit]


def get_job(user: ScopedUser, pk: int) -> ImportJob:
    """A job is visible to its creator only; anything else is a 404, like a missing one."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=user.pk).first()
    if job is None:
        raise Http404("导入记录不存在")
    return job


def is_finished(job: ImportJob) -> bool:
    return job.status in FINISHED
