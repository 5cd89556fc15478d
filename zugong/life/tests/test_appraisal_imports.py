"""The 民主评议党员 results import: by 公民身份号码 and 评议年度 into an open round in scope;
every bad row is reported and a bad sheet writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.conftest import held_on, make_member
from zugong.core.imports import get_spec
from zugong.core.imports.runner import start_import
from zugong.core.models import Finding, ImportJob
from zugong.core.tests.test_imports import upload_file, xlsx_bytes
from zugong.life import appraisal_imports  # noqa: F401 - registers the spec
from zugong.life import appraisal_services as services
from zugong.life.models import AppraisalEntry, Grade, HandlingMeasure

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _held_on_today():  # noqa: ANN202 - pytest fixture
    # TODAY is read once at import: the clock stays on that day for every test here.
    with held_on(TODAY):
        yield


YEAR = TODAY.year - 1
HEADERS = ["公民身份号码", "姓名", "评议年度", "评定等次", "测评优秀票", "测评合格票"]


@pytest.fixture
def admin(users):  # noqa: ANN001, ANN201
    # Scope: 城关镇党委 (branches A1 and A2A); B1 and X1 are outside.
    return users[Role.COMMITTEE_ADMIN]


@pytest.fixture
def people(tree):  # noqa: ANN001, ANN201
    members = {name: make_member(tree.branch_a1, name) for name in ("甲", "乙", "丙")}
    members["丁"] = make_member(tree.branch_b1, "丁")
    for org in (tree.branch_a1, tree.branch_b1):
        services.open_round(
            actor=None, org=org, year=YEAR, started_on=date(YEAR, 12, 1), today=TODAY
        )
    return members


def run(user, rows: list[list[object]]) -> ImportJob:  # noqa: ANN001
    return start_import(
        user=user,
        spec_name="appraisal_results",
        uploaded_file=upload_file("评议结果.xlsx", xlsx_bytes(rows)),
    )


def errors_of(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def entry_of(member) -> AppraisalEntry:  # noqa: ANN001
    return AppraisalEntry.objects.get(member=member, round__year=YEAR)


def test_a_good_sheet_grades_the_entries(admin, people):
    rows = [
        HEADERS,
        [people["甲"].id_number, "甲", YEAR, "优秀", 3, 0],
        [people["乙"].id_number, "乙", f"{YEAR}年度", "合格", None, 3],
        [people["丙"].id_number, "丙", YEAR, "优秀", None, None],
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.updated_count == 3
    jia = entry_of(people["甲"])
    assert (jia.grade, jia.votes_excellent) == (Grade.EXCELLENT, 3)
    assert entry_of(people["乙"]).votes_qualified == 3
    record = jia.history.first()
    assert record.history_change_reason == "一张表导入评议结果" and record.history_user == admin
    # 2 of 3 优秀: the rounds' rules ran after the write.
    assert Finding.objects.filter(rule_id="life.appraisal_excellent_share").count() == 1
    # The same sheet again changes nothing.
    again = run(admin, rows)
    assert again.status == ImportJob.Status.DONE and again.updated_count == 0


def test_every_bad_row_is_reported_and_nothing_is_written(admin, people, tree):
    stranger = make_member(tree.branch_a2a, "戊")  # in scope, but A2A has no round
    rows = [
        HEADERS,
        [people["甲"].id_number, "甲", YEAR, "优秀", 9, 0],
        [people["乙"].id_number, "张冠李戴", YEAR, "合格", None, None],
        [people["丙"].id_number, "丙", YEAR, "良好", None, None],
        [people["丁"].id_number, "丁", YEAR, "合格", None, None],  # another township
        [stranger.id_number, "戊", YEAR, "合格", None, None],
        [people["甲"].id_number, "甲", YEAR, "合格", None, None],  # twice
        [people["丙"].id_number, "丙", "明年", "合格", -1, None],
        [people["丙"].id_number, "丙", TODAY.year + 1, "合格", None, None],
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.INVALID
    errors = errors_of(job)
    assert errors[(2, "测评优秀票")] == "测评优秀票：不能超过参加评议的党员人数（3人）"
    assert "与所填姓名不一致" in errors[(3, "姓名")]
    assert errors[(4, "评定等次")].startswith("评定等次：“良好”不是可选值")
    assert "没有该党员" in errors[(5, "公民身份号码")]
    assert "没有该党员" in errors[(6, "公民身份号码")]
    assert "与第2行重复" in errors[(7, "公民身份号码")]
    assert "不是年份" in errors[(8, "评议年度")]
    assert "不是票数" in errors[(8, "测评优秀票")]
    assert f"不在2000年至{TODAY.year}年之间" in errors[(9, "评议年度")]
    assert not AppraisalEntry.objects.exclude(grade="").exists()


def test_a_closed_round_must_be_reopened_first(admin, people, tree):
    appraisal = entry_of(people["甲"]).round
    services.close_round(actor=None, appraisal=appraisal, closed_on=TODAY, today=TODAY)
    job = run(admin, [HEADERS, [people["甲"].id_number, "甲", YEAR, "合格", None, None]])
    assert job.status == ImportJob.Status.INVALID
    assert "已结束" in errors_of(job)[(2, "评议年度")]


def test_a_handled_unqualified_grade_cannot_be_changed(admin, people):
    entry = services.update_entry(actor=None, entry=entry_of(people["甲"]), grade=Grade.UNQUALIFIED)
    services.add_handling(
        actor=None,
        entry=entry,
        today=TODAY,
        measure=HandlingMeasure.EDUCATE,
        decided_on=TODAY,
        decided_by="党支部大会",
        decision="批评教育",
    )
    job = run(admin, [HEADERS, [people["甲"].id_number, "甲", YEAR, "合格", None, None]])
    assert job.status == ImportJob.Status.INVALID
    assert "已有组织处置记录" in errors_of(job)[(2, "评定等次")]


def test_the_template_can_be_downloaded(client, admin):
    client.force_login(admin)
    assert get_spec("appraisal_results").title == "民主评议党员结果"
    response = client.get(reverse("imports:template", args=["appraisal_results"]))
    assert response.status_code == 200
