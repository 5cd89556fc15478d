"""一张表 import of existing 发展党员 cases with their history, so a county starts with its past.

One row per person: who, the 党支部, one date per milestone and the names of the 培养联系人 and
入党介绍人. Each milestone is judged by the rules of the rule set in force on its own date — only
the rules the dates (and names) allow, since an old sheet has no votes, 公示 or 政审 details —
and is stored with that rule set's stamp and the warnings given. A person who reached 预备党员
is linked to their register record by 公民身份号码, or one is created. A bad row writes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from zugong.core.ids import check_id_number
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
    id_number_text,
    register_spec,
    text,
)
from zugong.core.imports.spec import cell_text, fold
from zugong.core.rules.engine import RuleContext
from zugong.development import workflow as wf
from zugong.development.models import (
    NATIONAL_2014,
    Case,
    CaseStatus,
    CaseStep,
    PersonRole,
    RuleSetPeriod,
    StepDefinition,
    StepPerson,
)
from zugong.development.rules import (
    PROBATION,
    Judgement,
    PersonInput,
    StepProposal,
    judge_step,
    probation_ends_on,
)
from zugong.development.services import refresh_case_findings
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.members.services import create_member, update_member
from zugong.orgs.models import Organization, OrgKind
from zugong.orgs.row_org import OrgColumns, active_by_name, resolve_row_org
from zugong.stats.models import PeriodSource

CHANGE_REASON = "一张表导入（历史发展党员档案）"
STEP_NOTE = "一张表导入的历史记录"
LOOKUP_CHUNK = 900
_SEX = {"1": "男", "2": "女"}
_NAME_SPLIT = re.compile(r"[、，,;；\s]+")


@dataclass(frozen=True)
class Milestone:
    key: str
    header: str
    step: str


# The sheet's milestones in the order they happen; each is a step of the 25-step catalog.
MILESTONES = (
    Milestone("applied_on", "递交入党申请书日期", wf.APPLICATION),
    Milestone("activist_on", "确定为入党积极分子日期", wf.ACTIVIST),
    Milestone("candidate_on", "确定为发展对象日期", wf.CANDIDATE),
    Milestone("admission_meeting_on", "支部大会讨论接收日期", wf.ADMISSION_MEETING),
    Milestone("admission_approval_on", "上级党委审批日期", wf.ADMISSION_APPROVAL),
    Milestone("oath_on", "入党宣誓日期", wf.OATH),
    Milestone("conversion_meeting_on", "转正支部大会日期", wf.CONVERSION_MEETING),
    Milestone("conversion_approval_on", "转正审批日期", wf.CONVERSION_APPROVAL),
)
# The rules an old sheet can answer: dates and names. Votes, 公示, 政审, 审批权限 and branch size
# were not kept in the sheets counties have, so those checks stay with steps recorded live.
DATE_RULES = frozenset(
    {
        "min_age",
        "application_six_months",
        "one_year_cultivation",
        "approval_deadline",
        "oath_within_month",
        "conversion_on_time",
        "conversion_approval_deadline",
        "cultivation_contacts",
        "sponsors",
    }
)


def _names(value: Any, ctx: ImportContext) -> list[str]:
    """ "张三、李四" → ["张三", "李四"]."""
    return [part for part in _NAME_SPLIT.split(cell_text(value)) if part]


NAME_HELP = "姓名之间用顿号、逗号或分号分隔"

COLUMNS = (
    Column("name", "姓名", ("申请人姓名",), True, text(40), "最多40字", width=10),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "身份证", "公民身份证号", "公民身份证号码"),
        True,
        id_number_text,
        "18位（15位旧号码自动升级）；校验码、出生日期须正确，第17位须与性别一致；请设为文本格式",
        as_text=True,
        width=22,
    ),
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
        "birth_date",
        "出生日期",
        ("出生年月日",),
        False,
        date_value(),
        "可不填，按公民身份号码推算；填写时须与号码一致",
        width=12,
    ),
    Column(
        "org_code",
        "所在党支部编码",
        ("党支部编码", "组织编码"),
        False,
        text(30),
        "与党支部名称至少填一项",
        as_text=True,
    ),
    Column(
        "org_name",
        "所在党支部名称",
        ("所在党支部", "党支部", "党支部名称"),
        False,
        text(100),
        "党支部全称；重名时请改填编码",
        width=26,
    ),
    *(
        Column(
            m.key,
            m.header,
            (m.header.removesuffix("日期"),),
            m.key == "applied_on",
            date_value(),
            "按办理先后填写，不能晚于今天；后一步骤已办理的，前面各步骤日期都须填写",
            width=12,
        )
        for m in MILESTONES
    ),
    Column(
        "contacts",
        "培养联系人",
        (),
        False,
        _names,
        f"一至两名正式党员；{NAME_HELP}",
        width=16,
    ),
    Column("sponsors", "入党介绍人", (), False, _names, f"两名正式党员；{NAME_HELP}", width=16),
)

EXAMPLE = {"name": "示例：张三", "applied_on": "2020-03-01"}


def prepare(ctx: ImportContext) -> None:
    orgs = list(Organization.objects.filter(path__startswith=ctx.scope_path))
    steps = {d.code: d for d in StepDefinition.objects.filter(is_active=True)}
    periods = list(
        RuleSetPeriod.objects.order_by("-effective_from").values_list("effective_from", "rule_set")
    )
    ctx.data.update(
        orgs_by_code={org.code: org for org in orgs},
        orgs_by_name=active_by_name(orgs, lambda o: o.kind == OrgKind.BRANCH),
        steps=steps,
        periods=periods,
        rule_ctx=RuleContext(today=ctx.today),
        rosters={},
    )


def rule_set_on(ctx: ImportContext, day: date) -> str:
    """The rule set in force on a day, from the periods loaded once (selectors.rule_set_on)."""
    for effective_from, rule_set in ctx.data["periods"]:
        if effective_from <= day:
            return rule_set
    return NATIONAL_2014


def _check_identity(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    v = row.values
    raw = v.get("id_number")
    if not raw:
        return
    result = check_id_number(raw, today=ctx.today)
    if result.normalized:
        v["id_number"] = result.normalized
    for message in result.errors:
        text_ = message if message.startswith("公民身份号码") else f"公民身份号码：{message}"
        yield ctx.error(row, "id_number", text_, value=raw)
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
            f"出生日期：所填{birth.isoformat()}与公民身份号码中的出生日期"
            f"{result.birth_date.isoformat()}不一致",
        )


BRANCH_COLUMNS = OrgColumns(
    code_key="org_code",
    name_key="org_name",
    code_label="所在党支部编码",
    name_label="所在党支部名称",
)


def _only_branches(org: Organization) -> str | None:
    if org.kind != OrgKind.BRANCH:
        return f"入党申请由党支部受理，“{org.name}”是{org.get_kind_display()}"
    return None


def _resolve_org(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    data = ctx.data
    return resolve_row_org(
        row, ctx, BRANCH_COLUMNS, data["orgs_by_code"], data["orgs_by_name"], _only_branches
    )


def _check_order(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    """Milestones happen one after another: no gaps, no date before the one before it."""
    v = row.values
    filled = [m for m in MILESTONES if v.get(m.key) is not None]
    if not filled:
        return
    last = MILESTONES.index(filled[-1])
    for m in MILESTONES[:last]:
        if v.get(m.key) is None:
            yield ctx.error(
                row,
                m.key,
                f"{m.header}：已填写{filled[-1].header}，各阶段依次办理，本列也须填写",
            )
    previous: Milestone | None = None
    for m in filled:
        if previous is not None and v[m.key] < v[previous.key]:
            yield ctx.error(
                row,
                m.key,
                f"{m.header}：不能早于{previous.header}（{v[previous.key].isoformat()}），"
                "各步骤日期应前后有序",
            )
        previous = m
    if v.get("contacts") and v.get("activist_on") is None:
        yield ctx.error(
            row,
            "contacts",
            "培养联系人：确定为入党积极分子后才指定培养联系人，请填写确定为入党积极分子日期",
        )
    if v.get("sponsors") and v.get("candidate_on") is None:
        yield ctx.error(
            row,
            "sponsors",
            "入党介绍人：确定为发展对象后才确定入党介绍人，请填写确定为发展对象日期",
        )


def _roster(ctx: ImportContext, org: Organization) -> dict[str, list[Member]]:
    """The branch's registered members by name, once per branch, to link the people named."""
    cache: dict[int, dict[str, list[Member]]] = ctx.data["rosters"]
    if org.pk not in cache:
        by_name: dict[str, list[Member]] = defaultdict(list)
        for m in Member.objects.filter(org=org, status=MemberStatus.NORMAL):
            by_name[fold(m.name)].append(m)
        cache[org.pk] = by_name
    return cache[org.pk]


