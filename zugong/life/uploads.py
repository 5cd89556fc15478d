"""Meeting attachments: the type is read from the content (never the name), photos are re-encoded.

A photo from a phone carries EXIF data (GPS position, device); re-encoding it with Pillow keeps
only the pixels. Every stored file gets a random name; it is served only by a scoped view.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from zugong.core import files as core_files
from zugong.life.models import FileKind

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB

PHOTO_TYPES = {
    "jpeg": ("image/jpeg", ".jpg", "JPEG"),
    "png": ("image/png", ".png", "PNG"),
    "webp": ("image/webp", ".webp", "WEBP"),
}
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
ALLOWED_TEXT = "照片（JPG、PNG、WebP，不超过10MB）或文件（PDF、DOCX、XLSX，不超过20MB）"


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed the checks, ready to be stored under its random name."""

    kind: str
    content: ContentFile
    original_name: str
    content_type: str
    size: int


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The file type from its content (Office files need the whole `data`)."""
    return core_files.sniff(data if data is not None else head)


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({"attachments": f"附件“{name}”：{message}"})


def _reencode(data: bytes, fmt: str, name: str) -> bytes:
    try:
        return core_files.reencode_image(data, fmt.lower())
    except core_files.UnreadableImage as exc:
        raise _refuse(name, str(exc)) from None


def prepare_upload(uploaded: UploadedFile) -> PreparedFile:
    """Check one upload's type (by content) and size; photos come back re-encoded."""
    name = (uploaded.name or "未命名文件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    size = uploaded.size or 0
    if size == 0:
        raise _refuse(name, "文件是空的")
    if size > DOCUMENT_MAX_BYTES:
        raise _refuse(name, f"文件大小{size / MB:.1f}MB，超过20MB的上限")
    uploaded.seek(0)
    data = uploaded.read()
    kind = sniff(data[:16], data)
    if kind is None:
        raise _refuse(
            name,
            f"文件内容不是允许的类型（按文件内容识别，与扩展名无关），只能上传{ALLOWED_TEXT}",
        )
    stem = uuid.uuid4().hex
    if kind in PHOTO_TYPES:
        if size > PHOTO_MAX_BYTES:
            raise _refuse(name, f"照片大小{size / MB:.1f}MB，超过10MB的上限")
        content_type, ext, fmt = PHOTO_TYPES[kind]
        body = _reencode(data, fmt, name)
        return PreparedFile(
            FileKind.PHOTO, ContentFile(body, stem + ext), name, content_type, len(body)
        )
    content_type, ext = DOCUMENT_TYPES[kind]
    return PreparedFile(FileKind.DOCUMENT, ContentFile(data, stem + ext), name, content_type, size)
