from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from zugong.core.exports import Exporter, register_exporter
from zugong.orgs.models import Organization


def org_rows(qs: QuerySet[Organization]) -> Iterable[list[Any]]:
    for org in qs.select_related("parent", "category", "rollup").iterator(chunk_size=2000):
        rollup = getattr(org, "rollup", None)
        yield [
            org.name,
            org.code,
            org.get_kind_display(),
            org.category.name if org.category_id else "",
            org.parent.name if org.parent_id else "",
            org.parent.code if org.parent_id else "",
            org.founded_on,
            org.get_status_display(),
            org.dissolved_on,
            org.unit_name,
            org.contact_person,
            org.contact_phone,
            rollup.members_total if rollup else 0,
            rollup.full_members_total if rollup else 0,
            rollup.probationary_total if rollup else 0,
            rollup.branches_total if rollup else 0,
        ]


register_exporter(
    Exporter(
        name="orgs",
        title="党组织列表",
        headers=[
            "组织名称",
            "组织编码",
            "组织层级",
            "党组织类别",
            "上级组织名称",
            "上级组织编码",
            "成立日期",
            "状态",
            "撤销日期",
            "所在单位",
            "联系人",
            "联系电话",
            "党员总数",
            "正式党员",
            "预备党员",
            "党支部数",
        ],
        rows=org_rows,
        widths=[30, 16, 10, 14, 30, 16, 12, 8, 12, 24, 10, 14, 10, 10, 10, 10],
    )
)
