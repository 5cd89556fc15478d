"""The receipt code: 16 random digits shown 4-4-4-4, stored only as its Argon2id hash, and
guessing it is throttled per client and for everyone."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from zugong.supervision import portal_services, portal_views, receipts
from zugong.supervision.models import Report
from zugong.supervision.portal_views import GENERIC_LOOKUP_ANSWER
from zugong.supervision.tests.test_portal_support import (
    STATUS_URL,
    _fresh_cache,  # noqa: F401 - autouse fixture
    receipt_from,
    submit,
)


def test_codes_are_sixteen_random_digits_grouped_by_four():
    codes = {receipts.new_receipt() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4] and all(g.isdigit() for g in groups)


def test_typed_codes_are_normalized():
    assert receipts.normalize_receipt("1234 5678-9012 3456") == "1234567890123456"
    assert receipts.normalize_receipt("1234") is None
    assert receipts.normalize_receipt("１２３４５６７８９０１２３４５６") is None


@pytest.mark.django_db
def test_the_code_is_stored_only_as_its_hash(client):
    code = receipt_from(submit(client).content.decode())
    digits = code.replace("-", "")
    report = Report.objects.get()
    assert report.receipt_hash == receipts.receipt_hash(code) and len(report.receipt_hash) == 64
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            dump = repr(cursor.fetchall())
            for form in (code, digits, code.replace("-", " ")):
                assert form not in dump, f"the receipt code is readable in {table}"


@pytest.mark.django_db
def test_guessing_is_throttled_per_client_until_the_window_passes(client, monkeypatch):
    monkeypatch.setattr(portal_views, "WRONG_CODE_WINDOW_SECONDS", 2)
    _, code = portal_services.submit_report(channel="other", text="查询码限流测试内容。")
    guesser = {"REMOTE_ADDR": "192.0.2.10"}
    for n in range(portal_views.WRONG_CODES_PER_CLIENT):
        wrong = client.post(STATUS_URL, {"code": f"0000-0000-0000-{n:04d}"}, **guesser)
        assert GENERIC_LOOKUP_ANSWER in wrong.content.decode()
    # Now even the right code gets the same answer, for this client only.
    blocked = client.post(STATUS_URL, {"code": code}, **guesser)
    assert GENERIC_LOOKUP_ANSWER in blocked.content.decode()
    assert "办理情况" not in blocked.content.decode().split("<main")[1].split("查询办理情况")[0]
    other = client.post(STATUS_URL, {"code": code}, REMOTE_ADDR="192.0.2.11")
    assert "已收到，待受理" in other.content.decode()
    time.sleep(2.2)
    assert "已收到，待受理" in client.post(STATUS_URL, {"code": code}, **guesser).content.decode()


@pytest.mark.django_db
def test_guessing_from_many_clients_is_throttled_for_everyone(client, monkeypatch):
    monkeypatch.setattr(portal_views, "WRONG_CODES_GLOBAL", 3)
    _, code = portal_services.submit_report(channel="other", text="全局限流测试内容。")
    for n in range(3):
        client.post(STATUS_URL, {"code": f"9999-0000-0000-{n:04d}"}, REMOTE_ADDR=f"192.0.2.{n}")
    answer = client.post(STATUS_URL, {"code": code}, REMOTE_ADDR="192.0.2.200").content.decode()
    assert GENERIC_LOOKUP_ANSWER in answer and "已收到，待受理" not in answer


@pytest.mark.django_db
def test_a_right_code_does_not_count_as_a_guess(client):
    _, code = portal_services.submit_report(channel="other", text="正确查询码不计入限流。")
    for _ in range(portal_views.WRONG_CODES_PER_CLIENT + 2):
        assert "已收到，待受理" in client.post(STATUS_URL, {"code": code}).content.decode()
