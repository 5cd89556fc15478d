"""一张表 imports of 大调研 plans, opinions and 问题清单 items (all-or-nothing, errors in Chinese
naming the row, the column and the rule). Organizations are named by code or full name within
the importer's scope; plans and lists by their title within the scope.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

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
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.inquiries.access import can_organize
from zugong.inquiries.models import (
    InvestigationPlan,
    Opinion,
    OpinionSource,
    Problem,
    ProblemList,
    ProblemState,
    TeamMember,
)
from zugong.orgs.models import Organization, OrgStatus

NAME_SPLIT = re.compile(r"[、，,;；\n]+")
REASON = "一张表导入"


def _names(value: Any, ctx: ImportContext) -> list[str]:
    return [part.strip() for part in NAME_SPLIT.split(cell_text(value)) if part.strip()]


def _integer(low: int, high: int) -> Any:
    def parse(value: Any, ctx: ImportContext) -> int:
        raw = cell_text(value)
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise CellError(f"“{raw}”应为{low}到{high}之间的整数")
        return int(raw)

    return parse


def _percent(value: Any, ctx: ImportContext) -> Decimal:
    raw = cell_text(value).rstrip("%").strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(f"“{raw}”不是数字，应填写0到100之间的数") from None
    if not Decimal(0) <= number <= Decimal(100):
        raise CellError(f"{raw}超出范围，应在0到100之间")
    return number.quantize(Decimal("0.01"))


def _prepare_orgs(ctx: ImportContext) -> None:
    by_code: dict[str, Organization] = {}
    by_name: dict[str, list[Organization]] = defaultdict(list)
    for org in Organization.objects.filter(
        path__startswith=ctx.scope_path, status=OrgStatus.ACTIVE
    ):
        by_code[fold(org.code)] = org
        by_name[fold(org.name)].append(org)
    ctx.data["orgs_by_code"], ctx.data["orgs_by_name"] = by_code, by_name


def _find_org(ctx: ImportContext, value: str) -> tuple[Organization | None, str]:
    """The organization named by code or full name, or why none was found."""
    key = fold(value)
    org = ctx.data["orgs_by_code"].get(key)
    if org is not None:
        return org, ""
    found = ctx.data["orgs_by_name"].get(key, [])
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, f"您的管理范围内有{len(found)}个名为“{value}”的组织，请改填组织编码"
    return None, f"您的管理范围内没有编码或名称为“{value}”的正常组织"


def _role_errors(rows: list[Row], ctx: ImportContext) -> Iterator[RowError]:
    if ctx.user is None or not can_organize(ctx.user):
        yield RowError(
            rows[0].number if rows else 1,
            "",
            "",
            "只有组织部、党（工）委管理员可以导入大调研和问题清单",
        )


def _anchor(ctx: ImportContext) -> Organization:
    return ctx.user.anchor_org  # type: ignore[union-attr]


# --- plans ----------------------------------------------------------------------------------


def _plan_prepare(ctx: ImportContext) -> None:
    _prepare_orgs(ctx)
    ctx.data["plans"] = {
        fold(p.topic): p
        for p in InvestigationPlan.objects.filter(org_path__startswith=ctx.scope_path)
    }


def _plan_row(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    if v.get("start_on") and v.get("end_on") and v["end_on"] < v["start_on"]:
        yield ctx.error(row, "end_on", "结束日期：不能早于开始日期")
    targets = []
    for name in v.get("targets") or []:
        org, why = _find_org(ctx, name)
        if org is None:
            yield ctx.error(row, "targets", f"调研对象：{why}", value=name)
        else:
            targets.append(org)
    v["_targets"] = targets


def _plan_cross(rows: list[Row], ctx: ImportContext) -> Iterator[RowError]:
    yield from _role_errors(rows, ctx)
    seen: dict[str, int] = {}
    for row in rows:
        key = fold(row.values.get("topic") or "")
        if key and key in seen:
            yield ctx.error(row, "topic", f"调研主题：与第{seen[key]}行重复")
        seen.setdefault(key, row.number)


def _plan_write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    created = updated = 0
    org = _anchor(ctx)
    for row in rows:
        v = row.values
        plan = ctx.data["plans"].get(fold(v["topic"]))
        if plan is None:
            plan = InvestigationPlan(org=org, org_path=org.path, created_by=ctx.user)
            created += 1
        else:
            updated += 1
        plan.topic, plan.description = v["topic"], v.get("description") or ""
        plan.start_on, plan.end_on = v["start_on"], v["end_on"]
        plan._change_reason = REASON  # type: ignore[attr-defined]
        plan.save()
        if "targets" in ctx.present:
            plan.targets.set(v["_targets"])
        if "team" in ctx.present:
            plan.team.all().delete()
            TeamMember.objects.bulk_create(
                [TeamMember(plan=plan, name=n[:40]) for n in dict.fromkeys(v.get("team") or [])]
            )
    return WriteResult(created=created, updated=updated)


PLAN_SPEC = register_spec(
    ImportSpec(
        name="inquiry_plans",
        title="大调研",
        columns=(
            Column("topic", "调研主题", required=True, parser=text(200), width=30),
            Column("description", "调研内容", parser=text(5000), width=40),
            Column("start_on", "开始日期", required=True, parser=date_value(allow_future=True)),
            Column("end_on", "结束日期", required=True, parser=date_value(allow_future=True)),
            Column(
                "targets", "调研对象", parser=_names, help="组织编码或全称，用顿号分隔", width=40
            ),
            Column("team", "调研组成员", parser=_names, help="姓名，用顿号分隔", width=30),
        ),
        key_column="topic",
        validate_row=_plan_row,
        cross_validate=_plan_cross,
        write=_plan_write,
        prepare=_plan_prepare,
        notes=("同一管理范围内调研主题相同的，更新原有大调研。",),
    )
)


# --- opinions -------------------------------------------------------------------------------


SOURCES = {label: value for value, label in OpinionSource.choices}


def _opinion_prepare(ctx: ImportContext) -> None:
    _plan_prepare(ctx)


def _opinion_row(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    if v.get("plan"):
        plan = ctx.data["plans"].get(fold(v["plan"]))
        if plan is None:
            yield ctx.error(
                row, "plan", f"所属大调研：您的管理范围内没有主题为“{v['plan']}”的大调研"
            )
        v["_plan"] = plan
    if v.get("org"):
        org, why = _find_org(ctx, v["org"])
        if org is None:
            yield ctx.error(row, "org", f"涉及组织：{why}")
        v["_org"] = org
    if v.get("source") == OpinionSource.ACTIVITY:
        yield ctx.error(
            row,
            "source",
            "来源：导入的意见不能关联调研活动，请填写来信、来电或其他，再在系统中关联活动",
        )
    if bool(v.get("answer")) != bool(v.get("answered_on")):
        key = "answered_on" if v.get("answer") else "answer"
        yield ctx.error(row, key, "答复内容和答复日期：要么都填写，要么都不填")
    if v.get("answered_on") and v.get("received_on") and v["answered_on"] < v["received_on"]:
        yield ctx.error(row, "answered_on", "答复日期：不能早于收集日期")


def _opinion_write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    opinions = []
    for row in rows:
        v = row.values
        opinions.append(
            Opinion(
                plan=v["_plan"],
                source=v["source"],
                topic=v["topic"],
                org=v.get("_org"),
                text=v["text"],
                received_on=v["received_on"],
                answer=v.get("answer") or "",
                answered_on=v.get("answered_on"),
                answered_by=ctx.user if v.get("answer") else None,
            )
        )
    for opinion in opinions:
        opinion._change_reason = REASON  # type: ignore[attr-defined]
        opinion.save()
    return WriteResult(created=len(opinions))


OPINION_SPEC = register_spec(
    ImportSpec(
        name="inquiry_opinions",
        title="意见建议",
        columns=(
            Column("plan", "所属大调研", required=True, parser=text(200), width=30),
            Column(
                "source",
                "来源",
                required=True,
                parser=enum(SOURCES),
                choices=[label for label in SOURCES if label != "调研活动"],
            ),
            Column("topic", "意见类别", required=True, parser=text(60)),
            Column(
                "org",
                "涉及组织",
                aliases=("涉及组织编码",),
                parser=text(100),
                help="组织编码或全称",
                width=24,
            ),
            Column("text", "意见内容", required=True, parser=text(5000), width=50),
            Column("received_on", "收集日期", required=True, parser=date_value()),
            Column("answer", "答复内容", parser=text(5000), width=50),
            Column("answered_on", "答复日期", parser=date_value()),
        ),
        key_column="text",
        validate_row=_opinion_row,
        cross_validate=_role_errors,
        write=_opinion_write,
        prepare=_opinion_prepare,
        notes=("每行新增一条意见；意见不按内容去重。",),
    )
)


# --- problems -------------------------------------------------------------------------------


def _problem_prepare(ctx: ImportContext) -> None:
    _prepare_orgs(ctx)
    lists = {
        fold(pl.title): pl for pl in ProblemList.objects.filter(org_path__startswith=ctx.scope_path)
    }
    ctx.data["lists"] = lists
    existing: dict[tuple[int, str], Problem] = {}
    for p in Problem.objects.filter(problem_list__in=list(lists.values())):
        existing[(p.problem_list_id, fold(p.title))] = p
    ctx.data["problems"] = existing


def _problem_row(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    if v.get("problem_list"):
        pl = ctx.data["lists"].get(fold(v["problem_list"]))
        if pl is None:
            yield ctx.error(
                row,
                "problem_list",
                f"问题清单：您的管理范围内没有名为“{v['problem_list']}”的问题清单",
            )
        v["_list"] = pl
    if v.get("responsible_org"):
        org, why = _find_org(ctx, v["responsible_org"])
        if org is None:
            yield ctx.error(row, "responsible_org", f"责任单位：{why}")
        v["_org"] = org
    if v.get("_list") and v.get("title"):
        found = ctx.data["problems"].get((v["_list"].pk, fold(v["title"])))
        if found is not None and found.state == ProblemState.CLOSED:
            yield ctx.error(row, "title", "问题：该问题已销号，不能通过导入修改")
        if found is not None and found.children.exists():
            # A re-imported export carries the rolled-up value: only a different one is an error.
            if v.get("progress") is not None and v["progress"] != found.progress:
                yield ctx.error(
                    row, "progress", "整改进度：该问题有下级问题，进度由下级问题汇总，不能填写"
                )
            v["progress"] = None
        v["_existing"] = found


def _problem_cross(rows: list[Row], ctx: ImportContext) -> Iterator[RowError]:
    yield from _role_errors(rows, ctx)
    in_sheet: dict[tuple[int, str], int] = {}
    for row in rows:
        v = row.values
        if not v.get("_list") or not v.get("title"):
            continue
        key = (v["_list"].pk, fold(v["title"]))
        if key in in_sheet:
            yield ctx.error(row, "title", f"问题：与第{in_sheet[key]}行是同一清单中的同一问题")
        in_sheet.setdefault(key, row.number)
    for row in rows:
        v = row.values
        if not v.get("parent") or not v.get("_list"):
            continue
        key = (v["_list"].pk, fold(v["parent"]))
        if fold(v["parent"]) == fold(v.get("title") or ""):
            yield ctx.error(row, "parent", "上级问题：不能是本问题")
        elif key not in in_sheet and key not in ctx.data["problems"]:
            yield ctx.error(
                row, "parent", f"上级问题：清单“{v['_list'].title}”中没有问题“{v['parent']}”"
            )
        elif key in in_sheet and in_sheet[key] > row.number:
            yield ctx.error(
                row, "parent", f"上级问题：“{v['parent']}”在第{in_sheet[key]}行，应写在本行之前"
            )
        else:
            existing = ctx.data["problems"].get(key)
            if existing is not None and existing.state == ProblemState.CLOSED:
                yield ctx.error(row, "parent", f"上级问题：“{v['parent']}”已销号")


def _problem_write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    from zugong.inquiries.services import _roll_up_from, refresh_problem_findings

    created = updated = 0
    known: dict[tuple[int, str], Problem] = dict(ctx.data["problems"])
    touched: list[Problem] = []
    for row in rows:
        v = row.values
        pl: ProblemList = v["_list"]
        problem = v.get("_existing")
        if problem is None:
            problem = Problem(problem_list=pl)
            created += 1
        else:
            updated += 1
        problem.title = v["title"]
        problem.responsible_org = v["_org"]
        problem.responsible_path = v["_org"].path
        for key in ("topic", "owner_name", "measures"):
            if key in ctx.present:
                setattr(problem, key, v.get(key) or "")
        if "deadline" in ctx.present:
            problem.deadline = v.get("deadline")
        if v.get("weight") is not None:
            problem.weight = v["weight"]
        if v.get("progress") is not None:
            problem.progress = v["progress"]
        if v.get("parent"):
            problem.parent = known[(pl.pk, fold(v["parent"]))]
        problem._change_reason = REASON  # type: ignore[attr-defined]
        problem.save()
        known[(pl.pk, fold(problem.title))] = problem
        touched.append(problem)
    for problem in touched:
        if problem.parent_id:
            _roll_up_from(problem.parent)
    refresh_problem_findings(touched)
    return WriteResult(created=created, updated=updated)


PROBLEM_SPEC = register_spec(
    ImportSpec(
        name="inquiry_problems",
        title="问题清单",
        columns=(
            Column("problem_list", "问题清单", required=True, parser=text(200), width=30),
            Column("title", "问题", required=True, parser=text(200), width=40),
            Column(
                "parent",
                "上级问题",
                parser=text(200),
                help="同一清单中上级问题的标题；须已在系统中或写在前面的行",
                width=30,
            ),
            Column("topic", "问题类别", parser=text(60)),
            Column(
                "responsible_org",
                "责任单位",
                aliases=("责任单位编码",),
                required=True,
                parser=text(100),
                width=24,
            ),
            Column("owner_name", "责任人", parser=text(40)),
            Column("measures", "整改措施", parser=text(5000), width=40),
            Column("deadline", "整改期限", parser=date_value(allow_future=True)),
            Column("weight", "权重", parser=_integer(0, 1000)),
            Column("progress", "整改进度", aliases=("整改进度%",), parser=_percent),
        ),
        key_column="title",
        validate_row=_problem_row,
        cross_validate=_problem_cross,
        write=_problem_write,
        prepare=_problem_prepare,
        notes=("同一清单中问题标题相同的，更新原有问题；已销号的问题不能导入修改。",),
    )
)
