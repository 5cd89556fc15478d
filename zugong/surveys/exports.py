"""Excel exports: the survey list (no answers), and a survey's results as aggregates only.

The results workbook has an overview sheet and one sheet per question with counts, shares and
the mean: never a row per respondent, and never the texts (CONSUL #3863: an export of who answered
what would go against the secret ballot)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from zugong.core.downloads import XLSX_CONTENT_TYPE, name_download
from zugong.core.exports import Exporter, register_exporter
from zugong.surveys.models import QuestionKind, Survey
from zugong.surveys.selectors import QuestionResult

SURVEY_HEADERS = [
    "问卷标题",
    "评议对象类型",
    "评议对象",
    "状态",
    "开始时间",
    "截止时间",
    "题目数",
    "参与人数",
]


def survey_rows(qs: QuerySet[Survey]) -> Iterable[Sequence[Any]]:
    now = timezone.now()
    for s in qs.iterator(chunk_size=500):
        yield [
            s.title,
            s.get_subject_kind_display(),
            s.subject_label,
            s.phase_label(now),
            s.opens_at,
            s.closes_at,
            s.question_count,
            s.responses,
        ]


register_exporter(
    Exporter(
        name="surveys",
        title="评绩问卷",
        headers=SURVEY_HEADERS,
        rows=survey_rows,
        widths=[36, 12, 28, 10, 18, 18, 8, 10],
    )
)


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _header(ws: Any, values: Sequence[str]) -> None:
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def results_workbook(survey: Survey, responses: int, results: list[QuestionResult]) -> Workbook:
    wb = Workbook()
    overview = wb.active
    overview.title = "概况"
    overview.append(["问卷标题", survey.title])
    overview.append(["评议对象", f"{survey.get_subject_kind_display()}：{survey.subject_label}"])
    overview.append(["开始时间", _local(survey.opens_at)])
    overview.append(["截止时间", _local(survey.closes_at)])
    overview.append(["参与人数", responses])
    overview.append(["说明", "只含按题汇总的结果，不含任何个人的答卷"])
    overview.column_dimensions["A"].width = 12
    overview.column_dimensions["B"].width = 50
    for r in results:
        ws = wb.create_sheet(f"第{r.number}题")
        ws.append(["题目", r.question.text])
        ws.append(["题型", r.question.get_kind_display()])
        ws.append(["作答人数", r.answered])
        if r.question.kind == QuestionKind.TEXT:
            ws.append(["文字意见条数", r.text_answers])
        else:
            if r.question.kind == QuestionKind.RATING:
                ws.append(["平均分", round(r.mean, 2) if r.mean is not None else None])
            ws.append([])
            _header(ws, ["选项", "人数", "占作答人数比例"])
            for option in r.options:
                ws.append([option.label, option.count, round(option.share / 100, 4)])
                ws.cell(ws.max_row, 3).number_format = "0.0%"
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["C"].width = 16
    return wb


def results_response(survey: Survey, responses: int, results: list[QuestionResult]) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    results_workbook(survey, responses, results).save(tmp.name)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, content_type=XLSX_CONTENT_TYPE)
    name_download(response, f"{survey.title}-结果汇总.xlsx")
    return response
