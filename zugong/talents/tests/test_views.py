"""The pool and policy pages: filters, search, pagination, masking, exports, tabs with history,
forms writing through the services, the matching page, 人才底数 and flat query counts."""

from __future__ import annotations

import io
import itertools
from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from zugong.accounts.models import Role, SensitiveAccess
from zugong.conftest import assert_flat_queries, valid_id
from zugong.talents.models import ArchiveEntry, Grant, PolicyItem, Talent
from zugong.talents.tests import support

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def login(client, users, role=Role.TALENT_OFFICE):
    client.force_login(users[role])
    return users[role]


def sheet(response) -> list[list]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


@pytest.fixture
def pool(tree):
    return [
        support.talent(tree.branch_a1, "张医生", phone="13812345678"),
        support.talent(
            tree.town_a, "李农", category="rural_practical", tier="", field="种植", education="college",
            recruit_mode="cultivated",
        ),
        support.talent(tree.town_b, "王老师", category="young", tier="", field="教育"),
        support.talent(tree.other_branch, "邻县人才"),
    ]  # fmt: skip


def names(response) -> list[str]:
    return [t.name for t in response.context["page_obj"]]


def test_list_is_scoped_filtered_searched_and_masked(client, users, pool):
    login(client, users)
    url = reverse("talents:list")
    assert sorted(names(client.get(url))) == ["张医生", "李农", "王老师"]
    assert names(client.get(url, {"category": "rural_practical"})) == ["李农"]
    assert names(client.get(url, {"tier": "B"})) == ["张医生"]
    assert names(client.get(url, {"field": "教育"})) == ["王老师"]
    assert names(client.get(url, {"education": "college"})) == ["李农"]
    assert names(client.get(url, {"recruit_mode": "cultivated"})) == ["李农"]
    assert sorted(names(client.get(url, {"org": pool[1].org_id}))) == ["张医生", "李农"]
    assert names(client.get(url, {"q": "zys"})) == ["张医生"]
    assert names(client.get(url, {"q": "wanglao"})) == ["王老师"]
    assert names(client.get(url, {"q": pool[0].id_number[-4:]})) == ["张医生"]
    body = client.get(url).content.decode()
    assert pool[0].id_number not in body and "138****5678" in body
    # A township sees its own subtree only.
    login(client, users, Role.COMMITTEE_ADMIN)
    assert sorted(names(client.get(url))) == ["张医生", "李农"]


def test_export_is_unmasked_for_the_talent_office_and_masked_for_leaders(client, users, pool):
    login(client, users)
    rows = sheet(client.get(reverse("talents:list"), {"export": "xlsx", "q": "张医生"}))
    assert rows[0][:2] == ["姓名", "公民身份号码"] and rows[1][:2] == ["张医生", pool[0].id_number]
    login(client, users, Role.LEADER)
    rows = sheet(client.get(reverse("talents:list"), {"export": "xlsx", "q": "张医生"}))
    assert "*" in rows[1][1] and rows[1][16] == "138****5678"


def test_list_queries_stay_flat(client, users, tree, django_assert_max_num_queries):
    login(client, users)
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            support.talent(
                tree.branch_a1, f"人才{next(counter)}", id_number=valid_id(date(1990, 1, 1))
            )

    def rows(response) -> int:
        return response.content.decode().count('data-testid="talent-row"')

    assert_flat_queries(client, reverse("talents:list"), grow, rows, django_assert_max_num_queries)


@freeze_time(TODAY)
def test_create_edit_and_history_through_the_pages(client, users, tree):
    login(client, users)
    number = valid_id(date(1985, 2, 3))
    form = {
        "name": "赵工",
        "id_number": number,
        "org": tree.town_a.pk,
        "category": "high_level",
        "tier": "C",
        "field": "装备制造",
        "status": "active",
        "arrived_on": "2024-01-02",
    }
    response = client.post(reverse("talents:create"), form)
    talent = Talent.objects.get(id_number=number)
    assert response.status_code == 302 and talent.tier == "C"
    form["version"] = talent.version
    response = client.post(reverse("talents:edit", args=[talent.pk]), dict(form, tier=""))
    assert response.status_code == 400
    assert "须按本地分类目录选择层次" in response.content.decode()
    client.post(reverse("talents:edit", args=[talent.pk]), dict(form, employer="县机械厂"))
    page = client.get(reverse("talents:detail", args=[talent.pk]), {"tab": "history"})
    assert "工作单位" in page.content.decode() and "县机械厂" in page.content.decode()
    info = client.get(reverse("talents:detail", args=[talent.pk]))
    assert number in info.content.decode()
    assert SensitiveAccess.objects.filter(subject_type="talent", subject_id=talent.pk).exists()
    login(client, users, Role.LEADER)
    assert number not in client.get(reverse("talents:detail", args=[talent.pk])).content.decode()


