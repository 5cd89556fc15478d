"""佐证材料 (evidence) uploads shared by the problem lists, campaigns and branch scoring: typed by
content (never the name), size-limited, photos re-encoded so EXIF data (GPS, device) is dropped.
Each caller stores the result under a random name of its own."""

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


def prepare_upload(uploaded: UploadedFile, label: str = "文件") -> PreparedFile:
    """The checked file, or a ValidationError on the form's `file` field naming the file and rule."""
    name = (uploaded.name or "未命名文件").replace("\\", "/").rsplit("/", 1)[-1][:200]

    def refuse(message: str) -> ValidationError:
        return ValidationError({"file": f"{label}“{name}”：{message}"})

    size = uploaded.size or 0
    if size == 0:
        raise refuse("文件是空的")
    if size > MAX_BYTES:
        raise refuse(f"文件大小{size / MB:.1f}MB，超过20MB的上限")
    uploaded.seek(0)
    data = uploaded.read()
    kind = core_files.sniff(data)
    if kind not in TYPES:
        raise refuse(f"文件内容不是允许的类型（按内容识别，与扩展名无关），只能上传{ALLOWED_TEXT}")
    if kind in ("jpeg", "png"):
        try:
            data = core_files.reencode_image(data, kind)
        except core_files.UnreadableImage as exc:
            raise refuse(str(exc)) from None
    return PreparedFile(ContentFile(data, "upload.bin"), name, TYPES[kind], len(data))
