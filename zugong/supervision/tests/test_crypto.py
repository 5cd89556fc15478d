"""What the portal stores is not the plaintext, and unsealing gives it back."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.supervision.crypto import seal, unseal, unseal_bytes
from zugong.supervision.models import Report, ReportMessage, SealedIdentity
from zugong.supervision.tests.test_portal_support import (
    ADD_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    receipt_from,
    submit,
)

pytestmark = pytest.mark.django_db

TEXT = "县某局副局长在招标中收受好处，证人可以作证。"
SUBJECT = "赵某某，县某局副局长"
NAME, CONTACT = "钱实名", "13700001111"
FILE_BYTES = "转账记录：2026年1月，五万元。".encode()


def test_text_subject_identity_and_files_are_sealed(client):
    upload = SimpleUploadedFile("证据.txt", FILE_BYTES, "text/plain")
    response = submit(
        client,
        channel="member",
        text=TEXT,
        subject_text=SUBJECT,
        name=NAME,
        contact=CONTACT,
        files=[upload],
    )
    code = receipt_from(response.content.decode())
    client.post(ADD_URL, {"code": code, "text": "补充的线索不应明文保存"})
    report = Report.objects.get()
    identity = SealedIdentity.objects.get(report=report)
    stored_file = report.files.get()
    message = ReportMessage.objects.get(report=report)

    for sealed, plain in [
        (report.text_sealed, TEXT),
        (report.subject_text_sealed, SUBJECT),
        (identity.name_sealed, NAME),
        (identity.contact_sealed, CONTACT),
        (stored_file.name_sealed, "证据.txt"),
        (message.text_sealed, "补充的线索不应明文保存"),
    ]:
        assert plain not in sealed and sealed
        assert unseal(sealed) == plain
    with stored_file.blob.open("rb") as blob:
        raw = blob.read()
    assert FILE_BYTES not in raw and unseal_bytes(raw) == FILE_BYTES


def test_the_empty_value_stays_empty():
    assert seal("") == "" and unseal("") == ""


def test_a_picture_is_sealed_too(client):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    submit(client, files=[SimpleUploadedFile("a.png", out.getvalue(), "image/png")])
    with Report.objects.get().files.get().blob.open("rb") as blob:
        raw = blob.read()
    assert not raw.startswith(b"\x89PNG") and unseal_bytes(raw).startswith(b"\x89PNG")
