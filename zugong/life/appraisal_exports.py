"""Exports of 民主评议党员: the list of rounds, one round's results (through the exporter
registry), and the 党内统计 第八表 民主评议党员情况 laid out with merged headers (openpyxl)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number
from zugong.life.appraisal_selectors import Report, ReportRow, attach_counts
from zugong.life.models import AppraisalEntry, AppraisalRound, Grade, HandlingMeasure

EXPORT_CHUNK = 900  # below SQLite's parameter limit for the counts' IN (...)
ROUND_HEADERS = [
    "党支部",
    "组织编码",
    "评议年度",
    "开始日期",
    "结束日期",
    "状态",
    "参加评议人数",
    "优秀",
    "合格",
    "基本合格",
    "不合格",
    "未评定",
    "优秀占比",
    "发现的问题",
]


def round_rows(qs: QuerySet[AppraisalRound]) -> Iterable[list[Any]]:
    """`qs` comes from appraisal_selectors.round_list; counts are read per chunk of rounds."""
    chunk: list[AppraisalRound] = []
    for r in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(r)
        if len(chunk) == EXPORT_CHUNK:
            yield from _round_chunk(chunk)
            chunk = []
    yield from _round_chunk(chunk)


def _round_chunk(rounds: list[AppraisalRound]) -> Iterable[list[Any]]:
    for r in attach_counts(rounds):
        share = f"{100 * r.n_excellent / r.n_entries:.1f}%" if r.n_entries else ""
        yield [
            r.org.name,
            r.org.code,
            r.year,
            r.started_on,
            r.closed_on,
            r.get_status_display(),
            r.n_entries,
            r.n_excellent,
            r.n_qualified,
            r.n_basic,
            r.n_unqualified,
            r.n_ungraded,
            share,
            r.n_findings,
        ]


register_exporter(
    Exporter(
        name="appraisal_rounds",
        title="民主评议党员",
        headers=ROUND_HEADERS,
        rows=round_rows,
        widths=[30, 14, 10, 12, 12, 8, 12, 8, 8, 10, 8, 8, 10, 10],
    )
)

ENTRY_HEADERS = [
    "姓名",
    "公民身份号码",
    "党员类别",
    "测评优秀票",
    "测评合格票",
    "测评基本合格票",
    "测评不合格票",
    "评定等次",
    "组织处置",
    "个人自评",
    "党员互评意见",
    "备注",
]


def entry_rows(entries: Iterable[AppraisalEntry], *, unmasked: bool) -> Iterable[list[Any]]:
    """`entries` come from appraisal_selectors.round_entries (member and handlings loaded)."""
    for e in entries:
        yield [
            e.member.name,
            e.member.id_number if unmasked else mask_id_number(e.member.id_number),
            e.member.get_member_type_display(),
            e.votes_excellent,
            e.votes_qualified,
            e.votes_basic,
            e.votes_unqualified,
            e.get_grade_display() or "未评定",
            "；".join(
                f"{h.get_measure_display()}（{h.decided_on:%Y-%m-%d}）" for h in e.handlings.all()
            ),
            e.self_assessment,
            e.peer_comments,
            e.note,
        ]


register_exporter(
    Exporter(
        name="appraisal_entries",
        title="民主评议党员结果",
        headers=ENTRY_HEADERS,
        rows=entry_rows,
        widths=[10, 22, 10, 10, 10, 12, 12, 10, 24, 40, 40, 20],
    )
)


# --- 第八表 -----------------------------------------------------------------------------------

TABLE_TITLE = "民主评议党员情况（第八表）"
GRADE_LABELS = [g.label for g in Grade] + ["未评定"]
MEASURE_LABELS = [m.label for m in HandlingMeasure]
# Columns: 单位 | 党员总数 | 参加评议的党员 (人数, 占比) | 评定等次 (5) | 组织处置 (5).
GROUPS = [
    ("参加评议的党员", ["人数", "占党员总数（%）"]),
    ("评定等次", GRADE_LABELS),
    ("组织处置", MEASURE_LABELS),
]
COLUMNS = 2 + sum(len(sub) for _, sub in GROUPS)


def _row_values(row: ReportRow) -> list[Any]:
    return [
        row.label,
        row.members_total,
        row.appraised,
        row.appraised_percent,
        *row.grade_list,
        row.ungraded,
        *row.measure_list,
    ]


def report_workbook(report: Report, *, unit: str, on: date) -> Workbook:
    """The 第八表 layout: title, unit/date line, a two-level header, a row per child, 合计."""
    wb = Workbook()
    ws = wb.active
    ws.title = "第八表"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F2DCDB")
    last = get_column_letter(COLUMNS)

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = TABLE_TITLE
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = center
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = f"填报单位：{unit}　　统计年度：{report.year}年　　填报日期：{on:%Y年%m月%d日}"
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")

    # Header rows 3 and 4: single columns span both rows, groups span their sub-columns.
    ws.merge_cells("A3:A4")
    ws["A3"] = "单位名称"
    ws.merge_cells("B3:B4")
    ws["B3"] = "党员总数"
    col = 3
    for title, subs in GROUPS:
        start, end = get_column_letter(col), get_column_letter(col + len(subs) - 1)
        ws.merge_cells(f"{start}3:{end}3")
        ws[f"{start}3"] = title
        for i, sub in enumerate(subs):
            ws.cell(row=4, column=col + i, value=sub)
        col += len(subs)
    for r in (3, 4):
        for c in range(1, COLUMNS + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = center
            cell.border = border
    ws.row_dimensions[4].height = 30

    rows = [*report.rows, report.total]
    for offset, row in enumerate(rows):
        r = 5 + offset
        for c, value in enumerate(_row_values(row), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = border
            if c > 1:
                cell.alignment = Alignment(horizontal="center")
            if row is report.total:
                cell.font = bold
    ws.column_dimensions["A"].width = 32
    for c in range(2, COLUMNS + 1):
        ws.column_dimensions[get_column_letter(c)].width = 10
    ws.freeze_panes = "B5"
    note_row = 5 + len(rows) + 1
    ws.cell(
        row=note_row,
        column=1,
        value="说明：党员总数为党籍正常的党员；参加评议的党员按各党支部本年度民主评议名单统计；"
        "组织处置按处置方式统计人数。",
    )
    return wb


def report_response(report: Report, *, unit: str) -> FileResponse:
    wb = report_workbook(report, unit=unit, on=timezone.localdate())
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    wb.save(tmp.name)
    tmp.seek(0)
    response = FileResponse(
        tmp,
        as_attachment=True,
        content_type=XLSX_CONTENT_TYPE,
    )
    name_download(response, f"民主评议党员情况（第八表）-{report.org.name}-{report.year}.xlsx")
    return response
