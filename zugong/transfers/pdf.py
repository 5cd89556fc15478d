"""The 党员组织关系介绍信 as PDF: 存根, 介绍信 and 回执 on one A4 page, cut along the dashes.

Same three parts and wording as documents.py (.docx), 组通字〔2006〕45号; the layout is in
templates/transfers/print/letter.html.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zugong.core.documents import render_pdf
from zugong.members.models import MemberType
from zugong.transfers.models import Transfer


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


def letter_context(t: Transfer) -> dict[str, Any]:
    """The facts of one letter; the member's come from the register."""
    m = t.member
    assert m is not None and t.letter_number
    age = ""
    if m.birth_date and t.letter_issued_on:
        d = t.letter_issued_on
        years = (
            d.year - m.birth_date.year - ((d.month, d.day) < (m.birth_date.month, m.birth_date.day))
        )
        age = f"{years}岁"
    valid_days = (
        (t.letter_valid_until - t.letter_issued_on).days
        if t.letter_valid_until and t.letter_issued_on
        else 0
    )
    return {
        "doc_title": f"中国共产党党员组织关系介绍信（{m.name}）",
        "t": t,
        "member": m,
        "gender": m.gender.name if m.gender_id else "",
        "age": age,
        "member_type": "正式" if m.member_type == MemberType.FULL else "预备",
        "dues": f"{t.dues_paid_to.year}年{t.dues_paid_to.month}月"
        if t.dues_paid_to
        else "    年  月",
        "valid": f"有效期至{_cn(t.letter_valid_until)}（{valid_days}天）",
        "issued_on": _cn(t.letter_issued_on),
        "receipt_on": _cn(t.receipt_on),
    }


def letter_pdf(t: Transfer) -> bytes:
    return render_pdf("transfers/print/letter.html", letter_context(t))
