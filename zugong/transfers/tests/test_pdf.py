"""The 介绍信 as PDF: same three parts and access as the .docx; 404 without a letter or scope."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from zugong.accounts.models import Role
from zugong.core.documents import render_html
from zugong.transfers.pdf import letter_context
from zugong.transfers.tests.test_views import TODAY, lettered, out

pytestmark = pytest.mark.django_db


def test_letter_pdf_downloads(client, tree, users):
    t = lettered(out(tree.branch_a1, "王五"), tree.town_a, TODAY)
    client.force_login(users[Role.LEADER])
    r = client.get(reverse("transfers:letter_pdf", args=[t.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    name = f"组织关系介绍信-{t.subject_name}-{t.letter_number}.pdf"
    assert r["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(name)}"
    assert r.content.startswith(b"%PDF") and len(r.content) > 5000


def test_letter_html_has_three_parts_number_dues_and_validity(tree):
    t = lettered(out(tree.branch_a1, "王五"), tree.town_a, TODAY)
    html = render_html("transfers/print/letter.html", letter_context(t))
    for part in ("（存根）", "中国共产党党员组织关系介绍信</h2>", "（回执）"):
        assert part in html
    assert html.count(f"第 {t.letter_number} 号") == 3
    assert f"党费已交到{TODAY.year}年{TODAY.month}月" in html
    valid = t.letter_valid_until
    assert f"有效期至{valid.year}年{valid.month}月{valid.day}日" in html
    assert "王五同志" in html


def test_letter_pdf_without_letter_or_out_of_scope_is_404(client, tree, users):
    no_letter = out(tree.branch_a1, "赵六")
    client.force_login(users[Role.LEADER])
    assert client.get(reverse("transfers:letter_pdf", args=[no_letter.pk])).status_code == 404
    other = lettered(out(tree.branch_b1, "孙七"), tree.town_b, TODAY)
    client.force_login(users["branch_admin"])
    assert client.get(reverse("transfers:letter_pdf", args=[other.pk])).status_code == 404


def test_detail_links_the_pdf(client, tree, users):
    t = lettered(out(tree.branch_a1, "王五"), tree.town_a, TODAY)
    client.force_login(users[Role.LEADER])
    page = client.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert reverse("transfers:letter_pdf", args=[t.pk]) in page
