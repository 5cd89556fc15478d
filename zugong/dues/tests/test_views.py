"""Dues pages: rendering, the writes through forms, exports, and the no-N+1 guards."""

from __future__ import annotations

import itertools
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries, held_on, make_member
from zugong.dues.models import DuesCategory, DuesPayment, DuesStandard
from zugong.dues.selectors import (
    branch_card,
    collection_by_branch,
    dues_report,
    township_table,
    unpaid_members,
)
from zugong.dues.services import PaymentInput, StandardInput, record_payments, set_standard
from zugong.orgs.services import create_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
Y, M = TODAY.year, TODAY.month


@pytest.fixture(autouse=True)
def _held_on_today():  # noqa: ANN202 - pytest fixture
    # TODAY is read once at import: the clock stays on that day for every test here.
    with held_on(TODAY):
        yield


_names = itertools.count(1)


def paid_member(org, *, pay: bool = True, base: str = "4000"):
    member = make_member(org, f"党员{next(_names)}")
    set_standard(
        actor=None,
        member=member,
        year=Y,
        data=StandardInput(category=DuesCategory.SALARIED, income_base=Decimal(base)),
    )
    if pay:
        record_payments(
            actor=None,
            org=org,
            year=Y,
            months=[M],
            paid_on=TODAY,
            entries=[PaymentInput(member=member)],
        )
    return member


def rows_of(response) -> int:
    return len(response.context["page_obj"].object_list)


def xlsx_rows(response) -> list[tuple]:
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(wb.active.iter_rows(values_only=True))


# --- figures ------------------------------------------------------------------------------------


def test_year_to_date_report_equals_the_sum_of_its_months(tree, users):
    paid_member(tree.branch_a1)
    paid_member(tree.branch_a1, pay=False, base="6000")
    paid_member(tree.branch_b1, base="12000")
    user = users[Role.DEPARTMENT_ADMIN]
    year = dues_report(user, tree.county, Y, None, TODAY)
    months = [dues_report(user, tree.county, Y, m, TODAY) for m in range(1, M + 1)]
    assert year.total.due_count == sum(r.total.due_count for r in months) > 0
    assert year.total.due_amount == sum(r.total.due_amount for r in months)
    assert year.total.paid_amount == sum(r.total.paid_amount for r in months)
    assert year.total.arrears_amount == sum(r.total.arrears_amount for r in months)
    by_label = {r.label: r for r in year.rows}
    assert by_label["城关镇党委"].paid_count == 1


def test_report_and_cards_add_up(tree, users):
    paid_member(tree.branch_a1)
    paid_member(tree.branch_a1, pay=False, base="6000")
    paid_member(tree.branch_a2a)
    paid_member(tree.branch_b1)
    user = users[Role.DEPARTMENT_ADMIN]
    report = dues_report(user, tree.county, Y, M, TODAY)
    by_label = {r.label: r for r in report.rows}
    town = by_label["城关镇党委"]
    assert (town.due_count, town.paid_count, town.unpaid_count) == (3, 2, 1)
    assert (town.due_amount, town.paid_amount, town.arrears_amount) == (
        Decimal("170.00"),
        Decimal("80.00"),
        Decimal("90.00"),
    )
    assert report.total.due_count == 4 and report.total.paid_amount == Decimal("120.00")
    # Amounts are whole fen on both databases (SQLite sums decimals as floats).
    for row in [*report.rows, report.total]:
        assert {a.as_tuple().exponent for a in (row.due_amount, row.paid_amount)} == {-2}
    branches = {c.label: c for c in collection_by_branch(user, tree.town_a, Y, M)}
    assert branches["城关镇东村党支部"].unpaid_count == 1
    assert [u.due_amount for u in unpaid_members(user, tree.town_a, Y, M)] == [Decimal("90.00")]
    card = branch_card(user, tree.branch_a1, TODAY)
    assert card["collection"].due_count == 2 and len(card["unpaid"]) == 1
    table = township_table(user, tree.town_a, TODAY)
    assert table["total"].paid_count == 2


