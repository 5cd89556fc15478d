"""Demo 发展党员 data for the demo county: 审批权限 for the township committees, a plan per
township, 入党志愿书 number ranges, and cases at every stage (some overdue), all written through
the services so that every case has passed the same checks a user's would."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from zugong.core.models import CodeItem
from zugong.demo.generator import REGION_CODE, make_id_number, person_name
from zugong.development import workflow as wf
from zugong.development.models import (
    AdmissionFormRange,
    ApprovalAuthority,
    Case,
    DevelopmentPlan,
    PersonRole,
)
from zugong.development.rules import PersonInput
from zugong.development.services import (
    PLAN_ORG_KINDS,
    StepInput,
    add_form_range,
    cancel_case,
    grant_approval_authority,
    open_case,
    record_step,
    set_plan,
)
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.orgs.models import Organization, OrgKind, OrgStatus

# Days after the application of each step of an on-time case (the conversion steps count from
# one year after the 支部大会, see _dates): clear of every time limit of both rule sets.
OFFSETS: dict[str, int] = {
    wf.APPLICATION: 0,
    wf.APPLICANT_TALK: 19,
    wf.ACTIVIST: 184,
    wf.ACTIVIST_FILING: 193,
    wf.CULTIVATION_CONTACT: 198,
    wf.ACTIVIST_EXAMINATION: 366,
    wf.CANDIDATE: 551,
    wf.CANDIDATE_FILING: 554,
    wf.SPONSORS: 555,
    wf.POLITICAL_REVIEW: 569,
    wf.TRAINING: 594,
    wf.COMMITTEE_REVIEW: 599,
    wf.PRE_REVIEW: 604,
    wf.ADMISSION_FORM: 607,
    wf.ADMISSION_MEETING: 622,
    wf.APPROVAL_TALK: 630,
    wf.ADMISSION_APPROVAL: 681,
    wf.ADMISSION_FILING: 686,
    wf.PLACEMENT: 687,
    wf.OATH: 691,
    wf.PROBATION_EXAMINATION: 823,
    wf.CONVERSION_REQUEST: 964,
}
AFTER_PROBATION = {wf.CONVERSION_MEETING: 0, wf.CONVERSION_APPROVAL: 19, wf.ARCHIVING: 28}
ORDER = [row[2] for row in wf.CANONICAL_STEPS]
# The last step recorded by the demo cases of one branch: every column of the board.
TARGETS = [
    wf.APPLICATION,
    wf.APPLICANT_TALK,
    wf.ACTIVIST_EXAMINATION,
    wf.SPONSORS,
    wf.ADMISSION_MEETING,
    wf.OATH,
    wf.CONVERSION_REQUEST,
    wf.ARCHIVING,
]
BRANCH_COUNT = 10
APPROVERS = (OrgKind.PARTY_COMMITTEE, OrgKind.PRIMARY_PARTY_COMMITTEE)


def _dates(applied: date) -> dict[str, date]:
    out = {code: applied + timedelta(days=n) for code, n in OFFSETS.items()}
    probation_end = out[wf.ADMISSION_MEETING] + relativedelta(years=1)
    out.update({c: probation_end + timedelta(days=n) for c, n in AFTER_PROBATION.items()})
    return out


def _span(code: str) -> int:
    """Days from the application to a step of an on-time case."""
    return (_dates(date(2023, 3, 1))[code] - date(2023, 3, 1)).days


def _approver(branch: Organization, by_path: dict[str, Organization]) -> Organization | None:
    """The nearest committee above the branch that holds 审批权限."""
    for path in reversed(branch.ancestor_paths[:-1]):
        org = by_path.get(path)
        if org is not None:
            return org
    return None


def _settings(today: date) -> tuple[dict[str, Organization], int]:
    """审批权限, one plan per township for the recent years, and yearly number ranges."""
    written = 0
    approvers = list(
        Organization.objects.filter(kind__in=APPROVERS, status=OrgStatus.ACTIVE).order_by("path")
    )
    have = set(ApprovalAuthority.objects.values_list("org_id", flat=True))
    for org in approvers:
        if org.pk not in have:
            grant_approval_authority(
                actor=None,
                org=org,
                granted_on=date(2015, 1, 1),
                document="县委组织部关于授予基层党委发展党员审批权限的通知",
            )
            written += 1
    branch_paths = list(
        Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE).values_list(
            "path", flat=True
        )
    )
    townships = [
        o
        for o in approvers
        if o.kind in PLAN_ORG_KINDS and o.parent_id is not None and o.depth == 2
    ]
    planned = set(DevelopmentPlan.objects.values_list("org_id", "year"))
    for org in townships:
        size = sum(1 for path in branch_paths if path.startswith(org.path))
        for year in range(today.year - 3, today.year + 1):
            if (org.pk, year) not in planned:
                set_plan(
                    actor=None,
                    org=org,
                    year=year,
                    quota=max(3, size // 3),
                    note="县委组织部下达",
                )
                written += 1
    ranged = set(AdmissionFormRange.objects.values_list("year", flat=True))
    for year in range(today.year - 4, today.year + 1):
        if year not in ranged:
            first = year * 100000 + 1
            clash = AdmissionFormRange.objects.filter(
                first_number__lte=first + 1999, last_number__gte=first
            ).exists()
            if not clash:
                add_form_range(
                    actor=None,
                    year=year,
                    first_number=first,
                    last_number=first + 1999,
                    note="省委组织部统一印制",
                )
                written += 1
    return {o.path: o for o in approvers}, written


def _steps(
    rng: random.Random,
    applied: date,
    branch: Organization,
    approver: Organization,
    members: list[Member],
) -> dict[str, StepInput]:
    d = _dates(applied)
    due = len(members)
    votes = {
        "voters_due": due,
        "voters_present": due - (1 if due > 5 and rng.random() < 0.5 else 0),
        "votes_yes": due - (1 if due > 6 and rng.random() < 0.3 else 0),
        "votes_no": 0,
        "votes_abstain": 0,
    }
    votes["votes_abstain"] = min(due - votes["votes_yes"], votes["voters_present"])
    contact, sponsor_a, sponsor_b = rng.sample(members, 3)

    def person(role: str, m: Member) -> PersonInput:
        return PersonInput(role=role, name=m.name, member=m)

    def notice(code: str) -> dict[str, date]:
        # Three weeks end two days before the step: enough working days even over 国庆/春节.
        end = d[code] - timedelta(days=2)
        return {"notice_from": end - timedelta(days=20), "notice_to": end}

    talker = PersonInput(PersonRole.TALKER, f"{approver.short_name or approver.name}组织委员")
    out = {code: StepInput(code, on) for code, on in d.items()}
    out[wf.APPLICANT_TALK] = StepInput(
        wf.APPLICANT_TALK,
        d[wf.APPLICANT_TALK],
        people=[PersonInput(PersonRole.TALKER, f"{branch.short_name or '党支部'}书记")],
    )
    out[wf.CULTIVATION_CONTACT] = replace(
        out[wf.CULTIVATION_CONTACT], people=[person(PersonRole.CULTIVATION_CONTACT, contact)]
    )
    out[wf.CANDIDATE] = replace(out[wf.CANDIDATE], **notice(wf.CANDIDATE))
    out[wf.SPONSORS] = replace(
        out[wf.SPONSORS],
        people=[person(PersonRole.SPONSOR, sponsor_a), person(PersonRole.SPONSOR, sponsor_b)],
    )
    out[wf.POLITICAL_REVIEW] = replace(out[wf.POLITICAL_REVIEW], review_passed=True)
    out[wf.TRAINING] = replace(
        out[wf.TRAINING], training_days=Decimal(rng.choice([3, 4, 5])), training_hours=Decimal(32)
    )
    out[wf.PRE_REVIEW] = replace(out[wf.PRE_REVIEW], responsible_org=approver)
    out[wf.APPROVAL_TALK] = replace(out[wf.APPROVAL_TALK], people=[talker])
    for code in wf.MEETING_STEPS:
        out[code] = replace(out[code], **votes, **notice(code))
    for code in wf.APPROVAL_STEPS:
        out[code] = replace(out[code], responsible_org=approver)
    return out


def seed_development(*, today: date, seed: int = 2026) -> int:
    """Settings, then a handful of cases in a few branches of every township; returns the
    number of records written (settings + cases + steps). A second run adds no cases."""
    rng = random.Random(seed)
    approvers, written = _settings(today)
    if Case.objects.exists():
        return written
    full = Q(members__member_type=MemberType.FULL, members__status=MemberStatus.NORMAL)
    branches = [
        b
        for b in Organization.objects.filter(kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE)
        .annotate(full=Count("members", filter=full))
        .filter(full__gte=5)
        .order_by("path")
        if _approver(b, approvers) is not None
    ]
    chosen = rng.sample(branches, min(BRANCH_COUNT, len(branches)))
    genders = {g.code: g for g in CodeItem.objects.filter(table__code="gender")}
    taken = set(Member.objects.values_list("id_number", flat=True))
    seqs = iter(range(901, 10**6, 2))

    def new_id(birth: date, female: bool) -> str:
        while True:
            number = make_id_number(REGION_CODE, birth, next(seqs) % 1000 - (1 if female else 0))
            if number not in taken:
                taken.add(number)
                return number

    for i, branch in enumerate(sorted(chosen, key=lambda b: b.path)):
        approver = _approver(branch, approvers)
        assert approver is not None
        members = list(
            Member.objects.filter(
                org=branch, member_type=MemberType.FULL, status=MemberStatus.NORMAL
            ).order_by("pk")
        )
        # Half the stages per branch, alternating, so every stage is in several branches.
        targets = [t for k, t in enumerate(TARGETS) if (k + i) % 2 == 0]
        for j, target in enumerate(targets):
            # Most cases are on time; every third waits well past its next deadline.
            gap = rng.randint(70, 200) if (i + j) % 3 == 0 else rng.randint(3, 20)
            applied = today - timedelta(days=_span(target) + gap)
            female = rng.random() < 0.45
            birth = date(rng.randint(1986, 2002), rng.randint(1, 12), rng.randint(1, 28))
            case = open_case(
                actor=None,
                name=person_name(rng, female, birth.year),
                id_number=new_id(birth, female),
                birth_date=birth,
                gender=genders["2" if female else "1"],
                org=branch,
                applied_on=applied,
            )
            steps = _steps(rng, applied, branch, approver, members)
            written += 1
            for code in ORDER[1 : ORDER.index(target) + 1]:
                record_step(actor=None, case=case, step=steps[code], today=today)
                written += 1
        if i % 2 == 0:
            # One applicant per second branch withdrew: the case is kept, ended with a reason.
            birth = date(rng.randint(1990, 2000), 6, 15)
            case = open_case(
                actor=None,
                name=person_name(rng, True, birth.year),
                id_number=new_id(birth, True),
                birth_date=birth,
                gender=genders["2"],
                org=branch,
                applied_on=today - timedelta(days=300),
            )
            cancel_case(
                actor=None,
                case=case,
                on=today - timedelta(days=200),
                reason="本人外出务工，申请暂缓入党",
            )
            written += 2
    return written
