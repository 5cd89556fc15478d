"""The downloadable template and the uploaded sheet handed back with its bad cells marked."""

from __future__ import annotations

from collections import defaultdict
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from zugong.core.imports import readers
from zugong.core.imports.spec import ImportSpec, RowError, describe_column

AUTHOR = "组工"
LISTS_SHEET = "字典"
ERROR_HEADER = "错误说明"
# Excel refuses an inline list longer than 255 characters; longer lists go to a hidden sheet.
INLINE_LIST_LIMIT = 200
# Comments are heavy in .xlsx; beyond this many bad cells only the fill and the 错误说明 column mark them.
MAX_COMMENTS = 5000

REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
EXAMPLE_FONT = Font(italic=True, color="808080")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")


def _comment(text: str, lines: int = 6) -> Comment:
    comment = Comment(text, AUTHOR)
    comment.width = 260
    comment.height = max(80, 18 * lines)
    return comment


def build_template(spec: ImportSpec, out: IO[bytes]) -> None:
    """Header row with a comment on each header (required ones red and starred), dropdowns for
    the choice columns, text format for long digit strings, one example row and a notes sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.title[:31]
    lists = None
    list_count = 0
    for position, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(position)
        cell = ws.cell(
            row=1, column=position, value=f"{column.header}*" if column.required else column.header
        )
        cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = describe_column(column)
        if column.key == spec.key_column:
            note += "\n再次导入时按此列识别记录：系统中已有的更新，没有的新增。"
        cell.comment = _comment(note, lines=4 + len(note) // 16)
        ws.column_dimensions[letter].width = column.width
        if column.as_text:
            ws.column_dimensions[letter].number_format = "@"
        choices = column.choice_list()
        if choices:
            joined = ",".join(choices)
            if len(joined) <= INLINE_LIST_LIMIT and "," not in "".join(choices):
                formula = f'"{joined}"'
            else:
                if lists is None:
                    lists = wb.create_sheet(LISTS_SHEET)
                    lists.sheet_state = "hidden"
                list_count += 1
                list_col = get_column_letter(list_count)
                lists[f"{list_col}1"] = column.header
                for i, value in enumerate(choices, start=2):
                    lists[f"{list_col}{i}"] = value
                formula = (
                    f"{quote_sheetname(LISTS_SHEET)}!${list_col}$2:${list_col}${len(choices) + 1}"
                )
            # A warning, not a stop: codes and aliases typed by hand are accepted by the import too.
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=column.header,
                error=f"建议从下拉列表中选择{column.header}",
                promptTitle=column.header,
                prompt="请从下拉列表中选择",
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(validation)
        if column.key in spec.example:
            example = ws.cell(row=2, column=position, value=spec.example[column.key])
            example.font = EXAMPLE_FONT
            if column.as_text:
                example.number_format = "@"
    ws["A2"].comment = _comment(
        "第2行是示例：与示例完全相同的行在导入时会自动忽略，可直接覆盖或删除。", 3
    )
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 110
    lines = [
        f"{spec.title}导入说明",
        "1. 只导入第一个工作表；表头须在第一行，可用批注中列出的别名；红色带*的列必须填写。",
        "2. 日期可写作 2024-01-05、2024/1/5、2024.1.5、20240105、2024年1月5日，或使用 Excel 日期格式。",
        "3. 字典项（性别、民族、学历等）可填名称或代码，如“汉族”“汉”“01”。",
        "4. 系统先校验全部数据，有任何错误都不会写入，并提供标注了错误单元格的表格供修改。",
        "5. 再次导入同一张表会更新已有记录而不会重复；空白单元格不会清除系统中已有的内容。",
        *(f"{i}. {note}" for i, note in enumerate(spec.notes, start=6)),
    ]
    for i, line in enumerate(lines, start=1):
        notes.cell(row=i, column=1, value=line).font = Font(bold=i == 1)
    wb.save(out)


def write_error_workbook(
    source: str, kind: str, spec: ImportSpec, errors: list[RowError], out: IO[bytes]
) -> None:
    """The uploaded rows again, bad cells filled red with the reason as a comment, a 错误说明
    column at the end and a sheet listing every error. Row numbers stay those of the upload."""
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("标注错误")
    with readers.open_sheet(source, kind) as sheet:
        header, rows = sheet.locate_header(spec)
        position_of = {spec.column(key).header: position for key, position in header.index.items()}
        width = len(header.headers)
        for i in range(width):
            ws.column_dimensions[get_column_letter(i + 1)].width = 16
        ws.column_dimensions[get_column_letter(width + 1)].width = 60
        for _ in range(header.row - 1):
            ws.append([])
        title = WriteOnlyCell(ws, value=ERROR_HEADER)
        title.font = REQUIRED_FONT
        ws.append([*header.headers, title])
        comments_left = MAX_COMMENTS
        expected = header.row + 1
        for number, cells in rows:
            # Keep the upload's row numbers: the error list refers to them.
            for _ in range(expected, number):
                ws.append([])
            expected = number + 1
            row_errors = by_row.get(number)
            if not row_errors:
                ws.append(list(cells))
                continue
            out_cells: list[Any] = list(cells) + [None] * (width - len(cells))
            for error in row_errors:
                position = position_of.get(error.column)
                if position is None:
                    continue
                current = out_cells[position]
                if not isinstance(current, Cell):
                    current = WriteOnlyCell(ws, value=current)
                    current.fill = BAD_FILL
                    current.font = BAD_FONT
                    out_cells[position] = current
                if current.comment is not None:
                    current.comment = _comment(f"{current.comment.text}\n{error.message}", 6)
                elif comments_left > 0:
                    current.comment = _comment(error.message, 4)
                    comments_left -= 1
            note = WriteOnlyCell(ws, value="；".join(e.message for e in row_errors))
            note.font = BAD_FONT
            ws.append([*out_cells[:width], note])

    listing = wb.create_sheet("错误清单")
    listing.column_dimensions["D"].width = 80
    listing.append(["行号", "列", "值", "原因"])
    for error in errors:
        listing.append([error.row, error.column, error.value, error.message])
    wb.save(out)
