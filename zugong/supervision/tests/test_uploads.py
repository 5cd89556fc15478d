"""Uploaded files: type by content, size and count limits, image metadata removed, stored
encrypted under a random name."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from zugong.supervision import portal_services, uploads
from zugong.supervision.crypto import unseal_bytes


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0132] = "2026:03:01 08:15:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotate 90°
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "green").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _docx(with_document: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_jpeg_metadata_is_removed_and_the_picture_stays_upright():
    raw = _jpeg_with_exif()
    assert b"SecretCamMaker" in raw
    clean = uploads.check_upload(_upload("IMG_0001.jpg", raw))
    assert clean.content_type == uploads.JPEG
    assert b"SecretCamMaker" not in clean.data and b"2026:03:01" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert not dict(image.getexif())
        assert image.size == (20, 40)  # the orientation was applied before the EXIF went


def test_png_text_chunks_are_removed():
    info = PngInfo()
    info.add_text("Author", "SecretAuthorName")
    out = io.BytesIO()
    Image.new("RGBA", (5, 5), (1, 2, 3, 4)).save(out, format="PNG", pnginfo=info)
    clean = uploads.check_upload(_upload("a.png", out.getvalue()))
    assert clean.content_type == uploads.PNG and b"SecretAuthorName" not in clean.data


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("材料.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", uploads.PDF),
        ("说明.docx", _docx(), uploads.DOCX),
        ("说明.txt", "情况说明：某某。\n".encode(), uploads.TEXT),
        ("gbk.txt", "情况说明：某某。".encode("gb18030"), uploads.TEXT),
        # The name does not matter, only the content.
        ("scan.jpg", b"%PDF-1.4\n", uploads.PDF),
    ],
)
def test_allowed_types_by_content(name, data, kind):
    clean = uploads.check_upload(_upload(name, data))
    assert clean.content_type == kind and clean.name == name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100)),  # a Windows .exe
        ("report.docx", _docx(with_document=False)),  # a zip that is not a Word file
        ("notes.txt", b"\x7fELF\x02\x01\x01" + bytes(50)),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage"),  # claims PNG, is not one
    ],
)
def test_disguised_or_broken_files_are_refused_by_name(name, data):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(_upload(name, data))
    assert f"附件“{name}”" in refused.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空的"):
        uploads.check_upload(_upload("empty.txt", b""))


def test_size_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 100)
    uploads.check_upload(_upload("ok.txt", b"a" * 100))
    with pytest.raises(ValidationError, match="附件“big.txt”：超过"):
        uploads.check_upload(_upload("big.txt", b"a" * 101))


def test_the_real_limit_is_ten_megabytes():
    assert uploads.MAX_FILE_BYTES == 10 * 1024 * 1024 and uploads.MAX_FILES == 5
    with pytest.raises(ValidationError, match="超过 10 MB"):
        uploads.check_upload(_upload("big.txt", b"a" * (uploads.MAX_FILE_BYTES + 1)))


def test_huge_pictures_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100)
    out = io.BytesIO()
    Image.new("L", (20, 20)).save(out, format="PNG")
    with pytest.raises(ValidationError, match="图片无法读取或尺寸过大"):
        uploads.check_upload(_upload("wide.png", out.getvalue()))


def test_count_limits_and_all_refusals_together():
    with pytest.raises(ValidationError, match="一次最多上传 5 个文件"):
        uploads.check_uploads([_upload(f"{n}.txt", b"text") for n in range(6)])
    with pytest.raises(ValidationError, match="每件反映最多"):
        uploads.check_uploads([_upload("a.txt", b"text")], already=uploads.MAX_FILES_PER_REPORT)
    with pytest.raises(ValidationError) as refused:
        uploads.check_uploads(
            [_upload("a.exe", b"MZ" + bytes(10)), _upload("b.exe", b"MZ" + bytes(10))]
        )
    assert len(refused.value.messages) == 2


def test_a_path_in_the_name_is_dropped():
    assert uploads.check_upload(_upload("C:\\Users\\王某\\证据.txt", b"text")).name == "证据.txt"


@pytest.mark.django_db
def test_stored_files_are_encrypted_under_a_random_name_dated_by_day():
    report, _ = portal_services.submit_report(channel="other", text="附件加密存储测试。")
    clean = uploads.check_upload(_upload("证据清单.txt", "证据一：转账记录".encode()))
    stored = uploads.store(report, clean, date(2026, 3, 2))
    assert "证据清单" not in stored.blob.name and stored.blob.name.endswith(".bin")
    assert "证据清单" not in stored.name_sealed and stored.name == "证据清单.txt"
    with stored.blob.open("rb") as blob:
        sealed = blob.read()
    assert "转账记录".encode() not in sealed
    assert unseal_bytes(sealed) == "证据一：转账记录".encode()
    midnight = datetime.combine(date(2026, 3, 2), time.min).timestamp()
    assert os.stat(stored.blob.path).st_mtime == midnight


@pytest.mark.django_db
def test_files_written_before_a_failure_are_removed(monkeypatch):
    clean = uploads.check_upload(_upload("a.txt", b"first"))
    written: list[str] = []
    real_store = uploads.store

    def store_then_fail(report, file, on, from_reporter=True):  # noqa: ANN001, ANN202
        if written:
            raise RuntimeError("disk full")
        stored = real_store(report, file, on, from_reporter)
        written.append(stored.blob.path)
        return stored

    monkeypatch.setattr(uploads, "store", store_then_fail)
    with pytest.raises(RuntimeError):
        portal_services.submit_report(
            channel="other", text="两个附件的反映。", files=[clean, clean]
        )
    assert written and not os.path.exists(written[0])
    from zugong.supervision.models import Report, ReportFile

    assert not Report.objects.exists() and not ReportFile.objects.exists()
