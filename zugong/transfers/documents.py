"""The 党员组织关系介绍信 as a .docx: 存根, 介绍信 and 回执 on one page, cut along the dashes.

组通字〔2006〕45号: three parts carrying the same number, issued by the issuing organization, with
党费交至年月 and the validity period; the 回执 comes back to the issuing organization.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zugong.members.models import MemberType
from zugong.transfers.models import Transfer

FONT = "宋体"
TITLE_FONT = "黑体"
CUT = "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -"


def _font(run, name: str = FONT, size: float = 11, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word reads East Asian text from eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


def _para(doc, text: str, *, size: float = 11, bold: bool = False, align=None, font: str = FONT):  # noqa: ANN001, ANN202
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(2)
    _font(p.add_run(text), font, size, bold)
    return p


def _title(doc, text: str, number: str) -> None:  # noqa: ANN001
    _para(doc, text, size=15, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _para(doc, f"第 {number} 号", align=WD_ALIGN_PARAGRAPH.RIGHT)


def letter_docx(t: Transfer) -> bytes:
    """The three parts of one 介绍信; the member's facts come from the register."""
    m = t.member
    assert m is not None and t.letter_number
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(1.5)

    gender = m.gender.name if m.gender_id else ""
    member_type = "正式" if m.member_type == MemberType.FULL else "预备"
    age = ""
    if m.birth_date and t.letter_issued_on:
        d = t.letter_issued_on
        years = (
            d.year - m.birth_date.year - ((d.month, d.day) < (m.birth_date.month, m.birth_date.day))
        )
        age = f"{years}岁"
    dues = f"{t.dues_paid_to.year}年{t.dues_paid_to.month}月" if t.dues_paid_to else "    年  月"
    valid_days = (t.letter_valid_until - t.letter_issued_on).days if t.letter_valid_until else 0
    valid = f"有效期至{_cn(t.letter_valid_until)}（{valid_days}天）"

    # 1. 存根: kept by the issuing organization.
    _title(doc, "中国共产党党员组织关系介绍信（存根）", t.letter_number)
    _para(
        doc,
        f"{m.name}同志，{gender}，{age}，{member_type}党员，身份证号码{m.id_number}，"
        f"由{t.from_org_name}转到{t.to_org_name}。党费已交到{dues}。",
    )
    _para(doc, f"原因：{t.reason}")
    _para(doc, valid)
    _para(
        doc, f"{t.letter_issuer_name}    {_cn(t.letter_issued_on)}", align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    _para(doc, CUT, align=WD_ALIGN_PARAGRAPH.CENTER)

    # 2. 介绍信: carried by the member to the receiving organization.
    _title(doc, "中国共产党党员组织关系介绍信", t.letter_number)
    _para(doc, f"{t.to_org_name}：")
    _para(
        doc,
        f"    兹介绍{m.name}同志（{gender}，{age}，{member_type}党员，身份证号码{m.id_number}）"
        f"的党员组织关系由{t.from_org_name}转去，请接洽。该同志党费已交到{dues}。",
    )
    _para(doc, f"    （{valid}）")
    _para(doc, f"（盖章）{t.letter_issuer_name}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _cn(t.letter_issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "党员联系电话：" + (m.phone or "        ") + "    党组织联系电话：")
    _para(doc, CUT, align=WD_ALIGN_PARAGRAPH.CENTER)

    # 3. 回执: returned by the receiving side to the issuing organization.
    _title(doc, "中国共产党党员组织关系介绍信（回执）", t.letter_number)
    _para(doc, f"{t.letter_issuer_name}：")
    _para(
        doc,
        f"    {m.name}同志的党员组织关系已转达我处，特此回复。",
    )
    _para(doc, "（盖章）                    ", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _cn(t.receipt_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
