"""Excel exports: the talent list (headers as the import sheet, so it can be edited and imported
again), 人才底数 statistics, the grants ledger and the eligibility matching."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number, mask_phone
from zugong.talents.models import Grant, Talent

TALENT_HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "人才类别",
    "层次",
    "专业领域",
    "工作单位",
    "职称",
    "人才称号与荣誉",
    "最高学历",
    "所学专业",
    "引育方式",
    "来县（入库）日期",
    "引进依据政策",
    "所属乡镇（系统）",
    "手机号",
    "状态",
    "离开日期",
    "备注",
]


def talent_rows(qs: QuerySet[Talent], *, unmasked: bool = False) -> Iterable[list[Any]]:
    for t in qs.select_related("org", "policy").iterator(chunk_size=2000):
        yield [
            t.name,
            t.id_number if unmasked else mask_id_number(t.id_number),
            t.get_gender_display() if t.gender else "",
            t.birth_date,
            t.get_category_display(),
            t.tier,
            t.field,
            t.employer,
            t.title,
            t.honors,
            t.get_education_display() if t.education else "",
            t.major,
            t.get_recruit_mode_display() if t.recruit_mode else "",
            t.arrived_on,
            t.policy.title if t.policy_id else "",
            t.org.code,
            (t.phone if unmasked else mask_phone(t.phone)) if t.phone else "",
            t.get_status_display(),
            t.left_on,
            t.note,
        ]


STAT_HEADERS = ["统计维度", "项目", "人数", "占比（%）"]


def stat_rows(sections: Iterable[Any]) -> Iterable[list[Any]]:
    for s in sections:
        for r in s.rows:
            yield [s.title, r.label, r.count, float(r.share)]
        yield [s.title, "合计", s.total, 100.0 if s.total else 0.0]


GRANT_HEADERS = [
    "姓名",
    "所属乡镇（系统）",
    "人才类别",
    "层次",
    "政策",
    "政策事项",
    "兑现日期",
    "享受截止",
    "核定金额（元）",
    "终止日期",
    "终止原因",
    "经办人",
    "备注",
]


def grant_rows(qs: QuerySet[Grant]) -> Iterable[list[Any]]:
    for g in qs.select_related("talent__org", "item__policy", "created_by").iterator(
        chunk_size=2000
    ):
        yield [
            g.talent.name,
            g.talent.org.name,
            g.talent.get_category_display(),
            g.talent.tier,
            g.item.policy.title,
            g.item.name,
            g.granted_on,
            g.ends_on,
            float(g.amount),
            g.stopped_on,
            g.stop_reason,
            str(g.created_by),
            g.remark,
        ]


MATCH_HEADERS = ["结论", "姓名", "所属乡镇（系统）", "人才类别", "层次", "政策", "政策事项", "说明"]


def match_rows(result: Any) -> Iterable[list[Any]]:
    for r in result.eligible:
        yield [
            "符合条件未享受",
            r.talent.name,
            r.talent.org.name,
            r.talent.get_category_display(),
            r.talent.tier,
            r.item.policy.title,
            r.item.name,
            "",
        ]
    for r in result.broken:
        yield [
            "已享受但不再符合",
            r.talent.name,
            r.talent.org.name,
            r.talent.get_category_display(),
            r.talent.tier,
            r.item.policy.title,
            r.item.name,
            "；".join(r.reasons or []),
        ]


TREND_HEADERS = ["年度", "当年新入库", "当年离开", "年末在库"]


def trend_rows(rows: Iterable[Any]) -> Iterable[list[Any]]:
    for r in rows:
        yield [r.year, r.arrived, r.left, r.total]


register_exporter(
    Exporter(
        "talents",
        "人才库",
        TALENT_HEADERS,
        talent_rows,
        [10, 22, 6, 12, 14, 6, 14, 24, 14, 24, 12, 14, 10, 14, 24, 14, 14, 8, 12, 24],
    )
)
register_exporter(Exporter("talent_stats", "人才底数", STAT_HEADERS, stat_rows, [14, 24, 10, 10]))
register_exporter(
    Exporter("talent_trend", "人才底数年度变化", TREND_HEADERS, trend_rows, [8, 12, 12, 12])
)
register_exporter(
    Exporter(
        "talent_grants",
        "政策兑现台账",
        GRANT_HEADERS,
        grant_rows,
        [10, 20, 12, 6, 30, 16, 12, 12, 12, 12, 24, 10, 24],
    )
)
register_exporter(
    Exporter(
        "talent_matching", "政策匹配", MATCH_HEADERS, match_rows, [16, 10, 20, 12, 6, 30, 16, 60]
    )
)
