"""Attachments: the type is read from the content, sizes are capped, photos lose their EXIF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook
from PIL import Image

from zugong.life import services
from zugong.life.models import FileKind, MeetingFile
from zugong.life.tests.conftest import record
from zugong.life.uploads import DOCUMENT_MAX_BYTES, PHOTO_MAX_BYTES, prepare_upload

MB = 1024 * 1024


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone"  # Model
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_photo_is_reencoded_without_exif():
    raw = jpeg_with_exif()
    assert b"SecretPhone" in raw
    prepared = prepare_upload(upload("现场.jpg", raw))
    body = prepared.content.read()
    assert prepared.kind == FileKind.PHOTO and prepared.content_type == "image/jpeg"
    assert b"SecretPhone" not in body
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif()
        assert image.size == (40, 30)
    # The stored name is random, not the uploader's.
    assert "现场" not in prepared.content.name and prepared.content.name.endswith(".jpg")
    assert prepared.original_name == "现场.jpg"


def test_type_comes_from_the_content_not_the_name():
    assert prepare_upload(upload("照片.pdf", png_bytes())).content_type == "image/png"
    assert prepare_upload(upload("记录", docx_bytes())).kind == FileKind.DOCUMENT
    assert prepare_upload(upload("台账.bin", xlsx_bytes())).content_type.endswith(".sheet")
    assert prepare_upload(upload("会议.PDF", b"%PDF-1.7\n...")).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("现场.jpg", b"<html><script>alert(1)</script></html>"),
        ("会议.docx", b"PK\x03\x04" + b"\0" * 40),
        ("压缩.xlsx", None),
        ("程序.png", b"MZ\x90\x00" + b"\0" * 100),
    ],
)
def test_wrong_type_by_content_is_refused_by_name(name, content):
    if content is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not an office file")
        content = out.getvalue()
    with pytest.raises(ValidationError) as exc:
        prepare_upload(upload(name, content))
    message = " ".join(exc.value.messages)
    assert f"附件“{name}”" in message and "不是允许的类型" in message


def test_broken_image_is_refused():
    with pytest.raises(ValidationError) as exc:
        prepare_upload(upload("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64))
    assert "坏图.jpg" in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("size", "ok"),
    [(PHOTO_MAX_BYTES - 1, True), (PHOTO_MAX_BYTES, True), (PHOTO_MAX_BYTES + 1, False)],
)
def test_photo_size_limit(size, ok, monkeypatch):
    # Re-encoding is not what is measured here: a padded JPEG header passes the sniff only.
    monkeypatch.setattr("zugong.life.uploads._reencode", lambda data, fmt, name: b"\xff\xd8\xff")
    content = b"\xff\xd8\xff\xe0" + b"\0" * (size - 4)
    if ok:
        assert prepare_upload(upload("大图.jpg", content)).kind == FileKind.PHOTO
    else:
        with pytest.raises(ValidationError) as exc:
            prepare_upload(upload("大图.jpg", content))
        assert "大图.jpg" in exc.value.messages[0] and "10MB" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("size", "ok"),
    [(DOCUMENT_MAX_BYTES, True), (DOCUMENT_MAX_BYTES + 1, False)],
)
def test_document_size_limit(size, ok):
    content = b"%PDF-1.7\n" + b"0" * (size - 9)
    if ok:
        assert prepare_upload(upload("材料.pdf", content)).size == size
    else:
        with pytest.raises(ValidationError) as exc:
            prepare_upload(upload("材料.pdf", content))
        assert "材料.pdf" in exc.value.messages[0] and "20MB" in exc.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        prepare_upload(upload("空.pdf", b""))


@pytest.mark.django_db
def test_one_bad_file_stores_none(tree, branch, mtypes, settings):
    m = record(tree.branch_a1, mtypes["theme_party_day"])
    good = upload("好.png", png_bytes())
    bad = upload("坏.jpg", b"not an image at all")
    with pytest.raises(ValidationError):
        services.add_meeting_files(actor=None, meeting=m, files=[good, bad])
    assert not MeetingFile.objects.exists()
    stored = (
        list((settings.MEDIA_ROOT / "meetings").rglob("*"))
        if (settings.MEDIA_ROOT / "meetings").exists()
        else []
    )
    assert not [p for p in stored if p.is_file()]


@pytest.mark.django_db
def test_files_are_stored_and_removed(tree, branch, mtypes, settings):
    m = record(tree.branch_a1, mtypes["theme_party_day"])
    (item,) = services.add_meeting_files(
        actor=None, meeting=m, files=[upload("现场.jpg", jpeg_with_exif())]
    )
    path = item.file.path
    assert item.original_name == "现场.jpg" and item.size == Path(path).stat().st_size
    services.remove_meeting_file(actor=None, item=item)
    assert not MeetingFile.objects.exists()


@pytest.mark.django_db
def test_deleting_a_meeting_removes_its_files_from_disk(
    tree, branch, mtypes, django_capture_on_commit_callbacks
):
    m = record(tree.branch_a1, mtypes["theme_party_day"])
    (item,) = services.add_meeting_files(
        actor=None, meeting=m, files=[upload("a.png", png_bytes())]
    )
    import os

    path = item.file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_meeting(actor=None, meeting=m)
    assert not os.path.exists(path)