@freeze_time(TODAY)
def test_archive_entries_are_dated_and_listed(client, users, tree):
    login(client, users)
    t = support.talent(tree.branch_a1)
    url = reverse("talents:entry_add", args=[t.pk])
    bad = client.post(url, {"kind": "award", "occurred_on": "2026-06-02", "title": "奖"})
    assert bad.status_code == 400 and "不能晚于今天" in bad.content.decode()
    client.post(
        url,
        {"kind": "evaluation", "occurred_on": "2025-12-20", "title": "年度考核", "result": "优秀"},
    )
    client.post(url, {"kind": "project", "occurred_on": "2024-05-01", "title": "省级科技项目"})
    page = client.get(reverse("talents:detail", args=[t.pk]), {"tab": "archive"})
    assert [e.title for e in page.context["entries"]] == ["年度考核", "省级科技项目"]


@freeze_time(TODAY)
def test_an_archive_entry_is_corrected_or_deleted_and_keeps_its_history(client, users, tree):
    login(client, users)
    t = support.talent(tree.branch_a1)
    entry = ArchiveEntry.objects.create(
        talent=t, kind="award", occurred_on=date(2025, 5, 1), title="县优秀人才"
    )
    edit = reverse("talents:entry_edit", args=[entry.pk])
    assert client.get(edit).context["form"].initial["title"] == "县优秀人才"
    bad = client.post(edit, {"kind": "award", "occurred_on": "2026-07-01", "title": "市优秀人才"})
    assert bad.status_code == 400 and "不能晚于今天" in bad.content.decode()
    entry.refresh_from_db()
    assert entry.title == "县优秀人才"
    ok = client.post(edit, {"kind": "award", "occurred_on": "2025-05-01", "title": "市优秀人才"})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "市优秀人才"
    assert [h.title for h in entry.history.all()] == ["市优秀人才", "县优秀人才"]
    assert entry.history.first().history_change_reason == "修改发展档案"

    delete = reverse("talents:entry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 405 and ArchiveEntry.objects.exists()
    assert client.post(delete).status_code == 302
    assert not ArchiveEntry.objects.exists()
    assert ArchiveEntry.history.filter(id=entry.pk, history_type="-").exists()


def test_a_reader_cannot_change_the_archive(client, users, tree):
    t = support.talent(tree.branch_a1)
    entry = ArchiveEntry.objects.create(
        talent=t, kind="award", occurred_on=date(2025, 5, 1), title="县优秀人才"
    )
    login(client, users, Role.LEADER)
    assert client.post(reverse("talents:entry_delete", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("talents:entry_edit", args=[entry.pk]),
        {"kind": "award", "occurred_on": "2025-05-01", "title": "改"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.title == "县优秀人才"


@freeze_time(TODAY)
def test_granting_an_ineligible_item_shows_the_condition_and_writes_nothing(client, users, tree):
    login(client, users)
    p = support.policy(tree.county)
    item = support.item(p, "安家补贴", {"categories": ["high_level"], "tiers": ["A"]})
    t = support.talent(tree.branch_a1, tier="B")
    response = client.post(
        reverse("talents:grant_add", args=[t.pk]), {"item": item.pk, "granted_on": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "不符合享受条件“人才层次”：限A类" in response.content.decode()
    assert not Grant.objects.exists()
    ok = support.item(p, "医疗绿色通道", {"categories": ["high_level"]}, kind="service", amount=0)
    response = client.post(
        reverse("talents:grant_add", args=[t.pk]), {"item": ok.pk, "granted_on": "2026-05-01"}
    )
    assert response.status_code == 302 and Grant.objects.get().item == ok


@freeze_time(TODAY)
def test_matching_lists_the_eligible_and_the_broken(client, users, tree):
    office = login(client, users)
    p = support.policy(tree.county)
    living = support.item(p, "生活补贴", {"categories": ["high_level"], "max_years_in_county": 3})
    young = support.item(p, "青年补贴", {"categories": ["young"]})
    newcomer = support.talent(tree.branch_a1, "新人", arrived_on=date(2025, 1, 1))
    veteran = support.talent(tree.branch_a1, "老人", arrived_on=date(2020, 1, 1))
    support.grant(veteran, living, office, on=date(2021, 1, 1))
    youth = support.talent(tree.town_b, "青年", category="young", tier="")
    response = client.get(reverse("talents:matching"))
    eligible = {(r.talent.name, r.item.name) for r in response.context["result"].eligible}
    assert eligible == {("新人", "生活补贴"), ("青年", "青年补贴")}
    broken = response.context["result"].broken
    assert [(r.talent.name, r.item.name) for r in broken] == [("老人", "生活补贴")]
    assert "来县年限（上限）" in broken[0].reasons[0]
    assert {
        r.talent.name
        for r in client.get(reverse("talents:matching"), {"item": young.pk})
        .context["result"]
        .eligible
    } == {"青年"}
    rows = sheet(client.get(reverse("talents:matching"), {"export": "xlsx"}))
    assert rows[0][0] == "结论" and len(rows) == 4
    page = client.get(reverse("talents:matching"), {"tab": "broken"}).content.decode()
    assert reverse("talents:grant_stop", args=[veteran.grants.get().pk]) in page
    assert newcomer and youth


@freeze_time(TODAY)
def test_statistics_count_the_pool_by_every_dimension(client, users, tree, pool):
    login(client, users)
    response = client.get(reverse("talents:statistics"))
    stats = response.context["stats"]
    assert stats.total == 3
    sections = {s.key: {r.label: r.count for r in s.rows} for s in stats.sections}
    assert sections["category"]["高层次人才"] == 1 and sections["category"]["青年人才"] == 1
    assert sections["tier"]["B类（国家级领军人才）"] == 1
    assert (
        sections["township"] == {"城关镇党委": 2, "河口镇党委": 1}
        or sum(sections["township"].values()) == 3
    )
    assert sections["age"]["36至45岁"] == 3  # born 1988-05-12: 38 on 2026-06-01
    assert sections["education"]["大学专科"] == 1
    this_year = stats.trend[-1]
    assert (this_year.year, this_year.total) == (2026, 3)
    assert [t.arrived for t in stats.trend if t.year == 2024] == [3]
    rows = sheet(client.get(reverse("talents:statistics"), {"export": "xlsx"}))
    assert rows[0] == ["统计维度", "项目", "人数", "占比（%）"]
    assert ["按人才类别", "合计", 3, 100] in rows
    assert 'id="chart-category"' in response.content.decode()


@freeze_time(TODAY)
def test_policy_and_item_forms_store_eligibility_as_data(client, users, tree):
    login(client, users)
    response = client.post(
        reverse("talents:policy_create"),
        {
            "title": "县人才新政",
            "issued_on": "2026-01-05",
            "effective_from": "2026-02-01",
            "org": tree.county.pk,
        },
    )
    assert response.status_code == 302
    policy = tree.county.talent_policies.get()
    response = client.post(
        reverse("talents:item_create", args=[policy.pk]),
        {
            "code": "settle",
            "name": "安家补贴",
            "kind": "money",
            "amount": "200000",
            "is_active": "on",
            "categories": ["high_level"],
            "tiers": ["A", "B"],
            "fields_list": "医疗卫生、教育",
            "max_years_in_county": "5",
        },
    )
    assert response.status_code == 302
    item = PolicyItem.objects.get()
    assert item.eligibility == {
        "categories": ["high_level"],
        "tiers": ["A", "B"],
        "fields": ["医疗卫生", "教育"],
        "max_years_in_county": 5,
    }
    page = client.get(reverse("talents:policy_detail", args=[policy.pk])).content.decode()
    assert "来县不满5年" in page and "人才层次：A类" in page
    bad = client.post(
        reverse("talents:item_edit", args=[item.pk]),
        {"code": "settle", "name": "安家补贴", "kind": "money", "amount": "1",
         "categories": ["young"], "tiers": ["A"]},
    )  # fmt: skip
    assert bad.status_code == 400 and "只有高层次人才分层次" in bad.content.decode()


@freeze_time(TODAY)
def test_grant_list_filters_and_exports(client, users, tree):
    office = login(client, users)
    p = support.policy(tree.county)
    a, b = support.item(p, "甲"), support.item(p, "乙")
    t = support.talent(tree.branch_a1)
    support.grant(t, a, office, on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    support.grant(t, b, office, on=date(2026, 1, 1))
    url = reverse("talents:grant_list")
    assert len(client.get(url).context["page_obj"]) == 2
    assert [g.item.name for g in client.get(url, {"current": "yes"}).context["page_obj"]] == ["乙"]
    assert [g.item.name for g in client.get(url, {"item": a.pk}).context["page_obj"]] == ["甲"]
    rows = sheet(client.get(url, {"export": "xlsx"}))
    assert rows[0][5] == "政策事项" and len(rows) == 3


def test_statistics_of_an_area_outside_the_scope_show_nothing(client, users, tree, pool):
    login(client, users, Role.COMMITTEE_ADMIN)
    stats = client.get(reverse("talents:statistics"), {"org": tree.town_b.pk}).context["stats"]
    assert stats.total == 0 and stats.area is None
    labels = [r.label for s in stats.sections if s.key == "township" for r in s.rows]
    assert "东关街道" not in labels
