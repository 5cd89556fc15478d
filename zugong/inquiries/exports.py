"""Excel exports of plans, opinions, problems and the statistics (the filtered list, every page).

Column headers match the import sheets, so an exported sheet can be edited and imported again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.inquiries.models import InvestigationPlan, Opinion, Problem

PLAN_HEADERS = [
    "调研主题",
    "调研内容",
    "开始日期",
    "结束日期",
    "牵头组织",
    "调研对象",
    "调研组成员",
    "活动次数",
    "意见条数",
]
OPINION_HEADERS = [
    "编号",
    "所属大调研",
    "来源",
    "意见类别",
    "涉及组织",
    "意见内容",
    "收集日期",
    "答复内容",
    "答复日期",
    "答复情况",
]
PROBLEM_HEADERS = [
    "问题清单",
    "问题",
    "上级问题",
    "问题类别",
    "责任单位",
    "责任人",
    "整改措施",
    "整改期限",
    "权重",
    "整改进度",
    "销号状态",
    "销号日期",
]
STAT_HEADERS = ["统计维度", "名称", "问题数", "已销号", "销号率（%）", "逾期未销号"]


def plan_rows(qs: QuerySet[InvestigationPlan]) -> Iterable[list[Any]]:
    for p in qs.select_related("org").prefetch_related("targets", "team"):
        yield [
            p.topic,
            p.description,
            p.start_on,
            p.end_on,
            p.org.name,
            "、".join(t.name for t in p.targets.all()),
            "、".join(m.name for m in p.team.all()),
            getattr(p, "n_activities", ""),
            getattr(p, "n_opinions", ""),
        ]


def opinion_rows(qs: QuerySet[Opinion]) -> Iterable[list[Any]]:
    for o in qs.select_related("plan", "org").iterator(chunk_size=2000):
        yield [
            o.pk,
            o.plan.topic,
            o.get_source_display(),
            o.topic,
            o.org.name if o.org_id else "",
            o.text,
            o.received_on,
            o.answer,
            o.answered_on,
            "已答复" if o.answer else "未答复",
        ]


def problem_rows(qs: QuerySet[Problem]) -> Iterable[list[Any]]:
    for p in qs.select_related("problem_list", "responsible_org", "parent").iterator(
        chunk_size=2000
    ):
        yield [
            p.problem_list.title,
            p.title,
            p.parent.title if p.parent_id else "",
            p.topic,
            p.responsible_org.name,
            p.owner_name,
            p.measures,
            p.deadline,
            p.weight,
            float(p.progress),
            p.get_state_display(),
            p.closed_on,
        ]


def stat_rows(rows: Iterable[Any]) -> Iterable[list[Any]]:
    for r in rows:
        yield [r.dimension, r.label, r.total, r.closed, float(r.closed_share), r.overdue]


register_exporter(
    Exporter("inquiry_plans", "大调研", PLAN_HEADERS, plan_rows, [30, 40, 12, 12, 24, 40, 30, 8, 8])
)
register_exporter(
    Exporter(
        "inquiry_opinions",
        "意见建议",
        OPINION_HEADERS,
        opinion_rows,
        [8, 30, 10, 14, 24, 50, 12, 50, 12, 10],
    )
)
register_exporter(
    Exporter(
        "inquiry_problems",
        "问题清单",
        PROBLEM_HEADERS,
        problem_rows,
        [30, 40, 30, 14, 24, 10, 40, 12, 6, 10, 10, 12],
    )
)
register_exporter(
    Exporter(
        "inquiry_statistics", "问题清单统计", STAT_HEADERS, stat_rows, [12, 30, 10, 10, 12, 12]
    )
)
