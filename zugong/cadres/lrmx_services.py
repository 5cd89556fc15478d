"""LRMX import (upload → field-by-field preview → apply all or nothing) and batch exports, as
CadreFileJob rows that a progress page follows."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres.adform import adform_batch_docx_zip, adform_batch_pdf, unique_filename
from zugong.cadres.archive_services import derive_names, link_member
from zugong.cadres.lrmx import (
    PERSON_ELEMENTS,
    LrmxError,
    LrmxRecord,
    read_lrmx_bundle,
    write_lrmx,
)
from zugong.cadres.lrmx.reader import MAX_BUNDLE_BYTES
from zugong.cadres.lrmx_mapping import (
    ArchiveData,
    archive_data_from_record,
    education_rows,
    family_rows,
    month_start,
    photo_bytes,
    prefetch_for_record,
    record_from_cadre,
)
from zugong.cadres.models import (
    AnnualAssessment,
    Cadre,
    CadreFileJob,
    Education,
    FamilyMember,
    ResumeEntry,
    Unit,
)
from zugong.cadres.scope import scoped

logger = logging.getLogger(__name__)
Kind, Status = CadreFileJob.Kind, CadreFileJob.Status
UPLOAD_SUFFIXES = (".lrmx", ".lrm", ".zip")
# Above this many files (or cadres) the work goes to the task queue and the page polls.
TASK_THRESHOLD = 20
# The preview keeps at most this many characters of a long text per side of a difference.
DIFF_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class FieldDiff:
    label: str
    old: str
    new: str


# --- differences -----------------------------------------------------------------------------


def _family_text(record: LrmxRecord) -> str:
    return "\n".join(
        " ".join(
            (f.relation, f.name, f.birth_month, f.political_status, f.employer_and_post)
        ).strip()
        for f in record.family
    )


def _photo_text(photo: bytes) -> str:
    return f"照片（{hashlib.sha256(photo).hexdigest()[:8]}）" if photo else "无照片"


def diff_records(old: LrmxRecord, new: LrmxRecord) -> list[FieldDiff]:
    """What an import would change, in the form's field order, with the form's labels."""
    diffs: list[FieldDiff] = []
    for element, attr, label in PERSON_ELEMENTS:
        if element in ("Version",):
            continue
        if attr == "photo":
            if old.photo != new.photo:
                diffs.append(FieldDiff(label, _photo_text(old.photo), _photo_text(new.photo)))
            continue
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            diffs.append(FieldDiff(label, before[:DIFF_TEXT_LIMIT], after[:DIFF_TEXT_LIMIT]))
        if element == "RenMianLiYou":
            family_before, family_after = _family_text(old), _family_text(new)
            if family_before != family_after:
                diffs.append(FieldDiff("家庭主要成员及重要社会关系", family_before, family_after))
    return diffs


# --- import: upload and preview -----------------------------------------------------------


def _private_name(suffix: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(8)}{suffix}"


def start_lrmx_import(*, user: User, uploaded: UploadedFile, unit: Unit) -> CadreFileJob:
    """Store the upload as a job and read it (now or in the queue); raises ValidationError."""
    if user.cadre_scope.path is None or not user.can_write_cadres:
        raise PermissionDenied("您的角色不能导入干部任免审批表。")
    if not user.cadre_scope.contains(unit.path):
        raise ValidationError({"unit": "新建档案所在单位不在您的管理范围内。"})
    name = os.path.basename(uploaded.name or "")
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValidationError(
            {"file": "文件：只能上传 .lrmx 任免审批表、.lrm 旧版文件或包含它们的 .zip 压缩包。"}
        )
    if uploaded.size and uploaded.size > MAX_BUNDLE_BYTES:
        raise ValidationError({"file": "文件：超过大小上限，请分批上传。"})
    job = CadreFileJob(
        kind=Kind.LRMX_IMPORT,
        original_name=name[:200],
        target_unit=unit,
        scope_path=user.cadre_scope.path,
        created_by=user,
    )
    job.input_file.save(_private_name(suffix), uploaded, save=False)
    job.save()
    _run_or_enqueue(job, (uploaded.size or 0) > 200_000)
    job.refresh_from_db()
    return job


def _run_or_enqueue(job: CadreFileJob, large: bool) -> None:
    from zugong.cadres.tasks import cadre_file_task

    if large:
        cadre_file_task.enqueue(job.pk)
    else:
        run_file_job(job.pk)


def _set(job: CadreFileJob, **fields: object) -> None:
    """A plain UPDATE outside any transaction, so the polling page sees it at once."""
    for name, value in fields.items():
        setattr(job, name, value)
    CadreFileJob.objects.filter(pk=job.pk).update(**fields, updated_at=timezone.now())


def _read_bundle(job: CadreFileJob) -> list[tuple[str, LrmxRecord | LrmxError]]:
    with job.input_file.open("rb") as handle:
        data = handle.read()
    return read_lrmx_bundle(data, job.original_name)


def _preview_item(
    user: User, name: str, parsed: LrmxRecord | LrmxError, existing: Cadre | None
) -> dict:
    if isinstance(parsed, LrmxError):
        return {"file": name, "action": "error", "errors": [parsed.message]}
    try:
        data = archive_data_from_record(parsed)
    except LrmxError as exc:
        return {"file": name, "action": "error", "name": parsed.name, "errors": [exc.message]}
    item = {
        "file": name,
        "name": parsed.name,
        "id_tail": data.id_number[-4:],
        "warnings": data.warnings,
        "errors": [],
    }
    if existing is None:
        return item | {"action": "create", "diffs": []}
    if not user.cadre_scope.contains(existing.unit_path):
        return item | {
            "action": "error",
            "errors": ["该公民身份号码的干部档案不在您的管理范围内，不能导入"],
        }
    diffs = diff_records(record_from_cadre(existing), parsed)
    return item | {
        "action": "update" if diffs else "unchanged",
        "cadre": existing.pk,
        "diffs": [[d.label, d.old, d.new] for d in diffs],
    }


def _parse_job(job: CadreFileJob) -> None:
    user = job.created_by
    bundle = _read_bundle(job)
    _set(job, status=Status.PARSING, total=len(bundle), processed=0)
    ids = {
        r.id_number.strip().upper() for _, r in bundle if isinstance(r, LrmxRecord) and r.id_number
    }
    existing = {
        c.id_number: c for c in prefetch_for_record(Cadre.objects.filter(id_number__in=ids))
    }
    items: list[dict] = []
    seen: dict[str, str] = {}
    for index, (name, parsed) in enumerate(bundle, start=1):
        match = None
        if isinstance(parsed, LrmxRecord):
            key = parsed.id_number.strip().upper()
            match = existing.get(key)
            if key and key in seen:
                parsed = LrmxError(f"与文件“{seen[key]}”的公民身份号码相同，同一人只能导入一次")
            elif key:
                seen[key] = name
        items.append(_preview_item(user, name, parsed, match))
        if index % 50 == 0:
            _set(job, processed=index)
    _set(job, status=Status.PREVIEW, processed=len(bundle), items=items, message=_summary(items))


def _summary(items: list[dict]) -> str:
    counts = {
        a: sum(1 for i in items if i["action"] == a)
        for a in ("create", "update", "unchanged", "error")
    }
    return (
        f"共{len(items)}个文件：新建{counts['create']}，更新{counts['update']}，"
        f"无变化{counts['unchanged']}，有错误{counts['error']}"
    )


# --- import: apply -------------------------------------------------------------------------


def confirm_lrmx_import(*, user: User, job: CadreFileJob) -> CadreFileJob:
    if job.kind != Kind.LRMX_IMPORT or job.status != Status.PREVIEW:
        raise ValidationError("该导入不在待确认状态，不能写入。")
    if any(i["action"] == "error" for i in job.items):
        raise ValidationError("有文件存在错误：请修正后重新上传，所有文件无误才能写入。")
    if not any(i["action"] in ("create", "update") for i in job.items):
        raise ValidationError("没有需要写入的内容：所有文件与系统中的档案一致。")
    _set(job, status=Status.PENDING)
    _run_or_enqueue(job, len(job.items) > TASK_THRESHOLD)
    job.refresh_from_db()
    return job


def cancel_lrmx_import(*, job: CadreFileJob) -> None:
    if job.status != Status.PREVIEW:
        raise ValidationError("只有待确认的导入可以放弃。")
    _set(job, status=Status.CANCELLED, message="已放弃，未写入任何数据。")


def _apply_job(job: CadreFileJob) -> None:
    user = job.created_by
    bundle = _read_bundle(job)
    _set(job, status=Status.APPLYING, total=len(bundle), processed=0)
    created = updated = 0
    # All files or none: the preview promised exactly these changes.
    with transaction.atomic():
        for name, parsed in bundle:
            if isinstance(parsed, LrmxError):
                raise LrmxError(f"{name}：{parsed.message}")
            data = archive_data_from_record(parsed)
            existing = (
                Cadre.objects.select_for_update(of=("self",))
                .filter(id_number=data.id_number)
                .first()
            )
            if existing is not None and not user.cadre_scope.contains(existing.unit_path):
                raise LrmxError(f"{name}：该干部档案不在您的管理范围内")
            if existing is not None and not diff_records(record_from_cadre(existing), parsed):
                continue
            apply_archive_data(actor=user, data=data, cadre=existing, unit=job.target_unit)
            if existing is None:
                created += 1
            else:
                updated += 1
    _set(
        job,
        status=Status.DONE,
        processed=len(bundle),
        created_count=created,
        updated_count=updated,
        message=f"导入完成：新建{created}份档案，更新{updated}份。",
    )


@transaction.atomic
def apply_archive_data(
    *, actor: User | None, data: ArchiveData, cadre: Cadre | None, unit: Unit | None
) -> Cadre:
    """Write one record's archive rows: the cadre's fields, and its 简历, 全日制/在职 education,
    family and the assessments named in the text (other years are kept)."""
    if cadre is None:
        if unit is None:
            raise ValidationError("新建干部档案需要指定所在单位。")
        cadre = Cadre(id_number=data.id_number, unit=unit)
    for field, value in data.cadre_fields.items():
        setattr(cadre, field, value)
    cadre.lrmx_extra = data.extra
    derive_names(cadre)
    link_member(cadre)
    cadre._history_user = actor  # type: ignore[attr-defined]
    cadre.full_clean(exclude=["unit_path", "photo", "unit"])
    if data.photo:
        _store_photo(cadre, data.photo)
    cadre.save()

    cadre.resume_entries.all().delete()
    # Two inserts, not one per line: the main entries, then their 其间 rows with the parents' ids.
    mains = _created_with_history(
        ResumeEntry,
        actor,
        [
            ResumeEntry(
                cadre=cadre,
                start=month_start(e.start),
                end=month_start(e.end),
                text=e.text,
                position=position,
            )
            for position, e in enumerate(data.resume)
        ],
    )
    _created_with_history(
        ResumeEntry,
        actor,
        [
            ResumeEntry(
                cadre=cadre,
                parent=main,
                start=month_start(during.start),
                end=month_start(during.end),
                text=during.text,
                position=sub,
            )
            for main, entry in zip(mains, data.resume, strict=True)
            for sub, during in enumerate(entry.during)
        ],
    )
    Education.objects.filter(cadre=cadre, on_form=True).delete()
    _created_with_history(Education, actor, (_with(e, cadre) for e in education_rows(data)))
    cadre.family.all().delete()
    _created_with_history(FamilyMember, actor, (_with(f, cadre) for f in family_rows(data)))
    for year, grade in data.assessments.items():
        AnnualAssessment.objects.update_or_create(cadre=cadre, year=year, defaults={"grade": grade})
    return cadre


def _created_with_history(model, actor: User | None, rows) -> list:  # noqa: ANN001
    """bulk_create plus one 'created' history row each, so the archive's 历史 tab shows them."""
    created = model.objects.bulk_create(list(rows))
    if created:
        model.history.bulk_history_create(created, default_user=actor)
    return created


