"""一张表 import of the member register, keyed by 公民身份号码: new people are created, people
already registered in the uploader's scope are updated, anyone registered elsewhere is refused."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from zugong.core.bulk import insert_with_history
from zugong.core.ids import check_id_number, id_check_char
from zugong.core.imports import (
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteResult,
    code,
    code_choices,
    date_value,
    enum,
    id_number_text,
    register_spec,
    text,
)
from zugong.core.rules.engine import RuleContext
from zugong.core.selectors import surname_overrides
from zugong.core.services import refresh_findings
from zugong.members.completeness import completeness_score
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.members.services import contribution, derive_fields
from zugong.orgs.models import Organization, OrgKind
from zugong.orgs.rollups import apply_path_deltas
from zugong.orgs.row_org import OrgColumns, active_by_name, resolve_row_org
from zugong.orgs.services import refresh_org_findings
from zugong.stats import periods
from zugong.stats.models import PeriodSource

CHANGE_REASON = "一张表导入"
# Rows per bulk statement group and per findings refresh: bounds memory on 100,000-row sheets.
BATCH = 2000
# Existing IDs are looked up in chunks below SQLite's 999-parameter limit.
LOOKUP_CHUNK = 900
_SEX = {"1": "男", "2": "女"}
_PHONE = re.compile(r"1\d{10}")
_PHONE_NOISE = re.compile(r"[\s\-()（）]")

CODE_FIELDS = ("gender", "ethnicity", "education", "degree", "job_category")
# Copied from the sheet when the cell is filled; an empty cell keeps what the register has.
FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "native_place",
    "education",
    "degree",
    "phone",
    "job_category",
    "joined_on",
    "confirmed_on",
    "member_type",
    "work_started_on",
    "address",
    "note",
)
TEXT_FIELDS = frozenset({"native_place", "phone", "address", "note"})
DERIVED = (
    "name_pinyin",
    "name_initials",
    "id_number_reversed",
    "org_path",
    "completeness",
    "updated_at",
)
UPDATE_FIELDS = [*FIELDS, "org", *DERIVED]

T = TypeVar("T")


COLUMNS = (
    Column("name", "姓名", ("党员姓名",), True, text(40), "最多40字"),
    Column(
        "gender",
        "性别",
        (),
        True,
        code("gender", "男"),
        "男或女（也可填代码1或2）",
        choices=code_choices("gender", ("1", "2")),
        width=8,
    ),
    Column(
        "ethnicity",
        "民族",
        (),
        False,
        code("ethnicity", "汉族"),
        "名称或代码，如 汉族、汉、01",
        choices=code_choices("ethnicity"),
        width=10,
    ),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "证件号码", "公民身份证号", "公民身份证号码"),
        True,
        id_number_text,
        "18位（15位旧号码自动升级）；校验码、出生日期须正确，第17位须与性别一致。再次导入时按此号码更新；请设为文本格式",
        as_text=True,
        width=22,
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月日",),
        False,
        date_value(),
        "可不填，按公民身份号码推算；填写时须与号码一致",
        width=12,
    ),
    Column("native_place", "籍贯", (), False, text(60), "最多60字"),
    Column(
        "education",
        "学历",
        ("最高学历",),
        False,
        code("education", "大学本科"),
        "名称或代码，如 大学本科、21",
        choices=code_choices("education"),
    ),
    Column(
        "degree",
        "学位",
        ("最高学位",),
        False,
        code("degree", "学士"),
        "名称或代码，如 学士、4",
        choices=code_choices("degree"),
        width=10,
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话"),
        False,
        text(20),
        "以1开头的11位数字",
        as_text=True,
    ),
    Column(
        "job_category",
        "人员类别",
        ("工作岗位", "人员类别/工作岗位"),
        False,
        code("job_category", "公务员"),
        "名称或代码，如 公务员、0501",
        choices=code_choices("job_category"),
        width=20,
    ),
    Column(
        "joined_on",
        "入党日期",
        ("入党时间", "加入党组织日期"),
        True,
        date_value(),
        "须年满十八周岁以后",
        width=12,
    ),
    Column(
        "confirmed_on",
        "转正日期",
        ("转正时间", "转为正式党员日期"),
        False,
        date_value(),
        "只有正式党员填写，须晚于入党日期；预备党员不填",
        width=12,
    ),
    Column(
        "member_type",
        "党员类别",
        ("党籍状态",),
        True,
        enum(
            {t.label: t.value for t in MemberType},
            {"正式": MemberType.FULL, "预备": MemberType.PROBATIONARY},
        ),
        "正式党员或预备党员",
        choices=[t.label for t in MemberType],
    ),
    Column(
        "branch_code",
        "所在党支部编码",
        ("党支部编码", "支部编码"),
        False,
        text(30),
        "与“所在党支部”至少填一项，优先按编码查找；须为您管理范围内的正常党支部",
        as_text=True,
    ),
    Column(
        "branch_name",
        "所在党支部",
        ("党支部", "党支部名称", "所在支部", "所在党支部名称"),
        False,
        text(100),
        "党支部全称；重名时请改填所在党支部编码",
        width=26,
    ),
    Column(
        "work_started_on", "参加工作日期", ("参加工作时间",), False, date_value(), "日期", width=12
    ),
    Column(
        "address",
        "住址",
        ("家庭住址", "现居住地", "现住址"),
        False,
        text(200),
        "最多200字",
        width=30,
    ),
    Column("note", "备注", (), False, text(), "", width=20),
)


def _example_id() -> str:
    first17 = "11010519900307123"
    return first17 + id_check_char(first17)


EXAMPLE = {
    "name": "张三",
    "gender": "男",
    "ethnicity": "汉族",
    "id_number": _example_id(),
    "education": "大学本科",
    "phone": "13800000000",
    "joined_on": "2015-07-01",
    "confirmed_on": "2016-07-01",
    "member_type": "正式党员",
    "branch_code": "A000101",
    "branch_name": "示例村党支部",
}


# --- checks --------------------------------------------------------------------------------


def prepare(ctx: ImportContext) -> None:
    """Every organization in scope, once: branches are resolved by code or name without queries."""
    orgs = list(
        Organization.objects.filter(path__startswith=ctx.scope_path).only(
            "id", "name", "code", "kind", "status", "path", "depth"
        )
    )
    ctx.data["orgs_by_code"] = {org.code: org for org in orgs}
    ctx.data["orgs_by_id"] = {org.pk: org for org in orgs}
    ctx.data["branches_by_name"] = active_by_name(orgs, lambda o: o.kind == OrgKind.BRANCH)


def _adult_on(birth: date) -> date:
    # Same reading as the member.joined_under_18 rule (relativedelta): 29 Feb → 28 Feb.
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return birth.replace(year=birth.year + 18, day=28)


def _id_message(message: str, normalized: str | None) -> str:
    if "校验位" in message and normalized:
        return f"公民身份号码：校验码错误，应为{id_check_char(normalized[:17])}（GB 11643-1999），请逐位核对号码"
    if message.startswith("公民身份号码："):
        return message
    if message.startswith("公民身份号码中的"):
        return "公民身份号码：" + message.removeprefix("公民身份号码中的")
    return "公民身份号码：" + message.removeprefix("公民身份号码")


def _check_identity(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    raw = v.get("id_number")
    if not raw:
        return
    result = check_id_number(raw, today=ctx.today)
    if result.normalized:
        v["id_number"] = result.normalized
    # Region-code warnings are not errors: historic codes stay valid (DESIGN.md §6).
    for message in result.errors:
        yield ctx.error(row, "id_number", _id_message(message, result.normalized), value=raw)
    if not result.ok:
        return
    gender = v.get("gender")
    if gender is not None and gender.code in _SEX and gender.code != result.sex:
        yield ctx.error(
            row,
            "gender",
            f"性别：所填“{gender.name}”与公民身份号码第17位表示的“{_SEX[result.sex]}”不一致",
        )
    birth = v.get("birth_date")
    if birth is None:
        v["birth_date"] = result.birth_date
    elif birth != result.birth_date:
        yield ctx.error(
            row,
            "birth_date",
            f"出生日期：所填{birth.isoformat()}与公民身份号码中的出生日期{result.birth_date.isoformat()}不一致",
        )


def _check_dates(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    birth, joined, confirmed = v.get("birth_date"), v.get("joined_on"), v.get("confirmed_on")
    if joined and birth:
        adult = _adult_on(birth)
        if joined < adult:
            yield ctx.error(
                row,
                "joined_on",
                f"入党日期：{joined.isoformat()}时未满十八周岁（{adult.isoformat()}年满十八周岁），不符合党章第一条",
            )
    if confirmed:
        if v.get("member_type") == MemberType.PROBATIONARY:
            yield ctx.error(
                row,
                "confirmed_on",
                "转正日期：预备党员不应填写转正日期；已转正的请把党员类别填为“正式党员”",
            )
        elif joined and confirmed <= joined:
            yield ctx.error(
                row, "confirmed_on", f"转正日期：应晚于入党日期（{joined.isoformat()}）"
            )


def _check_phone(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    phone = row.values.get("phone")
    if phone:
        digits = _PHONE_NOISE.sub("", phone)
        if _PHONE.fullmatch(digits):
            row.values["phone"] = digits
        else:
            yield ctx.error(row, "phone", "手机号：应为以1开头的11位数字")


BRANCH_COLUMNS = OrgColumns(
    code_key="branch_code",
    name_key="branch_name",
    code_label="所在党支部编码",
    name_label="所在党支部",
    revoked_tail="，不能编入党员",
)


def _only_branches(org: Organization) -> str | None:
    if org.kind != OrgKind.BRANCH:
        return f"“{org.name}”是{org.get_kind_display()}，党员只能编入党支部"
    return None


def _check_branch(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    return resolve_row_org(
        row,
        ctx,
        BRANCH_COLUMNS,
        ctx.data["orgs_by_code"],
        ctx.data["branches_by_name"],
        _only_branches,
    )


def validate_row(row: Row, ctx: ImportContext) -> list[RowError]:
    return [
        *_check_identity(row, ctx),
        *_check_dates(row, ctx),
        *_check_phone(row, ctx),
        *_check_branch(row, ctx),
    ]


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def cross_validate(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    """The same person twice in the sheet; people already registered (update, or refuse)."""
    errors: list[RowError] = []
    by_id: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        number = row.values.get("id_number")
        if number and len(number) == 18:
            by_id[number].append(row)
    for rows_with_id in by_id.values():
        if len(rows_with_id) > 1:
            for row in rows_with_id:
                others = "、".join(str(r.number) for r in rows_with_id if r is not row)
                errors.append(
                    ctx.error(
                        row, "id_number", f"公民身份号码：与第{others}行重复，同一人只能出现一次"
                    )
                )
    registered: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for chunk in _chunks(list(by_id), LOOKUP_CHUNK):
        for number, pk, path in Member.objects.filter(id_number__in=chunk).values_list(
            "id_number", "pk", "org_path"
        ):
            registered[number].append((pk, path))
    for number, records in registered.items():
        for row in by_id[number]:
            if len(records) > 1:
                errors.append(
                    ctx.error(
                        row,
                        "id_number",
                        f"公民身份号码：系统中已有{len(records)}条该号码的记录，请先在党员管理中核对处理后再导入",
                    )
                )
            elif not ctx.in_scope(records[0][1]):
                errors.append(
                    ctx.error(
                        row,
                        "id_number",
                        "公民身份号码：该公民身份号码已在其他党组织登记，请走组织关系转接",
                    )
                )
            else:
                row.values["_pk"] = records[0][0]
    return errors


# --- writing -------------------------------------------------------------------------------


class Deriver:
    """derive_fields for a whole sheet, reading each distinct name's pinyin once.

    pypinyin costs about as much per row as everything else together, and names repeat a lot.
    """

    def __init__(self) -> None:
        self.overrides = surname_overrides()
        self.names: dict[str, tuple[str, str]] = {}

    def __call__(self, member: Member) -> None:
        known = self.names.get(member.name)
        if known is None:
            derive_fields(member, self.overrides)
            self.names[member.name] = (member.name_pinyin, member.name_initials)
            return
        # derive_fields minus its pinyin step; test_deriver_matches_derive_fields keeps them in step.
        member.name_pinyin, member.name_initials = known
        member.id_number_reversed = member.id_number[::-1]
        member.org_path = member.org.path
        member.completeness = completeness_score(member)


def _new_member(values: dict[str, Any], derive: Deriver) -> Member:
    fields = {name: values.get(name) for name in FIELDS}
    for name in TEXT_FIELDS:
        fields[name] = fields[name] or ""
    member = Member(org=values["_org"], status=MemberStatus.NORMAL, **fields)
    derive(member)
    return member


def _apply(member: Member, values: dict[str, Any]) -> bool:
    """Copy the filled cells onto the member; True when anything changed."""
    changed = False
    for name in FIELDS:
        value = values.get(name)
        if value is None:
            continue
        current = getattr(member, f"{name}_id") if name in CODE_FIELDS else getattr(member, name)
        new = value.pk if name in CODE_FIELDS else value
        if current != new:
            setattr(member, name, value)
            changed = True
    org = values["_org"]
    if member.org_id != org.pk:
        member.org = org
        changed = True
    return changed


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    """Bulk create and bulk update (with history) in batches; then roll-ups and findings."""
    derive = Deriver()
    rule_ctx = RuleContext(today=ctx.today)
    orgs_by_id: dict[int, Organization] = ctx.data["orgs_by_id"]
    touched: dict[int, Organization] = {}
    # Each branch's change of its roll-up counters, applied once at the end (no full rebuild).
    own: dict[str, Counter[str]] = defaultdict(Counter)
    created = updated = unchanged = 0

    def count(member: Member, sign: int) -> None:
        counts = contribution(member)
        if counts:
            own[member.org_path].update({k: sign * v for k, v in counts.items()})
            own[member.org_path]["members_direct"] += sign

    new_rows = [row for row in rows if "_pk" not in row.values]
    for batch in _chunks(new_rows, BATCH):
        members = [_new_member(row.values, derive) for row in batch]
        insert_with_history(
            Member, members, user=ctx.user, change_reason=CHANGE_REASON, batch_size=BATCH
        )
        refresh_findings("member", members, rule_ctx, new=True)
        periods.open_members(members, on=ctx.today, source=PeriodSource.IMPORT, actor=ctx.user)
        created += len(members)
        for member in members:
            touched[member.org_id] = member.org
            count(member, +1)

    known_rows = [row for row in rows if "_pk" in row.values]
    now = timezone.now()
    for batch in _chunks(known_rows, BATCH):
        # Locked like a form's save, so the version below moves on from the saved one.
        current = (
            Member.objects.select_for_update(of=("self",))
            .select_related(*CODE_FIELDS)
            .in_bulk([row.values["_pk"] for row in batch])
        )
        changed: list[Member] = []
        for row in batch:
            member = current[row.values["_pk"]]
            # The scope's organizations are loaded already: no query per member for org.path.
            before = member.org = orgs_by_id[member.org_id]
            old_counts, old_path = contribution(member), member.org_path
            if not _apply(member, row.values):
                unchanged += 1
                continue
            derive(member)
            if old_counts:
                own[old_path].update({k: -v for k, v in old_counts.items()})
                own[old_path]["members_direct"] -= 1
            count(member, +1)
            member.updated_at = now
            member.version += 1  # bulk_update skips save(): a form opened before now conflicts
            touched[before.pk] = before
            touched[member.org_id] = member.org
            changed.append(member)
        if changed:
            bulk_update_with_history(
                changed,
                Member,
                [*UPDATE_FIELDS, "version"],
                batch_size=BATCH,
                default_user=ctx.user,
                default_change_reason=CHANGE_REASON,
            )
            refresh_findings("member", changed, rule_ctx)
            periods.change_members_today(
                changed, on=ctx.today, source=PeriodSource.IMPORT, actor=ctx.user
            )
            updated += len(changed)

    apply_path_deltas(own)
    refresh_org_findings(list(touched.values()))
    return WriteResult(created=created, updated=updated, unchanged=unchanged)


SPEC = register_spec(
    ImportSpec(
        name="members",
        title="党员",
        columns=COLUMNS,
        key_column="id_number",
        prepare=prepare,
        validate_row=validate_row,
        cross_validate=cross_validate,
        write=write,
        one_of=(("branch_code", "branch_name"),),
        example=EXAMPLE,
        notes=(
            "按公民身份号码识别党员：已在您管理范围内登记的更新，未登记的新增。",
            "已在其他党组织登记的党员不能导入，请走组织关系转接。",
            "党员只能编入您管理范围内的正常党支部；党支部重名时请填写所在党支部编码。",
        ),
    )
)
