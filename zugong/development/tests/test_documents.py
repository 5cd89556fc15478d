"""The 政治审查记录 document: opens as .docx with the person, scope, methods and conclusion."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from zugong.development import workflow as wf
from zugong.development.tests.support import new_case, walk

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # noqa: ANN001
    doc = Document(io.BytesIO(response.content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_review_docx_after_review(client, users, world):
    case = walk(world, new_case(world), wf.POLITICAL_REVIEW, including=True)
    client.force_login(users["branch_admin"])
    response = client.get(reverse("development:review_docx", args=[case.pk]))
    assert response.status_code == 200
    assert "wordprocessingml" in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"]
    body = _text(response)
    assert "发展对象政治审查记录" in body
    assert case.name in body and "城关镇东村党支部" in body
    for scope in ("本人", "直系亲属", "主要社会关系"):
        assert scope in body
    assert "函调或外调" in body
    assert "审查结论：合格" in body
    assert "审查日期：2024年9月20日" in body
    assert "第十六条" in body


def test_review_docx_before_review_is_a_blank_form(client, users, world):
    case = new_case(world)
    client.force_login(users["branch_admin"])
    body = _text(client.get(reverse("development:review_docx", args=[case.pk])))
    assert "审查结论：□合格　□不合格" in body
    assert "审查日期：____年__月__日" in body


def test_review_docx_out_of_scope_is_404(client, users, world):
    case = new_case(world, org=world.tree.branch_b1)
    client.force_login(users["branch_admin"])
    assert client.get(reverse("development:review_docx", args=[case.pk])).status_code == 404
