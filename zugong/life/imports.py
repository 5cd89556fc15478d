"""一张表 import of meeting records: one row per meeting, attendance as lists of names.

The checks are the services' own (future date, duplicate, which organizations hold which type,
names resolved within the organization's roster); a bad row writes nothing at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from zugong.core.bulk import insert_with_history
from zugong.core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteResult,
    date_value,
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.life import selectors, services, tally
from zugong.life.models import Attendance, AttendanceStatus, Meeting, MeetingType
from zugong.life.services import AttendanceEntry, Roster
from zugong.orgs.models import LeadershipTeam, Organization
from zugong.orgs.row_org import OrgColumns, active_by_name, resolve_row_org

CHANGE_REASON = "一张表导入"
BATCH = 1000
_NAME_SPLIT = re.compile(r"[、，,;；\s]+")
# 张三（出差） / 张三(出差): the reason in brackets after the name.
_NAME_REASON = re.compile(r"^(?P<name>[^（(]+)[（(](?P<reason>[^）)]*)[）)]$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?$")


def _meeting_type(value: Any, ctx: ImportContext) -> MeetingType:
    found = ctx.data["types"].get(fold(cell_text(value)))
    if found is None:
        allowed = "、".join(t.name for t in ctx.data["type_list"])
        raise CellError(f"“{cell_text(value)}”不是系统中的会议类型，应为{allowed}之一")
    return found


def _start_time(value: Any, ctx: ImportContext) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        # An Excel time cell without its format: a fraction of a day.
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    raw = fold(cell_text(value))
    match = _TIME.match(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError(f"“{raw}”不是有效时间，应填写如 14:30")


def _names(value: Any, ctx: ImportContext) -> list[tuple[str, str]]:
    """ "张三、李四（出差）" → [("张三", ""), ("李四", "出差")]."""
    result = []
    for part in _NAME_SPLIT.split(cell_text(value).replace("（ ", "（")):
        part = part.strip()
        if not part:
            continue
        match = _NAME_REASON.match(part)
        if match:
            result.append((match.group("name").strip(), match.group("reason").strip()))
        else:
            result.append((part, ""))
    return result


NAME_HELP = "姓名之间用顿号、逗号或分号分隔；请假、缺席的在姓名后用括号注明原因，如 李四（出差）"

COLUMNS = (
    Column(
        "org_code",
        "组织编码",
        ("党组织编码",),
        False,
        text(30),
        "与组织名称至少填一项",
        as_text=True,
    ),
    Column(
        "org_name",
        "组织名称",
        ("党组织", "党组织名称", "召开组织"),
        False,
        text(100),
        "党组织全称；重名时请改填组织编码",
        width=26,
    ),
    Column(
        "meeting_type",
        "会议类型",
        ("会议名称", "类型"),
        True,
        _meeting_type,
        "如 支部党员大会、支部委员会会议、党小组会、党课、主题党日",
        choices=lambda: [t.name for t in selectors.meeting_types()],
        width=16,
    ),
    Column(
        "held_on",
        "日期",
        ("召开日期", "会议日期"),
        True,
        date_value(),
        "会议召开的日期，不能晚于今天",
        width=12,
    ),
    Column("starts_at", "开始时间", ("时间",), False, _start_time, "如 14:30", width=10),
    Column("place", "地点", ("会议地点",), False, text(100), "", width=16),
    Column("host", "主持人", (), False, text(40), "", width=10),
    Column("recorder", "记录人", (), False, text(40), "", width=10),
    Column("topic", "主题", ("会议主题", "议题"), True, text(200), "", width=30),
    Column("content", "内容", ("会议内容", "会议记录"), False, text(), "", width=40),
    Column("decisions", "决议", ("决议事项",), False, text(), "", width=30),
    Column("lecturer", "主讲人", ("党课主讲人",), False, text(40), "党课必填", width=10),
    Column("present", "出席党员", ("出席人员", "出席"), False, _names, NAME_HELP, width=30),
    Column("leave", "请假党员", ("请假人员", "请假"), False, _names, NAME_HELP, width=24),
    Column("absent", "缺席党员", ("缺席人员", "缺席"), False, _names, NAME_HELP, width=24),
)

EXAMPLE = {
    "org_code": "A000101",
    "org_name": "示例村党支部",
    "meeting_type": "支部党员大会",
    "held_on": "2026-01-15",
    "topic": "示例：学习传达上级会议精神",
}


def prepare(ctx: ImportContext) -> None:
    orgs = list(
        Organization.objects.filter(path__startswith=ctx.scope_path).select_related("parent")
    )
    type_list = list(selectors.meeting_types())
    ctx.data.update(
        orgs_by_code={org.code: org for org in orgs},
        orgs_by_name=active_by_name(orgs),
        type_list=type_list,
        types={fold(t.name): t for t in type_list} | {fold(t.code): t for t in type_list},
        with_team=set(
            LeadershipTeam.objects.filter(
                is_current=True, org__path__startswith=ctx.scope_path
            ).values_list("org_id", flat=True)
        ),
        rosters={},
    )


def _roster(ctx: ImportContext, org: Organization, row: Row) -> Roster:
    """Each organization's roster once per import (as of the first row's date)."""
    cache: dict[int, Roster] = ctx.data["rosters"]
    if org.pk not in cache:
        cache[org.pk] = services.load_roster(org, row.values["held_on"])
    return cache[org.pk]


ORG_COLUMNS = OrgColumns(
    code_key="org_code",
    name_key="org_name",
    code_label="组织编码",
    name_label="组织名称",
    noun="党组织",
    revoked_tail="，不能登记会议",
)


def _resolve_org(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    return resolve_row_org(
        row, ctx, ORG_COLUMNS, ctx.data["orgs_by_code"], ctx.data["orgs_by_name"]
    )


def _check_type(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    org, meeting_type = v.get("_org"), v.get("meeting_type")
    if org is None or meeting_type is None:
        return
    error = services.holder_error(org, meeting_type)
    if error:
        yield ctx.error(row, "meeting_type", error)
        v.pop("_org")
    elif meeting_type.code == services.COMMITTEE_MEETING and org.pk not in ctx.data["with_team"]:
        yield ctx.error(
            row,
            "meeting_type",
            f"会议类型：“{org.name}”没有登记本届支部委员会，不能召开支部委员会会议",
        )
        v.pop("_org")


def _check_attendance(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    org = v.get("_org")
    if org is None or v.get("held_on") is None:
        return
    roster = _roster(ctx, org, row)
    by_name: dict[str, list[int]] = defaultdict(list)
    for member in roster.members.values():
        by_name[fold(member.name)].append(member.pk)
    entries: list[AttendanceEntry] = []
    seen: dict[int, str] = {}
    for key, status in (
        ("present", AttendanceStatus.PRESENT),
        ("leave", AttendanceStatus.LEAVE),
        ("absent", AttendanceStatus.ABSENT),
    ):
        header = ctx.spec.column(key).header
        for name, reason in v.get(key) or []:
            found = by_name.get(fold(name), [])
            if not found:
                yield ctx.error(
                    row, key, f"{header}：“{name}”不在“{org.name}”的党员名单中（或党籍不正常）"
                )
                continue
            if len(found) > 1:
                yield ctx.error(
                    row,
                    key,
                    f"{header}：“{org.name}”有{len(found)}名党员叫“{name}”，无法区分，请在系统中逐条登记",
                )
                continue
            pk = found[0]
            if pk in seen:
                yield ctx.error(row, key, f"{header}：“{name}”已填在{seen[pk]}中，一人只能填一处")
                continue
            seen[pk] = header
            if status != AttendanceStatus.PRESENT and not reason:
                yield ctx.error(
                    row,
                    key,
                    f"{header}：“{name}”须在姓名后用括号注明原因，如“{name}（出差）”",
                )
                continue
            entries.append(AttendanceEntry(pk, status, reason))
    v["_attendance"] = entries
    lecturer = v.get("lecturer")
    meeting_type = v.get("meeting_type")
    if meeting_type is not None and meeting_type.has_lecturer and not lecturer:
        yield ctx.error(row, "lecturer", f"主讲人：{meeting_type.name}须填写主讲人")
    if lecturer:
        found = by_name.get(fold(lecturer), [])
        v["_lecturer"] = roster.members[found[0]] if len(found) == 1 else None


def validate_row(row: Row, ctx: ImportContext) -> list[RowError]:
    return [*_resolve_org(row, ctx), *_check_type(row, ctx), *_check_attendance(row, ctx)]


def _clash(a: time | None, b: time | None) -> bool:
    # Two meetings on one day differ only by their start time; a blank time cannot tell.
    return a is None or b is None or a == b


def cross_validate(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    """The same meeting twice in the sheet, or already in the system."""
    errors: list[RowError] = []
    groups: dict[tuple[int, int, Any], list[Row]] = defaultdict(list)
    for row in rows:
        v = row.values
        if v.get("_org") is not None and v.get("meeting_type") and v.get("held_on"):
            groups[(v["_org"].pk, v["meeting_type"].pk, v["held_on"])].append(row)
    for group in groups.values():
        for i, row in enumerate(group):
            for other in group[:i]:
                if _clash(row.values.get("starts_at"), other.values.get("starts_at")):
                    errors.append(
                        ctx.error(
                            row,
                            "held_on",
                            f"日期：与第{other.number}行是同一组织同一天的同类会议，"
                            "同一天的两次会议须分别填写不同的开始时间",
                        )
                    )
                    break
    if groups:
        org_ids = {k[0] for k in groups}
        dates = {k[2] for k in groups}
        existing: dict[tuple[int, int, Any], list[tuple[time | None, str]]] = defaultdict(list)
        for org_id, type_id, held_on, starts_at, topic in Meeting.objects.filter(
            org_id__in=org_ids, held_on__gte=min(dates), held_on__lte=max(dates)
        ).values_list("org_id", "meeting_type_id", "held_on", "starts_at", "topic"):
            existing[(org_id, type_id, held_on)].append((starts_at, topic))
        for key, group in groups.items():
            for row in group:
                for starts_at, topic in existing.get(key, []):
                    if _clash(row.values.get("starts_at"), starts_at):
                        errors.append(
                            ctx.error(
                                row,
                                "held_on",
                                f"日期：系统中已登记本组织当天的同类会议“{topic}”，不能重复导入",
                            )
                        )
                        break
    return errors


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    """Bulk create the meetings (with history), then their attendance, the tally and findings."""
    meetings: list[Meeting] = []
    attendance: list[list[Attendance]] = []
    user = ctx.user
    for row in rows:
        v = row.values
        org: Organization = v["_org"]
        meeting_type: MeetingType = v["meeting_type"]
        lecturer = v.get("_lecturer")
        meeting = Meeting(
            org=org,
            org_path=org.path,
            meeting_type=meeting_type,
            held_on=v["held_on"],
            starts_at=v.get("starts_at"),
            place=v.get("place") or "",
            host=v.get("host") or "",
            recorder=v.get("recorder") or "",
            topic=v["topic"],
            content=v.get("content") or "",
            decisions=v.get("decisions") or "",
            lecturer=lecturer if meeting_type.has_lecturer else None,
            lecturer_name=(v.get("lecturer") or "")
            if meeting_type.has_lecturer and lecturer is None
            else "",
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        rows_for = services.build_attendance(meeting, v["_attendance"], _roster(ctx, org, row))
        meetings.append(meeting)
        attendance.append(rows_for)
    insert_with_history(Meeting, meetings, user=user, change_reason=CHANGE_REASON, batch_size=BATCH)
    flat = []
    for meeting, rows_for in zip(meetings, attendance, strict=True):
        for a in rows_for:
            a.meeting = meeting
            flat.append(a)
    Attendance.objects.bulk_create(flat, batch_size=BATCH)
    tally.add_meetings(meetings)
    rule_ctx = RuleContext(today=ctx.today)
    for start in range(0, len(meetings), BATCH):
        refresh_findings("meeting", meetings[start : start + BATCH], rule_ctx, new=True)
    services.refresh_life_findings({m.org_id for m in meetings}, {a.member_id for a in flat})
    return WriteResult(created=len(meetings))


SPEC = register_spec(
    ImportSpec(
        name="meetings",
        title="会议记录",
        columns=COLUMNS,
        key_column="",
        prepare=prepare,
        validate_row=validate_row,
        cross_validate=cross_validate,
        write=write,
        one_of=(("org_code", "org_name"),),
        example=EXAMPLE,
        notes=(
            "每行一次会议；出席、请假、缺席党员填写姓名，按所填党组织的党员名单识别（党小组按所在党支部名单）。",
            "请假、缺席的党员须在姓名后用括号注明原因，如“李四（出差）”。",
            "不能导入晚于今天的会议；同一组织同一天的同类会议已登记的，不能重复导入。",
            "有一行出错时整张表都不写入，请按错误提示修改后重新上传。",
        ),
    )
)
