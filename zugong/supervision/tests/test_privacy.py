"""The promise: no client address or user agent is stored for the portal's URLs, neither in any
table nor in the application's log output (issue 6, "Done when")."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from zugong.supervision.models import Report
from zugong.supervision.tests.test_portal_support import (
    ADD_URL,
    STATUS_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    active_notice,
    receipt_from,
    reply,
    submit,
)

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "ZugongProbe/7.7 (secret-agent)"
META = {
    "REMOTE_ADDR": CLIENT_ADDRESS,
    "HTTP_X_FORWARDED_FOR": f"{FORWARDED}, {CLIENT_ADDRESS}",
    "HTTP_USER_AGENT": USER_AGENT,
    "HTTP_REFERER": "http://intranet.example/ref?from=203.0.113.77",
}
SECRETS = [CLIENT_ADDRESS, FORWARDED, USER_AGENT, "ZugongProbe", "secret-agent"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Everything a formatter could write: the message, its arguments, extras, the exception.
        self.lines.append(logging.Formatter("%(name)s %(levelname)s %(message)s").format(record))
        self.lines.append(repr(record.__dict__))
        # Django's error mails print the request's META: what they would print is captured too.
        request = getattr(record, "request", None)
        if request is not None:
            self.lines.append(repr(getattr(request, "META", {})))


def _every_stored_value() -> str:
    """Every row of every table (raw SQL, so nothing is skipped by a model's manager)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                parts.append(f"{table}: {row!r}")
    return "\n".join(parts)


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0131] = USER_AGENT  # Software: metadata must not carry it into storage either
    Image.new("RGB", (6, 6), "white").save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def test_no_address_or_user_agent_in_any_table_or_log(client, caplog, unit_tree, users):
    notice = active_notice(unit_tree.town_a)
    first_photo, second_photo = _jpeg(), _jpeg()  # made before capturing: they hold the agent
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    # The SQL logger writes every query (with its parameters) too.
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        sent = submit(
            client,
            meta=META,
            channel="selection",
            notice=notice.pk,
            text="公示对象在原单位有违规问题，请核查。",
            name="实名测试",
            contact="13900000000",
            files=[first_photo],
        )
        code = receipt_from(sent.content.decode())
        report = Report.objects.get()
        reply(report, "已收到，正在核查。", author=users["supervision_officer"])
        assert "正在核查" in client.post(STATUS_URL, {"code": code}, **META).content.decode()
        wrong = client.post(STATUS_URL, {"code": "1111-2222-3333-4444"}, **META)
        assert wrong.status_code == 200
        added = client.post(
            ADD_URL, {"code": code, "text": "补充一条线索。", "files": [second_photo]}, **META
        )
        assert "已收到您补充的信息" in added.content.decode()
        # A page that fails (404) is logged by Django: still nothing about the client.
        assert client.get("/portal/no-such-page/", **META).status_code == 404
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(collect)
        root.setLevel(old_level)

    logs = "\n".join(collect.lines) + "\n" + caplog.text
    assert "SELECT" in logs or "INSERT" in logs, "the SQL was captured too"
    stored = _every_stored_value()
    assert "公示对象" not in stored  # sanity: the text is sealed, so the dump is meaningful
    cached = repr([cache.get(k) for k in getattr(cache, "_cache", {})]) + repr(
        list(getattr(cache, "_cache", {}).keys())
    )
    for secret in SECRETS:
        assert secret not in stored, f"{secret!r} stored in the database"
        assert secret not in logs, f"{secret!r} in the log output"
        assert secret not in cached, f"{secret!r} in the cache"
    # The files on disk hold no trace either (encrypted, and the picture's metadata was dropped).
    from zugong.supervision.crypto import unseal_bytes

    for stored_file in report.files.all():
        with stored_file.blob.open("rb") as blob:
            plain = unseal_bytes(blob.read())
        assert USER_AGENT.encode() not in plain


def test_portal_responses_set_no_session_cookie(client):
    for response in (
        client.get("/portal/"),
        submit(client),
        client.post(STATUS_URL, {"code": "1234"}),
    ):
        assert "sessionid" not in response.cookies
        assert response["Cache-Control"] == "no-store"


def test_the_footer_and_privacy_page_tell_what_is_kept(client):
    home = client.get("/portal/").content.decode()
    assert "不记录您的网络地址（IP）和浏览器信息" in home
    page = client.get("/portal/privacy/").content.decode()
    for promise in ("网络地址（IP）", "加密保存", "重新编码", "保管人", "运营方"):
        assert promise in page
