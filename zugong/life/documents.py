"""One meeting as a .docx in the usual 会议记录 layout, for printing and signing."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zugong.life.models import Attendance, AttendanceStatus, Meeting

FONT = "宋体"
TITLE_FONT = "方正小标宋简体"


def _font(run, name: str = FONT, size: float = 12, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word reads East Asian text from eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _names(rows: Sequence[Attendance], status: str) -> str:
    parts = []
    for a in rows:
        if a.status == status:
            parts.append(f"{a.member.name}（{a.reason}）" if a.reason else a.member.name)
    return "、".join(parts)


def _cell(table, row: int, col: int, text: str, bold: bool = False) -> None:  # noqa: ANN001
    cell = table.cell(row, col)
    cell.text = ""
    paragraph = cell.paragraphs[0]
    _font(paragraph.add_run(text), size=11, bold=bold)


def meeting_docx(meeting: Meeting, attendance: Sequence[Attendance]) -> bytes:
    """The 会议记录: title, the facts table, 议题, 内容, 决议, and the signature line."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"{meeting.org.name}{meeting.meeting_type.name}记录"), TITLE_FONT, 18, True)

    day = meeting.held_on
    when = f"{day.year}年{day.month}月{day.day}日"
    if meeting.starts_at:
        when += f" {meeting.starts_at:%H:%M}"
    if meeting.duration_minutes:
        when += f"（约{meeting.duration_minutes}分钟）"
    absent = "；".join(
        part
        for part in (
            ("请假：" + _names(attendance, AttendanceStatus.LEAVE)) if meeting.leave_count else "",
            ("缺席：" + _names(attendance, AttendanceStatus.ABSENT))
            if meeting.absent_count
            else "",
        )
        if part
    )
    facts = [
        ("时间", when, "地点", meeting.place),
        ("主持人", meeting.host, "记录人", meeting.recorder),
        ("应到人数", str(meeting.expected_count), "实到人数", str(meeting.present_count)),
    ]
    table = doc.add_table(rows=len(facts) + 3, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (a, b, c, d) in enumerate(facts):
        _cell(table, i, 0, a, True)
        _cell(table, i, 1, b or "")
        _cell(table, i, 2, c, True)
        _cell(table, i, 3, d or "")
    extra = [
        ("缺席及原因", absent or "无"),
        ("列席人员", meeting.observers or "无"),
        ("出席人员", _names(attendance, AttendanceStatus.PRESENT) or "—"),
    ]
    if meeting.meeting_type.has_lecturer:
        lecturer = meeting.lecturer.name if meeting.lecturer_id else meeting.lecturer_name
        extra[1] = ("主讲人 / 列席", f"{lecturer or '—'} / {meeting.observers or '无'}")
    for offset, (label, value) in enumerate(extra):
        row = len(facts) + offset
        _cell(table, row, 0, label, True)
        merged = table.cell(row, 1).merge(table.cell(row, 3))
        merged.text = ""
        _font(merged.paragraphs[0].add_run(value), size=11)
    if meeting.quorum_met is False:
        note = doc.add_paragraph()
        _font(
            note.add_run(
                f"注：到会{meeting.quorum_present}人，应到{meeting.quorum_expected}人，未超过半数。"
            ),
            size=10,
        )

    for heading, body in (
        ("议题", meeting.topic + (f"\n{meeting.agenda}" if meeting.agenda else "")),
        ("会议内容", meeting.content or "（未填写）"),
        ("决议事项", meeting.decisions or "无"),
    ):
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(10)
        _font(p.add_run(f"{heading}："), size=12, bold=True)
        for line in body.splitlines() or [""]:
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(24)
            _font(para.add_run(line), size=12)

    doc.add_paragraph()
    sign = doc.add_paragraph()
    _font(sign.add_run("主持人（签字）：____________    记录人（签字）：____________"), size=12)
    date_line = doc.add_paragraph()
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(date_line.add_run("年    月    日"), size=12)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
