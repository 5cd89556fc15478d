"""A case walked through its 25 steps on fixed dates, step by step, for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zugong.conftest import Tree, code, make_member, valid_id
from zugong.development import workflow as wf
from zugong.development.models import Case, CaseStep, PersonRole
from zugong.development.rules import PersonInput
from zugong.development.services import (
    StepInput,
    add_form_range,
    grant_approval_authority,
    open_case,
    record_step,
)
from zugong.members.models import Member

TODAY = date(2026, 11, 21)
BIRTH = date(1995, 3, 1)
APPLIED = date(2023, 3, 1)
ADMISSION_MEETING = date(2024, 11, 12)
APPROVED = date(2025, 1, 10)
PROBATION_ENDS = date(2025, 11, 12)

ORDER = [row[2] for row in wf.CANONICAL_STEPS]


@dataclass
class World:
    tree: Tree
    members: list[Member]
    steps: dict[str, StepInput] = field(default_factory=dict)

    def person(self, role: str, i: int) -> PersonInput:
        m = self.members[i]
        return PersonInput(role=role, name=m.name, member=m)


def happy_steps(w: World) -> dict[str, StepInput]:
    """The steps of an on-time case, dates chosen to sit clear of every boundary."""
    t = w.tree
    votes = {
        "voters_due": 5,
        "voters_present": 5,
        "votes_yes": 5,
        "votes_no": 0,
        "votes_abstain": 0,
    }
    return {
        wf.APPLICANT_TALK: StepInput(
            wf.APPLICANT_TALK,
            date(2023, 3, 20),
            people=[PersonInput(PersonRole.TALKER, "李书记")],
        ),
        wf.ACTIVIST: StepInput(wf.ACTIVIST, date(2023, 9, 1)),
        wf.ACTIVIST_FILING: StepInput(wf.ACTIVIST_FILING, date(2023, 9, 10)),
        wf.CULTIVATION_CONTACT: StepInput(
            wf.CULTIVATION_CONTACT,
            date(2023, 9, 15),
            people=[w.person(PersonRole.CULTIVATION_CONTACT, 0)],
        ),
        wf.ACTIVIST_EXAMINATION: StepInput(wf.ACTIVIST_EXAMINATION, date(2024, 3, 1)),
        wf.CANDIDATE: StepInput(
            wf.CANDIDATE,
            date(2024, 9, 2),
            # 7 working days, so that the local overlay (7 days) is met as well.
            notice_from=date(2024, 8, 20),
            notice_to=date(2024, 8, 28),
        ),
        wf.CANDIDATE_FILING: StepInput(wf.CANDIDATE_FILING, date(2024, 9, 5)),
        wf.SPONSORS: StepInput(
            wf.SPONSORS,
            date(2024, 9, 6),
            people=[w.person(PersonRole.SPONSOR, 0), w.person(PersonRole.SPONSOR, 1)],
        ),
        wf.POLITICAL_REVIEW: StepInput(wf.POLITICAL_REVIEW, date(2024, 9, 20), review_passed=True),
        wf.TRAINING: StepInput(wf.TRAINING, date(2024, 10, 15), training_days=Decimal(5)),
        wf.COMMITTEE_REVIEW: StepInput(wf.COMMITTEE_REVIEW, date(2024, 10, 20)),
        wf.PRE_REVIEW: StepInput(wf.PRE_REVIEW, date(2024, 10, 25), responsible_org=t.town_a),
        wf.ADMISSION_FORM: StepInput(wf.ADMISSION_FORM, date(2024, 10, 28)),
        wf.ADMISSION_MEETING: StepInput(
            wf.ADMISSION_MEETING,
            ADMISSION_MEETING,
            notice_from=date(2024, 10, 31),
            notice_to=date(2024, 11, 8),
            **votes,
        ),
        wf.APPROVAL_TALK: StepInput(
            wf.APPROVAL_TALK, date(2024, 11, 20), people=[PersonInput(PersonRole.TALKER, "王委员")]
        ),
        wf.ADMISSION_APPROVAL: StepInput(wf.ADMISSION_APPROVAL, APPROVED, responsible_org=t.town_a),
        wf.ADMISSION_FILING: StepInput(wf.ADMISSION_FILING, date(2025, 1, 15)),
        wf.PLACEMENT: StepInput(wf.PLACEMENT, date(2025, 1, 16)),
        wf.OATH: StepInput(wf.OATH, date(2025, 1, 20)),
        wf.PROBATION_EXAMINATION: StepInput(wf.PROBATION_EXAMINATION, date(2025, 6, 1)),
        wf.CONVERSION_REQUEST: StepInput(wf.CONVERSION_REQUEST, date(2025, 10, 20)),
        wf.CONVERSION_MEETING: StepInput(
            wf.CONVERSION_MEETING,
            PROBATION_ENDS,
            notice_from=date(2025, 10, 30),
            notice_to=date(2025, 11, 7),
            **votes,
        ),
        wf.CONVERSION_APPROVAL: StepInput(
            wf.CONVERSION_APPROVAL, date(2025, 12, 1), responsible_org=t.town_a
        ),
        wf.ARCHIVING: StepInput(wf.ARCHIVING, date(2025, 12, 10)),
    }


@pytest.fixture
def world(tree: Tree) -> World:
    members = [make_member(tree.branch_a1, f"党员{i}") for i in range(5)]
    grant_approval_authority(actor=None, org=tree.town_a, granted_on=date(2020, 1, 1))
    for year in (2023, 2024, 2025, 2026):
        add_form_range(
            actor=None, year=year, first_number=year * 10000 + 1, last_number=year * 10000 + 50
        )
    w = World(tree, members)
    w.steps = happy_steps(w)
    return w


def new_case(w: World, *, birth: date = BIRTH, applied: date = APPLIED, **kw: Any) -> Case:
    return open_case(
        actor=None,
        name=kw.pop("name", "赵申请"),
        id_number=kw.pop("id_number", valid_id(birth)),
        birth_date=birth,
        gender=code("gender", "1"),
        org=kw.pop("org", w.tree.branch_a1),
        applied_on=applied,
        **kw,
    )


def step(w: World, case: Case, key: str, **changes: Any) -> CaseStep:
    return record_step(actor=None, case=case, step=replace(w.steps[key], **changes), today=TODAY)


def walk(w: World, case: Case, until: str, *, including: bool = False) -> Case:
    """Record the happy steps after 递交申请书 up to (not including) `until`."""
    recorded = set(CaseStep.objects.filter(case=case).values_list("definition__code", flat=True))
    for key in ORDER[1:]:
        if key == until and not including:
            break
        if key not in recorded:
            step(w, case, key)
        if key == until:
            break
    case.refresh_from_db()
    return case
