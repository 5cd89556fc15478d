"""The 干部任免审批表 as .docx (python-docx), drawn from `layout.AdformLayout`.

Two sections (one page each, margins of cadres.md §2), a borderless 7-cell title table and the
two form tables with exact row heights, merged cells, 1.5 pt outer and 1 pt inner borders. The
department edits this file in Word, so everything is real table structure and real text (no
text boxes, no images of text).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.section import Section
from docx.shared import Cm, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from zugong.cadres.adform.layout import (
    CELL_PADDING_TW,
    PAGE1_MARGINS_TW,
    PAGE2_MARGINS_TW,
    PHOTO_HEIGHT_CM,
    PHOTO_WIDTH_CM,
    TITLE,
    TITLE_CELL_TW,
    TITLE_INDENT_TW,
    TITLE_PT,
    AdformLayout,
    FormCell,
    FormTable,
)

BODY_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
A4_TW = (11907, 16840)
OUTER_BORDER_SZ = 12  # eighths of a point: 1.5 pt
INNER_BORDER_SZ = 8  # 1 pt

_ALIGN = {
    "left": WD_PARAGRAPH_ALIGNMENT.LEFT,
    "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
    "right": WD_PARAGRAPH_ALIGNMENT.RIGHT,
}
_VALIGN = {
    "top": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}


def render_docx(layouts: list[AdformLayout]) -> bytes:
    """One document, two sections (pages) per layout."""
    document = Document()
    _set_default_font(document)
    _declare_title_font(document)
    for index, layout in enumerate(layouts):
        first = document.sections[0] if index == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(first, PAGE1_MARGINS_TW)
        if index == 0:
            # The default template starts with one empty paragraph: reuse it as the spacer.
            body = document.element.body
            for paragraph in list(document.paragraphs):
                body.remove(paragraph._p)
        _add_title(document)
        _spacer(document, 6)
        _add_form_table(document, layout.page1, layout)
        second = document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(second, PAGE2_MARGINS_TW)
        _add_form_table(document, layout.page2, layout)
        paragraph = document.add_paragraph()
        _style_paragraph(paragraph, 14.0, "left")
        paragraph.paragraph_format.space_before = Pt(4)
        _add_run(paragraph, layout.filled_by_line, 14.0)
        for note in layout.notes:
            note_paragraph = document.add_paragraph()
            _style_paragraph(note_paragraph, 10.5, "left")
            _add_run(note_paragraph, note, 10.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Child order that Word's schema requires inside the property elements we add to.
_TBL_PR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook",
)  # fmt: skip
_TC_PR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark",
)  # fmt: skip
_P_PR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)  # fmt: skip


def _child(parent: OxmlElement, name: str, order: tuple[str, ...]) -> OxmlElement:
    """The `w:name` child of `parent`, created in its schema position when missing."""
    existing = parent.find(qn(f"w:{name}"))
    if existing is not None:
        return existing
    element = OxmlElement(f"w:{name}")
    later = set(order[order.index(name) + 1 :])
    for sibling in parent:
        if sibling.tag.split("}")[-1] in later:
            sibling.addprevious(element)
            return element
    parent.append(element)
    return element


# --- document-wide settings -------------------------------------------------------------------


def _set_default_font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(14)
    _east_asian_font(style.element.get_or_add_rPr(), BODY_FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)


def _declare_title_font(document: Document) -> None:
    """List 方正小标宋简体 in the font table with 宋体 as its alternative name.

    Word uses the altName when the font is missing on the machine, so the title falls back to
    宋体 instead of whatever Word would pick for an unknown east-Asian font.
    """
    for part in document.part.package.iter_parts():
        if part.partname != "/word/fontTable.xml":
            continue
        # python-docx loads this part as plain bytes: parse, add the entry, store it back.
        root = parse_xml(part.blob)
        font = OxmlElement("w:font")
        font.set(qn("w:name"), TITLE_FONT)
        for tag, value in (("altName", BODY_FONT), ("charset", "86"), ("family", "auto")):
            child = OxmlElement(f"w:{tag}")  # charset 86 (hex) = GB2312
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return


def _page_setup(section: Section, margins_tw: tuple[int, int, int, int]) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(A4_TW[0]), Twips(A4_TW[1])
    top, right, bottom, left = margins_tw
    section.top_margin, section.right_margin = Twips(top), Twips(right)
    section.bottom_margin, section.left_margin = Twips(bottom), Twips(left)
    section.header_distance, section.footer_distance = Twips(425), Twips(425)


# --- text -------------------------------------------------------------------------------------


def _east_asian_font(rpr: OxmlElement, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _add_run(paragraph: DocxParagraph, text: str, size_pt: float, font: str = BODY_FONT) -> Run:
    run = paragraph.add_run(text)
    run.font.size = Pt(size_pt)
    run.font.name = LATIN_FONT
    _east_asian_font(run._r.get_or_add_rPr(), font)
    return run


def _style_paragraph(
    paragraph: DocxParagraph, size_pt: float, align: str, *, exact: bool = True
) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(size_pt + 1)
    # The form's grid must not be moved by Word's east-Asian grid snapping.
    snap = _child(paragraph._p.get_or_add_pPr(), "snapToGrid", _P_PR_ORDER)
    snap.set(qn("w:val"), "0")


def _spacer(document: Document, height_pt: float) -> None:
    """Keeps two tables apart (Word would otherwise join adjacent tables into one)."""
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(height_pt)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)


# --- tables -----------------------------------------------------------------------------------


def _table_property(table: Table, tag: str) -> OxmlElement:
    return _child(table._tbl.tblPr, tag.removeprefix("w:"), _TBL_PR_ORDER)


def _borders(table: Table, outer_sz: int, inner_sz: int) -> None:
    borders = _table_property(table, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        size = inner_sz if edge.startswith("inside") else outer_sz
        line.set(qn("w:val"), "single" if size else "nil")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        borders.append(line)


def _cell_margins(table: Table, left_right_tw: int) -> None:
    margins = _table_property(table, "w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(left_right_tw if side in ("left", "right") else 0))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)


def _fixed_grid(table: Table, columns_tw: tuple[int, ...]) -> None:
    table.autofit = False  # w:tblLayout type="fixed": Word keeps the widths
    width = _table_property(table, "w:tblW")
    width.set(qn("w:w"), str(sum(columns_tw)))
    width.set(qn("w:type"), "dxa")
    for column, twips in zip(table.columns, columns_tw, strict=True):
        column.width = Twips(twips)


def _set_cell_widths(table: Table, columns_tw: tuple[int, ...]) -> None:
    """tcW of every cell = the sum of the grid columns it spans (Word reads tcW, not the grid)."""
    for tr in table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(columns_tw[col : col + span]))
            col += span


def _add_title(document: Document) -> None:
    table = document.add_table(rows=1, cols=len(TITLE))
    _fixed_grid(table, (TITLE_CELL_TW,) * len(TITLE))
    _borders(table, 0, 0)
    indent = _table_property(table, "w:tblInd")
    indent.set(qn("w:w"), str(TITLE_INDENT_TW))
    indent.set(qn("w:type"), "dxa")
    _set_cell_widths(table, (TITLE_CELL_TW,) * len(TITLE))
    for cell, char in zip(table.rows[0].cells, TITLE, strict=True):
        paragraph = cell.paragraphs[0]
        _style_paragraph(paragraph, TITLE_PT, "center", exact=False)
        _add_run(paragraph, char, TITLE_PT, TITLE_FONT)


def _add_form_table(document: Document, form: FormTable, layout: AdformLayout) -> Table:
    table = document.add_table(rows=len(form.rows), cols=len(form.columns_tw))
    _fixed_grid(table, form.columns_tw)
    _borders(table, OUTER_BORDER_SZ, INNER_BORDER_SZ)
    _cell_margins(table, CELL_PADDING_TW)
    for row, form_row in zip(table.rows, form.rows, strict=True):
        row.height = Twips(form_row.height_tw)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        # A form row never breaks across pages.
        tr_pr = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
    # Merge first (merging moves paragraphs around), then fill.
    placed: list[tuple[_Cell, FormCell]] = []
    for row_index, form_row in enumerate(form.rows):
        for form_cell in form_row.cells:
            top_left = table.cell(row_index, form_cell.col)
            bottom_right = table.cell(
                row_index + form_cell.row_span - 1, form_cell.col + form_cell.col_span - 1
            )
            cell = (
                top_left.merge(bottom_right) if top_left._tc is not bottom_right._tc else top_left
            )
            placed.append((cell, form_cell))
    _set_cell_widths(table, form.columns_tw)
    for cell, form_cell in placed:
        _fill_cell(cell, form_cell, layout)
    return table


def _fill_cell(cell: _Cell, form_cell: FormCell, layout: AdformLayout) -> None:
    cell.vertical_alignment = _VALIGN[form_cell.valign]
    first = cell.paragraphs[0]
    if form_cell.role == "photo":
        _fill_photo(cell, first, layout)
        return
    if form_cell.vertical:
        # Word's own vertical text (top to bottom, characters upright), as in the templates.
        text_direction = _child(cell._tc.get_or_add_tcPr(), "textDirection", _TC_PR_ORDER)
        text_direction.set(qn("w:val"), "tbRlV")
        _style_paragraph(first, form_cell.size_pt, "center")
        _add_run(first, "".join(p.text for p in form_cell.paragraphs), form_cell.size_pt)
        return
    for index, paragraph_spec in enumerate(form_cell.paragraphs):
        paragraph = first if index == 0 else cell.add_paragraph()
        _style_paragraph(paragraph, form_cell.size_pt, form_cell.align)
        if paragraph_spec.lead or paragraph_spec.hanging:
            _hang(paragraph, form_cell.hanging_pt, dated=bool(paragraph_spec.lead))
        text = paragraph_spec.text
        if paragraph_spec.lead:
            text = f"{paragraph_spec.lead}\t{text}"
        _add_run(paragraph, text, form_cell.size_pt)


def _hang(paragraph: DocxParagraph, hanging_pt: float, *, dated: bool) -> None:
    """Wrapped lines start under the text, after the date column.

    A dated entry hangs its date into the indent and jumps to the text with a tab (a tab stop at
    the indent), so the column lines up whatever the digit widths of the font; a `（其间：…）`
    sub-entry simply starts at the indent.
    """
    fmt = paragraph.paragraph_format
    fmt.left_indent = Pt(hanging_pt)
    fmt.first_line_indent = Pt(-hanging_pt) if dated else Pt(0)
    if dated:
        fmt.tab_stops.add_tab_stop(Pt(hanging_pt))


def _fill_photo(cell: _Cell, paragraph: DocxParagraph, layout: AdformLayout) -> None:
    margins = _child(cell._tc.get_or_add_tcPr(), "tcMar", _TC_PR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _style_paragraph(paragraph, 14.0, "center", exact=False)
    if layout.photo:
        paragraph.add_run().add_picture(
            io.BytesIO(layout.photo), width=Cm(PHOTO_WIDTH_CM), height=Cm(PHOTO_HEIGHT_CM)
        )
