from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.core.ids import mask_id_number, mask_phone
from zugong.members.models import Member

HEADERS = [
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "出生日期",
    "籍贯",
    "学历",
    "学位",
    "手机号",
    "人员类别",
    "入党日期",
    "转正日期",
    "党员类别",
    "所在党支部",
    "所在党支部编码",
    "党籍状态",
    "参加工作日期",
    "住址",
    "信息完整度",
    "备注",
]


def member_rows(qs: QuerySet[Member], *, unmasked: bool) -> Iterable[list[Any]]:
    # An export streams in chunks: join the code tables instead of prefetching per chunk.
    qs = qs.prefetch_related(None).select_related(
        "org", "gender", "ethnicity", "education", "degree", "job_category"
    )
    for m in qs.iterator(chunk_size=2000):
        yield [
            m.name,
            m.gender.name if m.gender_id else "",
            m.ethnicity.name if m.ethnicity_id else "",
            m.id_number if unmasked else mask_id_number(m.id_number),
            m.birth_date,
            m.native_place,
            m.education.name if m.education_id else "",
            m.degree.name if m.degree_id else "",
            (m.phone if unmasked else mask_phone(m.phone)) if m.phone else "",
            m.job_category.name if m.job_category_id else "",
            m.joined_on,
            m.confirmed_on,
            m.get_member_type_display(),
            m.org.name,
            m.org.code,
            m.get_status_display(),
            m.work_started_on,
            m.address,
            f"{m.completeness}%",
            m.note,
        ]


register_exporter(
    Exporter(
        name="members",
        title="党员名册",
        headers=HEADERS,
        rows=member_rows,
        widths=[10, 6, 8, 22, 12, 12, 14, 8, 14, 22, 12, 12, 10, 30, 16, 8, 12, 30, 10, 20],
    )
)
