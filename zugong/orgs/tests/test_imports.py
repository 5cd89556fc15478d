"""The organization 一张表 import: parents first, hierarchy and scope rules, updates by code, no moves."""

from __future__ import annotations

import pytest

from zugong.accounts.models import Role
from zugong.core.imports.runner import start_import
from zugong.core.models import ImportJob
from zugong.core.tests.test_imports import upload_file, xlsx_bytes
from zugong.orgs.models import Organization, OrgKind, OrgRollup
from zugong.orgs.services import create_org
from zugong.orgs.tests.test_services import assert_rollups_true

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    # Uploaded sheets and marked sheets are stored files: keep them out of var/.
    settings.MEDIA_ROOT = tmp_path / "media"


HEADERS = ["组织名称", "组织编码", "上级组织编码", "组织层级", "党组织类别", "成立日期", "联系电话"]


@pytest.fixture
def admin(users):
    # Scope: 城关镇党委 (TA) and below.
    return users[Role.COMMITTEE_ADMIN]


def run(user, rows: list[list[object]]) -> ImportJob:
    return start_import(
        user=user, spec_name="orgs", uploaded_file=upload_file("组织.xlsx", xlsx_bytes(rows))
    )


def errors_of(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def test_new_organizations_are_created_parents_first(tree, admin):
    rows = [
        HEADERS,
        # The child comes before its parent in the sheet.
        ["西村第一党支部", "N11", "N1", "支部", "农村（行政村）", "2021-05-04", "0571-1234567"],
        ["西村党总支", "N1", "TA", "总支", "01", "2020/7/1", None],
        ["西村第一党支部第一党小组", "N111", "N11", "党小组", None, None, None],
    ]
    job = run(admin, rows)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == 3
    general = Organization.objects.get(code="N1")
    branch = Organization.objects.get(code="N11")
    group = Organization.objects.get(code="N111")
    assert general.parent_id == tree.town_a.pk and general.kind == OrgKind.GENERAL_BRANCH
    assert branch.parent_id == general.pk and branch.kind == OrgKind.BRANCH
    assert group.parent_id == branch.pk and group.path.startswith(branch.path)
    assert branch.category.code == "01" and branch.founded_on.isoformat() == "2021-05-04"
    assert branch.contact_phone == "0571-1234567"
    assert OrgRollup.objects.get(org=tree.town_a).branches_total == 3
    assert_rollups_true()


def test_parent_by_name_and_reimport_updates(tree, admin):
    headers = ["组织名称", "组织编码", "上级组织名称", "组织层级", "联系人"]
    rows = [headers, ["南村党支部", "S1", "城关镇党委", "党支部", "张三"]]
    assert run(admin, rows).created_count == 1
    same = run(admin, rows)
    assert (same.created_count, same.updated_count) == (0, 0) and "1条与系统中一致" in same.message
    rows[1][4] = "李四"
    changed = run(admin, rows)
    assert (changed.created_count, changed.updated_count) == (0, 1)
    south = Organization.objects.get(code="S1")
    assert south.contact_person == "李四"
    assert south.history.first().history_change_reason == "一张表导入"
    assert Organization.objects.filter(code="S1").count() == 1


def test_moving_or_changing_the_level_by_import_is_refused(tree, admin):
    rows = [
        HEADERS,
        ["城关镇东村党支部", "A1", "A2", "党支部", None, None, None],
        ["城关镇机关党总支", "A2", "TA", "党支部", None, None, None],
    ]
    job = run(admin, rows)
    errors = errors_of(job)
    assert (
        "不能通过导入调整上级组织（现为“城关镇党委”），请到组织树页面移动"
        in errors[(2, "上级组织编码")]
    )
    assert "不能通过导入修改层级" in errors[(3, "组织层级")]
    assert Organization.objects.get(code="A1").parent_id == tree.town_a.pk


def test_parents_outside_the_scope_and_foreign_codes_are_refused(tree, admin):
    rows = [
        HEADERS,
        ["街道新党支部", "N1", "TB", "党支部", None, None, None],
        ["冒名党支部", "X1", "TA", "党支部", None, None, None],
        ["无上级党支部", "N2", None, "党支部", None, None, None],
    ]
    errors = errors_of(run(admin, rows))
    assert errors[(2, "上级组织编码")] == "上级组织编码：组织编码“TB”不存在或不在您的管理范围内"
    assert "已被您管理范围以外的组织使用" in errors[(3, "组织编码")]
    assert "新建组织必须填写上级组织编码或上级组织名称" in errors[(4, "上级组织编码")]
    assert not Organization.objects.filter(code__in=["N1", "N2"]).exists()


def test_hierarchy_rules_duplicates_and_cycles(tree, admin):
    rows = [
        HEADERS,
        ["支部下的支部", "N1", "A1", "党支部", None, None, None],
        ["甲", "N2", "N3", "党总支", None, None, None],
        ["乙", "N3", "N2", "党总支", None, None, None],
        ["重复一", "N4", "TA", "党支部", None, None, None],
        ["重复二", "N4", "TA", "党支部", None, None, None],
        ["错层级", "N5", "TA", "某某委", None, None, None],
    ]
    errors = errors_of(run(admin, rows))
    assert errors[(2, "组织层级")] == (
        "组织层级：上级“城关镇东村党支部”是党支部，其下只能设立党小组，不能设立党支部"
    )
    assert (
        "形成了循环" in errors[(3, "上级组织编码")] and "形成了循环" in errors[(4, "上级组织编码")]
    )
    assert errors[(5, "组织编码")] == "组织编码：与第6行重复，每个组织只能出现一次"
    assert "“某某委”不是可选值" in errors[(7, "组织层级")]
    assert Organization.objects.count() == 9


def test_ambiguous_parent_names_ask_for_the_code(tree, admin):
    create_org(
        actor=None, parent=tree.general_a2, name="城关镇东村党支部", code="A2B", kind="branch"
    )
    headers = ["组织名称", "组织编码", "上级组织名称", "组织层级"]
    job = run(admin, [headers, ["第一党小组", "G1", "城关镇东村党支部", "党小组"]])
    assert (
        "有2个名为“城关镇东村党支部”的组织，请改填上级组织编码"
        in errors_of(job)[(2, "上级组织名称")]
    )


def test_a_failure_while_writing_creates_nothing(tree, admin, monkeypatch):
    def fail(orgs):
        raise RuntimeError("boom")

    monkeypatch.setattr("zugong.orgs.imports.refresh_org_findings", fail)
    before = Organization.objects.count()
    job = run(
        admin,
        [
            HEADERS,
            ["新党总支", "N1", "TA", "党总支", None, None, None],
            ["新党支部", "N2", "N1", "党支部", None, None, None],
        ],
    )
    assert job.status == ImportJob.Status.FAILED and "已全部撤销" in job.message
    assert Organization.objects.count() == before
    assert_rollups_true()
