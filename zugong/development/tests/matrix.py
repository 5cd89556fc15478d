"""The 发展党员 part of the authorization matrix (collected by test_authorization_matrix.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import (
    ROLES,
    WRITERS,
    Entry,
    Objects,
    everyone,
    only,
    pk_of,
)
from zugong.conftest import code, valid_id
from zugong.development.services import add_form_range, issue_admission_form, open_case
from zugong.orgs.models import Organization

DEPARTMENT = {Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN}
case = pk_of("dev_case")

ENTRIES: dict[str, Entry] = {
    "development:board": Entry(None, everyone(200)),
    "development:overview": Entry(None, everyone(200)),
    "development:case_list": Entry(None, everyone(200)),
    "development:case_create": Entry(None, only(WRITERS), post=True),
    "development:case_detail": Entry(case, everyone(200)),
    "development:step_record": Entry(case, only(WRITERS), post=True),
    "development:case_cancel": Entry(case, only(WRITERS), post=True),
    "development:extend_probation": Entry(case, only(WRITERS), post=True),
    "development:notice_docx": Entry(case, everyone(200)),
    "development:record_docx": Entry(case, everyone(200)),
    "development:review_docx": Entry(case, everyone(200)),
    "development:notice_pdf": Entry(case, everyone(200)),
    "development:record_pdf": Entry(case, everyone(200)),
    "development:review_pdf": Entry(case, everyone(200)),
    # Everyone reads plans and number ranges; only the 组织部 sets them (an empty POST re-shows
    # the form with its errors).
    "development:plans": Entry(None, everyone(200), post=True, post_expect=only(DEPARTMENT)),
    "development:forms": Entry(None, everyone(200), post=True, post_expect=only(DEPARTMENT)),
    "development:form_void": Entry(pk_of("dev_form_number"), only(WRITERS), post=True),
}


def build(o: Objects, users: dict[str, User]) -> None:
    today = timezone.localdate()
    add_form_range(actor=None, year=today.year, first_number=1, last_number=100)
    made: dict[int, tuple[int, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in made:
                birth = date(1990, 1, 1) + timedelta(days=37 * len(made))
                c = open_case(
                    actor=None,
                    name=f"申请人{len(made)}",
                    id_number=valid_id(birth),
                    birth_date=birth,
                    gender=code("gender", "1"),
                    org=Organization.objects.get(pk=org_pk),
                    applied_on=today - timedelta(days=10),
                )
                number = issue_admission_form(actor=None, case=c, on=today)
                made[org_pk] = (c.pk, number.pk)
            o.put("dev_case", role, inside, made[org_pk][0])
            o.put("dev_form_number", role, inside, made[org_pk][1])
