"""一张表 import of 民主评议党员 results, keyed by 公民身份号码 and 评议年度: the member must have
an entry in an open round of that year inside the uploader's scope. A bad row writes nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from simple_history.utils import bulk_update_with_history

from zugong.core.imports import (
    CellError,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteResult,
    enum,
    id_number_text,
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.core.rules.engine import RuleContext
from zugong.core.services import refresh_findings
from zugong.life.appraisal_selectors import SUBJECT
from zugong.life.appraisal_services import VOTE_FIELDS, VOTE_LABELS
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    RoundStatus,
    UnqualifiedHandling,
)

CHANGE_REASON = "一张表导入评议结果"
LOOKUP_CHUNK = 900
VOTE_COLUMNS = {
    "votes_excellent": ("测评优秀票数", "优秀票", "优秀票数"),
    "votes_qualified": ("测评合格票数", "合格票", "合格票数"),
    "votes_basic": ("测评基本合格票数", "基本合格票", "基本合格票数"),
    "votes_unqualified": ("测评不合格票数", "不合格票", "不合格票数"),
}


def _year(value: Any, ctx: ImportContext) -> int:
    raw = fold(cell_text(value)).removesuffix("年度").removesuffix("年")
    if not raw.isdigit():
        raise CellError(f"“{cell_text(value)}”不是年份，应填写四位年份，如 {ctx.today.year - 1}")
    year = int(raw)
    if not 2000 <= year <= ctx.today.year:
        raise CellError(f"{year}不在2000年至{ctx.today.year}年之间")
    return year


def _count(value: Any, ctx: ImportContext) -> int:
    raw = fold(cell_text(value))
    if not raw.isdigit():
        raise CellError(f"“{cell_text(value)}”不是票数，应填写0或正整数")
    return int(raw)


COLUMNS = (
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "公民身份证号码"),
        True,
        id_number_text,
        "18位；按此号码找到党员；请设为文本格式",
        as_text=True,
        width=22,
    ),
    Column("name", "姓名", ("党员姓名",), True, text(40), "须与党员库中的姓名一致", width=10),
    Column(
        "year",
        "评议年度",
        ("年度", "评议年份"),
        True,
        _year,
        "四位年份；该党员所在党支部须有这一年度进行中的民主评议",
        width=10,
    ),
    Column(
        "grade",
        "评定等次",
        ("等次", "评议等次", "评议结果"),
        True,
        enum({g.label: g.value for g in Grade}),
        "优秀、合格、基本合格或不合格",
        choices=[g.label for g in Grade],
        width=10,
    ),
    *(
        Column(
            key,
            VOTE_LABELS[key],
            aliases,
            False,
            _count,
            "选填，0或正整数，不超过参加评议的党员人数",
            width=12,
        )
        for key, aliases in VOTE_COLUMNS.items()
    ),
    Column("note", "备注", (), False, text(200), "最多200字", width=20),
)

EXAMPLE = {
    "id_number": "110105199003071234",
    "name": "张三",
    "year": "2025",
    "grade": "合格",
}


def _load_entries(rows: list[Row], ctx: ImportContext) -> dict[tuple[str, int], list[Any]]:
    """(ID, year) → candidate entries in scope, with round status and size, in a few queries."""
    wanted = sorted({r.values["id_number"] for r in rows if r.values.get("id_number")})
    found: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        for values in AppraisalEntry.objects.filter(
            member__id_number__in=chunk, round__org_path__startswith=ctx.scope_path
        ).values(
            "pk",
            "round_id",
            "round__year",
            "round__status",
            "round__org__name",
            "member__id_number",
            "member__name",
            "grade",
        ):
            found[(values["member__id_number"], values["round__year"])].append(values)
    return found


def cross_validate(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    errors: list[RowError] = []
    found = _load_entries(rows, ctx)
    round_ids = sorted({v["round_id"] for values in found.values() for v in values})
    entry_ids = sorted({v["pk"] for values in found.values() for v in values})
    sizes: dict[int, int] = {}
    handled: set[int] = set()
    for start in range(0, len(round_ids), LOOKUP_CHUNK):
        chunk = round_ids[start : start + LOOKUP_CHUNK]
        sizes.update(
            AppraisalEntry.objects.filter(round_id__in=chunk)
            .order_by()
            .values_list("round_id")
            .annotate(n=Count("id"))
        )
    for start in range(0, len(entry_ids), LOOKUP_CHUNK):
        handled.update(
            UnqualifiedHandling.objects.filter(
                entry_id__in=entry_ids[start : start + LOOKUP_CHUNK]
            ).values_list("entry_id", flat=True)
        )
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        v = row.values
        number, year = v.get("id_number"), v.get("year")
        if not number or year is None:
            continue
        key = (number, year)
        if key in seen:
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    f"公民身份号码：与第{seen[key]}行重复，同一党员同一年度只能出现一次",
                )
            )
            continue
        seen[key] = row.number
        candidates = found.get(key, [])
        if not candidates:
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    f"公民身份号码：您的管理范围内没有该党员{year}年度的民主评议名单，"
                    "请先在党支部开展该年度的民主评议",
                )
            )
            continue
        # A member who changed branches during the year may be on two lists: the open one counts.
        entry = next(
            (c for c in candidates if c["round__status"] == RoundStatus.OPEN), candidates[0]
        )
        if v.get("name") and fold(v["name"]) != fold(entry["member__name"]):
            errors.append(
                ctx.error(
                    row,
                    "name",
                    f"姓名：该公民身份号码登记的党员是“{entry['member__name']}”，与所填姓名不一致",
                )
            )
        if entry["round__status"] != RoundStatus.OPEN:
            errors.append(
                ctx.error(
                    row,
                    "year",
                    f"评议年度：“{entry['round__org__name']}”{year}年度的民主评议已结束，"
                    "需要修改时请先重新开启评议",
                )
            )
        elif (
            entry["pk"] in handled
            and entry["grade"] == Grade.UNQUALIFIED
            and v.get("grade") not in (None, Grade.UNQUALIFIED)
        ):
            errors.append(
                ctx.error(
                    row,
                    "grade",
                    "评定等次：该党员已评定为不合格且已有组织处置记录，不能改为其他等次",
                )
            )
        limit = sizes.get(entry["round_id"], 0)
        for name in VOTE_FIELDS:
            count = v.get(name)
            if count is not None and count > limit:
                errors.append(
                    ctx.error(
                        row,
                        name,
                        f"{VOTE_LABELS[name]}：不能超过参加评议的党员人数（{limit}人）",
                    )
                )
        v["_pk"] = entry["pk"]
        v["_round"] = entry["round_id"]
    return errors


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    """Bulk update (with history) of the entries named by the sheet; then the rounds' rules."""
    entries = AppraisalEntry.objects.in_bulk([row.values["_pk"] for row in rows])
    changed: list[AppraisalEntry] = []
    unchanged = 0
    for row in rows:
        entry = entries[row.values["_pk"]]
        new: dict[str, Any] = {"grade": row.values["grade"]}
        for name in VOTE_FIELDS:
            if row.values.get(name) is not None:
                new[name] = row.values[name]
        if row.values.get("note"):
            new["note"] = row.values["note"]
        if all(getattr(entry, k) == val for k, val in new.items()):
            unchanged += 1
            continue
        for k, val in new.items():
            setattr(entry, k, val)
        changed.append(entry)
    if changed:
        bulk_update_with_history(
            changed,
            AppraisalEntry,
            ["grade", "note", *VOTE_FIELDS],
            batch_size=2000,
            default_user=ctx.user,
            default_change_reason=CHANGE_REASON,
        )
    rounds = list(
        AppraisalRound.objects.filter(pk__in={row.values["_round"] for row in rows}).select_related(
            "org"
        )
    )
    refresh_findings(SUBJECT, rounds, RuleContext(today=ctx.today))
    return WriteResult(updated=len(changed), unchanged=unchanged)


SPEC = register_spec(
    ImportSpec(
        name="appraisal_results",
        title="民主评议党员结果",
        columns=COLUMNS,
        key_column="id_number",
        validate_row=None,
        cross_validate=cross_validate,
        write=write,
        example=EXAMPLE,
        notes=(
            "按公民身份号码和评议年度找到党员在该年度民主评议中的名单，导入评定等次和测评票数。",
            "党员所在党支部须已开展该年度的民主评议且尚未结束；已结束的请先重新开启。",
            "任何一行有错误时整张表都不写入；请按错误提示修改后重新上传。",
        ),
    )
)
