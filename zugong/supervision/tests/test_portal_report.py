"""The 举报 form of the public portal: what a submission stores, and every refusal keeps the text."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zugong.cadres.models import PublicNotice
from zugong.supervision import portal_views
from zugong.supervision.deadlines import step_due
from zugong.supervision.models import (
    CaseEvent,
    Report,
    ReportFile,
    ReportState,
    SealedIdentity,
    SubjectKind,
)
from zugong.supervision.tests.test_portal_support import (
    REPORT_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    active_notice,
    receipt_from,
    submit,
)

pytestmark = pytest.mark.django_db
TEXT = "某村干部在低保评定中优亲厚友，请核查。"


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_the_form_offers_channels_and_a_challenge(client):
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "干部选拔任用和任前公示异议" in html and "基层党组织" in html
    assert 'name="pow_challenge" value="' in html
    assert 'name="website"' in html  # the honeypot


def test_an_anonymous_report_is_received_with_a_receipt_shown_once(client):
    response = submit(client, files=[_png()])
    assert response.status_code == 200
    assert response.templates[0].name == "portal/receipt.html"
    code = receipt_from(response.content.decode())
    assert len(code) == 19 and code.count("-") == 3
    assert "我已记下查询码" in response.content.decode()
    report = Report.objects.get()
    today = timezone.localdate()
    assert report.state == ReportState.RECEIVED
    assert report.received_on == today
    assert report.step_due_on == step_due(ReportState.RECEIVED, today)
    assert report.subject_kind == SubjectKind.NONE and not report.has_identity
    assert report.text == TEXT
    assert report.files.count() == 1 and report.files.get().name == "photo.png"
    event = CaseEvent.objects.get(report=report)
    assert event.kind == CaseEvent.Kind.RECEIVED and event.actor is None
    # Days only: the event keeps no time of day that could be matched with a network log.
    local = timezone.localtime(event.at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    # No redirect: the code never travels in a URL or a Location header.
    assert not response.has_header("Location")
    assert code not in response.request["PATH_INFO"]


def test_a_report_on_a_notice_names_its_cadre_and_marks_the_notice(client, unit_tree):
    notice = active_notice(unit_tree.town_a)
    form = client.get(f"{REPORT_URL}?notice={notice.pk}").content.decode()
    assert f'value="{notice.pk}" selected' in form
    response = submit(client, channel="selection", notice=notice.pk)
    assert response.templates[0].name == "portal/receipt.html"
    report = Report.objects.get()
    assert report.subject_kind == SubjectKind.NOTICE
    assert report.subject_notice == notice and report.subject_cadre == notice.cadre
    assert report.unit_path == notice.cadre.unit_path
    notice.refresh_from_db()
    assert notice.under_review and notice.feedback_count == 1
    page = client.get("/portal/notices/").content.decode()
    assert "有反映，核查中" in page and TEXT not in page


def test_a_report_on_an_organization_keeps_its_path(client, tree):
    response = submit(client, channel="organization", org=tree.branch_a1.pk)
    assert response.templates[0].name == "portal/receipt.html"
    report = Report.objects.get()
    assert report.subject_org == tree.branch_a1 and report.org_path == tree.branch_a1.path
    assert report.subject_kind == SubjectKind.ORGANIZATION


def test_a_dissolved_organization_cannot_be_chosen(client, tree):
    tree.branch_b1.status = "dissolved"
    tree.branch_b1.save()
    html = client.get(f"{REPORT_URL}?channel=organization").content.decode()
    assert tree.branch_a1.name in html and tree.branch_b1.name not in html
    response = submit(client, channel="organization", org=tree.branch_b1.pk)
    assert response.templates[0].name == "portal/report_form.html"
    assert not Report.objects.exists()


def test_a_typed_subject_and_an_identity_are_sealed(client):
    response = submit(
        client,
        channel="member",
        subject_text="李某某，某局科员",
        name="王五",
        contact="13800000000",
    )
    assert response.templates[0].name == "portal/receipt.html"
    report = Report.objects.get()
    assert report.has_identity and report.subject_text == "李某某，某局科员"
    identity = SealedIdentity.objects.get(report=report)
    assert "王五" not in identity.name_sealed and "13800000000" not in identity.contact_sealed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": "太短"}, "反映内容"),
        ({"text": "长" * 5001}, "反映内容"),
        ({"channel": "selection"}, "被反映人或单位：请选择或填写反映的是谁"),
        ({"channel": "nonsense"}, "反映渠道"),
        ({"contact": "13800000000"}, "姓名（自愿）：填写联系方式的，请同时填写姓名。"),
    ],
)
def test_bad_input_gets_a_message_naming_the_field(client, fields, message):
    response = submit(client, **fields)
    assert response.status_code == 200
    assert response.templates[0].name == "portal/report_form.html"
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_the_honeypot_refuses_and_stores_nothing(client):
    response = submit(client, website="http://spam.example")
    html = response.content.decode()
    assert response.templates[0].name == "portal/report_form.html"
    assert portal_views.HONEYPOT_REFUSED in html
    assert TEXT in html  # what was typed is kept
    assert not Report.objects.exists()


def test_a_missing_proof_of_work_is_refused_and_the_text_kept(client):
    response = submit(client, solve=False)
    html = response.content.decode()
    assert portal_views.POW_REFUSED in html and TEXT in html
    assert not Report.objects.exists()


def test_a_replayed_solution_is_refused(client):
    form = client.get(REPORT_URL).content.decode()
    from zugong.supervision import pow
    from zugong.supervision.tests.test_portal_support import challenge_from

    challenge = challenge_from(form)
    data = {"channel": "other", "text": TEXT, "pow_challenge": challenge}
    data["pow_nonce"] = pow.solve(challenge)
    assert client.post(REPORT_URL, data).templates[0].name == "portal/receipt.html"
    again = client.post(REPORT_URL, data)
    assert portal_views.POW_REFUSED in again.content.decode()
    assert Report.objects.count() == 1


def test_a_refused_form_gets_a_fresh_challenge(client):
    first = submit(client, text="太短")
    from zugong.supervision.tests.test_portal_support import challenge_from

    challenge = challenge_from(first.content.decode())
    assert challenge
    # The re-rendered form can be sent again at once.
    from zugong.supervision import pow

    data = {"channel": "other", "text": TEXT, "pow_challenge": challenge}
    data["pow_nonce"] = pow.solve(challenge)
    assert client.post(REPORT_URL, data).templates[0].name == "portal/receipt.html"


def test_floods_from_one_client_are_refused(client, monkeypatch):
    monkeypatch.setattr(portal_views, "REPORTS_PER_CLIENT_PER_HOUR", 2)
    meta = {"REMOTE_ADDR": "198.51.100.1"}
    for _ in range(2):
        assert submit(client, meta=meta).templates[0].name == "portal/receipt.html"
    refused = submit(client, meta=meta, text="第三件反映的内容，不应丢失。")
    html = refused.content.decode()
    assert "提交过于频繁" in html and "第三件反映的内容，不应丢失。" in html
    assert Report.objects.count() == 2
    # Another client is not affected.
    other = submit(client, meta={"REMOTE_ADDR": "198.51.100.2"})
    assert other.templates[0].name == "portal/receipt.html"


def test_floods_on_one_channel_are_refused_whoever_sends_them(client, monkeypatch):
    monkeypatch.setattr(portal_views, "REPORTS_PER_CHANNEL_PER_HOUR", 2)
    for n in range(2):
        sent = submit(
            client, channel="member", subject_text="某党员", meta={"REMOTE_ADDR": f"198.51.100.{n}"}
        )
        assert sent.templates[0].name == "portal/receipt.html"
    refused = submit(
        client, channel="member", subject_text="某党员", meta={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert "此渠道一小时内收到的反映已达上限" in refused.content.decode()
    # Other channels still take reports.
    assert (
        submit(client, meta={"REMOTE_ADDR": "198.51.100.9"}).templates[0].name
        == "portal/receipt.html"
    )
    assert Report.objects.count() == 3


def test_a_disguised_file_is_refused_by_name_and_nothing_is_stored(client, settings):
    exe = SimpleUploadedFile(
        "holiday.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "image/jpeg"
    )
    response = submit(client, files=[_png("ok.png"), exe])
    html = response.content.decode()
    assert "附件“holiday.jpg”：文件内容不是允许的类型" in html
    assert TEXT in html
    assert not Report.objects.exists() and not ReportFile.objects.exists()


def test_an_oversized_file_is_refused(client, monkeypatch):
    from zugong.supervision import uploads

    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 1024)
    big = SimpleUploadedFile("big.txt", b"a" * 2048, "text/plain")
    html = submit(client, files=[big]).content.decode()
    assert "附件“big.txt”：超过" in html
    assert not Report.objects.exists()


def test_more_than_five_files_are_refused(client):
    files = [_png(f"p{n}.png") for n in range(6)]
    html = submit(client, files=files).content.decode()
    assert "一次最多上传 5 个文件" in html
    assert not Report.objects.exists()


def test_the_notice_feedback_leaves_no_timed_history(client, unit_tree):
    notice = active_notice(unit_tree.town_a)
    before = notice.history.count()
    submit(client, channel="selection", notice=notice.pk)
    assert PublicNotice.objects.get(pk=notice.pk).history.count() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"channel": "organization", "org": "99999999999999999999999"},
        {"channel": "selection", "notice": "-1"},
        {"channel": "selection", "notice": "1e5"},
        {"text": "abc\x00defghijklmn"},
        {"name": "x" * 500, "contact": "y" * 500},
        {"pow_nonce": "\x00"},
    ],
)
def test_odd_input_is_refused_without_an_error_page(client, fields):
    response = submit(client, **fields)
    assert response.status_code == 200
    assert response.templates[0].name == "portal/report_form.html"
    assert not Report.objects.exists()


def test_odd_query_strings_show_the_plain_form(client):
    for query in ("notice=99999999999999999999", "notice=123456789", "channel=<x>"):
        assert client.get(f"{REPORT_URL}?{query}").status_code == 200
