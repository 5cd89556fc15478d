"""The dues 一张表 imports: payments and standards, every bad row named, all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from zugong.accounts.models import Role
from zugong.conftest import held_on, make_member
from zugong.core.imports.runner import start_import
from zugong.core.models import ImportJob
from zugong.core.tests.test_imports import upload_file, xlsx_bytes
from zugong.dues.models import DuesCategory, DuesPayment, DuesStandard, Reduction
from zugong.dues.services import StandardInput, set_standard

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
Y, M = TODAY.year, TODAY.month


@pytest.fixture(autouse=True)
def _held_on_today():  # noqa: ANN202 - pytest fixture
    # TODAY is read once at import: the clock stays on that day for every test here.
    with held_on(TODAY):
        yield


PAY_HEADERS = ["公民身份号码", "姓名", "年度", "月份", "金额", "交纳日期", "代交人", "收据号"]
STD_HEADERS = [
    "公民身份号码",
    "姓名",
    "年度",
    "收入类别",
    "月收入基数",
    "少交/免交",
    "批准机关",
    "批准日期",
    "批准文号",
]


def run(user, spec: str, rows) -> ImportJob:
    return start_import(
        user=user, spec_name=spec, uploaded_file=upload_file("党费.xlsx", xlsx_bytes(rows))
    )


def messages(job: ImportJob) -> str:
    return " ".join(e["message"] for e in job.errors)


@pytest.fixture
def people(tree):
    a = make_member(tree.branch_a1, "张甲")
    b = make_member(tree.branch_a2a, "李乙")
    out = make_member(tree.branch_b1, "王丙")
    for m in (a, b, out):
        set_standard(
            actor=None,
            member=m,
            year=Y,
            data=StandardInput(category=DuesCategory.SALARIED, income_base=Decimal("4000")),
        )
    return a, b, out


def test_payments_import_writes_every_row(users, people):
    a, b, _ = people
    job = run(
        users[Role.COMMITTEE_ADMIN],
        "dues_payments",
        [
            PAY_HEADERS,
            [a.id_number, "张甲", Y, M, None, TODAY.isoformat(), "", "R1"],
            [b.id_number, "李乙", Y, M, "60", TODAY.isoformat(), "李家属", ""],
        ],
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    got = {p.member_id: p for p in DuesPayment.objects.all()}
    assert got[a.pk].amount == Decimal("40.00") and got[a.pk].receipt_number == "R1"
    assert got[b.pk].by_proxy and got[b.pk].proxy_name == "李家属"
    assert got[a.pk].history.get().history_change_reason == "一张表导入"


def test_bad_payment_rows_write_nothing(users, people):
    a, b, out = people
    set_standard(
        actor=None,
        member=a,
        year=Y - 1,
        data=StandardInput(category=DuesCategory.STUDENT),
    )
    job = run(
        users[Role.COMMITTEE_ADMIN],
        "dues_payments",
        [
            PAY_HEADERS,
            [b.id_number, "李乙", Y, M, "0", TODAY.isoformat(), "", ""],
            [out.id_number, "王丙", Y, M, None, TODAY.isoformat(), "", ""],
            [
                a.id_number,
                "张甲",
                Y - 1,
                1,
                None,
                TODAY.isoformat(),
                "",
                "",
            ],
            [b.id_number, "李四", Y, M, None, TODAY.isoformat(), "", ""],
        ],
    )
    assert job.status == ImportJob.Status.INVALID
    text = messages(job)
    assert "金额应大于0元" in text
    assert "您的管理范围内没有该号码的党员" in text
    assert "补交党费的时间一般不超过6个月" in text
    assert "与所填姓名不一致" in text
    assert not DuesPayment.objects.exists()


def test_duplicate_payment_in_db_and_in_sheet(users, people):
    a, _, _ = people
    row = [a.id_number, "张甲", Y, M, None, TODAY.isoformat(), "", ""]
    assert run(users[Role.COMMITTEE_ADMIN], "dues_payments", [PAY_HEADERS, row]).status == "done"
    job = run(users[Role.COMMITTEE_ADMIN], "dues_payments", [PAY_HEADERS, row, row])
    assert job.status == ImportJob.Status.INVALID
    assert "已登记过，不能重复登记" in messages(job)
    assert DuesPayment.objects.count() == 1


def test_standards_import_creates_and_updates(users, tree):
    a = make_member(tree.branch_a1, "张甲")
    b = make_member(tree.branch_a1, "李乙")
    user = users[Role.BRANCH_ADMIN]
    job = run(
        user,
        "dues_standards",
        [
            STD_HEADERS,
            [a.id_number, "张甲", Y, "在职", "5000.01", "", "", "", ""],
            [
                b.id_number,
                "李乙",
                Y,
                "离退休",
                "5000",
                "免交",
                "城关镇党委",
                TODAY.isoformat(),
                "城党〔2026〕2号",
            ],
        ],
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    got = {s.member_id: s for s in DuesStandard.objects.all()}
    assert got[a.pk].monthly_amount == Decimal("75.00")
    assert got[b.pk].reduction == Reduction.EXEMPT and got[b.pk].monthly_amount == 0
    job = run(
        user,
        "dues_standards",
        [STD_HEADERS, [a.id_number, "张甲", Y, "在职", "3000", "", "", "", ""]],
    )
    assert (job.status, job.updated_count) == ("done", 1)
    assert DuesStandard.objects.get(member=a).monthly_amount == Decimal("15.00")


def test_bad_standard_rows(users, tree):
    a = make_member(tree.branch_a1, "张甲")
    b = make_member(tree.branch_a1, "李乙")
    job = run(
        users[Role.BRANCH_ADMIN],
        "dues_standards",
        [
            STD_HEADERS,
            [a.id_number, "张甲", Y, "在职", "2000000", "", "", "", ""],
            [b.id_number, "李乙", Y, "在职", "4000", "少交", "", "", ""],
        ],
    )
    assert job.status == ImportJob.Status.INVALID
    text = messages(job)
    assert "超过合理上限" in text and "批准机关" in text
    assert not DuesStandard.objects.exists()