def _with(row, cadre: Cadre):  # noqa: ANN001, ANN202 - any child row
    row.cadre = cadre
    return row


def _store_photo(cadre: Cadre, photo: bytes) -> None:
    if photo_bytes(cadre) != photo:
        cadre.photo.save(f"{secrets.token_hex(12)}.jpg", ContentFile(photo), save=False)


# --- batch exports ---------------------------------------------------------------------------


EXPORT_KINDS = {Kind.ADFORM_PDF, Kind.ADFORM_DOCX, Kind.LRMX_EXPORT}


def start_batch_export(*, user: User, kind: str, cadre_ids: list[int]) -> CadreFileJob:
    if kind not in EXPORT_KINDS:
        raise ValidationError("不支持的导出类型。")
    if user.cadre_scope.path is None:
        raise PermissionDenied("您的账号没有干部管理范围。")
    allowed = list(
        scoped(user, Cadre.objects.filter(pk__in=cadre_ids)).values_list("pk", flat=True)
    )
    if not allowed:
        raise ValidationError("请至少选择一名干部。")
    limit = settings.ZUGONG_CADRE_BATCH_LIMIT
    if len(allowed) > limit:
        raise ValidationError(f"一次最多导出{limit}名干部，请缩小范围后分批导出。")
    order = {pk: i for i, pk in enumerate(cadre_ids)}
    job = CadreFileJob.objects.create(
        kind=kind,
        cadre_ids=sorted(allowed, key=lambda pk: order.get(pk, 0)),
        total=len(allowed),
        scope_path=user.cadre_scope.path,
        created_by=user,
    )
    _run_or_enqueue(job, len(allowed) > TASK_THRESHOLD)
    job.refresh_from_db()
    return job