def test_cards_render(tree, users):
    from django.template.loader import render_to_string

    paid_member(tree.branch_a1, pay=False)
    user = users[Role.COMMITTEE_ADMIN]
    html = render_to_string(
        "dues/branch_card.html", {"dues_card": branch_card(user, tree.branch_a1, TODAY)}
    )
    assert "未交 1 人" in html
    html = render_to_string(
        "dues/township_table.html", {"dues_table": township_table(user, tree.town_a, TODAY)}
    )
    assert "城关镇东村党支部" in html and "合计" in html


def test_out_of_scope_reads_are_404(tree, users):
    from django.http import Http404

    with pytest.raises(Http404):
        dues_report(users[Role.BRANCH_ADMIN], tree.town_a, Y, M, TODAY)
    with pytest.raises(Http404):
        unpaid_members(users[Role.COMMITTEE_ADMIN], tree.town_b, Y, M)


# --- pages and forms ------------------------------------------------------------------------------


def test_branch_secretary_records_the_month(client, tree, users):
    a = paid_member(tree.branch_a1, pay=False)
    b = paid_member(tree.branch_a1, pay=False)
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("dues:branch_month", args=[tree.branch_a1.pk])
    response = client.get(url)
    assert response.status_code == 200 and "登记交纳" in response.content.decode()
    response = client.post(
        url + f"?year={Y}&month={M}",
        {
            "paid_on": TODAY.isoformat(),
            f"pick_{a.pk}": "on",
            f"pick_{b.pk}": "on",
            f"amount_{b.pk}": "50",
            f"proxy_{b.pk}": "李四",
            f"receipt_{a.pk}": "R-001",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    got = {p.member_id: p for p in DuesPayment.objects.all()}
    assert got[a.pk].amount == Decimal("40.00") and got[a.pk].receipt_number == "R-001"
    assert got[b.pk].amount == Decimal("50.00") and got[b.pk].by_proxy
    response = client.post(url, {"paid_on": TODAY.isoformat()})
    assert response.status_code == 200


def test_a_bad_payment_form_names_the_field(client, tree, users):
    a = paid_member(tree.branch_a1, pay=False)
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("dues:branch_month", args=[tree.branch_a1.pk])
    response = client.post(url, {"paid_on": "2999-01-01", f"pick_{a.pk}": "on"})
    assert "交纳日期：不能晚于今天" in response.content.decode()
    response = client.post(url, {"paid_on": TODAY.isoformat()})
    assert "请至少勾选一名党员" in response.content.decode()


def test_standard_pages(client, tree, users):
    member = make_member(tree.branch_a1, "新人")
    client.force_login(users[Role.COMMITTEE_ADMIN])
    url = reverse("dues:standard_edit", args=[member.pk]) + f"?year={Y}"
    response = client.post(
        url,
        {"category": "salaried", "income_base": "0", "reduction": "none", "starts_month": "1"},
    )
    assert "月收入基数：该收入类别按收入的比例交纳" in response.content.decode()
    response = client.post(
        url,
        {"category": "salaried", "income_base": "8000", "reduction": "none", "starts_month": "1"},
    )
    assert response.status_code == 302
    assert DuesStandard.objects.get(member=member).monthly_amount == Decimal("120.00")
    ledger = client.get(reverse("dues:member_ledger", args=[member.pk]) + "?tab=history")
    assert ledger.status_code == 200 and "新建" in ledger.content.decode()
    other = make_member(tree.branch_a1, "另一人")
    response = client.post(
        reverse("dues:standards", args=[tree.branch_a1.pk]) + f"?year={Y}",
        {"action": "bulk", f"category_{other.pk}": "student", f"category_{member.pk}": ""},
    )
    assert response.status_code == 302
    assert DuesStandard.objects.get(member=other).monthly_amount == Decimal("0.20")


def test_leader_reads_but_may_not_write(client, tree, users):
    member = paid_member(tree.branch_a1, pay=False)
    client.force_login(users[Role.LEADER])
    url = reverse("dues:branch_month", args=[tree.branch_a1.pk])
    assert client.get(url).status_code == 200
    assert "登记交纳" not in client.get(url).content.decode()
    assert (
        client.post(url, {"paid_on": TODAY.isoformat(), f"pick_{member.pk}": "on"}).status_code
        == 403
    )
    assert not DuesPayment.objects.exists()


def test_void_from_the_ledger(client, tree, users):
    member = paid_member(tree.branch_a1)
    payment = DuesPayment.objects.get()
    client.force_login(users[Role.BRANCH_ADMIN])
    response = client.post(reverse("dues:payment_void", args=[payment.pk]), {"reason": "误登"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.is_voided
    page = client.get(reverse("dues:member_ledger", args=[member.pk])).content.decode()
    assert "误登" in page


@pytest.mark.parametrize(
    ("name", "args", "query", "first_header"),
    [
        ("dues:payments", [], "", "姓名"),
        ("dues:report", ["county"], f"year={Y}&month={M}", "党组织"),
        ("dues:report", ["county"], f"year={Y}&month=", "党组织"),
        ("dues:branch_month", ["branch_a1"], "", "姓名"),
        ("dues:standards", ["branch_a1"], "", "姓名"),
    ],
)
def test_exports(client, tree, users, name, args, query, first_header):
    paid_member(tree.branch_a1)
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    url = reverse(name, args=[getattr(tree, a).pk for a in args]) + f"?{query}&export=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert rows[0][0] == first_header and len(rows) >= 2


# --- no N+1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "state=paid", "q=dy", f"year={Y}&month={M}&state=paid&q=d"])
def test_branch_month_is_flat(client, tree, users, query, django_assert_max_num_queries):
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("dues:branch_month", args=[tree.branch_a1.pk]) + f"?{query}"

    def grow(n: int) -> None:
        for _ in range(n):
            paid_member(tree.branch_a1)

    assert_flat_queries(client, url, grow, rows_of, django_assert_max_num_queries)


def test_branch_month_unpaid_rows_with_form_are_flat(
    client, tree, users, django_assert_max_num_queries
):
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("dues:branch_month", args=[tree.branch_a1.pk])

    def grow(n: int) -> None:
        for _ in range(n):
            paid_member(tree.branch_a1, pay=False)

    assert_flat_queries(client, url, grow, rows_of, django_assert_max_num_queries)


@pytest.mark.parametrize("query", ["", "category=salaried", "category=none", "q=d"])
def test_standards_page_is_flat(client, tree, users, query, django_assert_max_num_queries):
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("dues:standards", args=[tree.branch_a1.pk]) + f"?{query}"

    def grow(n: int) -> None:
        for _ in range(n):
            if query == "category=none":
                make_member(tree.branch_a1, f"党员{next(_names)}")
            else:
                paid_member(tree.branch_a1, pay=False)

    assert_flat_queries(client, url, grow, rows_of, django_assert_max_num_queries)


@pytest.mark.parametrize(
    "query", ["", f"year={Y}", f"year={Y}&month={M}", "q=d", "org={town}", "by_proxy=", "voided="]
)
def test_payments_list_is_flat(client, tree, users, query, django_assert_max_num_queries):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    url = reverse("dues:payments") + "?" + query.format(town=tree.town_a.pk)

    def grow(n: int) -> None:
        for _ in range(n):
            paid_member(tree.branch_a2a)

    assert_flat_queries(client, url, grow, rows_of, django_assert_max_num_queries)


@pytest.mark.parametrize("query", [f"year={Y}&month={M}", f"year={Y}&month=", "arrears=1"])
def test_report_is_flat(client, tree, users, query, django_assert_max_num_queries):
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    url = reverse("dues:report", args=[tree.town_a.pk]) + f"?{query}"
    serial = itertools.count(1)

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(serial)
            branch = create_org(
                actor=None, parent=tree.town_a, name=f"新建第{i}党支部", code=f"N{i}", kind="branch"
            )
            paid_member(branch, pay=False)

    assert_flat_queries(client, url, grow, rows_of, django_assert_max_num_queries)


def test_ledger_and_home_render_within_budget(client, tree, users, django_assert_max_num_queries):
    member = paid_member(tree.branch_a1)
    for role in (Role.BRANCH_ADMIN, Role.DEPARTMENT_ADMIN):
        client.force_login(users[role])
        for url in (
            reverse("dues:home"),
            reverse("dues:member_ledger", args=[member.pk]),
            reverse("dues:member_ledger", args=[member.pk]) + "?tab=findings",
            reverse("dues:member_ledger", args=[member.pk]) + "?tab=history",
        ):
            client.get(url)
            with django_assert_max_num_queries(20):
                assert client.get(url).status_code == 200
