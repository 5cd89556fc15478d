"""一张表 import of party organizations: new ones are created under parents in scope (which may be
other rows of the same sheet), existing ones are updated by 组织编码; moves go through the tree page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from zugong.core.imports import (
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteError,
    WriteResult,
    code,
    code_choices,
    date_value,
    enum,
    register_spec,
    text,
)
from zugong.core.imports.spec import fold
from zugong.orgs.models import ALLOWED_CHILDREN, Organization, OrgKind, OrgStatus, UnitSituation
from zugong.orgs.services import create_org, refresh_org_findings, update_org

CHANGE_REASON = "一张表导入"

KIND_ALIASES = {
    "县委员会": OrgKind.COUNTY_COMMITTEE,
    "党委": OrgKind.PARTY_COMMITTEE,
    "党工委": OrgKind.PARTY_COMMITTEE,
    "工委": OrgKind.PARTY_COMMITTEE,
    "党(工)委": OrgKind.PARTY_COMMITTEE,
    "基层党组织委员会": OrgKind.PRIMARY_PARTY_COMMITTEE,
    "总支": OrgKind.GENERAL_BRANCH,
    "党总支部": OrgKind.GENERAL_BRANCH,
    "党总支部委员会": OrgKind.GENERAL_BRANCH,
    "支部": OrgKind.BRANCH,
    "党支部委员会": OrgKind.BRANCH,
    "联合党支部": OrgKind.BRANCH,
    "小组": OrgKind.BRANCH_GROUP,
}
SITUATION_ALIASES = {
    "与上级相同": UnitSituation.SAME_AS_PARENT,
    "同上级": UnitSituation.SAME_AS_PARENT,
    "法人": UnitSituation.LEGAL_ENTITY,
    "联合": UnitSituation.JOINT,
    "联合党组织": UnitSituation.JOINT,
}
# Fields copied from the sheet; kind and parent are set on creation only.
FIELDS = (
    "name",
    "category",
    "founded_on",
    "unit_name",
    "unit_situation",
    "contact_person",
    "contact_phone",
    "address",
    "note",
)

COLUMNS = (
    Column(
        "name",
        "组织名称",
        ("组织全称", "党组织名称", "党组织全称"),
        True,
        text(100),
        "党组织全称，最多100字",
        width=30,
    ),
    Column(
        "code",
        "组织编码",
        ("党组织编码", "编码"),
        True,
        text(30),
        "全县唯一；系统中已有该编码时更新该组织，否则新建",
        as_text=True,
    ),
    Column(
        "parent_code",
        "上级组织编码",
        ("上级党组织编码",),
        False,
        text(30),
        "新建组织时与“上级组织名称”至少填一项；上级可以是本表中的另一行，须在您的管理范围内",
        as_text=True,
    ),
    Column(
        "parent_name",
        "上级组织名称",
        ("上级党组织", "上级党组织名称", "上级组织"),
        False,
        text(100),
        "未填上级组织编码时按名称查找；重名时请改填编码",
        width=30,
    ),
    Column(
        "kind",
        "组织层级",
        ("组织类型", "党组织类型", "层级"),
        True,
        enum({k.label: k.value for k in OrgKind}, KIND_ALIASES),
        "县委、党（工）委、党组、基层党委、党总支、党支部、党小组；须符合上下级关系",
        choices=[k.label for k in OrgKind],
    ),
    Column(
        "category",
        "党组织类别",
        ("组织类别",),
        False,
        code("org_category", "农村（行政村）"),
        "按所在单位类别，名称或代码",
        choices=code_choices("org_category"),
    ),
    Column("founded_on", "成立日期", ("成立时间",), False, date_value(), "日期，如 2024-01-05"),
    Column(
        "unit_name", "所在单位", ("单位名称",), False, text(100), "党组织所在单位名称", width=24
    ),
    Column(
        "unit_situation",
        "所在单位情况",
        (),
        False,
        enum({s.label: s.value for s in UnitSituation}, SITUATION_ALIASES),
        "与上级党组织所在单位相同、法人单位、联合党支部或其他",
        choices=[s.label for s in UnitSituation],
        width=24,
    ),
    Column("contact_person", "联系人", (), False, text(40), "最多40字"),
    Column("contact_phone", "联系电话", ("电话",), False, text(30), "最多30字", as_text=True),
    Column("address", "地址", ("通讯地址", "办公地址"), False, text(200), "最多200字", width=30),
    Column("note", "备注", (), False, text(), "", width=24),
)


def prepare(ctx: ImportContext) -> None:
    orgs = list(
        Organization.objects.filter(path__startswith=ctx.scope_path).select_related("parent")
    )
    by_name: dict[str, list[Organization]] = defaultdict(list)
    for org in orgs:
        by_name[fold(org.name)].append(org)
    ctx.data["by_code"] = {org.code: org for org in orgs}
    ctx.data["by_name"] = by_name


def _label(kind: str | None) -> str:
    return OrgKind(kind).label if kind else ""


def _parent_key(ctx: ImportContext) -> str:
    return "parent_code" if "parent_code" in ctx.present else "parent_name"


def _check_existing(row: Row, org: Organization, ctx: ImportContext) -> list[RowError]:
    v = row.values
    errors = []
    if org.status != OrgStatus.ACTIVE:
        errors.append(ctx.error(row, "code", f"组织编码：“{org.name}”已撤销，不能通过导入修改"))
    if v.get("kind") and v["kind"] != org.kind:
        errors.append(
            ctx.error(
                row,
                "kind",
                f"组织层级：已有组织“{org.name}”是{org.get_kind_display()}，不能通过导入修改层级",
                value=_label(v["kind"]),
            )
        )
    parent = org.parent
    if v.get("parent_code"):
        key, moved = "parent_code", parent is None or v["parent_code"] != parent.code
    elif v.get("parent_name"):
        key, moved = "parent_name", parent is None or fold(v["parent_name"]) != fold(parent.name)
    else:
        key, moved = "", False
    if moved:
        current = f"现为“{parent.name}”" if parent else "现为顶级组织"
        errors.append(
            ctx.error(
                row,
                key,
                f"上级组织：不能通过导入调整上级组织（{current}），请到组织树页面移动该组织",
            )
        )
    return errors


def _resolve_parent(
    row: Row,
    ctx: ImportContext,
    new_by_code: dict[str, Row],
    new_by_name: dict[str, list[Row]],
) -> tuple[Organization | Row | None, list[RowError]]:
    v = row.values
    by_code: dict[str, Organization] = ctx.data["by_code"]
    if v.get("parent_code"):
        code_ = v["parent_code"]
        if code_ == v.get("code"):
            return None, [ctx.error(row, "parent_code", "上级组织编码：不能是该组织自己的编码")]
        target = new_by_code.get(code_) or by_code.get(code_)
        if target is None:
            return None, [
                ctx.error(
                    row, "parent_code", f"上级组织编码：组织编码“{code_}”不存在或不在您的管理范围内"
                )
            ]
        return target, []
    if v.get("parent_name"):
        key = fold(v["parent_name"])
        orgs = [o for o in ctx.data["by_name"].get(key, []) if o.status == OrgStatus.ACTIVE]
        candidates: list[Organization | Row] = [*orgs, *new_by_name.get(key, [])]
        if not candidates:
            return None, [
                ctx.error(
                    row,
                    "parent_name",
                    f"上级组织名称：您的管理范围内没有名为“{v['parent_name']}”的正常组织",
                )
            ]
        if len(candidates) > 1:
            return None, [
                ctx.error(
                    row,
                    "parent_name",
                    f"上级组织名称：您的管理范围内有{len(candidates)}个名为“{v['parent_name']}”的组织，请改填上级组织编码",
                )
            ]
        return candidates[0], []
    return None, [
        ctx.error(row, _parent_key(ctx), "上级组织：新建组织必须填写上级组织编码或上级组织名称")
    ]


def cross_validate(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    by_code: dict[str, Organization] = ctx.data["by_code"]
    errors: list[RowError] = []
    sheet_codes: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.values.get("code"):
            sheet_codes[row.values["code"]].append(row)
    for rows_with_code in sheet_codes.values():
        if len(rows_with_code) > 1:
            for row in rows_with_code:
                others = "、".join(str(r.number) for r in rows_with_code if r is not row)
                errors.append(
                    ctx.error(row, "code", f"组织编码：与第{others}行重复，每个组织只能出现一次")
                )
    unknown = [c for c, rs in sheet_codes.items() if c not in by_code and len(rs) == 1]
    taken = (
        set(Organization.objects.filter(code__in=unknown).values_list("code", flat=True))
        if unknown
        else set()
    )

    new_rows: list[Row] = []
    for row in rows:
        code_ = row.values.get("code")
        if not code_ or len(sheet_codes[code_]) > 1:
            continue
        if code_ in taken:
            errors.append(
                ctx.error(
                    row, "code", f"组织编码：“{code_}”已被您管理范围以外的组织使用，编码不能重复"
                )
            )
        elif code_ in by_code:
            row.values["_org"] = by_code[code_]
            errors.extend(_check_existing(row, by_code[code_], ctx))
        else:
            new_rows.append(row)

    new_by_code = {row.values["code"]: row for row in new_rows}
    new_by_name: dict[str, list[Row]] = defaultdict(list)
    for row in new_rows:
        if row.values.get("name"):
            new_by_name[fold(row.values["name"])].append(row)
    for row in new_rows:
        parent, parent_errors = _resolve_parent(row, ctx, new_by_code, new_by_name)
        errors.extend(parent_errors)
        row.values["_parent"] = parent
        if parent is None:
            continue
        kind = row.values.get("kind")
        if isinstance(parent, Organization):
            parent_kind, parent_name = parent.kind, parent.name
            if parent.status != OrgStatus.ACTIVE:
                errors.append(
                    ctx.error(
                        row,
                        _parent_key(ctx),
                        f"上级组织：“{parent.name}”已撤销，不能在其下设立组织",
                    )
                )
        else:
            parent_kind, parent_name = parent.values.get("kind"), parent.values.get("name") or ""
        if kind and parent_kind and kind not in ALLOWED_CHILDREN[parent_kind]:
            allowed = (
                "、".join(OrgKind(k).label for k in OrgKind if k in ALLOWED_CHILDREN[parent_kind])
                or "任何下级组织"
            )
            errors.append(
                ctx.error(
                    row,
                    "kind",
                    f"组织层级：上级“{parent_name}”是{_label(parent_kind)}，其下只能设立{allowed}，不能设立{_label(kind)}",
                    value=_label(kind),
                )
            )
    order, cyclic = _parents_first(new_rows)
    for row in cyclic:
        errors.append(
            ctx.error(
                row,
                _parent_key(ctx),
                "上级组织：本表中的几行互为上级，形成了循环，请检查上级组织编码",
            )
        )
    ctx.data["order"] = order
    return errors


def _parents_first(new_rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """New rows ordered so each parent row comes before its children; rows in a cycle apart."""
    depth: dict[int, int] = {}
    cyclic: list[Row] = []
    for row in new_rows:
        chain: list[Row] = []
        seen: set[int] = set()
        current: Any = row
        while isinstance(current, Row) and current.number not in depth:
            if current.number in seen:
                break
            seen.add(current.number)
            chain.append(current)
            current = current.values.get("_parent")
        if isinstance(current, Row) and current.number in seen:
            cyclic.extend(r for r in chain if r.number not in depth)
            for r in chain:
                depth[r.number] = -1
            continue
        base = depth.get(current.number, 0) if isinstance(current, Row) else 0
        for offset, r in enumerate(reversed(chain), start=1):
            depth[r.number] = base + offset
    order = sorted(
        (r for r in new_rows if depth.get(r.number, 0) >= 0), key=lambda r: depth[r.number]
    )
    return order, cyclic


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in FIELDS if values.get(name) is not None}


def _message(exc: ValidationError | PermissionError) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _differs(org: Organization, name: str, value: Any) -> bool:
    if name == "category":
        return org.category_id != value.pk
    return getattr(org, name) != value


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    created: dict[int, Organization] = {}
    touched: list[Organization] = []
    for row in ctx.data["order"]:
        parent = row.values["_parent"]
        if isinstance(parent, Row):
            parent = created[parent.number]
        try:
            org = create_org(
                actor=ctx.user,
                parent=parent,
                code=row.values["code"],
                kind=row.values["kind"],
                **_fields(row.values),
            )
        except (ValidationError, PermissionError) as exc:
            raise WriteError(f"第{row.number}行（{row.values['name']}）：{_message(exc)}") from exc
        created[row.number] = org
        touched.append(org)
    updated = unchanged = 0
    for row in rows:
        org = row.values.get("_org")
        if org is None:
            continue
        changes = {
            name: value for name, value in _fields(row.values).items() if _differs(org, name, value)
        }
        if not changes:
            unchanged += 1
            continue
        org._change_reason = CHANGE_REASON
        org._history_user = ctx.user
        try:
            update_org(actor=ctx.user, org=org, **changes)
        except (ValidationError, PermissionError) as exc:
            raise WriteError(f"第{row.number}行（{org.name}）：{_message(exc)}") from exc
        updated += 1
        touched.append(org)
    refresh_org_findings(touched)
    return WriteResult(created=len(created), updated=updated, unchanged=unchanged)


SPEC = register_spec(
    ImportSpec(
        name="orgs",
        title="党组织",
        columns=COLUMNS,
        key_column="code",
        prepare=prepare,
        validate_row=None,
        cross_validate=cross_validate,
        write=write,
        one_of=(("parent_code", "parent_name"),),
        example={
            "name": "示例村党支部",
            "code": "A000101",
            "parent_code": "A0001",
            "kind": "党支部",
            "category": "农村（行政村）",
            "founded_on": "2020-07-01",
        },
        notes=(
            "组织编码已存在时更新该组织的名称、类别、联系方式等；不会移动组织，也不会修改组织层级。",
            "新建组织的上级须在您的管理范围内，可以是本表中的另一行（顺序不限）。",
            "调整上级组织请到“党组织”树页面操作。",
        ),
    )
)