def _people(
    ctx: ImportContext, org: Organization, role: str, names: list[str]
) -> list[PersonInput]:
    roster = _roster(ctx, org)
    out = []
    for name in names:
        found = roster.get(fold(name), [])
        # Only an unambiguous name is linked; others stay names (the rule then warns).
        out.append(PersonInput(role=role, name=name, member=found[0] if len(found) == 1 else None))
    return out


@dataclass
class PlannedStep:
    code: str
    done_on: date
    rule_set: str
    people: list[PersonInput]
    warnings: list[dict[str, str]]


def _judge(ctx: ImportContext, proposal: StepProposal) -> list[Judgement]:
    rule_ctx: RuleContext = ctx.data["rule_ctx"]
    # Parameters (and their overrides) as they stood on the step's date.
    rule_ctx.today = proposal.done_on
    return [j for j in judge_step(proposal, rule_ctx) if j.rule_id.split(".", 2)[-1] in DATE_RULES]


def _plan_steps(row: Row, ctx: ImportContext) -> Iterator[RowError]:
    """Judge each milestone as the services would have on its date; keep the plan for write."""
    v = row.values
    org, birth = v.get("_org"), v.get("birth_date")
    if org is None or birth is None or v.get("applied_on") is None:
        return
    case = Case(
        name=v.get("name") or "",
        id_number=v.get("id_number") or "",
        birth_date=birth,
        org=org,
        org_path=org.path,
        applied_on=v["applied_on"],
    )
    steps: dict[str, StepDefinition] = ctx.data["steps"]
    done: dict[str, list[date]] = {}
    plan: list[PlannedStep] = []
    entries: list[tuple[str, str, date, list[PersonInput]]] = []
    for m in MILESTONES:
        if v.get(m.key) is None:
            break
        entries.append((m.key, m.step, v[m.key], []))
        if m.step == wf.ACTIVIST and v.get("contacts"):
            people = _people(ctx, org, PersonRole.CULTIVATION_CONTACT, v["contacts"])
            entries.append(("contacts", wf.CULTIVATION_CONTACT, v[m.key], people))
        if m.step == wf.CANDIDATE and v.get("sponsors"):
            people = _people(ctx, org, PersonRole.SPONSOR, v["sponsors"])
            entries.append(("sponsors", wf.SPONSORS, v[m.key], people))
    for key, step_code, day, people in entries:
        definition = steps.get(step_code)
        if definition is None:
            yield ctx.error(
                row, key, f"{ctx.spec.column(key).header}：系统中该步骤已停用，不能导入"
            )
            continue
        rule_set = rule_set_on(ctx, day)
        proposal = StepProposal(
            case=case,
            definition=definition,
            done_on=day,
            rule_set=rule_set,
            people=people,
            done={k: list(d) for k, d in done.items()},
        )
        judgements = _judge(ctx, proposal)
        for j in judgements:
            if j.severity == "block":
                # The rule names its field in its own words; the sheet's column name replaces it.
                head, sep, rest = j.message.partition("：")
                body = rest if sep and len(head) <= 12 else j.message
                message = f"{ctx.spec.column(key).header}：{body}"
                yield ctx.error(row, key, f"{message}（依据：{j.citation}）")
        plan.append(
            PlannedStep(
                step_code,
                day,
                rule_set,
                people,
                [j.as_json() for j in judgements if j.severity != "block"],
            )
        )
        done.setdefault(step_code, []).append(day)
    v["_plan"] = plan


