"""One person from 递交入党申请书 to 正式党员, every step recorded through the /development/ pages.

城关镇党委's administrator (role committee_admin) logs in, registers the application (登记入党申请),
then records each of the 24 following steps on the step form in order — the dates, people, votes,
公示 and 政审 of the unit tests' on-time case (development/tests/support.py), all in the past — and
finally opens the person's record in the member register and sees 正式党员.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings

from zugong.conftest import Tree, make_member, valid_id
from zugong.development.models import Case, CaseStatus, CaseStep
from zugong.development.services import StepInput, add_form_range, grant_approval_authority
from zugong.development.tests.support import (
    ADMISSION_MEETING,
    APPLIED,
    BIRTH,
    ORDER,
    PROBATION_ENDS,
    World,
    happy_steps,
)
from zugong.members.models import Member, MemberType

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Zugong@2026"  # the `users` fixture's password
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "development_walkthrough.png"
APPLICANT = "赵申请"
VOTE_FIELDS = ("voters_due", "voters_present", "votes_yes", "votes_no", "votes_abstain")
OTHER_FIELDS = ("training_days", "training_hours", "notice_from", "notice_to")


@pytest.fixture(autouse=True)
def _step_catalog(_seeded_reference_data: None) -> None:  # noqa: PT004 - sets up data
    """Put back the seeded step catalog when an earlier browser test's flush removed it.

    The package conftest re-seeds only the code tables and meeting types; without the 25 steps
    登记入党申请 is refused (没有启用编码为“application”的步骤).
    """
    from django.apps import apps

    from zugong.development.models import StepDefinition

    if not StepDefinition.objects.exists():
        import_module("zugong.development.migrations.0002_seed_step_catalog").seed(apps, None)


@pytest.fixture
def world(tree: Tree, _step_catalog: None) -> World:
    # Five full members in the branch: the 培养联系人, the 入党介绍人 and the voters (应到 5).
    members = [make_member(tree.branch_a1, f"党员{i}") for i in range(5)]
    grant_approval_authority(actor=None, org=tree.town_a, granted_on=date(2020, 1, 1))
    for year in range(APPLIED.year, date.today().year + 1):
        add_form_range(
            actor=None, year=year, first_number=year * 10000 + 1, last_number=year * 10000 + 50
        )
    w = World(tree, members)
    w.steps = happy_steps(w)
    return w


def _value(v: object) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)


def _fill_step(page, s: StepInput) -> None:  # noqa: ANN001 - a playwright Page
    """Fill the step form with what the unit tests pass to the service."""
    form = page.get_by_test_id("step-form")
    form.locator("#id_done_on").fill(s.done_on.isoformat())
    if s.responsible_org is not None:
        form.locator("#id_responsible_org").select_option(str(s.responsible_org.pk))
    roles = sorted({p.role for p in s.people})
    for role in roles:
        chosen = [str(p.member.pk) for p in s.people if p.role == role and p.member]
        names = [p.name for p in s.people if p.role == role and not p.member]
        if chosen:
            form.locator(f"#id_{role}_members").select_option(chosen)
        if names:
            form.locator(f"#id_{role}_names").fill("、".join(names))
    for key in VOTE_FIELDS + OTHER_FIELDS:
        value = getattr(s, key)
        if value is not None:
            form.locator(f"#id_{key}").fill(_value(value))
    if s.review_passed is not None:
        form.locator("#id_review_passed").select_option("1" if s.review_passed else "0")


def test_writer_walks_one_person_from_application_to_full_member(
    live_server, page, tree, users, world
) -> None:
    base = live_server.url
    admin = users["committee_admin"]

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    # --- 登记入党申请 ------------------------------------------------------------------------
    page.goto(f"{base}/development/cases/new/")
    form = page.get_by_test_id("development-form")
    form.locator("#id_name").fill(APPLICANT)
    form.locator("#id_id_number").fill(valid_id(BIRTH))
    form.locator("#id_gender").select_option(label="男")
    form.locator("#id_birth_date").fill(BIRTH.isoformat())
    form.locator("#id_org").select_option(str(tree.branch_a1.pk))
    form.locator("#id_applied_on").fill(APPLIED.isoformat())
    with page.expect_navigation():
        form.get_by_role("button", name="保存").click()
    assert re.search(r"/development/cases/\d+/$", page.url), page.inner_text("main")
    assert page.get_by_test_id("case-name").inner_text() == APPLICANT
    case = Case.objects.get(name=APPLICANT)
    detail_url = f"{base}/development/cases/{case.pk}/"

    # --- every following step, in order, through 记录下一步 -------------------------------------
    for code in ORDER[1:]:
        page.goto(detail_url)
        page.get_by_test_id("record-step").click()
        page.wait_for_url(re.compile(r"/step/"))
        if page.locator('[data-testid="step-form"] input[name="code"]').input_value() != code:
            # The form offers the next step by default; a repeatable step can be chosen again.
            choice = page.get_by_test_id("step-choice")
            choice.locator('select[name="code"]').select_option(code)
            with page.expect_navigation():
                choice.get_by_role("button", name="切换步骤").click()
        assert page.locator('[data-testid="step-form"] input[name="code"]').input_value() == code
        _fill_step(page, world.steps[code])
        with page.expect_navigation():
            page.get_by_test_id("step-form").get_by_role("button", name="保存").click()
        errors = "" if "tab=timeline" in page.url else page.get_by_test_id("step-form").inner_text()
        assert "tab=timeline" in page.url, f"{code} was refused: {errors}"
        assert "已记录" in page.inner_text("main")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert CaseStep.objects.filter(case=case).count() == len(ORDER)
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "材料归档" in timeline and "上级党委审批" in timeline

    # --- the register: the case's member page shows 正式党员 ----------------------------------
    page.goto(detail_url)
    member = Member.objects.get(pk=case.member_id)
    assert member.member_type == MemberType.FULL
    page.get_by_test_id("case-info").get_by_role("link", name=re.compile(APPLICANT)).click()
    page.wait_for_url(f"{base}/members/{member.pk}/")
    assert page.get_by_test_id("member-name").inner_text() == APPLICANT
    assert page.locator("main .badge").first.inner_text() == "正式党员"
    info = page.get_by_test_id("member-info").inner_text()
    assert tree.branch_a1.name in info
    assert ADMISSION_MEETING.isoformat() in info  # 入党日期: the 支部大会 that admitted the person
    assert PROBATION_ENDS.isoformat() in info  # 转正日期: the end of the one-year 预备期

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
