"""Builders for the inquiries tests: a plan, an opinion, a problem list and problems, a report."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from zugong.accounts.models import User
from zugong.inquiries.models import (
    InvestigationPlan,
    Opinion,
    OpinionSource,
    Problem,
    ProblemList,
)
from zugong.orgs.models import Organization

START = date(2026, 3, 2)


def make_plan(org: Organization, user: User, topic: str = "基层党建大调研") -> InvestigationPlan:
    return InvestigationPlan.objects.create(
        topic=topic,
        start_on=START,
        end_on=date(2026, 4, 30),
        org=org,
        org_path=org.path,
        created_by=user,
    )


def make_opinion(plan: InvestigationPlan, org: Organization | None = None, **kw: Any) -> Opinion:
    fields: dict[str, Any] = {
        "source": OpinionSource.LETTER,
        "topic": "作风建设",
        "org": org,
        "text": "张三反映：村务公开不及时（原文）",
        "received_on": START,
    }
    fields.update(kw)
    return Opinion.objects.create(plan=plan, **fields)


def make_list(org: Organization, user: User, title: str = "问题清单", **kw: Any) -> ProblemList:
    return ProblemList.objects.create(
        title=title, org=org, org_path=org.path, created_by=user, **kw
    )


def make_problem(
    problem_list: ProblemList,
    responsible: Organization,
    title: str = "问题",
    parent: Problem | None = None,
    weight: int = 1,
    progress: str = "0",
    **kw: Any,
) -> Problem:
    return Problem.objects.create(
        problem_list=problem_list,
        responsible_org=responsible,
        responsible_path=responsible.path,
        title=title,
        parent=parent,
        weight=weight,
        progress=Decimal(progress),
        **kw,
    )


def make_report(state: str = "closed", result: str = "true") -> Any:
    from zugong.supervision.crypto import seal
    from zugong.supervision.models import Channel, Report, SubjectKind

    return Report.objects.create(
        channel=Channel.ORGANIZATION,
        subject_kind=SubjectKind.NONE,
        text_sealed=seal("举报人李四说：某村书记王五违规（举报原文）"),
        receipt_hash=secrets.token_hex(32),
        received_on=START,
        state=state,
        result=result if state == "closed" else "",
    )
