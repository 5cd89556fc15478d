"""The case list: filters, search by number, the .xlsx export without plaintext, the query-count
guard; and the steps through the pages (a refused step shows the Chinese message)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.supervision import case_services as svc
from zugong.supervision.exports import CASE_HEADERS
from zugong.supervision.models import CaseAccess, CaseAssignment, Channel, ReportState
from zugong.supervision.tests.test_case_support import (
    TEXT,
    make_cadre,
    make_handler,
    make_report,
)

pytestmark = pytest.mark.django_db


def rows(response) -> int:  # noqa: ANN001
    return response.content.decode().count('data-testid="case-row"')


def test_case_list_queries_are_flat(client, users, django_assert_max_num_queries):
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    client.force_login(officer)

    def grow(n: int) -> None:
        for _ in range(n):
            r = make_report(state=ReportState.ACCEPTED)
            svc.assign_case(actor=officer, report=r, handlers=[handler])

    assert_flat_queries(client, "/supervision/cases/", grow, rows, django_assert_max_num_queries)


def test_filters_search_and_export(client, users):
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    old = make_report(received_on=date(2025, 1, 6), channel=Channel.MEMBER)
    svc.reject_case(actor=officer, report=old, reason="不属于受理范围")  # closed: never overdue
    late = make_report(received_on=date(2025, 9, 1), state=ReportState.ACCEPTED)
    svc.assign_case(actor=officer, report=late, handlers=[handler])
    late.step_due_on = date(2025, 9, 2)
    late.save()
    client.force_login(officer)

    def listed(query: str) -> set[str]:
        body = client.get(f"/supervision/cases/?{query}").content.decode()
        return {r.number for r in (old, late) if r.number in body}

    assert listed("") == {old.number, late.number}
    assert listed("channel=member") == {old.number}
    assert listed("state=investigating") == {late.number}
    assert listed("overdue=1") == {late.number}
    assert listed("from=2025-08-01&to=2025-12-31") == {late.number}
    assert listed(f"handler={handler.pk}") == {late.number}
    assert listed(f"q={old.number}") == {old.number}
    assert listed(f"q={old.pk}") == {old.number}
    assert listed("q=不是编号") == set()
    # Nonsense in the query string is ignored, never a 500.
    assert client.get("/supervision/cases/?state=x&from=2025-13-45&handler=abc").status_code == 200
    response = client.get("/supervision/cases/?export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[0] == CASE_HEADERS
    numbers = {r[0]: r for r in table[1:]}
    assert set(numbers) == {old.number, late.number}
    assert numbers[late.number][5] == "逾期" and numbers[late.number][6] == "chengban"
    flat = repr(table)
    assert TEXT not in flat
    # The export is in each case's access history.
    exported = CaseAccess.objects.filter(action=CaseAccess.Action.EXPORT, user=officer)
    assert set(exported.values_list("report_id", flat=True)) == {old.pk, late.pk}


def test_a_handler_sees_only_their_cases_in_the_list(client, users):
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    mine = make_report(state=ReportState.ACCEPTED)
    svc.assign_case(actor=officer, report=mine, handlers=[handler])
    other = make_report()
    client.force_login(handler)
    body = client.get("/supervision/cases/").content.decode()
    assert mine.number in body and other.number not in body


def test_the_steps_through_the_pages(client, users):
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    report = make_report()
    client.force_login(officer)
    response = client.post(f"/supervision/cases/{report.pk}/accept/", {"note": ""})
    assert "受理意见" in response.content.decode()
    client.post(f"/supervision/cases/{report.pk}/accept/", {"note": "符合受理条件"})
    response = client.get(f"/supervision/cases/{report.pk}/accept/")
    assert "不能受理" in response.content.decode()  # the state says why
    response = client.post(f"/supervision/cases/{report.pk}/accept/", {"note": "再受理"})
    assert "当前状态为" in response.content.decode()
    client.post(f"/supervision/cases/{report.pk}/assign/", {"handlers": [handler.pk]})
    report.refresh_from_db()
    assert report.state == ReportState.INVESTIGATING
    client.force_login(handler)
    client.post(f"/supervision/cases/{report.pk}/note/", {"text": "<script>alert(1)</script>"})
    page = client.get(f"/supervision/cases/{report.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    client.post(f"/supervision/cases/{report.pk}/answer/", {"text": "已核查"})
    response = client.post(
        f"/supervision/cases/{report.pk}/close/", {"result": "false", "note": "不属实"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED and report.result == "false"
    client.force_login(officer)
    response = client.post(f"/supervision/cases/{report.pk}/reopen/", {"reason": "新线索"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.INVESTIGATING


def test_handler_profiles_are_kept_by_the_officer(client, users, unit_tree):
    from zugong.supervision.models import HandlerProfile
    from zugong.supervision.tests.test_case_support import make_cadre

    make_cadre(unit_tree.town_b, "李承办")
    client.force_login(users[Role.SUPERVISION_OFFICER])
    leader = users[Role.LEADER]
    response = client.post(
        "/supervision/handlers/new/", {"user": leader.pk, "cadre_name": "李承办", "active": "on"}
    )
    assert response.status_code == 302
    profile = HandlerProfile.objects.get(user=leader)
    assert profile.cadre.name == "李承办" and profile.history.count() == 1
    page = client.get(f"/supervision/handlers/{profile.pk}/").content.decode()
    assert 'data-testid="history"' in page
    response = client.post(
        "/supervision/handlers/new/", {"user": leader.pk, "cadre_name": "无此人"}
    )
    assert "没有找到该干部" in response.content.decode()


def test_a_verified_case_offers_the_problem_list_to_the_officer_only(client, users):
    officer = users[Role.SUPERVISION_OFFICER]
    handler = make_handler("chengban")
    verified = make_report(state=ReportState.CLOSED, result="true")
    unfounded = make_report(state=ReportState.CLOSED, result="false")
    promote = f"/inquiries/reports/{verified.pk}/promote/"
    client.force_login(officer)
    queue = client.get("/supervision/cases/").content.decode()
    assert promote in queue and f"/inquiries/reports/{unfounded.pk}/promote/" not in queue
    assert client.get(promote).status_code == 200
    # An officer assigned to the case sees it on the case page as well.
    CaseAssignment.objects.create(report=verified, handler=officer, assigned_by=officer)
    assert promote in client.get(f"/supervision/cases/{verified.pk}/").content.decode()
    client.force_login(handler)
    assert client.get(promote).status_code == 403


def test_handler_list_queries_are_flat(client, users, unit_tree, django_assert_max_num_queries):
    client.force_login(users[Role.SUPERVISION_OFFICER])
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            make_handler(f"chengban{i}", cadre=make_cadre(unit_tree.town_a, f"承办{i}"))

    def handler_rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="handler-row"')

    assert_flat_queries(
        client, "/supervision/handlers/", grow, handler_rows, django_assert_max_num_queries
    )


def test_identity_request_list_queries_are_flat(client, users, django_assert_max_num_queries):
    custodian = users[Role.CUSTODIAN]
    client.force_login(custodian)
    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            handler = make_handler(f"shenqing{next(made)}")
            report = make_report(identity=("张实名", "13912345678"))
            CaseAssignment.objects.create(report=report, handler=handler, assigned_by=handler)
            svc.request_identity(actor=handler, report=report, reason="需核实")

    def request_rows(response) -> int:  # noqa: ANN001
        return response.content.decode().count('data-testid="identity-request-row"')

    assert_flat_queries(
        client,
        "/supervision/identity-requests/",
        grow,
        request_rows,
        django_assert_max_num_queries,
    )
