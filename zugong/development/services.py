"""Every write of 发展党员: open a case, record its steps (validated against the rule set in
force on the step's date), extend or cancel probation, and the settings the checks read
(审批权限, 留党察看, rule-set periods, 发展计划, 入党志愿书 numbers).

Each function is one transaction: a refused step writes nothing, not even an issued number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.ids import check_id_number
from zugong.core.models import CodeItem
from zugong.core.rules.engine import RuleContext
from zugong.core.selectors import workday_calendar
from zugong.core.services import refresh_findings
from zugong.development import selectors
from zugong.development import workflow as wf
from zugong.development.models import (
    AdmissionFormNumber,
    AdmissionFormNumberStatus,
    AdmissionFormRange,
    ApprovalAuthority,
    Case,
    CaseStatus,
    CaseStep,
    DevelopmentPlan,
    DisciplinaryProbation,
    PersonRole,
    ProbationExtension,
    RuleSetChoice,
    RuleSetPeriod,
    StepDefinition,
    StepPerson,
)
from zugong.development.rules import (
    APPROVER_KINDS,
    CASE_KIND,
    PROBATION,
    Judgement,
    PersonInput,
    StepProposal,
    fmt,
    judge_step,
)
from zugong.members.models import Member, MemberStatus, MemberStatusChange, MemberType
from zugong.members.services import change_member_status, create_member, update_member
from zugong.orgs.models import Organization, OrgKind
from zugong.stats.models import PeriodSource


def _require_scope(actor: User | None, path: str) -> None:
    if actor is not None and not actor.scope.contains(path):
        raise PermissionError("不在本账号的管理范围内")


def _with_citation(j: Judgement) -> str:
    return f"{j.message}（依据：{j.citation}）"


def refresh_case_findings(cases: Sequence[Case]) -> int:
    return refresh_findings(CASE_KIND, list(cases))


# --- cases --------------------------------------------------------------------------------------


def _check_branch(org: Organization) -> None:
    if org.kind != OrgKind.BRANCH:
        raise ValidationError(
            {"org": f"党支部：入党申请由党支部受理，“{org.name}”是{org.get_kind_display()}。"}
        )
    if not org.is_active:
        raise ValidationError({"org": f"党支部：“{org.name}”已撤销。"})


@transaction.atomic
def open_case(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    birth_date: date,
    gender: CodeItem,
    org: Organization,
    applied_on: date,
    expected_leave_on: date | None = None,
    note: str = "",
) -> Case:
    """申请: a new case with its first step (递交入党申请书), checked like any other step."""
    _require_scope(actor, org.path)
    _check_branch(org)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["姓名：不能为空。"]
    checked = check_id_number(id_number, gender_code=gender.code, birth_date=birth_date)
    if not checked.ok:
        errors["id_number"] = [f"公民身份号码：{e}" for e in checked.errors]
    normalized = checked.normalized or id_number
    if Case.objects.filter(id_number=normalized, status=CaseStatus.OPEN).exists():
        errors.setdefault("id_number", []).append(
            "公民身份号码：此人已有进行中的发展党员档案，同一人只能有一份进行中的档案。"
        )
    existing = Member.objects.filter(id_number=normalized, status=MemberStatus.NORMAL).first()
    if existing is not None:
        errors.setdefault("id_number", []).append(
            f"公民身份号码：此人已在党员名册中（{existing.org.name}，"
            f"{existing.get_member_type_display()}），不能再作为入党申请人。"
        )
    if errors:
        raise ValidationError(errors)
    case = Case(
        name=name.strip(),
        id_number=normalized,
        birth_date=birth_date,
        gender=gender,
        org=org,
        org_path=org.path,
        applied_on=applied_on,
        rule_set=selectors.rule_set_on(applied_on),
        expected_leave_on=expected_leave_on,
        note=note,
    )
    case.save()
    record_step(actor=actor, case=case, step=StepInput(code=wf.APPLICATION, done_on=applied_on))
    case.refresh_from_db()
    return case


@dataclass
class StepInput:
    """What a user records for one step; the fields a step does not record stay empty."""

    code: str
    done_on: date
    responsible_org: Organization | None = None
    people: list[PersonInput] = field(default_factory=list)
    documents: str = ""
    note: str = ""
    voters_due: int | None = None
    voters_present: int | None = None
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    training_days: Decimal | None = None
    training_hours: Decimal | None = None
    notice_from: date | None = None
    notice_to: date | None = None
    review_passed: bool | None = None


VOTE_FIELDS = {
    "voters_due": "应到会有表决权的正式党员",
    "voters_present": "实到会有表决权的党员",
    "votes_yes": "赞成",
    "votes_no": "反对",
    "votes_abstain": "弃权",
}


def _branch_full_members(org: Organization, on: date) -> int:
    """正式党员 of the branch with 表决权 on a day: those under 留党察看 have none."""
    ids = list(
        Member.objects.filter(
            org=org, member_type=MemberType.FULL, status=MemberStatus.NORMAL
        ).values_list("id", flat=True)
    )
    return len(ids) - len(selectors.disciplined_member_ids(ids, on))


def _form_errors(
    case: Case, d: StepDefinition, s: StepInput, today: date, recorded: list[CaseStep]
) -> dict[str, list[str]]:
    """Input errors that need no regulation: order, dates, counts, what the step records."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if case.status != CaseStatus.OPEN:
        add(NON_FIELD_ERRORS, f"该档案{case.get_status_display()}，不能再记录步骤。")
    if s.done_on > today:
        add("done_on", f"{d.date_label}：不能晚于今天（{fmt(today)}）。")
    if not d.repeatable and any(r.definition_id == d.pk for r in recorded):
        add(NON_FIELD_ERRORS, f"{d.label}已经记录过，如需更正请修改原记录。")
    done_ids = {r.definition_id for r in recorded}
    missing = [
        x
        for x in StepDefinition.objects.filter(
            is_active=True, is_optional=False, sort_order__lt=d.sort_order
        ).order_by("sort_order")
        if x.pk not in done_ids
    ]
    if missing:
        add(NON_FIELD_ERRORS, f"请先记录{missing[0].label}，再记录{d.label}。")
    before = [r for r in recorded if r.definition.sort_order < d.sort_order]
    after = [r for r in recorded if r.definition.sort_order > d.sort_order]
    if before:
        latest = max(before, key=lambda r: r.done_on)
        if s.done_on < latest.done_on:
            add(
                "done_on",
                f"{d.date_label}：不能早于{latest.definition.label}的日期（{fmt(latest.done_on)}），"
                "各步骤日期应前后有序。",
            )
    if after:
        earliest = min(after, key=lambda r: r.done_on)
        if s.done_on > earliest.done_on:
            add(
                "done_on",
                f"{d.date_label}：不能晚于{earliest.definition.label}的日期（{fmt(earliest.done_on)}）。",
            )
    allowed_roles = set(d.people_roles)
    for person in s.people:
        if person.role not in allowed_roles:
            add("people", f"人员：{d.label}不记录“{PersonRole(person.role).label}”。")
        if not (person.name or "").strip() and person.member is None:
            add("people", f"人员：{PersonRole(person.role).label}须填写姓名或从党员名册选择。")
    if d.records_vote:
        values = {k: getattr(s, k) for k in VOTE_FIELDS}
        for key, label in VOTE_FIELDS.items():
            if values[key] is None:
                add(key, f"{label}：支部大会须填写表决情况。")
            elif values[key] < 0:
                add(key, f"{label}：不能为负数。")
        if None not in values.values():
            due = values["voters_due"]
            if due < 1:
                add("voters_due", "应到会有表决权的正式党员：至少为1人。")
            if values["voters_present"] > due:
                add(
                    "voters_present",
                    f"实到会有表决权的党员：{values['voters_present']}人，不能多于应到会的{due}人。",
                )
            cast = values["votes_yes"] + values["votes_no"] + values["votes_abstain"]
            if cast > due:
                add(
                    "votes_yes",
                    f"表决票数：赞成、反对、弃权合计{cast}票，不能多于应到会有表决权的{due}人"
                    "（因故未到会党员的书面意见计入）。",
                )
            branch = _branch_full_members(case.org, s.done_on)
            if due > branch:
                add(
                    "voters_due",
                    f"应到会有表决权的正式党员：{due}人，多于{case.org.name}在册有表决权的"
                    f"正式党员{branch}人，请核对。",
                )
    if d.records_training:
        for key, label in (("training_days", "集中培训天数"), ("training_hours", "集中培训学时")):
            value = getattr(s, key)
            if value is not None and value < 0:
                add(key, f"{label}：不能为负数。")
    if s.notice_from is not None and not d.records_notice:
        add("notice_from", f"公示：{d.label}不记录公示。")
    if s.review_passed is not None and not d.records_review:
        add("review_passed", f"政审结论：{d.label}不记录政审结论。")
    return errors


