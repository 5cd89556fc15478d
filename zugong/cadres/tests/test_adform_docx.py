"""The .docx 任免审批表: sections, exact row heights, merges, photo, texts, fonts, batch zip."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Cm

from zugong.cadres.adform import adform_batch_docx_zip, adform_docx
from zugong.cadres.adform.layout import (
    PAGE1_COLUMNS,
    PAGE1_MARGINS_TW,
    PAGE1_ROW_HEIGHTS,
    PAGE2_COLUMNS,
    PAGE2_MARGINS_TW,
    PAGE2_ROW_HEIGHTS,
)
from zugong.cadres.tests.adform_samples import full_record, overfull_record


@pytest.fixture(scope="module")
def document():
    return Document(io.BytesIO(adform_docx(full_record())))


def all_text(table) -> str:
    return "\n".join(cell.text for row in table.rows for cell in row.cells)


def test_two_a4_sections_with_the_form_margins(document):
    assert len(document.sections) == 2
    for section, margins in zip(
        document.sections, (PAGE1_MARGINS_TW, PAGE2_MARGINS_TW), strict=True
    ):
        assert (section.page_width.twips, section.page_height.twips) == (11907, 16840)
        top, right, bottom, left = margins
        assert section.top_margin.twips == top and section.bottom_margin.twips == bottom
        assert section.left_margin.twips == left and section.right_margin.twips == right


def test_title_table_and_two_form_tables(document):
    title, page1, page2 = document.tables
    assert [cell.text for cell in title.rows[0].cells] == list("干部任免审批表")
    fonts = title.rows[0].cells[0].paragraphs[0].runs[0]._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.rows[0].cells[0].paragraphs[0].runs[0].font.size.pt == 24
    # Word falls back to 宋体 where 方正小标宋简体 is not installed.
    font_table = next(
        part
        for part in document.part.package.iter_parts()
        if part.partname.endswith("fontTable.xml")
    )
    assert "方正小标宋简体".encode() in font_table.blob and b'w:altName w:val="' in font_table.blob
    assert len(page1.rows) == 12 and len(page2.rows) == 14
    # The 2nd section starts after the page-1 table: page 2's table is in the last section.
    body = list(document.element.body)
    section_break = next(
        child for child in body if child.tag == qn("w:p") and child.find(".//" + qn("w:sectPr"))
        is not None
    )  # fmt: skip
    assert body.index(page1._tbl) < body.index(section_break) < body.index(page2._tbl)


def test_grid_columns_and_exact_row_heights(document):
    _, page1, page2 = document.tables
    for table, columns, heights in (
        (page1, PAGE1_COLUMNS, PAGE1_ROW_HEIGHTS),
        (page2, PAGE2_COLUMNS, PAGE2_ROW_HEIGHTS),
    ):
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert tuple(grid) == columns
        assert [row.height.twips for row in table.rows] == list(heights)
        assert {row.height_rule for row in table.rows} == {WD_ROW_HEIGHT_RULE.EXACTLY}
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_merged_cells(document):
    _, page1, page2 = document.tables
    same = lambda table, a, b: table.cell(*a)._tc is table.cell(*b)._tc  # noqa: E731
    assert same(page1, (0, 7), (3, 7))  # photo over rows 1-4
    assert not same(page1, (3, 7), (4, 7))
    assert same(page1, (4, 0), (7, 1))  # 学历学位 label over rows 5-8, 2 columns
    assert same(page1, (4, 2), (5, 2)) and not same(page1, (5, 2), (6, 2))  # 全日制 / 在职
    assert same(page1, (0, 0), (0, 1)) and not same(page1, (0, 1), (0, 2))  # 姓名 label
    assert same(page1, (11, 1), (11, 7)) and not same(page1, (11, 0), (11, 1))  # 简历
    assert same(page2, (3, 0), (10, 0))  # 家庭主要成员 label over its 8 rows
    assert not same(page2, (10, 0), (11, 0))
    assert same(page2, (11, 0), (12, 0))  # 呈报单位 label over 2 rows
    assert same(page2, (13, 1), (13, 4)) and same(page2, (13, 5), (13, 6))
    direction = page2.cell(3, 0)._tc.tcPr.find(qn("w:textDirection"))
    assert direction is not None and direction.get(qn("w:val")) == "tbRlV"


def test_borders_outer_one_and_a_half_inner_one_point(document):
    borders = document.tables[1]._tbl.tblPr.find(qn("w:tblBorders"))
    sizes = {child.tag.split("}")[1]: child.get(qn("w:sz")) for child in borders}
    assert sizes == {
        "top": "12", "left": "12", "bottom": "12", "right": "12", "insideH": "8", "insideV": "8"
    }  # fmt: skip


def test_photo_is_an_inline_picture_of_the_cell_size(document):
    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert abs(shape.width - Cm(3.63)) < Cm(0.01) and abs(shape.height - Cm(4.90)) < Cm(0.01)
    photo_cell = document.tables[1].cell(0, 7)
    assert photo_cell._tc.xpath(".//pic:pic")


def test_no_photo_leaves_the_cell_empty():
    record = full_record()
    record.photo = b""
    assert len(Document(io.BytesIO(adform_docx(record))).inline_shapes) == 0


def test_texts_are_in_their_cells(document):
    _, page1, page2 = document.tables
    assert page1.cell(0, 2).text == "李明华"
    assert page1.cell(0, 6).text == "1978.05\n（47岁）"
    resume = page1.cell(11, 1)
    assert "1996.09--2000.07\t华东师范大学政治学系思想政治教育专业学习" in resume.text
    assert "2025.06--\t青山县委常委、组织部部长" in resume.text
    first = resume.paragraphs[0].paragraph_format
    assert first.first_line_indent < 0 < first.left_indent  # hanging after the date column
    assert page2.cell(4, 2).text == "王雪梅" and page2.cell(4, 3).text == "45"
    assert "2023年度考核优秀" in page2.cell(1, 1).text
    assert "填表人：赵小燕" in [p.text for p in document.paragraphs]
    run = page1.cell(0, 2).paragraphs[0].runs[0]
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_overfull_record_gets_smaller_fonts_and_a_note():
    document = Document(io.BytesIO(adform_docx(overfull_record())))
    resume_run = document.tables[1].cell(11, 1).paragraphs[0].runs[0]
    assert resume_run.font.size.pt == 7.0
    assert "成员7" in all_text(document.tables[2]) and "成员8" not in all_text(document.tables[2])
    assert any("另有 3 名" in p.text for p in document.paragraphs)


def test_batch_zip_with_unique_names_and_progress():
    calls: list[tuple[int, int]] = []
    records = [full_record(), full_record(), overfull_record()]
    data = adform_batch_docx_zip(records, progress=lambda done, total: calls.append((done, total)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["李明华.docx", "李明华(2).docx", "欧阳建国.docx"]
        third = Document(io.BytesIO(archive.read("欧阳建国.docx")))
        assert third.tables[1].cell(0, 2).text == "欧阳建国"
    assert calls == [(1, 3), (2, 3), (3, 3)]
