"""Excel exports: a township's branches with their scores and stars, and the 软弱涣散 list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.selectors import code_items
from zugong.orgs.models import Organization
from zugong.orgs.standardization.models import WEAK_CAUSE_TABLE, AnnualScore, WeakOrg

BRANCH_HEADERS = [
    "党支部",
    "组织编码",
    "党组织类别",
    "考评年度",
    "总分",
    "星级",
    "状态",
    "自动项统计截至",
    "考评细则",
]
WEAK_HEADERS = [
    "党组织",
    "整顿年度",
    "列入依据",
    "软弱涣散情形",
    "考评排名",
    "主要问题表现",
    "整顿责任人",
    "整顿期限",
    "整顿措施（完成/总数）",
    "状态",
    "销号日期",
]


def branch_rows(qs: QuerySet[Organization], year: int) -> Iterable[list[Any]]:
    """Every branch of the filtered list (not just one page), in chunks of 500."""
    branches = list(qs)
    for start in range(0, len(branches), 500):
        chunk = branches[start : start + 500]
        scores = {
            s.org_id: s
            for s in AnnualScore.objects.filter(
                year=year, org_id__in=[b.pk for b in chunk]
            ).select_related("template")
        }
        for b in chunk:
            s = scores.get(b.pk)
            yield [
                b.name,
                b.code,
                b.category.name if b.category_id else "",
                year,
                s.total if s else "",
                s.stars if s else "",
                s.get_status_display() if s else "未评分",
                s.as_of if s else "",
                s.template.name if s else "",
            ]


def weak_rows(qs: QuerySet[WeakOrg]) -> Iterable[list[Any]]:
    names = {c.code: c.name for c in code_items(WEAK_CAUSE_TABLE)}
    for w in qs:
        yield [
            w.org.name,
            w.year,
            w.get_basis_display(),
            "；".join(names.get(c, c) for c in w.cause_codes),
            w.ranking_note,
            w.situation,
            w.responsible,
            w.deadline or "",
            f"{w.measures_done}/{w.measure_count}",
            w.get_status_display(),
            w.closed_on or "",
        ]


register_exporter(
    Exporter(
        "standards_branches",
        "党支部标准化考评与星级",
        BRANCH_HEADERS,
        branch_rows,
        [30, 14, 16, 10, 8, 6, 12, 14, 36],
    )
)
register_exporter(
    Exporter(
        "standards_weak_orgs",
        "软弱涣散党组织整顿名单",
        WEAK_HEADERS,
        weak_rows,
        [30, 10, 14, 40, 24, 40, 16, 12, 14, 16, 12],
    )
)