def _proposal(
    case: Case, d: StepDefinition, s: StepInput, rule_set: str, recorded: list[CaseStep]
) -> StepProposal:
    done: dict[str, list[date]] = {}
    for r in sorted(recorded, key=lambda r: (r.done_on, r.pk)):
        done.setdefault(r.definition.code, []).append(r.done_on)
    review = next(
        (
            r.done_on
            for r in recorded
            if r.definition.code == wf.POLITICAL_REVIEW and r.review_passed
        ),
        None,
    )
    extension = ProbationExtension.objects.filter(case=case).first()
    p = StepProposal(
        case=case,
        definition=d,
        done_on=s.done_on,
        rule_set=rule_set,
        responsible_org=s.responsible_org,
        people=list(s.people),
        voters_due=s.voters_due,
        voters_present=s.voters_present,
        votes_yes=s.votes_yes,
        votes_no=s.votes_no,
        votes_abstain=s.votes_abstain,
        training_days=s.training_days,
        training_hours=s.training_hours,
        notice_from=s.notice_from,
        notice_to=s.notice_to,
        review_passed=s.review_passed,
        done=done,
        review_passed_on=review,
        extension_months=extension.months if extension else 0,
    )
    if d.code in wf.MEETING_STEPS:
        p.branch_full_members = _branch_full_members(case.org, s.done_on)
    if d.records_notice or s.notice_from:
        p.calendar = workday_calendar()
    member_ids = [x.member.pk for x in s.people if x.member is not None]
    if member_ids:
        p.disciplined_member_ids = selectors.disciplined_member_ids(member_ids, s.done_on)
    if d.code in wf.APPROVAL_STEPS and s.responsible_org is not None:
        p.approver_holds_authority = selectors.holds_approval_authority(
            s.responsible_org, s.done_on
        )
    if d.code == wf.ADMISSION_APPROVAL:
        plan = selectors.plan_for(case.org_path, s.done_on.year)
        if plan is not None:
            p.plan_quota, p.plan_used = plan.quota, selectors.plan_used(plan)
    return p


