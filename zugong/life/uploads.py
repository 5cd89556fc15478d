"""Meeting attachments: the type is read from the content (never the name), photos are re-encoded.

A photo from a phone carries EXIF data (GPS position, device); re-encoding it with Pillow keeps
only the pixels. Every stored file gets a random name; it is served only by a scoped view.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from zugong.life.models import FileKind

MB = 1024 * 1024
PHOTO_MAX_BYTES = 10 * MB
DOCUMENT_MAX_BYTES = 20 * MB
# Pillow refuses larger images as decompression bombs; a phone photo is far below this.
MAX_PIXELS = 60_000_000

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
    """The file type from its first bytes (and, for Office files, the zip's parts)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({"attachments": f"附件“{name}”：{message}"})


def _reencode(data: bytes, fmt: str, name: str) -> bytes:
    """Decode and encode again: only the pixels survive (no EXIF, GPS or embedded comments)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(name, f"图片尺寸过大（{probe.width}×{probe.height}像素）")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # The camera's rotation lives in EXIF: apply it before EXIF is dropped.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if fmt == "JPEG":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=88, optimize=True)
            elif fmt == "PNG":
                image.save(out, "PNG", optimize=True)
            else:
                image.save(out, "WEBP", quality=88)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(name, "图片已损坏或无法识别，请重新拍摄或导出后上传") from None


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
