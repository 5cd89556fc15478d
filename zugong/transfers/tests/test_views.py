"""The transfer pages: queues per level, the detail with its actions, the forms, the letter."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries, code, held_on, make_member, valid_id
from zugong.dues.models import DuesCategory
from zugong.dues.services import StandardInput, set_standard
from zugong.members.models import Member, MemberStatus
from zugong.transfers import services as S
from zugong.transfers.models import (
    Action,
    CaseStatus,
    FlowRecord,
    LostContact,
    LostStatus,
    QuitCase,
    QuitKind,
    Transfer,
    TransferKind,
)
from zugong.transfers.views import case_actions, transfer_actions

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _held_on_today():  # noqa: ANN202 - pytest fixture
    # TODAY is read once at import: the clock stays on that day for every test here.
    with held_on(TODAY):
        yield


APPLIED = TODAY - timedelta(days=20)


def within(tree, member=None) -> Transfer:
    return S.apply_transfer_within(
        actor=None,
        member=member or make_member(tree.branch_a1),
        to_org=tree.branch_b1,
        reason="工作调动",
        applied_on=APPLIED,
    )


def out(org, name="张三", applied_on=APPLIED) -> Transfer:
    return S.apply_transfer_out(
        actor=None,
        member=make_member(org, name),
        to_org_name="某市某区委组织部",
        reason="随迁",
        applied_on=applied_on,
    )


def approved(t: Transfer) -> Transfer:
    while t.status == CaseStatus.PENDING:
        t = S.approve(actor=None, case=t)
    return t


def lettered(t: Transfer, issuer, issued_on=None) -> Transfer:
    day = issued_on or APPLIED + timedelta(days=1)
    return S.issue_letter(
        actor=None, transfer=approved(t), issuer=issuer, issued_on=day, dues_paid_to=day
    )


def act(client, t, action, **data):
    payload = {"action": action, **{f"{action}-{k}": v for k, v in data.items()}}
    return client.post(reverse("transfers:detail", args=[t.pk]), payload)


def rows(response) -> int:
    """Data rows: every <tr> but the header and the "nothing found" row."""
    body = response.content.decode()
    return body.count("<tr>") - 1 - body.count("<tr><td colspan")


# --- the queue --------------------------------------------------------------------------------


def test_queue_todo_follows_the_chain_level_by_level(client, tree, users):
    t = within(tree)
    queue = reverse("transfers:queue")
    seen = {}
    for role in (Role.BRANCH_ADMIN, Role.COMMITTEE_ADMIN, Role.DEPARTMENT_ADMIN):
        client.force_login(users[role])
        seen[role] = t.member.name in client.get(queue).content.decode()
    assert seen == {
        Role.BRANCH_ADMIN: True,
        Role.COMMITTEE_ADMIN: False,
        Role.DEPARTMENT_ADMIN: False,
    }
    S.approve(actor=users[Role.BRANCH_ADMIN], case=t)
    client.force_login(users[Role.COMMITTEE_ADMIN])
    r = client.get(queue)
    assert t.member.name in r.content.decode() and r.context["counts"]["todo"] == 1
    client.force_login(users[Role.BRANCH_ADMIN])
    r = client.get(queue)
    assert r.context["counts"] == {"todo": 0, "doing": 1, "done": 0, "overdue": 0}
    assert t.member.name in client.get(queue + "?tab=doing").content.decode()


def test_queue_overdue_tab_on_the_day_after_validity(client, tree, users):
    issued = TODAY - relativedelta(months=3) - timedelta(days=1)
    early = issued - timedelta(days=5)
    late = lettered(out(tree.branch_a1, "逾期甲", early), tree.town_a, issued)
    on_time = lettered(
        out(tree.branch_a1, "按期乙", early), tree.town_a, issued + timedelta(days=1)
    )
    assert late.letter_valid_until == TODAY - timedelta(days=1)
    assert on_time.letter_valid_until == TODAY  # the last valid day is not overdue
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    body = client.get(reverse("transfers:queue") + "?tab=overdue").content.decode()
    assert "逾期甲" in body and "按期乙" not in body


def test_queue_filters_search_and_export(client, tree, users):
    within(tree, make_member(tree.branch_a1, "县内丙"))
    out(tree.branch_a1, "县外丁")
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    url = reverse("transfers:queue")
    body = client.get(url, {"tab": "doing", "kind": TransferKind.OUT}).content.decode()
    assert "县外丁" in body and "县内丙" not in body
    body = client.get(url, {"tab": "doing", "q": "县内"}).content.decode()
    assert "县内丙" in body and "县外丁" not in body
    r = client.get(url, {"tab": "doing", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    names = sorted(row[0] for row in ws.iter_rows(min_row=2, values_only=True))
    assert names == ["县内丙", "县外丁"]


def test_queue_is_scoped(client, tree, users):
    out(tree.branch_b1, "东关甲")
    client.force_login(users[Role.COMMITTEE_ADMIN])  # 城关镇
    assert "东关甲" not in client.get(reverse("transfers:queue") + "?tab=doing").content.decode()


def test_queue_query_count_is_flat(client, tree, users, django_assert_max_num_queries):
    client.force_login(users[Role.DEPARTMENT_ADMIN])

    def grow(n: int) -> None:
        for _ in range(n):
            lettered(out(tree.branch_a1, "批量"), tree.town_a)

    assert_flat_queries(
        client, reverse("transfers:queue") + "?tab=doing", grow, rows, django_assert_max_num_queries
    )


# --- the detail and its actions ----------------------------------------------------------------


def test_within_transfer_walks_the_chain_on_the_detail_page(client, tree, users):
    t = within(tree)
    client.force_login(users[Role.COMMITTEE_ADMIN])
    r = act(client, t, "approve", remark="同意")  # not this level's turn yet
    assert r.status_code == 200 and "不可办理" in r.content.decode()
    for role in (Role.BRANCH_ADMIN, Role.COMMITTEE_ADMIN, Role.DEPARTMENT_ADMIN):
        client.force_login(users[role])
        assert act(client, t, "approve", remark="同意").status_code == 302
    t.refresh_from_db()
    assert t.status == CaseStatus.APPROVED
    client.force_login(users[Role.COMMITTEE_ADMIN])
    r = act(
        client,
        t,
        "issue_letter",
        issuer=tree.town_a.pk,
        issued_on=TODAY,
        dues_paid_to=TODAY,
        number="",
        valid_until="",
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == CaseStatus.AWAITING_RECEIPT and t.letter_number == f"{TODAY.year}-001"
    # The receiving side (东关街道) sees it from its end and receives the member.
    receiver = users[Role.DEPARTMENT_ADMIN]
    assert "receive" in transfer_actions(receiver, t)
    client.force_login(receiver)
    assert act(client, t, "receive", received_on=TODAY).status_code == 302
    t.refresh_from_db()
    assert t.status == CaseStatus.COMPLETED
    assert Member.objects.get(pk=t.member_id).org == tree.branch_b1
    page = client.get(reverse("transfers:detail", args=[t.pk]) + "?tab=chain").content.decode()
    assert page.count("审核通过") >= 3
    for role in (Role.BRANCH_ADMIN, Role.COMMITTEE_ADMIN, Role.DEPARTMENT_ADMIN):
        assert str(users[role]) in page


def test_return_to_an_earlier_step_needs_a_reason(client, tree, users):
    t = S.approve(actor=users[Role.BRANCH_ADMIN], case=within(tree))
    t = S.approve(actor=users[Role.COMMITTEE_ADMIN], case=t)
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    r = act(client, t, "return", to_step="0", reason="")
    assert r.status_code == 200 and "退回原因" in r.content.decode()
    r = act(client, t, "return", to_step="1", reason="材料不全")
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.status, t.step) == (CaseStatus.PENDING, 1)
    log = t.actions.last()
    assert (log.action, log.level, log.remark) == (Action.RETURN, 3, "退回至党（工）委：材料不全")


def test_withdraw_only_before_the_first_review_and_resubmit_after_return(client, tree, users):
    t = within(tree)
    branch = users[Role.BRANCH_ADMIN]
    assert "withdraw" in transfer_actions(branch, t)
    t = S.approve(actor=branch, case=t)
    assert "withdraw" not in transfer_actions(branch, t)
    t = S.return_case(actor=users[Role.COMMITTEE_ADMIN], case=t, to_step=None, reason="重填")
    assert {"withdraw", "resubmit"} <= set(transfer_actions(branch, t))
    client.force_login(branch)
    assert act(client, t, "resubmit", remark="已补正").status_code == 302
    t.refresh_from_db()
    assert (t.status, t.step) == (CaseStatus.PENDING, 0)
    assert act(client, t, "withdraw", remark="不再转").status_code == 302
    t.refresh_from_db()
    assert t.status == CaseStatus.WITHDRAWN


def test_leader_reads_but_cannot_act(client, tree, users):
    t = within(tree)
    client.force_login(users[Role.LEADER])
    assert client.get(reverse("transfers:detail", args=[t.pk])).status_code == 200
    assert act(client, t, "approve", remark="").status_code == 403
    assert transfer_actions(users[Role.LEADER], t) == []


def test_reused_letter_number_is_refused_on_the_form(client, tree, users):
    lettered(out(tree.branch_a1, "甲"), tree.town_a)
    t = approved(out(tree.branch_a1, "乙"))
    client.force_login(users[Role.COMMITTEE_ADMIN])
    r = act(
        client,
        t,
        "issue_letter",
        issuer=tree.town_a.pk,
        issued_on=TODAY,
        dues_paid_to=TODAY,
        number=f"{APPLIED.year}-001",
        valid_until="",
    )
    body = r.content.decode()
    assert r.status_code == 200 and "介绍信编号" in body and "编号不能重复" in body


def test_out_of_county_receipt_and_arrears_shown_with_amount(client, tree, users):
    member = make_member(tree.branch_a1, "欠费甲")
    set_standard(
        actor=None,
        member=member,
        year=TODAY.year,
        data=StandardInput(category=DuesCategory.SALARIED, income_base=Decimal("4000")),
        today=date(TODAY.year, 1, 5),
    )
    total, _ = S.member_arrears_total(None, member, TODAY)
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("transfers:apply_out", args=[member.pk])
    page = client.get(url).content.decode()
    assert f"尚欠党费 <strong>{total}</strong> 元" in page
    r = client.post(url, {"to_org_name": "某县委组织部", "reason": "随迁", "applied_on": TODAY})
    assert r.status_code == 200 and f"尚欠党费{total}元" in r.content.decode()
    assert not Transfer.objects.exists()
    # A member without arrears: apply, approve, letter, receipt.
    r = client.post(
        reverse("transfers:apply_out", args=[make_member(tree.branch_a1, "无欠乙").pk]),
        {"to_org_name": "某县委组织部", "reason": "随迁", "applied_on": TODAY},
    )
    t = Transfer.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("transfers:detail", args=[t.pk])
    t = lettered(t, tree.town_a, TODAY)
    assert "record_receipt" in transfer_actions(users[Role.BRANCH_ADMIN], t)
    r = act(client, t, "record_receipt", receipt_org_name="某县委组织部", receipt_on=TODAY)
    assert r.status_code == 302
    assert Member.objects.get(pk=t.member_id).status == MemberStatus.TRANSFERRED_OUT


def test_letter_docx_has_three_parts_number_dues_and_validity(client, tree, users):
    t = lettered(out(tree.branch_a1, "王五"), tree.town_a, TODAY)
    client.force_login(users[Role.LEADER])
    r = client.get(reverse("transfers:letter_docx", args=[t.pk]))
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    for part in ("（存根）", "中国共产党党员组织关系介绍信\n", "（回执）"):
        assert part in text
    assert text.count(f"第 {t.letter_number} 号") == 3
    assert f"党费已交到{TODAY.year}年{TODAY.month}月" in text
    valid = t.letter_valid_until
    assert f"有效期至{valid.year}年{valid.month}月{valid.day}日" in text
    no_letter = out(tree.branch_a1, "赵六")
    assert client.get(reverse("transfers:letter_docx", args=[no_letter.pk])).status_code == 404


def test_register_in_assign_and_accept(client, tree, users):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    issued = TODAY - timedelta(days=5)
    data = {
        "person_name": "钱七",
        "person_gender": code("gender", "1").pk,
        "person_id_number": valid_id(date(1990, 2, 3)),
        "person_member_type": "full",
        "person_joined_on": "2015-07-01",
        "from_org_name": "外县某镇党委",
        "letter_number": "W-088",
        "issued_on": issued,
        "valid_until": issued - timedelta(days=1),
        "dues_paid_to": issued,
        "registered_on": TODAY,
    }
    r = client.post(reverse("transfers:register_in"), data)
    assert r.status_code == 200 and "有效期至：应晚于开具日期" in r.content.decode()
    data["valid_until"] = issued + relativedelta(months=3)
    r = client.post(reverse("transfers:register_in"), data)
    t = Transfer.objects.get(kind=TransferKind.IN)
    assert r.status_code == 302 and t.status == CaseStatus.REGISTERED
    assert transfer_actions(users[Role.COMMITTEE_ADMIN], t) == ["assign"]
    assert act(client, t, "assign", to_org=tree.branch_a1.pk).status_code == 302
    t.refresh_from_db()
    assert act(client, t, "accept", received_on=TODAY, receipt_on=TODAY).status_code == 302
    t.refresh_from_db()
    assert t.status == CaseStatus.COMPLETED and t.member.org == tree.branch_a1
    # The same letter again: refused, naming the number.
    r = client.post(reverse("transfers:register_in"), data)
    assert "介绍信编号：外县某镇党委开具的“W-088”号介绍信已登记过" in r.content.decode()


def test_member_history_lists_every_case(client, tree, users):
    t = within(tree, make_member(tree.branch_a1, "孙八"))
    client.force_login(users[Role.BRANCH_ADMIN])
    r = client.get(reverse("transfers:member_history", args=[t.member_id]))
    body = r.content.decode()
    assert reverse("transfers:detail", args=[t.pk]) in body and "县内转接" in body


# --- flows, lost, 出党 --------------------------------------------------------------------------


def test_flow_out_six_months_settled_is_refused_then_card_recorded_and_ended(client, tree, users):
    member = make_member(tree.branch_a1, "周九")
    client.force_login(users[Role.BRANCH_ADMIN])
    start = TODAY - timedelta(days=10)
    data = {
        "member_id_number": member.id_number,
        "destination": "广东省深圳市",
        "reason": "务工",
        "started_on": start,
        "expected_until": start + relativedelta(months=6),
        "settled": "on",
    }
    r = client.post(reverse("transfers:flow_create_out"), data)
    assert r.status_code == 200 and "应当转移组织关系" in r.content.decode()
    data["expected_until"] = start + relativedelta(months=6) - timedelta(days=1)
    assert client.post(reverse("transfers:flow_create_out"), data).status_code == 302
    record = FlowRecord.objects.get()
    r = client.post(
        reverse("transfers:flow_end", args=[record.pk]), {"ended_on": start - timedelta(days=1)}
    )
    assert "不能早于外出/流入日期" in r.content.decode()
    r = client.post(reverse("transfers:flow_end", args=[record.pk]), {"ended_on": TODAY})
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.ended_on == TODAY


def test_flow_form_refuses_a_member_out_of_scope(client, tree, users):
    stranger = make_member(tree.branch_b1, "吴十")
    client.force_login(users[Role.BRANCH_ADMIN])
    r = client.post(
        reverse("transfers:flow_create_out"),
        {
            "member_id_number": stranger.id_number,
            "destination": "外地",
            "reason": "务工",
            "started_on": TODAY,
        },
    )
    assert "党员公民身份号码：本账号管理范围内没有" in r.content.decode()


def test_flow_in_registers_with_card(client, tree, users):
    client.force_login(users[Role.BRANCH_ADMIN])
    data = {
        "host_org": tree.branch_a1.pk,
        "person_name": "郑一",
        "person_id_number": valid_id(date(1985, 1, 1)),
        "origin": "江西省某县",
        "origin_org_name": "某村党支部",
        "started_on": TODAY,
        "card_number": "",
    }
    r = client.post(reverse("transfers:flow_create_in"), data)
    assert "《流动党员活动证》编号" in r.content.decode()
    data["card_number"] = "LD-1"
    assert client.post(reverse("transfers:flow_create_in"), data).status_code == 302
    client.force_login(users[Role.LEADER])
    assert "郑一" in client.get(reverse("transfers:flows")).content.decode()


def test_lost_suspend_boundary_and_restore(client, tree, users):
    member = make_member(tree.branch_a1, "王二")
    lost_since = TODAY - relativedelta(months=6)
    client.force_login(users[Role.BRANCH_ADMIN])
    r = client.post(
        reverse("transfers:lost_report"),
        {
            "member_id_number": member.id_number,
            "lost_since": lost_since,
            "reported_on": TODAY,
            "search_note": "电话停机，走访未果",
        },
    )
    assert r.status_code == 302
    record = LostContact.objects.get()
    url = reverse("transfers:lost_suspend", args=[record.pk])
    r = client.post(url, {"on": TODAY - timedelta(days=1), "decision": "支部大会决定"})
    assert r.status_code == 200 and "停止党籍日期：失去联系须满6个月" in r.content.decode()
    assert client.post(url, {"on": TODAY, "decision": "支部大会决定"}).status_code == 302
    record.refresh_from_db()
    assert record.status == LostStatus.SUSPENDED
    assert Member.objects.get(pk=member.pk).status == MemberStatus.SUSPENDED
    r = client.post(
        reverse("transfers:lost_restore", args=[record.pk]), {"on": TODAY, "note": "已联系上"}
    )
    assert r.status_code == 302
    assert Member.objects.get(pk=member.pk).status == MemberStatus.NORMAL


def test_quit_case_through_its_chain(client, tree, users):
    member = make_member(tree.branch_a1, "冯三")
    client.force_login(users[Role.BRANCH_ADMIN])
    r = client.post(
        reverse("transfers:quit_create"),
        {
            "member_id_number": member.id_number,
            "kind": QuitKind.PERSUADED,
            "decision_on": TODAY,
            "decision_note": "经教育仍无转变，支部大会决定劝退",
            "applied_on": TODAY - timedelta(days=1),
        },
    )
    assert "申请日期：不能早于支部大会决定日期" in r.content.decode()
    r = client.post(
        reverse("transfers:quit_create"),
        {
            "member_id_number": member.id_number,
            "kind": QuitKind.PERSUADED,
            "decision_on": TODAY,
            "decision_note": "经教育仍无转变，支部大会决定劝退",
            "applied_on": TODAY,
        },
    )
    case = QuitCase.objects.get()
    assert r.status_code == 302
    url = reverse("transfers:quit_detail", args=[case.pk])
    for role in (Role.BRANCH_ADMIN, Role.COMMITTEE_ADMIN):
        client.force_login(users[role])
        assert case_actions(users[role], QuitCase.objects.get())[0] == "approve"
        assert client.post(url, {"action": "approve", "approve-remark": "同意"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert Member.objects.get(pk=member.pk).status == MemberStatus.LEFT
    client.force_login(users[Role.LEADER])
    assert client.post(url, {"action": "approve"}).status_code == 403
    body = client.get(url + "?tab=chain").content.decode()
    assert body.count("审核通过") >= 2


# --- query counts of the other lists ----------------------------------------------------------


@pytest.mark.parametrize("name", ["transfers:flows", "transfers:lost", "transfers:quit_list"])
def test_list_query_counts_are_flat(client, tree, users, name, django_assert_max_num_queries):
    client.force_login(users[Role.DEPARTMENT_ADMIN])

    def grow(n: int) -> None:
        for _ in range(n):
            m = make_member(tree.branch_a1, "批量")
            if name == "transfers:flows":
                S.register_outflow(
                    actor=None,
                    member=m,
                    destination="外地",
                    destination_org_name="",
                    reason="务工",
                    started_on=TODAY,
                    expected_until=None,
                    settled=False,
                )
            elif name == "transfers:lost":
                S.report_lost(
                    actor=None,
                    member=m,
                    lost_since=TODAY,
                    reported_on=TODAY,
                    search_note="查找未果",
                )
            else:
                S.apply_quit(
                    actor=None,
                    member=m,
                    kind=QuitKind.WITHDRAW,
                    decision_on=TODAY,
                    decision_note="本人申请",
                    reason="",
                    applied_on=TODAY,
                )

    assert_flat_queries(client, reverse(name), grow, rows, django_assert_max_num_queries)
