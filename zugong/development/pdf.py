"""发展党员 documents as PDF: the same three 公示, 纪实表 and 政审记录 as documents.py (.docx).

The facts are gathered here with the helpers and texts of documents.py, so the PDF and the
.docx say the same thing; the layout is in templates/development/print/.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zugong.core.documents import render_pdf
from zugong.development import workflow as wf

# The .docx helpers are reused on purpose: one wording of dates, people and votes for both formats.
from zugong.development.documents import (
    NOTICES,
    REVIEW_CITATION,
    REVIEW_METHODS,
    REVIEW_SCOPE,
    _cn,
    _people,
    _votes,
)
from zugong.development.models import Case, CaseStep, RuleSetChoice

NOTICE_CONTACT = (
    "公示期间，党员和群众可通过来信、来电、来访等方式向党支部或上级党委组织部门反映情况。"
    "反映问题应实事求是，以个人名义反映的请署真实姓名。"
)


def _first(steps: Sequence[CaseStep], code: str) -> CaseStep | None:
    return next((s for s in steps if s.definition.code == code), None)


def notice_context(case: Case, kind: str, steps: Sequence[CaseStep], today: date) -> dict[str, Any]:
    phrase, code, body = NOTICES[kind]
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
        # The step being publicised has not happened yet, so its date is not a fact here.
        if s is not None and step_code != code:
            facts.append((label, _cn(s.done_on)))
    sponsors = [p.name for s in steps if s.definition.code == wf.SPONSORS for p in s.people.all()]
    if sponsors and kind != "candidate":
        facts.append(("入党介绍人", "、".join(sponsors)))
    step = _first(steps, code)
    start = step.notice_from if step else None
    end = step.notice_to if step else None
    return {
        "doc_title": f"关于{case.name}同志{phrase}的公示",
        "case": case,
        "body": body.format(name=case.name, org=case.org.name),
        "facts": facts,
        "period": f"公示时间：{_cn(start)}至{_cn(end)}。",
        "contact": NOTICE_CONTACT,
        "signed_on": _cn(start or today),
    }


def record_context(case: Case, steps: Sequence[CaseStep], numbers: Sequence[str]) -> dict[str, Any]:
    rule_sets = dict(RuleSetChoice.choices)
    rows = []
    for s in steps:
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
        rows.append(
            {
                "number": str(s.definition.number or "—"),
                "name": s.definition.name,
                "date": _cn(s.done_on),
                "org": s.responsible_org.name if s.responsible_org_id else case.org.name,
                "detail": detail,
                "rule_set": rule_sets.get(s.rule_set, s.rule_set),
                "recorder": str(s.recorded_by) if s.recorded_by_id else "导入或系统",
                "recorded_at": f"{s.recorded_at:%Y-%m-%d}",
            }
        )
    return {
        "doc_title": "发展党员工作全程纪实表",
        "case": case,
        "info": [
            ("姓名", case.name, "性别", case.gender.name),
            ("出生日期", _cn(case.birth_date), "所在党支部", case.org.name),
            ("入党志愿书编号", "、".join(numbers) or "—", "状态", case.get_status_display()),
        ],
        "rows": rows,
        "closed": f"结束：{_cn(case.closed_on)}，{case.close_reason}" if case.close_reason else "",
    }


def review_context(case: Case, steps: Sequence[CaseStep]) -> dict[str, Any]:
    review = _first(steps, wf.POLITICAL_REVIEW)
    candidate = _first(steps, wf.CANDIDATE)
    if review is None or review.review_passed is None:
        # Before the 政审 is recorded: a blank form to be filled in by hand.
        conclusion = "□合格　□不合格"
    else:
        conclusion = "合格" if review.review_passed else "不合格"
    reviewer = (
        review.responsible_org.name
        if review is not None and review.responsible_org_id
        else case.org.name
    )
    return {
        "doc_title": "发展对象政治审查记录",
        "case": case,
        "info": [
            ("姓名", case.name, "性别", case.gender.name),
            ("出生日期", _cn(case.birth_date), "所在党支部", case.org.name),
            (
                "确定为发展对象时间",
                _cn(candidate.done_on) if candidate else "—",
                "递交入党申请书时间",
                _cn(case.applied_on),
            ),
        ],
        "scope": REVIEW_SCOPE,
        "methods": REVIEW_METHODS,
        "documents": review.documents if review is not None else "",
        "conclusion": conclusion,
        "opinion": review.note if review is not None else "",
        "reviewer": reviewer,
        "reviewed_on": _cn(review.done_on if review else None),
        "citation": REVIEW_CITATION,
    }


def notice_pdf(case: Case, kind: str, steps: Sequence[CaseStep], today: date) -> bytes:
    return render_pdf("development/print/notice.html", notice_context(case, kind, steps, today))


def record_pdf(case: Case, steps: Sequence[CaseStep], numbers: Sequence[str]) -> bytes:
    return render_pdf("development/print/record.html", record_context(case, steps, numbers))


def review_pdf(case: Case, steps: Sequence[CaseStep]) -> bytes:
    return render_pdf("development/print/review.html", review_context(case, steps))
