"""Helpers for the portal tests: a 公示 running today, and submitting through the portal the way
a browser does (read the form's challenge, solve it, post)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zugong.cadres.models import Cadre, PublicNotice, Unit
from zugong.cadres.tests.test_selection_support import make_cadre, open_case, section_post
from zugong.supervision import pow
from zugong.supervision.models import MessageVisibility, Report, ReportMessage

RECEIPT_RE = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{4}\b")
CHALLENGE_RE = re.compile(r'name="pow_challenge" value="([^"]+)"')
REPORT_URL = "/portal/report/"
STATUS_URL = "/portal/status/"
ADD_URL = "/portal/status/add/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Throttle counters and challenges live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def active_notice(unit: Unit, name: str = "张公示", **fields: Any) -> PublicNotice:
    today = timezone.localdate()
    cadre: Cadre = make_cadre(unit, name)
    case = open_case(section_post(unit, title=f"副职{name}"))
    values = {
        "public_text": f"{name}，拟任{unit.name}副职。",
        "starts_on": today - timedelta(days=2),
        "ends_on": today + timedelta(days=5),
        "working_days": 5,
    }
    values.update(fields)
    return PublicNotice.objects.create(case=case, cadre=cadre, unit_path=case.unit_path, **values)


def challenge_from(html: str) -> str:
    found = CHALLENGE_RE.search(html)
    assert found, "the form carries a proof-of-work challenge"
    return found.group(1)


def receipt_from(html: str) -> str:
    found = RECEIPT_RE.search(html)
    assert found, "the page shows a receipt code"
    return found.group(0)


def submit(client: Client, files: list | None = None, solve: bool = True, **fields: Any) -> Any:
    """POST a 举报 as the browser would; extra client kwargs (REMOTE_ADDR...) via `meta`."""
    meta = fields.pop("meta", {})
    form = client.get(REPORT_URL, **meta)
    challenge = challenge_from(form.content.decode())
    data = {
        "channel": "other",
        "text": "某村干部在低保评定中优亲厚友，请核查。",
        "pow_challenge": challenge,
        "pow_nonce": pow.solve(challenge) if solve else "",
        "website": "",
    }
    data.update(fields)
    if files:
        data["files"] = files
    return client.post(REPORT_URL, data, **meta)


def reply(report: Report, text: str, author: Any = None) -> ReportMessage:
    """A public reply from staff (created the way the staff side stores it)."""
    from zugong.supervision.crypto import seal

    return ReportMessage.objects.create(
        report=report,
        author=author,
        visibility=MessageVisibility.PUBLIC,
        text_sealed=seal(text),
        created_on=timezone.localdate(),
    )


def portal_urls() -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:privacy"),
        reverse("portal:report"),
        reverse("portal:status"),
        reverse("portal:notices"),
    ]
