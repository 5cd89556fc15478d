"""标准化考评 and 软弱涣散整顿 evidence: typed by content (never the name), size-limited, photos
re-encoded so EXIF data (GPS, device) is dropped, stored under random names."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from zugong.core import files as core_files

MB = 1024 * 1024
MAX_BYTES = 20 * MB
ALLOWED_TEXT = "JPG、PNG 照片或 PDF、DOCX、XLSX 文件，不超过20MB"
TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class PreparedFile:
    content: ContentFile
    original_name: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    kind = core_files.sniff(data)
    return kind if kind in TYPES else None


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({"file": f"文件“{name}”：{message}"})


def _reencode(data: bytes, kind: str, name: str) -> bytes:
    try:
        return core_files.reencode_image(data, kind)
    except core_files.UnreadableImage as exc:
        raise _refuse(name, str(exc)) from None


def prepare_upload(uploaded: UploadedFile) -> PreparedFile:
    name = (uploaded.name or "未命名文件").replace("\\", "/").rsplit("/", 1)[-1][:200]
    size = uploaded.size or 0
    if size == 0:
        raise _refuse(name, "文件是空的")
    if size > MAX_BYTES:
        raise _refuse(name, f"文件大小{size / MB:.1f}MB，超过20MB的上限")
    uploaded.seek(0)
    data = uploaded.read()
    kind = sniff(data)
    if kind is None:
        raise _refuse(
            name, f"文件内容不是允许的类型（按内容识别，与扩展名无关），只能上传{ALLOWED_TEXT}"
        )
    if kind in ("jpeg", "png"):
        data = _reencode(data, kind, name)
    return PreparedFile(ContentFile(data, "upload.bin"), name, TYPES[kind], len(data))
