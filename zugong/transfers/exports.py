"""Excel exports of the transfer pages: the queue, 流动党员, 失联党员, 出党."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number as mask_id
from zugong.transfers.models import FlowRecord, LostContact, QuitCase, Transfer


def transfer_rows(qs: QuerySet[Transfer]) -> Iterable[list[Any]]:
    for t in qs.iterator(chunk_size=2000):
        yield [
            t.subject_name,
            t.get_kind_display(),
            t.get_status_display(),
            t.current_level_label,
            t.from_org_name,
            t.to_org_name,
            t.reason,
            t.applied_on,
            t.letter_issuer_name,
            t.letter_number,
            t.letter_issued_on,
            t.dues_paid_to.strftime("%Y-%m") if t.dues_paid_to else "",
            t.letter_valid_until,
            t.receipt_on,
            t.completed_on,
        ]


register_exporter(
    Exporter(
        name="transfers",
        title="组织关系转接",
        headers=[
            "姓名",
            "转接类型",
            "办理状态",
            "当前审批层级",
            "转出党组织",
            "转入党组织",
            "原因",
            "申请日期",
            "开具介绍信的党组织",
            "介绍信编号",
            "开具日期",
            "党费交至",
            "有效期至",
            "回执日期",
            "办结日期",
        ],
        rows=transfer_rows,
        widths=[10, 10, 16, 12, 28, 28, 20, 12, 24, 12, 12, 10, 12, 12, 12],
    )
)


def flow_rows(qs: QuerySet[FlowRecord]) -> Iterable[list[Any]]:
    for r in qs.iterator(chunk_size=2000):
        yield [
            r.member.name if r.member_id else r.person_name,
            r.get_direction_display(),
            mask_id(r.member.id_number if r.member_id else r.person_id_number),
            r.org.name,
            r.other_place,
            r.other_org_name,
            r.reason,
            r.started_on,
            r.expected_until,
            "是" if r.settled else "否",
            r.card_number,
            r.ended_on,
            r.end_note,
        ]


register_exporter(
    Exporter(
        name="transfer_flows",
        title="流动党员",
        headers=[
            "姓名",
            "流向",
            "公民身份号码",
            "党支部",
            "外出流向/原组织关系所在地",
            "流入地/原所在党组织",
            "原因",
            "外出/流入日期",
            "预计返回/离开日期",
            "地点相对固定",
            "活动证编号",
            "返回/离开日期",
            "结束说明",
        ],
        rows=flow_rows,
        widths=[10, 6, 20, 28, 24, 24, 16, 12, 12, 8, 14, 12, 20],
    )
)


def lost_rows(qs: QuerySet[LostContact]) -> Iterable[list[Any]]:
    for r in qs.iterator(chunk_size=2000):
        yield [
            r.member.name,
            r.lost_since,
            r.reported_on,
            r.get_status_display(),
            r.suspended_on,
            r.closed_on,
            r.search_note,
            r.close_note,
        ]


register_exporter(
    Exporter(
        name="transfer_lost",
        title="失联党员",
        headers=[
            "姓名",
            "失去联系日期",
            "登记日期",
            "状态",
            "停止党籍日期",
            "结束日期",
            "查找情况",
            "结束说明",
        ],
        rows=lost_rows,
        widths=[10, 12, 12, 10, 12, 12, 40, 30],
    )
)


def quit_rows(qs: QuerySet[QuitCase]) -> Iterable[list[Any]]:
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.member.name,
            c.get_kind_display(),
            c.get_status_display(),
            c.current_level_label,
            c.decision_on,
            c.applied_on,
            c.completed_on,
            c.decision_note,
        ]


register_exporter(
    Exporter(
        name="transfer_quits",
        title="出党",
        headers=[
            "姓名",
            "出党方式",
            "办理状态",
            "当前审批层级",
            "支部大会决定日期",
            "申请日期",
            "出党日期",
            "决定情况",
        ],
        rows=quit_rows,
        widths=[10, 10, 14, 12, 14, 12, 12, 40],
    )
)
