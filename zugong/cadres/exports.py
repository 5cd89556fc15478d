"""Excel exports of the cadre side: the filtered cadre list, the 配备一览表 and the 干部信息表 (简表).

The list and the 配备一览表 go through the exporter registry; the 简表 is a printed form (title
row, frozen header, column widths, landscape fit-to-width), so it builds its own sheet — still in
openpyxl's write-only mode, so that a county-wide list streams.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties

from zugong.cadres.archive_selectors import recent_assessment_text
from zugong.cadres.models import AnnualAssessment, Cadre, Education, EducationKind
from zugong.cadres.unit_selectors import StaffingRow
from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number

CADRE_HEADERS = [
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "民族",
    "所在单位",
    "现任职务",
    "现职务层次",
    "任现职务层次时间",
    "现职级",
    "参加工作时间",
    "入党时间",
    "状态",
]


def cadre_rows(qs: QuerySet[Cadre], *, unmasked: bool = False) -> Iterable[list[Any]]:
    for c in qs.select_related("unit", "current_rank").iterator(chunk_size=2000):
        yield [
            c.name,
            c.gender,
            c.id_number if unmasked else mask_id_number(c.id_number),
            c.birth_date,
            c.ethnicity,
            c.unit.name,
            c.current_post_text,
            c.get_current_level_display(),
            c.current_level_since,
            c.current_rank.name if c.current_rank_id else "",
            c.work_started_on,
            c.party_joined_text or c.party_joined_on,
            c.get_status_display(),
        ]


register_exporter(
    Exporter(
        name="cadres",
        title="干部名册",
        headers=CADRE_HEADERS,
        rows=cadre_rows,
        widths=[10, 6, 20, 12, 8, 24, 36, 14, 14, 14, 12, 12, 8],
    )
)

STAFFING_HEADERS = ["单位", "职务层次", "核定职数", "实配", "空缺", "超配", "现任人员", "核定文件"]


def staffing_export_rows(rows: list[StaffingRow]) -> Iterable[list[Any]]:
    from zugong.cadres.unit_selectors import group_staffing

    groups, total = group_staffing(rows)
    for g in groups:
        for r in g.rows:
            approved = "" if r.approved is None else r.approved
            yield [
                g.unit.name,
                r.level_label,
                approved,
                r.occupied,
                r.vacancies,
                r.over,
                "、".join(r.holders),
                r.document,
            ]
        s = g.subtotal
        yield [s.label, "", s.approved, s.occupied, s.vacancies, s.over, "", ""]
    yield [total.label, "", total.approved, total.occupied, total.vacancies, total.over, "", ""]


register_exporter(
    Exporter(
        name="cadre_staffing",
        title="领导职数配备一览表",
        headers=STAFFING_HEADERS,
        rows=staffing_export_rows,
        widths=[28, 14, 10, 8, 8, 8, 48, 30],
    )
)


# --- 干部信息表 (简表) ---------------------------------------------------------------------------

INFO_SHEET_COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("姓名", 9),
    ("性别", 5),
    ("民族", 6),
    ("出生年月（年龄）", 13),
    ("籍贯", 10),
    ("入党时间", 10),
    ("参加工作时间", 10),
    ("全日制学历学位及院校专业", 28),
    ("在职学历学位及院校专业", 28),
    ("现任职务", 32),
    ("任现职务层次时间", 11),
    ("现职级", 12),
    ("专业技术职务", 14),
    ("近三年年度考核", 24),
]


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _ym(d: date | None) -> str:
    return f"{d.year}.{d.month:02d}" if d else ""


def _education_text(rows: list[Education], kind: str) -> str:
    e = next((r for r in rows if r.kind == kind and r.on_form), None)
    if e is None:
        return ""
    what = "".join(x for x in (e.education, e.degree) if x)
    where = e.school or e.degree_school
    return f"{what}\n{where}" if where else what


def info_sheet_rows(qs: QuerySet[Cadre], today: date) -> Iterable[list[Any]]:
    qs = qs.select_related("unit", "current_rank").prefetch_related(
        Prefetch("educations", queryset=Education.objects.order_by("kind")),
        Prefetch("assessments", queryset=AnnualAssessment.objects.order_by("-year")),
    )
    for i, c in enumerate(qs.iterator(chunk_size=1000), start=1):
        educations = list(c.educations.all())
        yield [
            i,
            c.name,
            c.gender,
            c.ethnicity,
            f"{_ym(c.birth_date)}（{_age(c.birth_date, today)}岁）",
            c.native_place,
            _ym(c.party_joined_on) or c.party_joined_text,
            _ym(c.work_started_on),
            _education_text(educations, EducationKind.FULLTIME),
            _education_text(educations, EducationKind.PARTTIME),
            c.current_post_text,
            _ym(c.current_level_since),
            c.current_rank.name if c.current_rank_id else "",
            c.professional_title,
            recent_assessment_text(list(c.assessments.all())),
        ]


def write_info_sheet(path: str, qs: QuerySet[Cadre], title: str, today: date) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("干部信息表")
    for i, (_, width) in enumerate(INFO_SHEET_COLUMNS, start=1):
        ws.column_dimensions[_letter(i)].width = width
    # The header row stays in view on screen and repeats on every printed page.
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    last = _letter(len(INFO_SHEET_COLUMNS))
    ws.merged_cells.add(f"A1:{last}1")
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=16)
    title_cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([title_cell])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header = []
    for name, _ in INFO_SHEET_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = wrap
        cell.border = border
        header.append(cell)
    ws.append(header)
    count = 0
    left = Alignment(wrap_text=True, vertical="center")
    for row in info_sheet_rows(qs, today):
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = wrap if i in (0, 2, 3) else left
            cell.border = border
            cells.append(cell)
        ws.append(cells)
        count += 1
    wb.save(path)
    return count


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def info_sheet_response(qs: QuerySet[Cadre], title: str = "干部信息表") -> FileResponse:
    today = timezone.localdate()
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_info_sheet(tmp.name, qs, title, today)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, content_type=XLSX_CONTENT_TYPE)
    name_download(response, f"{title}-{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx")
    return response
