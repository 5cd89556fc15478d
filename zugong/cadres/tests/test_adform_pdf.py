"""The PDF 任免审批表: two pages per cadre, texts on the right page, photo, offline HTML."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from zugong.cadres.adform import adform_batch_pdf, adform_pdf
from zugong.cadres.adform.layout import adform_layout
from zugong.cadres.adform.pdf import TEMPLATE, print_context
from zugong.cadres.tests.adform_samples import full_record, overfull_record
from zugong.core.documents import render_html


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage().get_text_range()
            texts.append(re.sub(r"\s+", "", text))  # stacked labels come out one char per line
        return texts
    finally:
        document.close()


def image_count(data: bytes, page_index: int) -> int:
    document = pdfium.PdfDocument(data)
    try:
        page = document[page_index]
        return sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=5))
    finally:
        document.close()


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return adform_pdf(full_record())


def test_one_cadre_is_exactly_two_pages(sample_pdf):
    assert sample_pdf.startswith(b"%PDF")
    assert len(page_texts(sample_pdf)) == 2


def test_texts_are_on_the_right_page(sample_pdf):
    first, second = page_texts(sample_pdf)
    assert "干部任免审批表" in re.sub(r"\s", "", first)
    assert "李明华" in first and "1978.05" in first and "（47岁）" in first
    assert "华东师范大学政治学系思想政治教育专业学习" in first
    assert "青山县委常委、组织部部长" in first
    assert "王雪梅" not in first
    for expected in (
        "王雪梅",
        "李子墨",
        "张秀英",
        "2023年度考核优秀",
        "填表人：赵小燕",
        "中共青山县委",
    ):
        assert expected in second
    assert "家庭主要成员及重要社会关系" in second


def test_photo_is_on_the_first_page(sample_pdf):
    assert image_count(sample_pdf, 0) == 1
    assert image_count(sample_pdf, 1) == 0
    record = full_record()
    record.photo = b""
    assert image_count(adform_pdf(record), 0) == 0


def test_overfull_record_still_fits_two_pages():
    first, second = page_texts(adform_pdf(overfull_record()))
    assert "欧阳建国" in first and "第1段经历" in first
    assert "成员7" in second and "成员8" not in second
    assert "另有3名家庭成员" in second


def test_batch_is_two_pages_per_cadre_in_order_with_progress():
    calls: list[tuple[int, int]] = []
    second = full_record()
    second.name = "周晓梅"
    records = [full_record(), second, overfull_record()]
    texts = page_texts(adform_batch_pdf(records, progress=lambda d, t: calls.append((d, t))))
    assert len(texts) == 6
    assert "李明华" in texts[0] and "周晓梅" in texts[2] and "欧阳建国" in texts[4]
    assert "王雪梅" in texts[1] and "成员1" in texts[5]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_html_references_nothing_outside_the_document():
    html = render_html(TEMPLATE, print_context([adform_layout(full_record())]))
    assert "data:image/jpeg;base64," in html
    assert not re.search(r"(?:https?|file|ftp)://", html)
    assert "url(" not in html
