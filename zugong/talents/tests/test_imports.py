"""The 人才库 import: Chinese header aliases, update by 公民身份号码, every bad cell reported,
all-or-nothing, scope and role."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from zugong.accounts.models import Role
from zugong.conftest import valid_id
from zugong.core.imports.runner import start_import
from zugong.core.models import ImportJob
from zugong.core.tests.test_imports import upload_file, xlsx_bytes
from zugong.talents.models import Talent
from zugong.talents.tests import support

pytestmark = pytest.mark.django_db

# The headers of a typical existing 人才库 sheet (aliases, not the template's own).
HEADERS = ["序号", "人才姓名", "身份证号", "人才类型", "人才层次", "行业领域", "单位", "学历", "引进方式", "引进时间", "所属乡镇", "联系电话"]  # fmt: skip


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(n, name, number, category="高层次人才", tier="B类", org="城关镇党委", **kw):
    values = [n, name, number, category, tier, "医疗卫生", "县人民医院", "硕士", "引进", "2023-05-01", org, "13900001111"]  # fmt: skip
    for index, value in kw.items():
        values[int(index.removeprefix("c"))] = value
    return values


def run(user, rows) -> ImportJob:
    return start_import(
        user=user, spec_name="talents", uploaded_file=upload_file("人才库.xlsx", xlsx_bytes(rows))
    )


@freeze_time(date(2026, 6, 1))
def test_a_good_sheet_with_aliases_creates_then_updates(tree, users):
    office = users[Role.TALENT_OFFICE]
    a, b = valid_id(date(1980, 1, 2)), valid_id(date(1995, 3, 4), male=False)
    job = run(office, [HEADERS, row(1, "单雄信", a), row(2, "李红", b, "青年人才", "", "A1")])
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (2, 0)
    shan = Talent.objects.get(id_number=a)
    assert (shan.tier, shan.education, shan.recruit_mode, shan.org, shan.name_pinyin) == (
        "B",
        "master",
        "introduced",
        tree.town_a,
        "shanxiongxin",
    )
    assert shan.history.get().history_change_reason == "一张表导入"
    assert Talent.objects.get(id_number=b).org == tree.branch_a1
    job = run(office, [HEADERS, row(1, "单雄信", a, c6="县中医院")])
    assert (job.status, job.created_count, job.updated_count) == (ImportJob.Status.DONE, 0, 1)
    shan.refresh_from_db()
    assert shan.employer == "县中医院" and Talent.objects.count() == 2


@freeze_time(date(2026, 6, 1))
def test_every_bad_cell_is_reported_and_nothing_is_written(tree, users):
    office = users[Role.TALENT_OFFICE]
    good = valid_id(date(1980, 1, 2))
    right = valid_id(date(1981, 1, 1))
    bad_check = right[:17] + ("0" if right[17] != "0" else "1")
    rows = [
        HEADERS,
        row(1, "好人", good),
        row(2, "校验错", bad_check),
        row(3, "缺层次", valid_id(date(1982, 1, 1)), tier=""),
        row(4, "多层次", valid_id(date(1983, 1, 1)), "农村实用人才", "A"),
        row(5, "外县", valid_id(date(1984, 1, 1)), org="邻县某村党支部"),
        row(6, "重复", good),
        row(7, "未来", valid_id(date(1985, 1, 1)), c9="2027-01-01"),
        row(8, "错类别", valid_id(date(1986, 1, 1)), "明星"),
    ]
    job = run(office, rows)
    assert job.status == ImportJob.Status.INVALID
    errors = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "校验位不正确" in errors[(3, "公民身份号码")]
    assert "须按本地分类目录选择层次" in errors[(4, "层次")]
    assert "只有高层次人才分层次" in errors[(5, "层次")]
    assert "没有编码或名称为“邻县某村党支部”" in errors[(6, "所属乡镇（系统）")]
    assert "与第2行重复" in errors[(7, "公民身份号码")]
    assert "晚于今天" in errors[(8, "来县（入库）日期")]
    assert "不是可选值" in errors[(9, "人才类别")]
    assert not Talent.objects.exists()


@freeze_time(date(2026, 6, 1))
def test_scope_and_role_are_enforced(tree, users):
    outsider = support.talent(tree.other_branch, "邻县人")
    committee = users[Role.COMMITTEE_ADMIN]
    job = run(committee, [HEADERS, row(1, "某人", valid_id(date(1980, 1, 2)))])
    assert job.status == ImportJob.Status.INVALID
    assert "只有人才办、组织部管理员可以导入人才库" in job.errors[0]["message"]
    job = run(users[Role.TALENT_OFFICE], [HEADERS, row(1, "邻县人", outsider.id_number)])
    assert "管理范围以外" in job.errors[0]["message"]


@freeze_time(date(2026, 6, 1))
def test_the_import_pages(client, users, tree):
    client.force_login(users[Role.TALENT_OFFICE])
    template = client.get(reverse("talents:import_template"))
    assert template.status_code == 200
    content = xlsx_bytes([HEADERS, row(1, "单雄信", valid_id(date(1980, 1, 2)), tier="Z")])
    response = client.post(reverse("talents:import"), {"file": upload_file("人才库.xlsx", content)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/jobs/{job.pk}/")
    page = client.get(reverse("talents:import_job", args=[job.pk])).content.decode()
    assert "不在本地高层次人才分类目录中" in page
    assert client.get(reverse("talents:import_errors", args=[job.pk])).status_code == 200
