"""一张表 import of an existing 人才库 sheet: Chinese headers with the aliases such sheets use,
every bad cell reported (row, column, rule), then all rows written in one transaction or none.
A row whose 公民身份号码 is already in the pool updates that talent (within the scope).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from zugong.core.ids import id_check_char
from zugong.core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteResult,
    date_value,
    enum,
    id_number_text,
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.core.selectors import surname_overrides
from zugong.orgs.models import Organization, OrgStatus
from zugong.talents.access import can_write_talents
from zugong.talents.models import (
    Education,
    Policy,
    RecruitMode,
    Talent,
    TalentCategory,
    TalentStatus,
)
from zugong.talents.rules import tier_pairs
from zugong.talents.selectors import ancestor_paths
from zugong.talents.services import derive_fields, refresh_talent_findings, talent_errors

REASON = "一张表导入"
SPEC_NAME = "talents"

CATEGORY_ALIASES = {
    "高层次": "high_level",
    "高层次人才": "high_level",
    "特殊": "special",
    "农村实用": "rural_practical",
    "实用人才": "rural_practical",
    "乡土": "local",
    "乡土能人": "local",
    "青年": "young",
    "其他": "other",
}
EDUCATION_ALIASES = {
    "博士": "doctor",
    "研究生（博士）": "doctor",
    "硕士": "master",
    "研究生": "master",
    "本科": "bachelor",
    "大学": "bachelor",
    "大专": "college",
    "专科": "college",
    "中专": "secondary",
    "高中": "secondary",
    "职高": "secondary",
    "初中": "below",
    "小学": "below",
}
MODE_ALIASES = {
    "引才": "introduced",
    "本土培养": "cultivated",
    "柔性": "flexible",
    "柔性引才": "flexible",
}
STATUS_ALIASES = {
    "在职": "active",
    "在县": "active",
    "离开": "left",
    "调离": "left",
    "离职": "left",
}


def _labels(choices: Any) -> dict[str, str]:
    return {label: value for value, label in choices}


def _tier(value: Any, ctx: ImportContext) -> str:
    raw = fold(cell_text(value)).upper()
    by_label = {fold(label).upper(): code for code, label in ctx.data["tiers"]}
    codes = {code.upper(): code for code, _ in ctx.data["tiers"]}
    found = codes.get(raw.removesuffix("类")) or by_label.get(raw) or codes.get(raw)
    if found is None:
        allowed = "、".join(code for code, _ in ctx.data["tiers"])
        raise CellError(f"“{raw}”不在本地高层次人才分类目录中，应填写{allowed}之一")
    return found


def _phone(value: Any, ctx: ImportContext) -> str:
    raw = fold(cell_text(value)).replace("-", "")
    if raw and not (raw.isdigit() and 7 <= len(raw) <= 12):
        raise CellError(f"“{raw}”不是有效的电话号码，应为7到12位数字")
    return raw


COLUMNS = (
    Column("name", "姓名", ("人才姓名", "名字"), True, text(50), "最多50字"),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "证件号码", "公民身份证号", "公民身份证号码"),
        True,
        id_number_text,
        "18位（15位旧号码自动升级），校验码、出生日期须正确；再次导入时按此号码更新；请设为文本格式",
        as_text=True,
        width=22,
    ),
    Column(
        "category",
        "人才类别",
        ("人才类型", "类别", "人才分类"),
        True,
        enum(_labels(TalentCategory.choices), CATEGORY_ALIASES),
        "高层次人才、特殊人才、农村实用人才、乡土人才、青年人才、其他人才",
        choices=[label for _, label in TalentCategory.choices],
    ),
    Column(
        "tier",
        "层次",
        ("人才层次", "层级", "人才等级", "类别层次"),
        False,
        _tier,
        "仅高层次人才填写，按本地分类目录，如 A、B类",
        choices=lambda: [code for code, _ in tier_pairs()],
        width=8,
    ),
    Column("field", "专业领域", ("领域", "行业领域", "从事领域", "产业领域"), False, text(60)),
    Column(
        "employer", "工作单位", ("单位", "所在单位", "工作单位及职务"), False, text(100), width=24
    ),
    Column("title", "职称", ("专业技术职务", "职称（职业资格）", "职业资格"), False, text(60)),
    Column(
        "honors",
        "人才称号与荣誉",
        ("人才称号", "荣誉称号", "称号", "荣誉"),
        False,
        text(300),
        width=24,
    ),
    Column(
        "education",
        "最高学历",
        ("学历",),
        False,
        enum(_labels(Education.choices), EDUCATION_ALIASES),
        "博士研究生、硕士研究生、大学本科、大学专科、中专或高中、初中及以下",
        choices=[label for _, label in Education.choices],
    ),
    Column("major", "所学专业", ("专业",), False, text(60)),
    Column(
        "recruit_mode",
        "引育方式",
        ("引进方式", "引才方式", "来源方式", "引育类型"),
        False,
        enum(_labels(RecruitMode.choices), MODE_ALIASES),
        "引进、培养或柔性引进",
        choices=[label for _, label in RecruitMode.choices],
    ),
    Column(
        "arrived_on",
        "来县（入库）日期",
        ("来县日期", "引进时间", "引进日期", "入库时间", "入库日期", "来县时间"),
        False,
        date_value(),
    ),
    Column(
        "policy", "引进依据政策", ("依据政策", "引进政策", "适用政策"), False, text(200), width=24
    ),
    Column(
        "org",
        "所属乡镇（系统）",
        ("所属乡镇", "乡镇", "所属组织", "所属党组织", "乡镇（系统）", "所属系统"),
        True,
        text(100),
        "组织编码或全称，须在您的管理范围内",
        width=20,
    ),
    Column(
        "phone", "手机号", ("联系电话", "手机", "手机号码", "电话"), False, _phone, as_text=True
    ),
    Column(
        "status",
        "状态",
        ("在库状态",),
        False,
        enum(_labels(TalentStatus.choices), STATUS_ALIASES),
        "在库或已离开；不填为在库",
        choices=[label for _, label in TalentStatus.choices],
        width=8,
    ),
    Column("left_on", "离开日期", ("调离日期", "离县日期"), False, date_value()),
    Column("note", "备注", (), False, text(2000), width=24),
)


def _example_id() -> str:
    first17 = "33010219860512123"
    return first17 + id_check_char(first17)


EXAMPLE = {
    "name": "张三",
    "id_number": _example_id(),
    "category": "高层次人才",
    "tier": "B",
    "field": "医疗卫生",
    "employer": "县人民医院",
    "org": "示例镇党委",
}


def prepare(ctx: ImportContext) -> None:
    by_code: dict[str, Organization] = {}
    by_name: dict[str, list[Organization]] = defaultdict(list)
    for org in Organization.objects.filter(
        path__startswith=ctx.scope_path, status=OrgStatus.ACTIVE
    ):
        by_code[fold(org.code)] = org
        by_name[fold(org.name)].append(org)
        if org.short_name:
            by_name[fold(org.short_name)].append(org)
    ctx.data["orgs_by_code"], ctx.data["orgs_by_name"] = by_code, by_name
    ctx.data["policies"] = {
        fold(p.title): p
        for p in Policy.objects.filter(org_path__in=ancestor_paths(ctx.scope_path))
        | Policy.objects.filter(org_path__startswith=ctx.scope_path)
    }
    ctx.data["tiers"] = tier_pairs(on=ctx.today)


def _find_org(ctx: ImportContext, value: str) -> tuple[Organization | None, str]:
    key = fold(value)
    org = ctx.data["orgs_by_code"].get(key)
    if org is not None:
        return org, ""
    found = list(dict.fromkeys(ctx.data["orgs_by_name"].get(key, [])))
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, f"您的管理范围内有{len(found)}个名为“{value}”的组织，请改填组织编码"
    return None, f"您的管理范围内没有编码或名称为“{value}”的正常组织"


FIELD_TO_COLUMN = {
    "id_number": "id_number",
    "name": "name",
    "category": "category",
    "tier": "tier",
    "arrived_on": "arrived_on",
    "left_on": "left_on",
    "status": "status",
    "phone": "phone",
}


def validate_row(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    if v.get("org"):
        org, why = _find_org(ctx, v["org"])
        if org is None:
            yield ctx.error(row, "org", f"所属乡镇（系统）：{why}")
        v["_org"] = org
    if v.get("policy"):
        policy = ctx.data["policies"].get(fold(v["policy"]))
        if policy is None:
            yield ctx.error(
                row, "policy", f"引进依据政策：没有名为“{v['policy']}”的人才政策，请先登记政策"
            )
        v["_policy"] = policy
    if not v.get("id_number") or not v.get("name") or not v.get("category"):
        return  # the framework already reported the missing required cell
    data = {
        key: v.get(key)
        for key in (
            "id_number",
            "name",
            "category",
            "tier",
            "arrived_on",
            "left_on",
            "status",
            "phone",
        )
    }
    data["status"] = data["status"] or TalentStatus.ACTIVE
    tiers = [code for code, _ in ctx.data["tiers"]]
    # Uniqueness against the pool is the cross check's (an existing number means an update).
    errors = talent_errors(data, today=ctx.today, tiers=tiers, check_unique=False)
    for field, messages in errors.items():
        for message in messages:
            yield ctx.error(row, FIELD_TO_COLUMN.get(field, "name"), message)
    v.update(
        id_number=data["id_number"],
        tier=data["tier"],
        _birth_date=data.get("_birth_date"),
        _gender=data.get("_gender"),
        status=data["status"],
    )


def cross_validate(rows: list[Row], ctx: ImportContext) -> Iterator[RowError]:
    if ctx.user is None or not can_write_talents(ctx.user):
        yield RowError(
            rows[0].number if rows else 1, "", "", "只有人才办、组织部管理员可以导入人才库"
        )
        return
    seen: dict[str, int] = {}
    for row in rows:
        number = row.values.get("id_number")
        if not number:
            continue
        if number in seen:
            yield ctx.error(
                row, "id_number", f"公民身份号码：与第{seen[number]}行重复，同一人只能出现一次"
            )
        seen.setdefault(number, row.number)
    existing = {
        t.id_number: t
        for t in Talent.objects.filter(id_number__in=list(seen)).select_related("org")
    }
    ctx.data["existing"] = existing
    for row in rows:
        talent = existing.get(row.values.get("id_number") or "")
        if talent is not None and not ctx.in_scope(talent.org_path):
            yield ctx.error(
                row,
                "id_number",
                "公民身份号码：该人才已在您管理范围以外的人才库中，请联系其所属单位",
            )


WRITE_FIELDS = (
    "name", "category", "tier", "field", "employer", "title", "honors", "education", "major",
    "recruit_mode", "arrived_on", "phone", "status", "left_on", "note",
)  # fmt: skip
BLANK_NONE = {"arrived_on", "left_on"}


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    created = updated = 0
    overrides = surname_overrides()
    touched = []
    for row in rows:
        v = row.values
        talent = ctx.data["existing"].get(v["id_number"])
        if talent is None:
            talent = Talent(id_number=v["id_number"], created_by=ctx.user)  # type: ignore[misc]
            created += 1
        else:
            updated += 1
        for name in WRITE_FIELDS:
            if name in ctx.present or talent.pk is None:
                value = v.get(name)
                setattr(
                    talent,
                    name,
                    value if value is not None else (None if name in BLANK_NONE else ""),
                )
        talent.org = v["_org"]
        if "policy" in ctx.present:
            talent.policy = v.get("_policy")
        talent.birth_date, talent.gender = v["_birth_date"], v["_gender"] or ""
        derive_fields(talent, overrides)
        talent._change_reason = REASON  # type: ignore[attr-defined]
        talent.save()
        touched.append(talent)
    refresh_talent_findings(touched, today=ctx.today)
    return WriteResult(created=created, updated=updated)


SPEC = register_spec(
    ImportSpec(
        name=SPEC_NAME,
        title="人才库",
        columns=COLUMNS,
        key_column="id_number",
        validate_row=validate_row,
        cross_validate=cross_validate,
        write=write,
        prepare=prepare,
        example=EXAMPLE,
        notes=(
            "公民身份号码已在人才库中的，更新该人才（仅更新表中有的列）。",
            "高层次人才须填写层次（本地分类目录，默认A、B、C、D类，可由管理员在规则参数中调整）。",
        ),
    )
)