@transaction.atomic
def record_step(
    *, actor: User | None, case: Case, step: StepInput, today: date | None = None
) -> CaseStep:
    """Record one step after every check; block verdicts refuse it, warnings are kept on it."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("org", "gender", "member")
        .get(pk=case.pk)
    )
    _require_scope(actor, case.org_path)
    today = today or timezone.localdate()
    d = StepDefinition.objects.filter(code=step.code, is_active=True).first()
    if d is None:
        raise ValidationError({NON_FIELD_ERRORS: [f"步骤：没有启用编码为“{step.code}”的步骤。"]})
    recorded = list(CaseStep.objects.filter(case=case).select_related("definition"))
    for person in step.people:
        if person.member is not None and not person.name:
            person.name = person.member.name
    errors = _form_errors(case, d, step, today, recorded)
    rule_set = selectors.rule_set_on(step.done_on)
    ctx = RuleContext(today=step.done_on)
    judgements = judge_step(_proposal(case, d, step, rule_set, recorded), ctx)
    blocks = [j for j in judgements if j.severity == "block"]
    for j in blocks:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_with_citation(j))
    if errors:
        raise ValidationError(errors)
    row = CaseStep.objects.create(
        case=case,
        definition=d,
        done_on=step.done_on,
        responsible_org=step.responsible_org,
        documents=step.documents,
        note=step.note,
        voters_due=step.voters_due,
        voters_present=step.voters_present,
        votes_yes=step.votes_yes,
        votes_no=step.votes_no,
        votes_abstain=step.votes_abstain,
        training_days=step.training_days,
        training_hours=step.training_hours,
        notice_from=step.notice_from,
        notice_to=step.notice_to,
        review_passed=step.review_passed,
        rule_set=rule_set,
        warnings=[j.as_json() for j in judgements if j.severity != "block"],
        recorded_by=actor,
    )
    StepPerson.objects.bulk_create(
        [
            StepPerson(step=row, role=x.role, member=x.member, name=x.name.strip())
            for x in step.people
        ]
    )
    if d.code == wf.ADMISSION_FORM:
        issue_admission_form(actor=actor, case=case, on=step.done_on)
    if d.code == wf.ADMISSION_APPROVAL:
        _admit_member(actor, case, recorded, step.done_on)
    if d.code == wf.CONVERSION_APPROVAL:
        _convert_member(actor, case, step.done_on)
    _advance(case, d, rule_set, step.done_on)
    refresh_case_findings([case])
    return row


def _advance(case: Case, d: StepDefinition, rule_set: str, on: date) -> None:
    """Stage and last step follow the furthest step; the case closes when no required step is left."""
    furthest = (
        CaseStep.objects.filter(case=case)
        .select_related("definition")
        .order_by("-definition__sort_order")
        .first()
    )
    assert furthest is not None
    case.stage = furthest.definition.stage
    case.last_step = furthest.definition
    case.rule_set = rule_set
    done_ids = set(CaseStep.objects.filter(case=case).values_list("definition_id", flat=True))
    left = StepDefinition.objects.filter(is_active=True, is_optional=False).exclude(pk__in=done_ids)
    if not left.exists():
        case.status = CaseStatus.CLOSED
        case.closed_on = on
        case.close_reason = "已转为正式党员，材料归档"
    case.save()


def _admit_member(
    actor: User | None, case: Case, recorded: list[CaseStep], approved_on: date
) -> None:
    """预备党员: into the register, one person one record (matched by 公民身份号码). The
    register (and the 党内统计) counts the person from the 上级党委's approval."""
    meeting = next((r.done_on for r in recorded if r.definition.code == wf.ADMISSION_MEETING), None)
    if meeting is None:
        raise ValidationError({NON_FIELD_ERRORS: ["尚未记录支部大会讨论接收，不能审批。"]})
    existing = Member.objects.filter(id_number=case.id_number).select_related("org").first()
    if existing is not None and existing.status == MemberStatus.NORMAL:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"公民身份号码{case.id_number}已在党员名册中（{existing.org.name}），"
                    "不能重复接收，请核实。"
                ]
            }
        )
    if existing is None:
        member = create_member(
            actor=actor,
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
            on=approved_on,
            source=PeriodSource.ADMISSION,
        )
    else:
        # A former member (出党, 转出 …) admitted again keeps the one record, with its history.
        old_status = existing.status
        existing.name, existing.gender, existing.birth_date = (
            case.name,
            case.gender,
            case.birth_date,
        )
        existing.member_type, existing.joined_on, existing.confirmed_on = (
            MemberType.PROBATIONARY,
            meeting,
            None,
        )
        existing.org, existing.status, existing.status_changed_on = (
            case.org,
            MemberStatus.NORMAL,
            meeting,
        )
        member = update_member(
            actor=actor, member=existing, on=approved_on, source=PeriodSource.READMISSION
        )
        MemberStatusChange.objects.create(
            member=member,
            from_status=old_status,
            to_status=MemberStatus.NORMAL,
            changed_on=meeting,
            reason="重新入党，经上级党委批准接收为预备党员",
            actor=actor,
        )
    case.member = member


