"""Looking up a report with its code: state, replies, adding information, a code reset for
reports filed on someone's behalf."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zugong.supervision import portal_services
from zugong.supervision.crypto import seal
from zugong.supervision.models import (
    CaseEvent,
    MessageVisibility,
    Report,
    ReportFile,
    ReportMessage,
    ReportResult,
    ReportState,
)
from zugong.supervision.portal_views import GENERIC_LOOKUP_ANSWER
from zugong.supervision.receipts import receipt_hash
from zugong.supervision.tests.test_portal_support import (
    ADD_URL,
    STATUS_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    receipt_from,
    reply,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed() -> tuple[Report, str]:
    return portal_services.submit_report(channel="other", text="反映某单位违规发放津贴。")


def test_the_status_form_and_an_empty_lookup(client):
    assert client.get(STATUS_URL).status_code == 200
    response = client.post(STATUS_URL, {})
    assert response.status_code == 200
    assert GENERIC_LOOKUP_ANSWER in response.content.decode()


def test_a_wrong_code_gets_the_generic_answer(client, filed):
    response = client.post(STATUS_URL, {"code": "1234-5678-9012-3456"})
    assert GENERIC_LOOKUP_ANSWER in response.content.decode()
    assert "反映某单位" not in response.content.decode()


def test_the_code_shows_state_and_public_replies_in_order(client, filed, users):
    report, code = filed
    officer = users["supervision_officer"]
    reply(report, "第一条答复：已转有关部门核查。", author=officer)
    ReportMessage.objects.create(
        report=report,
        author=officer,
        visibility=MessageVisibility.INTERNAL,
        text_sealed=seal("内部记录：不给反映人看"),
        created_on=report.received_on,
    )
    reply(report, "第二条答复：核查已办结。", author=officer)
    # Spaces instead of dashes are fine.
    html = client.post(STATUS_URL, {"code": code.replace("-", " ")}).content.decode()
    assert "已收到，待受理" in html
    assert html.index("第一条答复") < html.index("第二条答复")
    assert "内部记录" not in html
    assert f'name="code" value="{code.replace("-", " ")}"' in html  # re-sent, no session


def test_a_rejected_report_shows_its_reason_and_takes_no_more(client, filed):
    report, code = filed
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.REJECTED, reject_reason="不属于组织部门受理范围，请向纪委监委反映。"
    )
    html = client.post(STATUS_URL, {"code": code}).content.decode()
    assert "不予受理" in html and "不属于组织部门受理范围" in html
    assert 'action="/portal/status/add/"' not in html
    refused = client.post(ADD_URL, {"code": code, "text": "再补充一点"}).content.decode()
    assert "不能再补充" in refused
    assert not ReportMessage.objects.filter(report=report).exists()


def test_a_closed_report_takes_no_more_information(client, filed):
    report, code = filed
    Report.objects.filter(pk=report.pk).update(state=ReportState.CLOSED, result=ReportResult.TRUE)
    response = client.post(ADD_URL, {"code": code, "text": "再补充一点"})
    assert "不能再补充" in response.content.decode()
    assert not ReportMessage.objects.filter(report=report).exists()


def test_the_reporter_adds_information_and_a_file(client, filed):
    report, code = filed
    text_file = SimpleUploadedFile("补充.txt", "补充材料：时间是三月。".encode(), "text/plain")
    response = client.post(
        ADD_URL, {"code": code, "text": "补充：涉及金额约两万元。", "files": [text_file]}
    )
    html = response.content.decode()
    assert "已收到您补充的信息" in html and "补充：涉及金额约两万元。" in html
    message = ReportMessage.objects.get(report=report)
    assert message.author is None and message.from_reporter
    assert message.text == "补充：涉及金额约两万元。"
    assert CaseEvent.objects.filter(report=report, kind=CaseEvent.Kind.REPORTER_ADDED).count() == 1
    assert ReportFile.objects.get(report=report).name == "补充.txt"


def test_adding_information_with_a_wrong_code_is_the_generic_answer(client, filed):
    response = client.post(ADD_URL, {"code": "0000-0000-0000-0000", "text": "冒充补充"})
    assert GENERIC_LOOKUP_ANSWER in response.content.decode()
    assert not ReportMessage.objects.exists()


def test_adding_a_disguised_file_keeps_the_text(client, filed):
    report, code = filed
    exe = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + bytes(64), "application/pdf")
    html = client.post(
        ADD_URL, {"code": code, "text": "这段补充不应丢失", "files": [exe]}
    ).content.decode()
    assert "附件“scan.pdf”" in html and "这段补充不应丢失" in html
    assert not ReportMessage.objects.exists()


def test_empty_additions_are_refused(client, filed):
    report, code = filed
    html = client.post(ADD_URL, {"code": code, "text": "  "}).content.decode()
    assert "补充内容：请填写内容或上传文件" in html
    assert not ReportMessage.objects.exists()


def test_add_is_post_only(client):
    assert client.get(ADD_URL).status_code == 405


def test_a_report_filed_on_behalf_gets_a_new_code_at_first_lookup(client, filed, users):
    report, staff_code = filed
    Report.objects.filter(pk=report.pk).update(
        receipt_must_change=True, filed_by=users["supervision_officer"]
    )
    first = client.post(STATUS_URL, {"code": staff_code})
    html = first.content.decode()
    assert first.templates[0].name == "portal/receipt.html"
    assert "我已记下查询码" in html and "原查询码已经作废" in html
    new_code = receipt_from(html)
    assert new_code != staff_code
    report.refresh_from_db()
    assert not report.receipt_must_change and report.receipt_hash == receipt_hash(new_code)
    # The staff member's code no longer opens anything; the new one does.
    assert GENERIC_LOOKUP_ANSWER in client.post(STATUS_URL, {"code": staff_code}).content.decode()
    assert "已收到，待受理" in client.post(STATUS_URL, {"code": new_code}).content.decode()


def test_an_image_added_later_loses_its_metadata(client, filed):
    from PIL import Image

    report, code = filed
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    Image.new("RGB", (10, 10), "blue").save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", out.getvalue(), "image/jpeg")
    client.post(ADD_URL, {"code": code, "text": "照片", "files": [upload]})
    from zugong.supervision.crypto import unseal_bytes

    stored = ReportFile.objects.get(report=report)
    with stored.blob.open("rb") as blob:
        plain = unseal_bytes(blob.read())
    assert b"SecretCamMaker" not in plain and plain.startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("code", ["\x00" * 5, "1" * 1000, "１２３４-５６７８", "<script>"])
def test_odd_codes_get_the_generic_answer(client, code):
    for url in (STATUS_URL, ADD_URL):
        response = client.post(url, {"code": code, "text": "x"})
        assert response.status_code == 200
        assert GENERIC_LOOKUP_ANSWER in response.content.decode()
