"""Excel exports of 示范创建: the filtered lists (every page), the named list, the progress table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.campaigns.models import Campaign, CampaignKind, Candidate, Stage
from zugong.campaigns.selectors import Progress
from zugong.core.exports import Exporter, register_exporter

KIND_HEADERS = ["名称", "编码", "所属类别", "适用党组织类别", "启用", "创建次数"]
CAMPAIGN_HEADERS = [
    "年度",
    "名称",
    "创建类型",
    "所属工程",
    "目标数",
    "验收合格分",
    "评分标准项数",
    "创建对象",
    "已命名",
]
CANDIDATE_HEADERS = [
    "年度",
    "创建类型",
    "创建对象",
    "组织编码",
    "所属乡镇（街道）/系统",
    "阶段",
    "总分",
    "申报日期",
    "命名文号",
    "命名日期",
    "摘牌日期",
]
NAMED_HEADERS = [
    "年度",
    "创建类型",
    "所属工程",
    "示范名称（党组织）",
    "组织编码",
    "所属乡镇（街道）/系统",
    "总分",
    "命名文号",
    "命名日期",
    "当前状态",
]
PROGRESS_HEADERS = (
    ["年度", "创建类型", "所属工程", "目标数"]
    + [Stage(s).label for s in Stage.values]
    + ["已命名（含复查）", "完成率（%）"]
)
TOWNSHIP_HEADERS = [
    "年度",
    "乡镇（街道）/系统",
    "创建类型",
    "分解目标",
    "已命名（含复查）",
    "是否完成",
]


def kind_rows(qs: QuerySet[CampaignKind]) -> Iterable[list[Any]]:
    for k in qs:
        yield [
            k.name,
            k.code,
            k.group,
            "、".join(c.name for c in k.org_categories.all()),
            "是" if k.is_active else "否",
            k.n_campaigns,
        ]


def campaign_rows(qs: QuerySet[Campaign]) -> Iterable[list[Any]]:
    for c in qs:
        yield [
            c.year,
            c.title,
            c.kind.name,
            c.programme,
            c.target,
            c.pass_score,
            c.n_criteria,
            c.n_candidates,
            c.n_named,
        ]


def candidate_rows(qs: QuerySet[Candidate]) -> Iterable[list[Any]]:
    for c in qs.iterator(chunk_size=500):
        yield [
            c.campaign.year,
            c.campaign.kind.name,
            c.org.name,
            c.org.code,
            c.township.name if c.township_id else "",
            c.get_stage_display(),
            c.total_score,
            c.declared_on,
            c.decision_number,
            c.named_on,
            c.revoked_on,
        ]


def named_rows(qs: QuerySet[Candidate]) -> Iterable[list[Any]]:
    for c in qs.iterator(chunk_size=500):
        yield [
            c.campaign.year,
            c.campaign.kind.name,
            c.campaign.programme,
            c.org.name,
            c.org.code,
            c.township.name if c.township_id else "",
            c.total_score,
            c.decision_number,
            c.named_on,
            "复查合格" if c.stage == Stage.REVIEWED else "已命名",
        ]


def progress_rows(p: Progress) -> Iterable[list[Any]]:
    for r in p.rows:
        yield [
            r.campaign.year,
            r.campaign.kind.name,
            r.campaign.programme,
            r.target,
            *[r.stages.get(s, 0) for s in Stage.values],
            r.named,
            r.share,
        ]


def township_rows(p: Progress) -> Iterable[list[Any]]:
    """One row per township and campaign that has a 分解目标 or a named candidate."""
    for t in p.townships:
        for r, (named, target) in zip(p.rows, t.cells, strict=True):
            if not named and not target:
                continue
            done = "" if target is None else ("是" if named >= target else "否")
            yield [p.year, t.label, r.campaign.kind.name, target, named, done]


register_exporter(Exporter("campaign_kinds", "示范创建类型", KIND_HEADERS, kind_rows))
register_exporter(
    Exporter("campaigns", "示范创建", CAMPAIGN_HEADERS, campaign_rows, [8, 30, 22, 16])
)
register_exporter(
    Exporter(
        "campaign_candidates",
        "示范创建对象",
        CANDIDATE_HEADERS,
        candidate_rows,
        [8, 22, 32, 18, 20, 8, 8, 12, 22, 12, 12],
    )
)
register_exporter(
    Exporter(
        "campaign_named",
        "示范命名名单",
        NAMED_HEADERS,
        named_rows,
        [8, 22, 16, 32, 18, 20, 8, 22, 12, 10],
    )
)
register_exporter(
    Exporter("campaign_progress", "示范创建进度", PROGRESS_HEADERS, progress_rows, [8, 22, 16])
)
register_exporter(
    Exporter(
        "campaign_township_progress",
        "各乡镇示范创建进度",
        TOWNSHIP_HEADERS,
        township_rows,
        [8, 22, 22, 10, 14, 10],
    )
)