def _convert_member(actor: User | None, case: Case, approved_on: date) -> None:
    """转正: the register record becomes 正式党员; 党龄 counts from the end of the 预备期, the
    register's type from the approval (a 预备党员 awaiting approval on 12-31 is counted as 预备)."""
    if case.member is None:
        raise ValidationError({NON_FIELD_ERRORS: ["该档案没有对应的党员名册记录，无法转正。"]})
    member = Member.objects.select_related("org", "gender").get(pk=case.member_id)
    member.member_type = MemberType.FULL
    member.confirmed_on = selectors.probation_end(case)
    update_member(actor=actor, member=member, on=approved_on, source=PeriodSource.CONVERSION)


@transaction.atomic
def extend_probation(
    *, actor: User | None, case: Case, decided_on: date, months: int, reason: str
) -> ProbationExtension:
    """延长预备期: once only, half a year to one year, decided at the end of the 预备期."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_scope(actor, case.org_path)
    rule_set = selectors.rule_set_on(decided_on)
    rule = PROBATION[rule_set]
    ctx = RuleContext(today=decided_on)
    low = int(ctx.param(rule, "extension_min_months"))
    high = int(ctx.param(rule, "extension_max_months"))
    errors: dict[str, list[str]] = {}
    cite = f"（依据：{rule.citation}）"
    if case.status != CaseStatus.OPEN or case.member_id is None:
        errors[NON_FIELD_ERRORS] = ["只有已接收为预备党员、尚未转正的档案才能延长预备期。"]
    elif ProbationExtension.objects.filter(case=case).exists():
        errors[NON_FIELD_ERRORS] = [f"预备期只能延长一次，该预备党员已延长过{cite}"]
    elif CaseStep.objects.filter(case=case, definition__code=wf.CONVERSION_MEETING).exists():
        errors[NON_FIELD_ERRORS] = ["支部大会已讨论转正，不能再延长预备期。"]
    if not low <= months <= high:
        errors["months"] = [
            f"延长月数：应不少于{low}个月、不超过{high}个月，所填为{months}个月{cite}"
        ]
    if not reason.strip():
        errors["reason"] = ["理由：延长预备期须写明理由。"]
    if not errors:
        ends = selectors.probation_end(case)
        assert ends is not None
        if decided_on < ends:
            errors["decided_on"] = [
                f"支部大会决定日期：预备期至{fmt(ends)}届满，届满时方可讨论延长{cite}"
            ]
    if errors:
        raise ValidationError(errors)
    ext = ProbationExtension.objects.create(
        case=case,
        decided_on=decided_on,
        months=months,
        reason=reason.strip(),
        rule_set=rule_set,
        recorded_by=actor,
    )
    refresh_case_findings([case])
    return ext


@transaction.atomic
def cancel_case(*, actor: User | None, case: Case, on: date, reason: str) -> Case:
    """终止 a case; for a 预备党员 this is 取消预备党员资格 and the register record leaves (出党)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("member").get(pk=case.pk)
    _require_scope(actor, case.org_path)
    if case.status != CaseStatus.OPEN:
        raise ValidationError({NON_FIELD_ERRORS: [f"该档案{case.get_status_display()}。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["原因：请写明终止或取消资格的原因。"]})
    if case.member_id is not None:
        change_member_status(
            actor=actor,
            member=case.member,
            to_status=MemberStatus.LEFT,
            on=on,
            reason=f"取消预备党员资格：{reason.strip()}",
        )
        reason = f"取消预备党员资格：{reason.strip()}"
    case.status = CaseStatus.CANCELLED
    case.closed_on = on
    case.close_reason = reason.strip()
    case.save()
    refresh_case_findings([case])
    return case


# --- settings the checks read -------------------------------------------------------------------


@transaction.atomic
def set_rule_set_period(
    *, actor: User | None, rule_set: str, effective_from: date, source: str = ""
) -> RuleSetPeriod:
    """Which national rule set is in force from a date; steps already recorded keep their stamp."""
    if rule_set not in RuleSetChoice.values:
        raise ValidationError({"rule_set": "规则集：请选择2014年细则或2026年修订细则。"})
    period, _ = RuleSetPeriod.objects.update_or_create(
        effective_from=effective_from, defaults={"rule_set": rule_set, "source": source}
    )
    # Open cases' upcoming deadlines follow the new setting; closed steps are never re-judged.
    refresh_case_findings(list(Case.objects.filter(status=CaseStatus.OPEN)))
    return period


@transaction.atomic
def grant_approval_authority(
    *, actor: User | None, org: Organization, granted_on: date, document: str = ""
) -> ApprovalAuthority:
    _require_scope(actor, org.path)
    if org.kind == OrgKind.GENERAL_BRANCH:
        raise ValidationError({"org": "党组织：党总支不能审批发展党员，不能授予审批权限。"})
    if org.kind not in APPROVER_KINDS:
        raise ValidationError(
            {
                "org": f"党组织：只有基层党委可以授予审批权限，“{org.name}”是{org.get_kind_display()}。"
            }
        )
    auth, _ = ApprovalAuthority.objects.update_or_create(
        org=org, defaults={"granted_on": granted_on, "revoked_on": None, "document": document}
    )
    return auth


@transaction.atomic
def revoke_approval_authority(
    *, actor: User | None, org: Organization, revoked_on: date
) -> ApprovalAuthority:
    _require_scope(actor, org.path)
    auth = ApprovalAuthority.objects.select_for_update().get(org=org)
    if revoked_on <= auth.granted_on:
        raise ValidationError({"revoked_on": "撤销日期：应晚于授权日期。"})
    auth.revoked_on = revoked_on
    auth.save()
    return auth


@transaction.atomic
def record_disciplinary_probation(
    *, actor: User | None, member: Member, starts_on: date, document: str, note: str = ""
) -> DisciplinaryProbation:
    _require_scope(actor, member.org_path)
    if not document.strip():
        raise ValidationError({"document": "处分决定文号：不能为空。"})
    running = DisciplinaryProbation.objects.filter(
        member=member, rights_restored_on__isnull=True
    ).exists()
    if running:
        raise ValidationError(
            {"starts_on": f"处分日期：{member.name}已有未恢复党员权利的留党察看处分。"}
        )
    return DisciplinaryProbation.objects.create(
        member=member, starts_on=starts_on, document=document.strip(), note=note
    )


@transaction.atomic
def restore_rights(
    *, actor: User | None, probation: DisciplinaryProbation, on: date
) -> DisciplinaryProbation:
    _require_scope(actor, probation.member.org_path)
    probation.rights_restored_on = on
    probation.full_clean()
    probation.save()
    return probation


PLAN_ORG_KINDS = frozenset(
    {OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE, OrgKind.COUNTY_COMMITTEE}
)


@transaction.atomic
def set_plan(
    *, actor: User | None, org: Organization, year: int, quota: int, note: str = ""
) -> DevelopmentPlan:
    """年度发展党员计划 of a township (乡镇/街道) or 基层党委; quota never below what is used."""
    _require_scope(actor, org.path)
    if org.kind not in PLAN_ORG_KINDS:
        raise ValidationError(
            {
                "org": f"党组织：发展计划下达到乡镇（街道）党（工）委或基层党委，“{org.name}”是{org.get_kind_display()}。"
            }
        )
    if quota < 0:
        raise ValidationError({"quota": "计划名额：不能为负数。"})
    plan = DevelopmentPlan.objects.filter(org=org, year=year).first() or DevelopmentPlan(
        org=org, year=year
    )
    plan.org_path, plan.quota, plan.note = org.path, quota, note
    if plan.pk:
        used = selectors.plan_used(plan)
        if quota < used:
            raise ValidationError(
                {"quota": f"计划名额：{year}年已审批接收{used}名，计划名额不能少于已使用数。"}
            )
    plan.save()
    return plan


# --- 入党志愿书 numbers ---------------------------------------------------------------------------


@transaction.atomic
def add_form_range(
    *, actor: User | None, year: int, first_number: int, last_number: int, note: str = ""
) -> AdmissionFormRange:
    """A year's block of numbers; blocks of any year never overlap."""
    if first_number < 1 or last_number < first_number:
        raise ValidationError({"last_number": "截止编号：应不小于起始编号，编号为正整数。"})
    clash = AdmissionFormRange.objects.filter(
        first_number__lte=last_number, last_number__gte=first_number
    ).first()
    if clash is not None:
        raise ValidationError(
            {"first_number": f"起始编号：{first_number}–{last_number}与已登记的编号段{clash}重叠。"}
        )
    return AdmissionFormRange.objects.create(
        year=year, first_number=first_number, last_number=last_number, note=note
    )


@transaction.atomic
def issue_admission_form(*, actor: User | None, case: Case, on: date) -> AdmissionFormNumber:
    """The next unused number of the year, in order; voided numbers are never given again."""
    _require_scope(actor, case.org_path)
    if AdmissionFormNumber.objects.filter(
        case=case, status=AdmissionFormNumberStatus.USED
    ).exists():
        raise ValidationError({NON_FIELD_ERRORS: ["该档案已发放入党志愿书，作废后才能重新发放。"]})
    ranges = list(
        AdmissionFormRange.objects.select_for_update().filter(year=on.year).order_by("first_number")
    )
    if not ranges:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"{on.year}年尚未登记入党志愿书编号段，请先由组织部门登记编号段。"]}
        )
    for form_range in ranges:
        top = form_range.numbers.aggregate(top=Max("number"))["top"]
        number = form_range.first_number if top is None else top + 1
        if number <= form_range.last_number:
            return AdmissionFormNumber.objects.create(
                form_range=form_range, number=number, case=case, issued_on=on, issued_by=actor
            )
    raise ValidationError(
        {NON_FIELD_ERRORS: [f"{on.year}年的入党志愿书编号已用完，请登记新的编号段。"]}
    )


@transaction.atomic
def void_admission_form(
    *, actor: User | None, number: AdmissionFormNumber, on: date, reason: str
) -> AdmissionFormNumber:
    number = (
        AdmissionFormNumber.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=number.pk)
    )
    _require_scope(actor, number.case.org_path)
    if number.status == AdmissionFormNumberStatus.VOID:
        raise ValidationError({NON_FIELD_ERRORS: [f"编号{number.number}已作废。"]})
    if not reason.strip():
        raise ValidationError({"void_reason": "作废原因：不能为空。"})
    number.status = AdmissionFormNumberStatus.VOID
    number.voided_on = on
    number.void_reason = reason.strip()
    number.save()
    return number
