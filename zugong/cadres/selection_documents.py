"""The 选拔任用工作纪实表 (every step of one case) and the 任前公示 notice, as .docx and PDF.

Both formats are built from the same facts (record_facts / notice_facts), so they say the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zugong.cadres import selection_selectors as selectors
from zugong.cadres.models import PublicNotice, SelectionCase
from zugong.core.documents import render_pdf

FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
ORGAN = "中共示范县委组织部"


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


@dataclass
class RecordFacts:
    case: SelectionCase
    summary: list[tuple[str, str]]
    people: list[list[str]]
    steps: list[tuple[str, str, list[str], str]]


def record_facts(case: SelectionCase) -> RecordFacts:
    people = selectors.candidates(case)
    names = {c.pk: c.cadre.name for c in people}
    summary = [
        ("事项名称", case.title),
        ("拟任职务", str(case.post)),
        ("选任方式", case.get_mode_display()),
        ("动议日期", _cn(case.opened_on)),
        ("动议理由", case.reason or "—"),
        (
            "办理状态",
            case.get_status_display() + (f"（{case.status_reason}）" if case.status_reason else ""),
        ),
        ("拟任人选", case.appointee.name if case.appointee_id else "—"),
    ]
    rows = [
        [
            c.cadre.name,
            c.cadre.unit.name,
            "—" if c.talk_votes is None else str(c.talk_votes),
            "—" if c.meeting_votes is None else str(c.meeting_votes),
            "是" if c.is_inspected else "",
            "是" if c.is_chosen else "",
        ]
        for c in people
    ]
    steps = []
    for s in selectors.case_steps(case):
        lines = selectors.describe_step(s, names)
        lines += [f"提醒：{w['message']}（{w['citation']}）" for w in selectors.warnings_of(s)]
        by = (s.recorded_by.full_name or s.recorded_by.username) if s.recorded_by else "系统"
        recorded = f"{by} {s.created_at:%Y-%m-%d %H:%M}" if s.created_at else by
        steps.append((s.get_step_display(), s.done_on.strftime("%Y-%m-%d"), lines, recorded))
    return RecordFacts(case, summary, rows, steps)


def _font(run: Any, name: str = FONT, size: float = 12, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word takes Chinese text's font from eastAsia, not from the Latin name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _doc() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    return doc


def _title(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, 20, True)


def _cell(table: Any, row: int, col: int, text: str, bold: bool = False) -> None:
    cell = table.cell(row, col)
    lines = text.split("\n")
    cell.text = ""
    _font(cell.paragraphs[0].add_run(lines[0]), size=10.5, bold=bold)
    for line in lines[1:]:
        _font(cell.add_paragraph().add_run(line), size=10.5, bold=bold)


def _bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def record_docx(case: SelectionCase) -> bytes:
    facts = record_facts(case)
    doc = _doc()
    _title(doc, "干部选拔任用工作纪实表")
    table = doc.add_table(rows=len(facts.summary), cols=2)
    table.style = "Table Grid"
    for i, (label, value) in enumerate(facts.summary):
        _cell(table, i, 0, label, bold=True)
        _cell(table, i, 1, value)
    doc.add_paragraph()
    headers = ["人选", "单位", "谈话推荐票", "会议推荐票", "考察对象", "拟任人选"]
    people = doc.add_table(rows=1 + len(facts.people), cols=len(headers))
    people.style = "Table Grid"
    for j, h in enumerate(headers):
        _cell(people, 0, j, h, bold=True)
    for i, row in enumerate(facts.people, start=1):
        for j, value in enumerate(row):
            _cell(people, i, j, value)
    doc.add_paragraph()
    steps = doc.add_table(rows=1 + len(facts.steps), cols=4)
    steps.style = "Table Grid"
    for j, h in enumerate(["环节", "日期", "情况", "记录人"]):
        _cell(steps, 0, j, h, bold=True)
    for i, (label, day, lines, recorded) in enumerate(facts.steps, start=1):
        _cell(steps, i, 0, label, bold=True)
        _cell(steps, i, 1, day)
        _cell(steps, i, 2, "\n".join(lines) or "—")
        _cell(steps, i, 3, recorded)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(p.add_run(f"{ORGAN}干部科"), size=12)
    return _bytes(doc)


def record_pdf(case: SelectionCase) -> bytes:
    facts = record_facts(case)
    return render_pdf(
        "cadres/selection/print/record.html",
        {"doc_title": "干部选拔任用工作纪实表", "facts": facts, "organ": ORGAN},
    )


def notice_facts(notice: PublicNotice) -> dict[str, Any]:
    return {
        "doc_title": "干部任前公示",
        "paragraphs": [p for p in notice.public_text.splitlines() if p.strip()],
        "organ": ORGAN,
        "signed_on": _cn(notice.starts_on),
        "notice": notice,
    }


def notice_docx(notice: PublicNotice) -> bytes:
    facts = notice_facts(notice)
    doc = _doc()
    _title(doc, facts["doc_title"])
    for text in facts["paragraphs"]:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(28)
        _font(p.add_run(text), size=14)
    for text in (facts["organ"], facts["signed_on"]):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text), size=14)
    return _bytes(doc)


def notice_pdf(notice: PublicNotice) -> bytes:
    return render_pdf("cadres/selection/print/notice.html", notice_facts(notice))
