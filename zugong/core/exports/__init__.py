"""The exporter registry: an exporter only yields rows; this module turns them into .xlsx."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download


@dataclass(frozen=True)
class Exporter:
    name: str
    title: str
    headers: Sequence[str]
    rows: Callable[..., Iterable[Sequence[Any]]]
    widths: Sequence[int] = ()


EXPORTERS: dict[str, Exporter] = {}


def register_exporter(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value
        )
    if isinstance(value, date):
        # Text, not an Excel date: users re-import these sheets and Excel would reformat dates.
        return value.strftime("%Y-%m-%d")
    return value


def write_xlsx(
    path: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> int:
    """Stream rows into an .xlsx file with openpyxl's write-only mode; returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, width in enumerate(widths or [14] * len(headers)):
        ws.column_dimensions[_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2DCDB")
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        cell.fill = fill
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append([_cell_value(v) for v in row])
        count += 1
    wb.save(path)
    return count


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def xlsx_response(
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_xlsx(tmp.name, title, headers, rows, widths)
    tmp.seek(0)
    response = FileResponse(
        tmp,
        as_attachment=True,
        content_type=XLSX_CONTENT_TYPE,
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    name_download(response, f"{filename}-{stamp}.xlsx")
    return response


def export_response(name: str, *args: Any, **kwargs: Any) -> FileResponse:
    exporter = EXPORTERS[name]
    return xlsx_response(
        exporter.title,
        exporter.title,
        exporter.headers,
        exporter.rows(*args, **kwargs),
        exporter.widths,
    )