def validate_row(row: Row, ctx: ImportContext) -> list[RowError]:
    errors = [*_check_identity(row, ctx), *_resolve_org(row, ctx), *_check_order(row, ctx)]
    if not errors:
        errors.extend(_plan_steps(row, ctx))
    return errors


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


def cross_validate(rows: list[Row], ctx: ImportContext) -> list[RowError]:
    """One row per person; no second open case; register records in scope and not yet linked."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in rows:
        key = row.values.get("id_number")
        if not key:
            continue
        if key in seen:
            errors.append(
                ctx.error(
                    row, "id_number", f"公民身份号码：与第{seen[key]}行是同一人，每人只填一行"
                )
            )
        else:
            seen[key] = row.number
    ids = list(seen)
    open_ids: set[str] = set()
    imported: set[tuple[str, date]] = set()
    members: dict[str, Member] = {}
    linked: set[int] = set()
    for chunk in _chunks(ids):
        for id_number, status, applied_on in Case.objects.filter(id_number__in=chunk).values_list(
            "id_number", "status", "applied_on"
        ):
            imported.add((id_number, applied_on))
            if status == CaseStatus.OPEN:
                open_ids.add(id_number)
        for m in Member.objects.filter(id_number__in=chunk).select_related("org"):
            members[m.id_number] = m
        linked.update(
            Case.objects.filter(member__id_number__in=chunk).values_list("member_id", flat=True)
        )
    for row in rows:
        v = row.values
        id_number = v.get("id_number")
        if not id_number or "_plan" not in v:
            continue
        if id_number in open_ids:
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    "公民身份号码：此人已有进行中的发展党员档案，同一人只能有一份进行中的档案",
                )
            )
            continue
        if (id_number, v["applied_on"]) in imported:
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    f"公民身份号码：此人{v['applied_on'].isoformat()}递交申请书的档案已在系统中，不能重复导入",
                )
            )
            continue
        member = members.get(id_number)
        admitted = v.get("admission_approval_on") is not None
        if member is None:
            continue
        if not admitted:
            if member.status == MemberStatus.NORMAL:
                errors.append(
                    ctx.error(
                        row,
                        "id_number",
                        f"公民身份号码：此人已在党员名册中（{member.org.name}），"
                        "未到上级党委审批的，不能作为入党申请人导入",
                    )
                )
            continue
        if not ctx.in_scope(member.org_path):
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    "公民身份号码：此人的党员名册记录属于您管理范围以外的组织，不能关联",
                )
            )
        elif member.status != MemberStatus.NORMAL:
            errors.append(
                ctx.error(
                    row,
                    "id_number",
                    f"公民身份号码：此人在党员名册中的党籍状态为“{member.get_status_display()}”，"
                    "请先在党员名册中核实处理后再导入",
                )
            )
        elif member.pk in linked:
            errors.append(
                ctx.error(
                    row, "id_number", "公民身份号码：此人的党员名册记录已关联其他发展党员档案"
                )
            )
        else:
            v["_member"] = member
    return errors


def _probation_end(meeting: date, rule_set: str, ctx: ImportContext) -> date:
    rule_ctx: RuleContext = ctx.data["rule_ctx"]
    rule_ctx.today = meeting
    period = int(rule_ctx.param(PROBATION[rule_set], "months"))
    return probation_ends_on(meeting, 0, period)


def _member_for(case: Case, v: dict[str, Any], ctx: ImportContext) -> Member:
    """The register record of a 预备党员 (or, after 转正审批, 正式党员)."""
    meeting: date = v["admission_meeting_on"]
    converted = v.get("conversion_approval_on") is not None
    confirmed = _probation_end(meeting, rule_set_on(ctx, meeting), ctx) if converted else None
    existing: Member | None = v.get("_member")
    if existing is not None:
        # A register record already kept by the county is linked as it is: it is the record.
        return existing
    member = create_member(
        actor=ctx.user,  # type: ignore[arg-type]
        member=Member(
            name=case.name,
            gender=case.gender,
            id_number=case.id_number,
            birth_date=case.birth_date,
            member_type=MemberType.PROBATIONARY,
            # 取得党籍 from the 支部大会 date (党员教育管理工作条例第二十四条).
            joined_on=meeting,
            org=case.org,
        ),
        on=v["admission_approval_on"],
        source=PeriodSource.ADMISSION,
    )
    if converted:
        # 预备 until the 转正 approval, 正式 after: the 党内统计 of the years between need both.
        member.member_type, member.confirmed_on = MemberType.FULL, confirmed
        member = update_member(
            actor=ctx.user,  # type: ignore[arg-type]
            member=member,
            on=v["conversion_approval_on"],
            source=PeriodSource.CONVERSION,
        )
    return member


def write(rows: list[Row], ctx: ImportContext) -> WriteResult:
    """Each case with its milestone steps (stamped with their rule sets), people and member."""
    steps: dict[str, StepDefinition] = ctx.data["steps"]
    user = ctx.user if getattr(ctx.user, "pk", None) else None
    cases: list[Case] = []
    for row in rows:
        v = row.values
        plan: list[PlannedStep] = v["_plan"]
        org: Organization = v["_org"]
        furthest = max(plan, key=lambda p: steps[p.code].sort_order)
        closed_on = v.get("conversion_approval_on")
        case = Case(
            name=v["name"],
            id_number=v["id_number"],
            birth_date=v["birth_date"],
            gender=v["gender"],
            org=org,
            org_path=org.path,
            applied_on=v["applied_on"],
            stage=steps[furthest.code].stage,
            last_step=steps[furthest.code],
            status=CaseStatus.CLOSED if closed_on else CaseStatus.OPEN,
            rule_set=rule_set_on(ctx, max(p.done_on for p in plan)),
            closed_on=closed_on,
            close_reason="已转为正式党员（历史档案导入）" if closed_on else "",
            note=STEP_NOTE,
        )
        case._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        case._history_user = user  # type: ignore[attr-defined]
        try:
            if v.get("admission_approval_on") is not None:
                case.member = _member_for(case, v, ctx)
            case.save()
        except ValidationError as exc:  # a register rule the row checks did not foresee
            raise WriteError(f"第{row.number}行（{case.name}）：{'；'.join(exc.messages)}") from exc
        for p in plan:
            step = CaseStep(
                case=case,
                definition=steps[p.code],
                done_on=p.done_on,
                note=STEP_NOTE,
                rule_set=p.rule_set,
                warnings=p.warnings,
                recorded_by=user,
            )
            step._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
            step._history_user = user  # type: ignore[attr-defined]
            step.save()
            for person in p.people:
                StepPerson.objects.create(
                    step=step, role=person.role, member=person.member, name=person.name
                )
        cases.append(case)
    refresh_case_findings(cases)
    return WriteResult(created=len(cases))


SPEC = register_spec(
    ImportSpec(
        name="development_cases",
        title="发展党员历史档案",
        columns=COLUMNS,
        key_column="id_number",
        prepare=prepare,
        validate_row=validate_row,
        cross_validate=cross_validate,
        write=write,
        one_of=(("org_code", "org_name"),),
        example=EXAMPLE,
        notes=(
            "每行一人，按办理先后填写各环节日期；后一环节已办理的，前面各环节日期都须填写。",
            "每个日期按当日施行的规则集（2014年细则或2026年修订）校验并记录："
            "年满十八周岁申请、列为入党积极分子一年以上方可确定为发展对象、"
            "审批期限、预备期满一年方可讨论转正等；不符合的整张表不写入。",
            "已到上级党委审批（预备党员）的，按公民身份号码关联党员名册记录，名册中没有的自动建立。",
            "已有进行中发展党员档案的人不能再导入；有一行出错时整张表都不写入。",
        ),
    )
)
