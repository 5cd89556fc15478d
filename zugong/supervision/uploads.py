"""Files a reporter sends: checked by their content (never by their name), images re-encoded so
their EXIF and other metadata (camera, place, time) are dropped, and stored encrypted under a
random name with the original name sealed (supervision.md §1.8)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from zugong.core import files as core_files
from zugong.supervision.crypto import seal, seal_bytes
from zugong.supervision.models import Report, ReportFile

# Pillow's debug log prints every EXIF tag it reads (camera, place, time): never let it through.
logging.getLogger("PIL").setLevel(logging.INFO)

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# All the files of one report, including those added later with the code.
MAX_FILES_PER_REPORT = 20
# Larger images are refused before decoding (a small file can decode to gigabytes).
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_TYPES_TEXT = "JPG、PNG 图片，PDF，Word（.docx）或纯文本（.txt）"

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes


def _display_name(upload: UploadedFile) -> str:
    # Only the last part of the name; what the browser sent may hold a path.
    name = os.path.basename((upload.name or "").replace("\\", "/")).strip()
    return name[:200] or "未命名文件"


# The kinds a reporter may send, by the shared content check (zugong.core.files).
CONTENT_TYPES = {"jpeg": JPEG, "png": PNG, "pdf": PDF, "docx": DOCX}


def _sniff(data: bytes) -> str | None:
    content_type = CONTENT_TYPES.get(core_files.sniff(data) or "")
    if content_type is None and _is_plain_text(data):
        return TEXT
    return content_type


def _is_plain_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
    return False


def _reencode(data: bytes, content_type: str) -> bytes:
    """The picture only: pixels re-encoded, every metadata chunk (EXIF, XMP, text) left behind."""
    kind = "jpeg" if content_type == JPEG else "png"
    return core_files.reencode_image(data, kind, MAX_IMAGE_PIXELS)


def check_upload(upload: UploadedFile) -> CleanFile:
    """The file as it will be stored, or a ValidationError naming the file."""
    name = _display_name(upload)
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            f"附件“{name}”：超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请压缩或分开说明。"
        )
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            f"附件“{name}”：超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请压缩或分开说明。"
        )
    if not data:
        raise ValidationError(f"附件“{name}”：文件是空的。")
    content_type = _sniff(data)
    if content_type is None:
        raise ValidationError(
            f"附件“{name}”：文件内容不是允许的类型（只接受{ALLOWED_TYPES_TEXT}），"
            "与文件名后缀无关。"
        )
    if content_type in (JPEG, PNG):
        try:
            data = _reencode(data, content_type)
        except core_files.UnreadableImage:
            raise ValidationError(f"附件“{name}”：图片无法读取或尺寸过大。") from None
    return CleanFile(name=name, content_type=content_type, data=data)


def check_uploads(uploads: Iterable[UploadedFile], already: int = 0) -> list[CleanFile]:
    """Every file checked; all refusals together in one ValidationError."""
    uploads = [u for u in uploads if u is not None]
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"附件：一次最多上传 {MAX_FILES} 个文件。")
    if already + len(uploads) > MAX_FILES_PER_REPORT:
        raise ValidationError(f"附件：每件反映最多 {MAX_FILES_PER_REPORT} 个文件。")
    clean: list[CleanFile] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            clean.append(check_upload(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return clean


def store(report: Report, file: CleanFile, on: date, from_reporter: bool = True) -> ReportFile:
    """Encrypt and save one checked file (the blob name is random: ReportFile.blob's upload_to)."""
    stored = ReportFile(
        report=report,
        name_sealed=seal(file.name),
        content_type=file.content_type,
        size=len(file.data),
        added_on=on,
        from_reporter=from_reporter,
    )
    stored.blob.save("upload.bin", ContentFile(seal_bytes(file.data)), save=False)
    stored.save()
    _date_only_mtime(stored, on)
    return stored


def _date_only_mtime(stored: ReportFile, on: date) -> None:
    # The file's modification time would tell the time of day of the upload; keep only the day.
    try:
        path = stored.blob.path
    except NotImplementedError:  # storage without local paths
        return
    midnight = datetime.combine(on, time.min).timestamp()
    os.utime(path, (midnight, midnight))


def discard(files: Iterable[ReportFile]) -> None:
    """Remove blobs written by a transaction that then failed (the rows roll back, files don't)."""
    for stored in files:
        if stored.blob.name:
            stored.blob.storage.delete(stored.blob.name)
