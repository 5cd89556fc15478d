"""入党志愿书 numbers: yearly ranges that never overlap, issued in order, voided, never deleted."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zugong.development import workflow as wf
from zugong.development.models import AdmissionFormNumber, AdmissionFormNumberStatus
from zugong.development.selectors import admission_numbers
from zugong.development.services import (
    add_form_range,
    issue_admission_form,
    void_admission_form,
)
from zugong.development.tests.support import new_case, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "last", "ok"),
    [(20240050, 20240060, False), (20240051, 20240060, True), (20239990, 20240001, False)],
)
def test_ranges_never_overlap(world, first, last, ok):
    if ok:
        add_form_range(actor=None, year=2024, first_number=first, last_number=last)
    else:
        with pytest.raises(ValidationError, match="重叠"):
            add_form_range(actor=None, year=2024, first_number=first, last_number=last)


def test_range_must_be_ordered(world):
    with pytest.raises(ValidationError, match="截止编号：应不小于起始编号"):
        add_form_range(actor=None, year=2027, first_number=10, last_number=9)


def test_numbers_are_consecutive_voids_kept_and_never_reused(world, users):
    a = walk(world, new_case(world), wf.ADMISSION_FORM, including=True)
    b = walk(world, new_case(world, name="钱二"), wf.ADMISSION_FORM, including=True)
    first = AdmissionFormNumber.objects.get(case=a)
    assert (first.number, AdmissionFormNumber.objects.get(case=b).number) == (20240001, 20240002)
    void_admission_form(actor=None, number=first, on=date(2024, 11, 1), reason="填写错误")
    again = issue_admission_form(actor=None, case=a, on=date(2024, 11, 1))
    assert again.number == 20240003
    first.refresh_from_db()
    assert first.status == AdmissionFormNumberStatus.VOID and first.void_reason == "填写错误"
    with pytest.raises(ValidationError, match="不得删除"):
        first.delete()
    with pytest.raises(ValidationError, match="已作废"):
        void_admission_form(actor=None, number=first, on=date(2024, 11, 2), reason="再作废")
    with pytest.raises(ValidationError, match="已发放入党志愿书"):
        issue_admission_form(actor=None, case=a, on=date(2024, 11, 1))
    assert admission_numbers(users["branch_admin"], 2024).count() == 3


def test_a_full_range_moves_to_the_next_and_then_runs_out(world):
    add_form_range(actor=None, year=2022, first_number=1, last_number=1)
    add_form_range(actor=None, year=2022, first_number=5, last_number=5)
    cases = [new_case(world, name=f"申请{i}") for i in range(3)]
    on = date(2022, 6, 1)
    assert issue_admission_form(actor=None, case=cases[0], on=on).number == 1
    assert issue_admission_form(actor=None, case=cases[1], on=on).number == 5
    with pytest.raises(ValidationError, match="2022年的入党志愿书编号已用完"):
        issue_admission_form(actor=None, case=cases[2], on=on)