def _export_job(job: CadreFileJob) -> None:
    _set(job, status=Status.RUNNING, processed=0)
    by_pk = {
        c.pk: c
        for c in prefetch_for_record(
            scoped(job.created_by, Cadre.objects.filter(pk__in=job.cadre_ids))
        )
    }
    cadres = [by_pk[pk] for pk in job.cadre_ids if pk in by_pk]
    records: list[LrmxRecord] = []
    for index, cadre in enumerate(cadres, start=1):
        records.append(record_from_cadre(cadre))
        if index % 20 == 0:
            _set(job, processed=index // 2)
    half = len(records) // 2

    def progress(done: int, total: int) -> None:
        if done % 5 == 0 or done == total:
            _set(job, processed=half + done * (len(records) - half) // max(total, 1))

    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    if job.kind == Kind.ADFORM_PDF:
        body, name = adform_batch_pdf(records, progress=progress), f"任免审批表-{stamp}.pdf"
    elif job.kind == Kind.ADFORM_DOCX:
        body = adform_batch_docx_zip(records, progress=progress)
        name = f"任免审批表-{stamp}.zip"
    else:
        body, name = lrmx_zip(records, progress=progress), f"任免审批表LRMX-{stamp}.zip"
    job.output_file.save(_private_name(os.path.splitext(name)[1]), ContentFile(body), save=False)
    _set(
        job,
        output_file=job.output_file.name,
        original_name=name,
        status=Status.DONE,
        processed=len(records),
        message=f"已生成{len(records)}名干部的任免审批表。",
    )


def lrmx_zip(
    records: list[LrmxRecord], progress: Callable[[int, int], None] | None = None
) -> bytes:
    """A zip of `<姓名>.lrmx` files, named as the Word batch names its files."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, record in enumerate(records, start=1):
            archive.writestr(unique_filename(record.name, used, ".lrmx"), write_lrmx(record))
            if progress:
                progress(index, len(records))
    return buffer.getvalue()


# --- running -------------------------------------------------------------------------------


def run_file_job(job_id: int) -> None:
    """Run one job step; claimed atomically so a task delivered twice runs once."""
    job = CadreFileJob.objects.select_related("created_by", "target_unit").get(pk=job_id)
    if job.kind == Kind.LRMX_IMPORT:
        if job.status == Status.PENDING and not job.items:
            step, running = _parse_job, Status.PARSING
        elif job.status == Status.PENDING:
            step, running = _apply_job, Status.APPLYING
        else:
            return
    elif job.status == Status.PENDING:
        step, running = _export_job, Status.RUNNING
    else:
        return
    if not CadreFileJob.objects.filter(pk=job_id, status=Status.PENDING).update(status=running):
        return
    try:
        step(job)
    except (LrmxError, ValidationError) as exc:
        message = exc.message if isinstance(exc, LrmxError) else "；".join(exc.messages)
        _set(job, status=Status.FAILED, message=f"失败，没有写入任何数据：{message}"[:300])
    except Exception:
        logger.exception("cadre file job %s failed", job_id)
        _set(
            job,
            status=Status.FAILED,
            message=f"处理时发生系统错误，没有写入任何数据；请联系系统管理员（任务编号 {job_id}）",
        )
