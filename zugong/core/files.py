"""Uploaded files read by their content: the type from the first bytes (never the name), and photos
re-encoded so only the pixels survive (no EXIF, GPS, device or embedded text). Shared by the meeting
attachments, the 举报 files and the 大调研 evidence."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow refuses larger images as decompression bombs; a phone photo is far below this.
MAX_PIXELS = 60_000_000


class UnreadableImage(ValueError):
    """A picture that cannot be decoded, or is too large; the message says which, in Chinese."""


def sniff(data: bytes) -> str | None:
    """jpeg, png, webp, pdf, docx or xlsx by the content; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
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


def reencode_image(data: bytes, kind: str, max_pixels: int = MAX_PIXELS) -> bytes:
    """The picture decoded and encoded again as `kind` (jpeg, png or webp), upright."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > max_pixels:
                raise UnreadableImage(f"图片尺寸过大（{probe.width}×{probe.height}像素）")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # The camera's rotation lives in EXIF: apply it before EXIF is dropped.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB" if image.mode not in ("RGB", "L") else image.mode).save(
                    out, "JPEG", quality=88, optimize=True
                )
            elif kind == "png":
                mode = image.mode if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
                image.convert(mode).save(out, "PNG", optimize=True)
            else:
                image.save(out, "WEBP", quality=88)
            return out.getvalue()
    except UnreadableImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UnreadableImage("图片已损坏或无法识别") from None


def remove_files_on_commit(names: list[str]) -> None:
    """Delete stored files once the transaction that dropped their rows commits: a rollback
    keeps rows and files together."""
    from django.core.files.storage import default_storage
    from django.db import transaction

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove)
