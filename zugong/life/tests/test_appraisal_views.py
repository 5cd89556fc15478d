"""民主评议党员 pages: list with filters and export, create, the record's tabs, bulk grading,
closing and reopening, one member's results, 组织处置, the 第八表 report; query-count guards."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zugong.conftest import assert_flat_queries, held_on, make_member
from zugong.core.models import Finding
from zugong.life import appraisal_services as services
from zugong.life.models import (
    AppraisalEntry,
    AppraisalRound,
    Grade,
    HandlingMeasure,
    RoundStatus,
    UnqualifiedHandling,
)
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _held_on_today():  # noqa: ANN202 - pytest fixture
    # TODAY is read once at import: the clock stays on that day for every test here.
    with held_on(TODAY):
        yield


YEAR = TODAY.year - 1
_years = itertools.count(1950)


def _rows(response) -> int:  # noqa: ANN001
    return len(response.context["page_obj"].object_list)


def _open(tree, org=None, members: int = 0, year: int = YEAR):  # noqa: ANN001, ANN202
    org = org or tree.branch_a1
    for i in range(members):
        make_member(org, f"成员{i}")
    return services.open_round(
        actor=None, org=org, year=year, started_on=date(year, 12, 1), today=TODAY
    )


def _xlsx(response):  # noqa: ANN001, ANN202
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


# --- list --------------------------------------------------------------------------------------


def test_list_filters_search_and_scope(client, users, tree):
    a1 = _open(tree, members=1)
    b1 = _open(tree, tree.branch_b1, members=1)
    services.update_entry(actor=None, entry=b1.entries.get(), grade=Grade.QUALIFIED)
    services.close_round(actor=None, appraisal=b1, closed_on=TODAY, today=TODAY)
    other = _open(tree, tree.other_branch, members=1)
    client.force_login(users["department_admin"])
    url = reverse("life:appraisal_list")

    def shown(query: str = "") -> set[int]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {r.pk for r in response.context["page_obj"].object_list}

    assert shown() == {a1.pk, b1.pk}  # the neighbouring county is out of scope
    assert other.pk not in shown()
    assert shown("q=东村") == {a1.pk}
    assert shown("status=closed") == {b1.pk}
    assert shown(f"org={tree.town_b.pk}") == {b1.pk}
    assert shown(f"year={YEAR}") == {a1.pk, b1.pk}
    assert shown(f"year={YEAR - 1}") == set()
    Finding.objects.create(
        rule_id="life.appraisal_ungraded",
        subject_type="appraisal_round",
        subject_id=a1.pk,
        subject_label="x",
        org_path=a1.org_path,
        severity="warn",
        message="m",
        citation="c",
    )
    assert shown("problems=yes") == {a1.pk}
    assert shown("problems=no") == {b1.pk}
    assert client.get(f"{url}?org={tree.other_county.pk}").status_code == 404


def test_list_export(client, users, tree):
    appraisal = _open(tree, members=3)
    entries = list(appraisal.entries.all())
    services.update_entry(actor=None, entry=entries[0], grade=Grade.EXCELLENT)
    client.force_login(users["leader"])
    response = client.get(reverse("life:appraisal_list") + "?export=xlsx")
    assert response.status_code == 200
    ws = _xlsx(response).active
    rows = list(ws.values)
    assert rows[0][:3] == ("党支部", "组织编码", "评议年度")
    assert rows[1][0] == "城关镇东村党支部" and rows[1][6] == 3 and rows[1][7] == 1
    assert rows[1][12] == "33.3%"


@pytest.mark.parametrize("query", ["", "problems=yes&q=东村&status=open", "org={town}"])
def test_list_is_flat(client, users, tree, query, django_assert_max_num_queries):
    client.force_login(users["department_admin"])

    def grow(n: int) -> None:
        for _ in range(n):
            r = AppraisalRound.objects.create(
                org=tree.branch_a1,
                org_path=tree.branch_a1.path,
                year=next(_years),
                started_on=date(2000, 1, 1),
            )
            Finding.objects.create(
                rule_id="life.appraisal_ungraded",
                subject_type="appraisal_round",
                subject_id=r.pk,
                subject_label="x",
                org_path=r.org_path,
                severity="warn",
                message="m",
                citation="c",
            )

    url = reverse("life:appraisal_list") + "?" + query.format(town=tree.town_a.pk)
    assert_flat_queries(client, url, grow, _rows, django_assert_max_num_queries)


# --- create ------------------------------------------------------------------------------------


def test_create_round(client, users, tree):
    make_member(tree.branch_a1, "甲")
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"org": tree.branch_a1.pk, "year": YEAR, "started_on": f"{YEAR}-12-01"}
    )
    appraisal = AppraisalRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("life:appraisal_detail", args=[appraisal.pk])
    assert appraisal.entries.count() == 1


def test_create_errors_are_shown_beside_the_field(client, users, tree):
    _open(tree)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_create")
    response = client.post(
        url, {"org": tree.branch_a1.pk, "year": YEAR, "started_on": f"{YEAR}-12-01"}
    )
    assert response.status_code == 200
    assert "评议年度：“城关镇东村党支部”已有" in response.content.decode()
    tomorrow = TODAY + timedelta(days=1)
    response = client.post(url, {"org": tree.branch_a1.pk, "year": YEAR, "started_on": tomorrow})
    assert "开始日期：不能晚于今天。" in response.content.decode()
    # Branches outside the scope are not offered.
    response = client.post(
        url, {"org": tree.branch_b1.pk, "year": YEAR, "started_on": f"{YEAR}-12-01"}
    )
    assert "党支部：" in response.content.decode()
    assert AppraisalRound.objects.count() == 1


# --- the record ----------------------------------------------------------------------------


def test_detail_tabs(client, users, tree):
    appraisal = _open(tree, members=3)
    entries = list(appraisal.entries.all())
    services.update_entry(actor=None, entry=entries[0], grade=Grade.EXCELLENT)
    services.update_entry(actor=None, entry=entries[1], grade=Grade.EXCELLENT)
    client.force_login(users["leader"])
    url = reverse("life:appraisal_detail", args=[appraisal.pk])
    page = client.get(url).content.decode()
    assert "成员0" in page
    assert reverse("life:appraisal_grade", args=[appraisal.pk]) not in page
    stats = client.get(url + "?tab=stats")
    assert stats.context["stats"].excellent_percent == 66.7
    findings = client.get(url + "?tab=findings").content.decode()
    assert "评定为优秀的党员2名" in findings and "依据" in findings
    history = client.get(url + "?tab=history").content.decode()
    assert "开展民主评议" in history
    export = client.get(url + "?export=xlsx")
    rows = list(_xlsx(export).active.values)
    assert rows[0][0] == "姓名" and len(rows) == 4
    # The leader's export masks the ID number.
    assert "*" in rows[1][1]


def test_detail_results_are_flat(client, users, tree, django_assert_max_num_queries):
    appraisal = _open(tree)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_detail", args=[appraisal.pk])
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            member = make_member(tree.branch_a1, f"新{next(counter)}")
            entry = AppraisalEntry.objects.create(
                round=appraisal, member=member, grade=Grade.UNQUALIFIED
            )
            UnqualifiedHandling.objects.create(
                entry=entry,
                measure=HandlingMeasure.EDUCATE,
                decided_on=TODAY,
                decided_by="党支部大会",
                decision="批评教育",
            )

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["entries"])

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)


# --- grading -----------------------------------------------------------------------------------


def _grade_post(entries: list[AppraisalEntry], values: dict[int, dict]) -> dict:
    data = {
        "g-TOTAL_FORMS": len(entries),
        "g-INITIAL_FORMS": len(entries),
        "g-MIN_NUM_FORMS": 0,
        "g-MAX_NUM_FORMS": 1000,
    }
    for i, e in enumerate(entries):
        data[f"g-{i}-entry"] = e.pk
        for key, value in values.get(e.pk, {}).items():
            data[f"g-{i}-{key}"] = value
    return data


def _page_entries(appraisal: AppraisalRound) -> list[AppraisalEntry]:
    return list(appraisal.entries.order_by("member__name_pinyin", "id"))


def test_bulk_grading(client, users, tree):
    appraisal = _open(tree, members=3)
    entries = _page_entries(appraisal)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_grade", args=[appraisal.pk])
    assert client.get(url).status_code == 200
    data = _grade_post(
        entries,
        {
            entries[0].pk: {"grade": "excellent", "votes_excellent": 3},
            entries[1].pk: {"grade": "qualified", "votes_qualified": 2, "votes_basic": 1},
            entries[2].pk: {"grade": "", "note": "病假"},
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    saved = {e.pk: e for e in appraisal.entries.all()}
    assert saved[entries[0].pk].grade == Grade.EXCELLENT
    assert saved[entries[0].pk].votes_excellent == 3
    assert saved[entries[1].pk].votes_basic == 1
    assert saved[entries[2].pk].note == "病假"
    assert saved[entries[2].pk].history.first().history_user == users["branch_admin"]


def test_bulk_grading_errors_name_the_member_and_write_nothing(client, users, tree):
    appraisal = _open(tree, members=2)
    entries = _page_entries(appraisal)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_grade", args=[appraisal.pk])
    data = _grade_post(
        entries,
        {
            entries[0].pk: {"grade": "excellent"},
            entries[1].pk: {"grade": "qualified", "votes_unqualified": 3},
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    name = entries[1].member.name
    assert f"{name}：测评不合格票：不能超过参加评议的党员人数（2人），所填为3。" in page
    assert not appraisal.entries.exclude(grade="").exists()
    # A tampered list (an entry of another round) is refused as a whole.
    other = _open(tree, tree.branch_a2a, members=1)
    data = _grade_post([*entries[:1], other.entries.get()], {})
    response = client.post(url, data)
    assert "提交的名单与本次评议不一致" in response.content.decode()


def test_grade_page_is_flat(client, users, tree, django_assert_max_num_queries):
    appraisal = _open(tree)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_grade", args=[appraisal.pk])
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            member = make_member(tree.branch_a1, f"新{next(counter)}")
            AppraisalEntry.objects.create(round=appraisal, member=member)

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["rows"])

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)


# --- closing and reopening ---------------------------------------------------------------------


def test_close_and_reopen(client, users, tree):
    appraisal = _open(tree, members=2)
    client.force_login(users["branch_admin"])
    close = reverse("life:appraisal_close", args=[appraisal.pk])
    page = client.get(close).content.decode()
    assert "还有 2 名党员未评定等次" in page
    response = client.post(close, {"closed_on": TODAY.isoformat()})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == RoundStatus.CLOSED
    detail = client.get(reverse("life:appraisal_detail", args=[appraisal.pk]) + "?tab=findings")
    assert "2名党员未评定等次" in detail.content.decode()
    # A closed round cannot be graded or closed again until it is reopened.
    grade = client.get(reverse("life:appraisal_grade", args=[appraisal.pk]))
    assert grade.status_code == 302
    assert client.get(close).status_code == 302
    reopen = reverse("life:appraisal_reopen", args=[appraisal.pk])
    assert client.get(reopen).status_code == 405
    assert client.post(reopen, {"reason": "补评"}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == RoundStatus.OPEN and appraisal.closed_on is None


def test_close_date_errors(client, users, tree):
    appraisal = _open(tree)
    client.force_login(users["branch_admin"])
    close = reverse("life:appraisal_close", args=[appraisal.pk])
    response = client.post(close, {"closed_on": f"{YEAR}-11-30"})
    assert "结束日期：不能早于开始日期" in response.content.decode()
    response = client.post(close, {"closed_on": (TODAY + timedelta(days=1)).isoformat()})
    assert "结束日期：不能晚于今天。" in response.content.decode()


def test_edit_round(client, users, tree):
    appraisal = _open(tree)
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_edit", args=[appraisal.pk])
    response = client.post(url, {"started_on": f"{YEAR}-12-02", "note": "与组织生活会合并召开"})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.started_on == date(YEAR, 12, 2) and appraisal.note == "与组织生活会合并召开"


# --- one member and 组织处置 ---------------------------------------------------------------------


def test_entry_page_and_handlings(client, users, tree):
    appraisal = _open(tree, members=2)
    entry = appraisal.entries.first()
    client.force_login(users["branch_admin"])
    url = reverse("life:appraisal_entry", args=[entry.pk])
    response = client.post(
        url,
        {
            "self_assessment": "对照合格党员标准自评",
            "peer_comments": "群众意见较大",
            "votes_excellent": 0,
            "votes_qualified": 0,
            "votes_basic": 0,
            "votes_unqualified": 2,
            "grade": "unqualified",
            "note": "",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.grade == Grade.UNQUALIFIED and entry.votes_unqualified == 2
    create = reverse("life:appraisal_handling_create", args=[entry.pk])
    response = client.post(
        create,
        {
            "measure": HandlingMeasure.RECTIFY,
            "decided_on": TODAY.isoformat(),
            "decided_by": "党支部大会",
            "decision": "限期改正",
            "deadline": TODAY.isoformat(),
        },
    )
    assert "改正期限：应晚于决定日期" in response.content.decode()
    deadline = (TODAY + timedelta(days=90)).isoformat()
    response = client.post(
        create,
        {
            "measure": HandlingMeasure.RECTIFY,
            "decided_on": TODAY.isoformat(),
            "decided_by": "党支部大会",
            "decision": "限期改正",
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    handling = UnqualifiedHandling.objects.get()
    edit = reverse("life:appraisal_handling_edit", args=[handling.pk])
    response = client.post(
        edit,
        {
            "measure": HandlingMeasure.RECTIFY,
            "decided_on": TODAY.isoformat(),
            "decided_by": "党支部大会",
            "decision": "限期改正",
            "deadline": deadline,
            "outcome": "已改正",
            "closed_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(edit).content.decode()
    assert "办结日期" in page and 'data-testid="history"' in page
    entry_page = client.get(url).content.decode()
    assert "限期改正" in entry_page and "对照合格党员标准自评" in entry_page


def test_handling_page_refuses_a_qualified_member(client, users, tree):
    appraisal = _open(tree, members=1)
    entry = appraisal.entries.get()
    client.force_login(users["branch_admin"])
    response = client.get(reverse("life:appraisal_handling_create", args=[entry.pk]))
    assert response.status_code == 302


def test_entry_page_is_read_only_for_the_leader(client, users, tree):
    appraisal = _open(tree, members=1)
    entry = appraisal.entries.get()
    client.force_login(users["leader"])
    response = client.get(reverse("life:appraisal_entry", args=[entry.pk]))
    assert response.context["form"] is None
    assert 'data-testid="entry-info"' in response.content.decode()


# --- the 第八表 report ---------------------------------------------------------------------------


def _report_data(tree):  # noqa: ANN001, ANN202
    a1 = _open(tree, members=3)
    e = list(a1.entries.order_by("id"))
    services.update_entry(actor=None, entry=e[0], grade=Grade.EXCELLENT)
    services.update_entry(actor=None, entry=e[1], grade=Grade.UNQUALIFIED)
    services.add_handling(
        actor=None,
        entry=AppraisalEntry.objects.get(pk=e[1].pk),
        measure=HandlingMeasure.RECTIFY,
        decided_on=date(YEAR, 12, 20),
        decided_by="党支部大会",
        decision="限期改正",
        deadline=date(YEAR + 1, 3, 1),
        today=TODAY,
    )
    a2a = _open(tree, tree.branch_a2a, members=2)
    for entry in a2a.entries.all():
        services.update_entry(actor=None, entry=entry, grade=Grade.QUALIFIED)
    make_member(tree.branch_b1, "未评议")
    # Another year does not count.
    _open(tree, tree.branch_b1, year=YEAR - 1)


def test_report_rows_and_totals(client, users, tree):
    _report_data(tree)
    client.force_login(users["department_admin"])
    response = client.get(reverse("life:appraisal_report") + f"?year={YEAR}")
    report = response.context["report"]
    assert [r.label for r in report.rows] == ["城关镇党委", "东关街道党工委"]
    town_a, town_b = report.rows
    assert (town_a.members_total, town_a.appraised) == (5, 5)
    assert town_a.grade_list == [1, 2, 0, 1] and town_a.ungraded == 1
    assert town_a.measure("rectify") == 1
    assert (town_b.members_total, town_b.appraised) == (1, 0)
    assert report.total.members_total == 6 and report.total.appraised == 5
    # Without a year the newest year with rounds is shown.
    assert client.get(reverse("life:appraisal_report")).context["year"] == YEAR
    # Drilling down to 城关镇 shows its branch and its general branch.
    response = client.get(reverse("life:appraisal_report") + f"?year={YEAR}&org={tree.town_a.pk}")
    labels = [r.label for r in response.context["report"].rows]
    assert labels == ["城关镇东村党支部", "城关镇机关党总支"]
    # A branch reports itself.
    response = client.get(
        reverse("life:appraisal_report") + f"?year={YEAR}&org={tree.branch_a1.pk}"
    )
    assert [r.appraised for r in response.context["report"].rows] == [3]
    # Out of scope is a 404.
    client.force_login(users["committee_admin"])
    url = reverse("life:appraisal_report") + f"?org={tree.town_b.pk}"
    assert client.get(url).status_code == 404


def test_report_xlsx_layout(client, users, tree):
    _report_data(tree)
    client.force_login(users["department_admin"])
    response = client.get(reverse("life:appraisal_report") + f"?year={YEAR}&export=xlsx")
    assert response.status_code == 200
    ws = _xlsx(response)["第八表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:N1", "A2:N2", "A3:A4", "B3:B4", "C3:D3", "E3:I3", "J3:N3"} <= merged
    assert ws["A1"].value == "民主评议党员情况（第八表）"
    assert "示范县委" in ws["A2"].value and f"{YEAR}年" in ws["A2"].value
    assert (ws["C3"].value, ws["E3"].value, ws["J3"].value) == (
        "参加评议的党员",
        "评定等次",
        "组织处置",
    )
    assert [ws.cell(row=4, column=c).value for c in range(5, 10)] == [
        "优秀",
        "合格",
        "基本合格",
        "不合格",
        "未评定",
    ]
    assert ws["A5"].value == "城关镇党委" and ws["A7"].value == "合计"
    assert [ws.cell(row=7, column=c).value for c in range(2, 10)] == [6, 5, 83.3, 1, 2, 0, 1, 1]
    assert ws["J5"].value == 1  # 限期改正


def test_report_is_flat(client, users, tree, django_assert_max_num_queries):
    client.force_login(users["department_admin"])
    url = reverse("life:appraisal_report") + f"?year={YEAR}&org={tree.town_b.pk}"
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            branch = create_org(
                actor=None, parent=tree.town_b, name=f"社区{i}党支部", code=f"G{i}", kind="branch"
            )
            member = make_member(branch, f"甲{i}")
            r = AppraisalRound.objects.create(
                org=branch, org_path=branch.path, year=YEAR, started_on=date(YEAR, 12, 1)
            )
            AppraisalEntry.objects.create(round=r, member=member, grade=Grade.QUALIFIED)

    def rows(response) -> int:  # noqa: ANN001
        return len(response.context["report"].rows)

    assert_flat_queries(client, url, grow, rows, django_assert_max_num_queries)
