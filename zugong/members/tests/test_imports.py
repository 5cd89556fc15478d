"""The member 一张表 import: create, update by 公民身份号码, every row rule, scope, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from zugong.accounts.models import Role
from zugong.conftest import make_member, valid_id
from zugong.core.ids import upgrade_15_to_18
from zugong.core.imports.runner import start_import
from zugong.core.models import Finding, ImportJob
from zugong.core.tests.test_imports import MEMBER_HEADERS, member_row, upload_file, xlsx_bytes
from zugong.members.imports import Deriver
from zugong.members.models import Member, MemberType
from zugong.members.services import derive_fields
from zugong.orgs.models import OrgRollup
from zugong.orgs.services import create_org
from zugong.orgs.tests.test_services import assert_rollups_true

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    # Uploaded sheets and marked sheets are stored files: keep them out of var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(users):
    # Scope: 城关镇党委 (branches A1 and A2A); B1 and X1 are outside.
    return users[Role.COMMITTEE_ADMIN]


def run(user, rows: list[list[object]], name: str = "党员.xlsx") -> ImportJob:
    return start_import(
        user=user, spec_name="members", uploaded_file=upload_file(name, xlsx_bytes(rows))
    )


def errors_of(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def test_a_good_sheet_creates_members_with_history_rollups_and_findings(tree, admin):
    rows = [
        MEMBER_HEADERS,
        member_row("单雄信"),
        member_row("李红", "A2A", male=False),
        member_row("王五", 党员类别="预备党员", 入党日期="2024-03-01", 转正日期=None),
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.DONE, job.message
    assert (job.created_count, job.updated_count) == (3, 0)
    assert "新增3条" in job.message
    shan = Member.objects.get(name="单雄信")
    assert (shan.name_pinyin, shan.name_initials, shan.org_path) == (
        "shanxiongxin",
        "sxx",
        tree.branch_a1.path,
    )
    assert shan.ethnicity.name == "汉族" and shan.birth_date == date(1985, 3, 7)
    record = shan.history.get()
    assert record.history_type == "+" and record.history_change_reason == "一张表导入"
    assert record.history_user == admin
    rollup = OrgRollup.objects.get(org=tree.town_a)
    assert (rollup.members_total, rollup.female_total, rollup.probationary_total) == (3, 1, 1)
    assert_rollups_true()
    wang = Member.objects.get(name="王五")
    assert Finding.objects.filter(
        subject_type="member", subject_id=wang.pk, rule_id="member.probation_overdue"
    ).exists()


def test_the_same_sheet_again_updates_instead_of_duplicating(tree, admin):
    rows = [MEMBER_HEADERS, member_row("张三"), member_row("李四"), member_row("王五")]
    first = run(admin, rows)
    assert first.created_count == 3
    again = run(admin, rows)
    assert again.status == ImportJob.Status.DONE
    assert (again.created_count, again.updated_count) == (0, 0)
    assert "3条与系统中一致" in again.message
    assert Member.objects.count() == 3

    rows[1][MEMBER_HEADERS.index("手机号")] = "13900000000"
    rows[2][MEMBER_HEADERS.index("所在党支部编码")] = "A2A"
    changed = run(admin, rows)
    assert (changed.created_count, changed.updated_count) == (0, 2)
    assert Member.objects.count() == 3
    zhang = Member.objects.get(name="张三")
    assert zhang.phone == "13900000000"
    latest = zhang.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == "一张表导入"
    li = Member.objects.get(name="李四")
    assert li.org_id == tree.branch_a2a.pk and li.org_path == tree.branch_a2a.path
    assert OrgRollup.objects.get(org=tree.branch_a1).members_direct == 2
    assert_rollups_true()


def test_empty_cells_keep_what_the_register_has(tree, admin):
    row = member_row("张三", 手机号="13700000000")
    run(admin, [MEMBER_HEADERS, row])
    row[MEMBER_HEADERS.index("手机号")] = row[MEMBER_HEADERS.index("民族")] = None
    assert run(admin, [MEMBER_HEADERS, row]).updated_count == 0
    zhang = Member.objects.get()
    assert zhang.phone == "13700000000" and zhang.ethnicity.name == "汉族"


def test_aliases_spellings_and_branch_by_name(tree, admin):
    headers = [
        "序号",
        "姓名*",
        "性别",
        "民族",
        "身份证号码",
        "入党时间",
        "转为正式党员日期",
        "党籍状态（正式党员或预备党员）",
        "所在党支部",
        "手机号码",
        "人员类别/工作岗位",
        "学历",
        "家庭住址",
    ]
    old = "330102850307123"  # a 15-digit number, upgraded to 18 digits
    rows = [
        headers,
        [
            1,
            "张三",
            "1",
            "汉",
            old,
            "2010.7.1",
            "2011年7月1日",
            "正式",
            "城关镇东村党支部",
            "138 0000 0000",
            "0501",
            "21",
            "城关镇",
        ],
        [
            2,
            "李红",
            "女",
            "01",
            valid_id(date(1990, 1, 2), male=False),
            "20150102",
            None,
            "预备党员",
            "城关镇机关第一党支部",
            None,
            "公务员",
            "本科",
            None,
        ],
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert "序号" in job.message  # an unknown column is named as ignored
    zhang = Member.objects.get(name="张三")
    assert zhang.id_number == upgrade_15_to_18(old)
    assert zhang.birth_date == date(1985, 3, 7)
    assert zhang.joined_on == date(2010, 7, 1) and zhang.confirmed_on == date(2011, 7, 1)
    assert (
        zhang.phone == "13800000000"
        and zhang.job_category.code == "0501"
        and zhang.education.code == "21"
    )
    assert zhang.org_id == tree.branch_a1.pk and zhang.address == "城关镇"
    li = Member.objects.get(name="李红")
    assert li.member_type == MemberType.PROBATIONARY and li.org_id == tree.branch_a2a.pk
    assert li.gender.code == "2" and li.ethnicity.code == "01"


def test_every_bad_cell_is_reported_and_nothing_is_written(tree, admin):
    young = valid_id(date(2000, 6, 1))
    rows = [
        MEMBER_HEADERS,
        member_row("张三"),  # good, but must not be written either
        member_row("李四", 性别="女"),
        member_row("王五", 公民身份号码=young, 入党日期="2018-01-01", 转正日期="2019-01-01"),
        member_row("赵六", 党员类别="预备党员"),
        member_row("钱七", 转正日期="2009-01-01"),
        member_row("孙八", 手机号="1380000", 民族="火星族"),
        member_row(None, 入党日期="2099-01-01"),
        member_row("周九", 公民身份号码="12345"),
        member_row("吴十", 党员类别="积极分子"),
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.INVALID
    assert Member.objects.count() == 0
    errors = errors_of(job)
    assert "与公民身份号码第17位表示的“男”不一致" in errors[(3, "性别")]
    assert "未满十八周岁" in errors[(4, "入党日期")]
    assert "预备党员不应填写转正日期" in errors[(5, "转正日期")]
    assert "应晚于入党日期" in errors[(6, "转正日期")]
    assert errors[(7, "手机号")] == "手机号：应为以1开头的11位数字"
    assert errors[(7, "民族")].startswith("民族：“火星族”不在字典中")
    assert errors[(8, "姓名")] == "姓名：必须填写"
    assert "晚于今天" in errors[(8, "入党日期")]
    assert errors[(9, "公民身份号码")].startswith("公民身份号码：应为18位")
    assert "“积极分子”不是可选值" in errors[(10, "党员类别")]
    assert not any(row == 2 for row, _ in errors)
    shown = next(e for e in job.errors if (e["row"], e["column"]) == (7, "手机号"))
    assert shown["value"] == "1380000"


def test_birth_date_must_agree_with_the_id(tree, admin):
    headers = [*MEMBER_HEADERS, "出生日期"]
    job = run(admin, [headers, [*member_row("张三"), "1985-03-08"]])
    assert "与公民身份号码中的出生日期1985-03-07不一致" in errors_of(job)[(2, "出生日期")]


def test_an_id_typed_as_a_number_is_explained(tree, admin):
    job = run(admin, [MEMBER_HEADERS, member_row("张三", 公民身份号码=330102198503071234)])
    assert "文本格式" in errors_of(job)[(2, "公民身份号码")]


def test_branches_outside_the_scope_or_not_branches_are_refused(tree, admin):
    rows = [
        MEMBER_HEADERS,
        member_row("张三", "B1"),
        member_row("李四", "X1"),
        member_row("王五", "A2"),
        member_row("赵六", "NOPE"),
        member_row("钱七", None),
    ]
    errors = errors_of(run(admin, rows))
    assert errors[(2, "所在党支部编码")] == "所在党支部编码：组织编码“B1”不存在或不在您的管理范围内"
    assert "不在您的管理范围内" in errors[(3, "所在党支部编码")]
    assert "是党总支，党员只能编入党支部" in errors[(4, "所在党支部编码")]
    assert "不存在" in errors[(5, "所在党支部编码")]
    assert "至少填写一项" in errors[(6, "所在党支部编码")]
    assert Member.objects.count() == 0


def test_ambiguous_branch_names_ask_for_the_code(tree, admin):
    create_org(
        actor=None, parent=tree.general_a2, name="城关镇东村党支部", code="A2B", kind="branch"
    )
    headers = [h if h != "所在党支部编码" else "所在党支部" for h in MEMBER_HEADERS]
    job = run(admin, [headers, member_row("张三", "城关镇东村党支部")])
    assert (
        "有2个名为“城关镇东村党支部”的党支部，请改填所在党支部编码"
        in errors_of(job)[(2, "所在党支部")]
    )


def test_someone_registered_elsewhere_is_refused(tree, admin):
    elsewhere = make_member(tree.branch_b1, "外人")
    job = run(admin, [MEMBER_HEADERS, member_row("外人", 公民身份号码=elsewhere.id_number)])
    assert job.status == ImportJob.Status.INVALID
    assert (
        errors_of(job)[(2, "公民身份号码")]
        == "公民身份号码：该公民身份号码已在其他党组织登记，请走组织关系转接"
    )
    elsewhere.refresh_from_db()
    assert elsewhere.org_id == tree.branch_b1.pk and Member.objects.count() == 1


def test_the_same_person_twice_and_duplicate_records_are_refused(tree, admin):
    twice = valid_id(date(1980, 1, 1))
    first = make_member(tree.branch_a1, "甲")
    make_member(tree.branch_a1, "甲二", id_number=first.id_number)
    rows = [
        MEMBER_HEADERS,
        member_row("张三", 公民身份号码=twice),
        member_row("张三", 公民身份号码=twice),
        member_row("甲", 公民身份号码=first.id_number),
    ]
    errors = errors_of(run(admin, rows))
    assert errors[(2, "公民身份号码")] == "公民身份号码：与第3行重复，同一人只能出现一次"
    assert errors[(3, "公民身份号码")] == "公民身份号码：与第2行重复，同一人只能出现一次"
    assert "系统中已有2条该号码的记录" in errors[(4, "公民身份号码")]


def test_a_failure_while_writing_rolls_everything_back(tree, admin, monkeypatch):
    existing = make_member(tree.branch_a1, "老党员", phone="13700000000")
    history_before = Member.history.count()
    findings_before = Finding.objects.count()
    monkeypatch.setattr("zugong.members.imports.BATCH", 2)
    calls = []

    def refresh_then_fail(subject_type, subjects, ctx=None):
        # The first batch of members is saved; the failure comes afterwards.
        calls.append(len(subjects))
        if len(calls) == 2:
            assert Member.objects.count() == 3
            raise RuntimeError("disk full")

    monkeypatch.setattr("zugong.members.imports.refresh_findings", refresh_then_fail)
    rows = [
        MEMBER_HEADERS,
        member_row("张三"),
        member_row("李四"),
        member_row("王五"),
        member_row("老党员", 公民身份号码=existing.id_number, 手机号="13900000000"),
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.FAILED
    assert "已全部撤销，没有写入任何数据" in job.message
    assert list(Member.objects.values_list("name", flat=True)) == ["老党员"]
    existing.refresh_from_db()
    assert existing.phone == "13700000000"
    assert Member.history.count() == history_before and Finding.objects.count() == findings_before
    assert_rollups_true()


def test_a_failure_in_the_update_step_rolls_back_the_created_members(tree, admin, monkeypatch):
    existing = make_member(tree.branch_a1, "老党员")

    def broken(*args, **kwargs):
        raise RuntimeError("lost connection")

    monkeypatch.setattr("zugong.members.imports.bulk_update_with_history", broken)
    job = run(
        admin,
        [
            MEMBER_HEADERS,
            member_row("张三"),
            member_row("老党员", 公民身份号码=existing.id_number, 手机号="13900000000"),
        ],
    )
    assert job.status == ImportJob.Status.FAILED
    assert Member.objects.count() == 1


def test_deriver_matches_derive_fields(tree):
    # The import's Deriver reuses a name's pinyin; everything else must equal derive_fields.
    derive = Deriver()
    derived = ("name_pinyin", "name_initials", "id_number_reversed", "org_path", "completeness")
    for name, org in (
        ("单雄信", tree.branch_a1),
        ("单雄信", tree.branch_a2a),
        ("欧阳修", tree.branch_a1),
    ):
        fields = {
            "name": name,
            "id_number": valid_id(date(1980, 1, 1)),
            "birth_date": date(1980, 1, 1),
            "member_type": MemberType.FULL,
            "phone": "13800000000" if org == tree.branch_a2a else "",
            "org": org,
        }
        fast, reference = Member(**fields), Member(**fields)
        derive(fast)
        derive_fields(reference)
        assert [getattr(fast, f) for f in derived] == [getattr(reference, f) for f in derived]
    assert len(derive.names) == 2


def test_an_import_dates_new_records_and_changes_by_its_day(tree, admin):
    from zugong.stats.models import MemberPeriod, PeriodSource

    rows = [MEMBER_HEADERS, member_row("张三"), member_row("李四")]
    with freeze_time("2025-03-01 10:00"):
        run(admin, rows)
    rows[2][MEMBER_HEADERS.index("所在党支部编码")] = "A2A"
    with freeze_time("2025-09-01 10:00"):
        run(admin, rows)
    li = Member.objects.get(name="李四")
    periods = list(MemberPeriod.objects.filter(member=li).order_by("valid_from"))
    assert [(p.valid_from, p.valid_to, p.org_id, p.source) for p in periods] == [
        (date(2025, 3, 1), date(2025, 9, 1), tree.branch_a1.pk, PeriodSource.IMPORT),
        (date(2025, 9, 1), None, tree.branch_a2a.pk, PeriodSource.IMPORT),
    ]
    zhang = Member.objects.get(name="张三")
    assert MemberPeriod.objects.filter(member=zhang).count() == 1
