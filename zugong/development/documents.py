"""发展党员 documents as .docx: the three 公示 notices and the 纪实表 of one person."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zugong.development import workflow as wf
from zugong.development.models import Case, CaseStep, RuleSetChoice

FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"

# kind → (title phrase, step whose 公示 it is, the sentence of the body)
NOTICES: dict[str, tuple[str, str, str]] = {
    "candidate": (
        "拟确定为发展对象",
        wf.CANDIDATE,
        "经党支部委员会研究，拟将{name}同志确定为发展对象，现予以公示。",
    ),
    "admission": (
        "拟接收为预备党员",
        wf.ADMISSION_MEETING,
        "经上级党委预审同意，{org}拟召开支部大会讨论接收{name}同志为中共预备党员，现予以公示。",
    ),
    "conversion": (
        "拟转为正式党员",
        wf.CONVERSION_MEETING,
        "{name}同志预备期已满，{org}拟召开支部大会讨论其转为中共正式党员，现予以公示。",
    ),
}


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def _font(run, name: str = FONT, size: float = 14, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word reads East Asian text from eastAsia, not from the Latin font name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _doc() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)
    return doc


def _para(doc, text: str, *, size: float = 14, align=None, indent: bool = True) -> None:  # noqa: ANN001
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), size=size)


def _cell(table, row: int, col: int, text: str, bold: bool = False) -> None:  # noqa: ANN001
    cell = table.cell(row, col)
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), size=10.5, bold=bold)


def _first(steps: Sequence[CaseStep], code: str) -> CaseStep | None:
    return next((s for s in steps if s.definition.code == code), None)


def _bytes(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_docx(case: Case, kind: str, steps: Sequence[CaseStep], today: date) -> bytes:
    """The 公示: who, the key dates so far, the 公示期 recorded on the step (blank if not yet)."""
    phrase, code, body = NOTICES[kind]
    doc = _doc()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"关于{case.name}同志{phrase}的公示"), TITLE_FONT, 20, True)
    _para(doc, body.format(name=case.name, org=case.org.name))
    facts = [
        ("姓名", case.name),
        ("性别", case.gender.name),
        ("出生年月", f"{case.birth_date.year}年{case.birth_date.month}月"),
        ("所在党支部", case.org.name),
        ("递交入党申请书时间", _cn(case.applied_on)),
    ]
    for label, step_code in (
        ("确定为入党积极分子时间", wf.ACTIVIST),
        ("确定为发展对象时间", wf.CANDIDATE),
        ("支部大会接收为预备党员时间", wf.ADMISSION_MEETING),
    ):
        s = _first(steps, step_code)
        if s is not None and step_code != code:
            facts.append((label, _cn(s.done_on)))
    sponsors = [p.name for s in steps if s.definition.code == wf.SPONSORS for p in s.people.all()]
    if sponsors and kind != "candidate":
        facts.append(("入党介绍人", "、".join(sponsors)))
    table = doc.add_table(rows=len(facts), cols=2)
    table.style = "Table Grid"
    for i, (label, value) in enumerate(facts):
        _cell(table, i, 0, label, bold=True)
        _cell(table, i, 1, value)
    step = _first(steps, code)
    start = step.notice_from if step else None
    end = step.notice_to if step else None
    _para(doc, f"公示时间：{_cn(start)}至{_cn(end)}。")
    _para(
        doc,
        "公示期间，党员和群众可通过来信、来电、来访等方式向党支部或上级党委组织部门反映情况。"
        "反映问题应实事求是，以个人名义反映的请署真实姓名。",
    )
    _para(doc, "联系电话：____________")
    _para(doc, case.org.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, _cn(start or today), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return _bytes(doc)


def _people(step: CaseStep) -> str:
    return "、".join(f"{p.get_role_display()}：{p.name}" for p in step.people.all())


def _votes(step: CaseStep) -> str:
    if step.voters_due is None:
        return ""
    return (
        f"应到{step.voters_due}，实到{step.voters_present}；赞成{step.votes_yes}，"
        f"反对{step.votes_no}，弃权{step.votes_abstain}"
    )


def record_docx(case: Case, steps: Sequence[CaseStep], numbers: Sequence[str]) -> bytes:
    """纪实表: the person, then every recorded step with its date, organization, people,
    votes, the rule set it was judged by, and who recorded it when."""
    doc = _doc()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(1.8)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("发展党员工作全程纪实表"), TITLE_FONT, 20, True)
    info = doc.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    cells = [
        ("姓名", case.name, "性别", case.gender.name),
        ("出生日期", _cn(case.birth_date), "所在党支部", case.org.name),
        ("入党志愿书编号", "、".join(numbers) or "—", "状态", case.get_status_display()),
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            _cell(info, r, c, text, bold=c % 2 == 0)
    doc.add_paragraph()
    headers = ["序号", "步骤", "日期", "办理组织", "人员 / 表决 / 说明", "依据规则集", "记录人"]
    table = doc.add_table(rows=1 + len(steps), cols=len(headers))
    table.style = "Table Grid"
    for c, text in enumerate(headers):
        _cell(table, 0, c, text, bold=True)
    rule_sets = dict(RuleSetChoice.choices)
    for r, s in enumerate(steps, start=1):
        detail = "；".join(
            x
            for x in (
                _people(s),
                _votes(s),
                f"公示{_cn(s.notice_from)}至{_cn(s.notice_to)}" if s.notice_from else "",
                s.note,
            )
            if x
        )
        recorder = str(s.recorded_by) if s.recorded_by_id else "导入或系统"
        _cell(table, r, 0, str(s.definition.number or "—"))
        _cell(table, r, 1, s.definition.name)
        _cell(table, r, 2, _cn(s.done_on))
        _cell(table, r, 3, s.responsible_org.name if s.responsible_org_id else case.org.name)
        _cell(table, r, 4, detail)
        _cell(table, r, 5, rule_sets.get(s.rule_set, s.rule_set))
        _cell(table, r, 6, f"{recorder}\n{s.recorded_at:%Y-%m-%d}")
    if case.close_reason:
        _para(doc, f"结束：{_cn(case.closed_on)}，{case.close_reason}", size=12, indent=False)
    return _bytes(doc)


# The 政审 scope and methods (细则第十六条; scope as in 北京支部生活 2017, party-rules.md §2 row 9).
REVIEW_SCOPE = (
    ("本人", "政治立场、思想表现、道德品质、遵纪守法情况，对党的理论和路线方针政策的态度"),
    ("直系亲属", "父母、配偶、子女的政治面貌、工作单位和职务、政治历史和现实表现"),
    ("主要社会关系", "与本人关系密切的主要社会关系的政治面貌和现实表现"),
)
REVIEW_METHODS = "同本人谈话、查阅有关档案材料、找有关单位和人员了解情况以及必要的函调或外调"
REVIEW_CITATION = "《中国共产党发展党员工作细则》（2014）第十六条"


def review_docx(case: Case, steps: Sequence[CaseStep]) -> bytes:
    """政治审查记录: the person, what was reviewed and how, the conclusion, date and organization.

    Before the 政审 is recorded the same sheet comes out with the conclusion left blank, to be
    filled in by hand during the review."""
    review = _first(steps, wf.POLITICAL_REVIEW)
    doc = _doc()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("发展对象政治审查记录"), TITLE_FONT, 20, True)
    candidate = _first(steps, wf.CANDIDATE)
    info = doc.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    rows = [
        ("姓名", case.name, "性别", case.gender.name),
        ("出生日期", _cn(case.birth_date), "所在党支部", case.org.name),
        (
            "确定为发展对象时间",
            _cn(candidate.done_on) if candidate else "—",
            "递交入党申请书时间",
            _cn(case.applied_on),
        ),
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            _cell(info, r, c, text, bold=c % 2 == 0)
    doc.add_paragraph()
    scope = doc.add_table(rows=1 + len(REVIEW_SCOPE), cols=2)
    scope.style = "Table Grid"
    _cell(scope, 0, 0, "审查范围", bold=True)
    _cell(scope, 0, 1, "审查内容", bold=True)
    for r, (who, what) in enumerate(REVIEW_SCOPE, start=1):
        _cell(scope, r, 0, who)
        _cell(scope, r, 1, what)
    _para(doc, f"审查方式：{REVIEW_METHODS}。", size=12, indent=False)
    if review is not None and review.documents:
        _para(doc, f"审查材料：{review.documents}", size=12, indent=False)
    if review is None or review.review_passed is None:
        conclusion = "□合格　□不合格"
    else:
        conclusion = "合格" if review.review_passed else "不合格"
    _para(doc, f"审查结论：{conclusion}", size=12, indent=False)
    if review is not None and review.note:
        _para(doc, f"审查意见：{review.note}", size=12, indent=False)
    reviewer = (
        review.responsible_org.name
        if review is not None and review.responsible_org_id
        else case.org.name
    )
    _para(doc, f"审查组织：{reviewer}（盖章）", size=12, indent=False)
    _para(doc, f"审查日期：{_cn(review.done_on if review else None)}", size=12, indent=False)
    _para(
        doc,
        f"依据：{REVIEW_CITATION}。未经政治审查或政治审查不合格的，不能发展入党。",
        size=10.5,
        indent=False,
    )
    return _bytes(doc)
