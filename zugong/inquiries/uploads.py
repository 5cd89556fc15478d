"""Activity files and 整改佐证 evidence: typed by content (never the name), size-limited, photos
re-encoded so EXIF data (GPS, device) is dropped, stored under random names."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_PIXELS = 60_000_000
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
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError({"file": f"文件“{name}”：{message}"})


def _reencode(data: bytes, kind: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(name, "图片尺寸过大")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=88)
            else:
                image.save(out, "PNG")
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise _refuse(name, "图片已损坏或无法识别") from None


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
