"""The 干部任免审批表 as PDF: `layout.AdformLayout` → HTML/CSS → WeasyPrint (core.documents).

Geometry is converted from the layout's twips to cm (1 cm = 567 tw), every row has its exact
height, and each cell's text sits in a box of the cell's height that hides what does not fit, so
a form is always exactly two pages. The photo goes in as a data: URI (no file or network access).
"""

from __future__ import annotations

import base64
from typing import Any

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
from zugong.core.documents import render_pdf

TEMPLATE = "cadres/adform/print.html"
TW_PER_CM = 567
NBSP = "\u00a0"


def cm(twips: float) -> str:
    return f"{twips / TW_PER_CM:.3f}cm"


def render_pdf_layouts(layouts: list[AdformLayout]) -> bytes:
    """All forms in one HTML document, typeset once: two pages per layout, in order."""
    return render_pdf(TEMPLATE, print_context(layouts))


def print_context(layouts: list[AdformLayout]) -> dict[str, Any]:
    return {
        "doc_title": "干部任免审批表"
        if len(layouts) != 1
        else f"干部任免审批表（{layouts[0].name}）",
        "forms": [_form_view(layout) for layout in layouts],
        "title_chars": list(TITLE),
        "title_pt": TITLE_PT,
        "title_cell": cm(TITLE_CELL_TW),
        "title_indent": cm(TITLE_INDENT_TW),
        "page1_margin": _margin(PAGE1_MARGINS_TW),
        "page2_margin": _margin(PAGE2_MARGINS_TW),
        "cell_padding": cm(CELL_PADDING_TW),
    }


def _margin(margins_tw: tuple[int, int, int, int]) -> str:
    return " ".join(cm(value) for value in margins_tw)


def _form_view(layout: AdformLayout) -> dict[str, Any]:
    photo_uri = ""
    if layout.photo:
        photo_uri = f"data:{layout.photo_mime};base64," + base64.b64encode(layout.photo).decode()
    return {
        "name": layout.name,
        "pages": [
            {
                "css_class": "page1",
                "title": True,
                "after": False,
                "table": _table_view(layout.page1, photo_uri),
            },
            {
                "css_class": "page2",
                "title": False,
                "after": True,
                "table": _table_view(layout.page2, photo_uri),
            },
        ],  # fmt: skip
        "filled_by_line": layout.filled_by_line,
        "notes": layout.notes,
    }


def _table_view(table: FormTable, photo_uri: str) -> dict[str, Any]:
    """Rows for the template. A row in which no cell starts (the 学历学位 block's 2nd and 4th
    rows, fully covered by row spans) is folded into the row above: WeasyPrint drops the
    height of a row without cells, the folded row keeps the sum of both heights."""
    new_index: list[int] = []
    heights: list[int] = []
    for row in table.rows:
        if row.cells or not heights:
            heights.append(row.height_tw)
        else:
            heights[-1] += row.height_tw
        new_index.append(len(heights) - 1)
    rows: list[dict[str, Any]] = [{"height": "", "cells": []} for _ in heights]
    for index, row in enumerate(table.rows):
        for cell in row.cells:
            span = new_index[index + cell.row_span - 1] - new_index[index] + 1
            rows[new_index[index]]["cells"].append(_cell_view(cell, photo_uri, span))
    for row_view, height in zip(rows, heights, strict=True):
        row_view["height"] = cm(height)
    return {
        "width": cm(sum(table.columns_tw)),
        "columns": [cm(twips) for twips in table.columns_tw],
        "rows": rows,
    }


def _cell_view(cell: FormCell, photo_uri: str, row_span: int) -> dict[str, Any]:
    box_pt = cell.height_tw / 20 - 1.0
    view: dict[str, Any] = {
        "colspan": cell.col_span,
        "rowspan": row_span,
        "css_class": f"{cell.role} {cell.key}",
        "style": (
            f"font-size:{cell.size_pt:g}pt;line-height:{cell.line_pt:g}pt;text-align:{cell.align}"
        ),
        "valign": cell.valign,
        "role": cell.role,
        # The box is as tall as the cell (less the border) and cancels its own height.
        "box_style": f"height:{box_pt:.2f}pt;margin-bottom:-{box_pt:.2f}pt",
        "photo": "",
        "paragraphs": [],
    }
    if cell.role == "photo":
        view["photo"] = photo_uri
        view["photo_width"] = cm(min(cell.width_tw - 30, PHOTO_WIDTH_CM * TW_PER_CM))
        view["photo_height"] = cm(min(cell.height_tw - 30, PHOTO_HEIGHT_CM * TW_PER_CM))
        return view
    hanging = f"{cell.hanging_pt:g}pt"
    for paragraph in cell.paragraphs:
        style = ""
        if paragraph.lead:
            style = f"padding-left:{hanging};text-indent:-{hanging}"
        elif paragraph.hanging:
            style = f"padding-left:{hanging}"
        view["paragraphs"].append(
            {
                "lead": paragraph.lead,
                "lead_style": f"width:{hanging}",
                "text": paragraph.text or NBSP,
                "style": style,
            }
        )
    return view
