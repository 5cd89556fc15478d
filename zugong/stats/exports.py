"""The 年报 as an .xlsx in the tables' layout: one sheet per table, a title, the reporting unit and
time point, two header rows (merged group headings over their columns), then 合计 and the rows."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.stats.checks import Check
from zugong.stats.tables import Report, Table

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(wb: Workbook, table: Table, report: Report) -> None:
    ws = wb.create_sheet(table.title.split(" ")[0][:31])
    width = len(table.columns) + 1
    ws.cell(1, 1, table.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = CENTER
    ws.cell(2, 1, f"填报单位：{report.scope_name}")
    ws.cell(2, width, f"统计时点：{report.on:%Y年%m月%d日}").alignment = Alignment(
        horizontal="right"
    )
    ws.cell(3, 1, "单位名称")
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    col = 2
    while col <= width:
        column = table.columns[col - 2]
        span = 1
        while (
            col - 2 + span < len(table.columns)
            and column.group
            and (table.columns[col - 2 + span].group == column.group)
        ):
            span += 1
        if column.group:
            ws.cell(3, col, column.group)
            if span > 1:
                ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + span - 1)
            for i in range(span):
                ws.cell(4, col + i, table.columns[col - 2 + i].label)
        else:
            ws.cell(3, col, column.label)
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col += span
    # 甲/1/2/3 …: the column numbers every 党统 table prints under its headings.
    ws.cell(5, 1, "甲")
    for i in range(len(table.columns)):
        ws.cell(5, i + 2, i + 1)
    for r, row in enumerate(table.rows, start=6):
        ws.cell(r, 1, row.label)
        for i, column in enumerate(table.columns):
            ws.cell(r, i + 2, row.values.get(column.key, 0))
    last = 5 + len(table.rows)
    for row_cells in ws.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in row_cells:
            cell.border = BOX
            if cell.row <= 5:
                cell.alignment = CENTER
                cell.font = Font(bold=True)
    for i, note in enumerate(table.notes, start=last + 2):
        ws.cell(i, 1, f"说明：{note}")
    ws.column_dimensions["A"].width = 28
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 11
    ws.row_dimensions[4].height = 48
    ws.freeze_panes = "B6"


def report_workbook(report: Report, checks: list[Check]) -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "封面与核对"
    cover.append([f"{report.scope_name} {report.year}年党内统计年报"])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([f"统计时点：{report.on:%Y年%m月%d日}（按正式组织关系统计）"])
    cover.append([])
    cover.append(["表间核对", "结果", "说明"])
    for check in checks:
        cover.append([check.title, "相符" if check.ok else "不符", check.detail])
    cover.append([])
    for line in report.not_filled:
        cover.append([line])
    cover.column_dimensions["A"].width = 60
    cover.column_dimensions["C"].width = 60
    for table in report.tables:
        _sheet(wb, table, report)
    return wb


def report_response(report: Report, checks: list[Check]) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    report_workbook(report, checks).save(tmp.name)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name_download(response, f"党内统计年报-{report.scope_name}-{report.year}-{stamp}.xlsx")
    return response
