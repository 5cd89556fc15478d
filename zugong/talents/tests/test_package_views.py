"""The service-package pages: queues, filters, export, the step forms, and a flat query count."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.talents.models import ServiceRequest
from zugong.talents.tests.support_services import make_request, make_talent

pytestmark = pytest.mark.django_db
LIST = "/talents/packages/"


def _rows(response) -> int:  # noqa: ANN001
    return response.content.decode().count(
        'href="/talents/packages/'
    ) - response.content.decode().count('href="/talents/packages/new/')


@pytest.fixture
def requests_by_state(tree, users):  # noqa: ANN201
    office = users[Role.TALENT_OFFICE]
    t = make_talent(tree.branch_a1, "张教授", employer="县农科所")
    far = make_talent(tree.branch_b1, "东关人才")
    return {
        "pending": make_request(t, office, due=date(2099, 1, 1), content="体检预约"),
        "overdue": make_request(far, office, content="子女入学"),
        "handling": make_request(t, office, state="handling", due=date(2099, 1, 1), content="住房"),
        "done": make_request(t, office, state="done", due=None, satisfaction=4, content="已办"),
    }


def test_queues_and_counts(client, users, requests_by_state):
    client.force_login(users[Role.TALENT_OFFICE])
    response = client.get(LIST)
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["pending"], counts["handling"], counts["done"], counts["overdue"]) == (
        2,
        1,
        1,
        1,
    )
    for queue, expected in (
        ("pending", 2),
        ("handling", 1),
        ("done", 1),
        ("overdue", 1),
        ("all", 4),
    ):
        page = client.get(LIST, {"queue": queue}).context["page_obj"]
        assert len(page.object_list) == expected, queue
    overdue = client.get(LIST, {"queue": "overdue"}).context["page_obj"][0]
    assert overdue.pk == requests_by_state["overdue"].pk and overdue.overdue


def test_search_filters_and_scope(client, users, requests_by_state):
    client.force_login(users[Role.TALENT_OFFICE])
    found = client.get(LIST, {"q": "农科所"}).context["page_obj"]
    assert {r.talent.name for r in found} == {"张教授"}
    assert len(client.get(LIST, {"kind": "schooling"}).context["page_obj"].object_list) == 0
    assert (
        len(client.get(LIST, {"kind": "medical", "assignee": "x"}).context["page_obj"].object_list)
        == 4
    )
    # A township's 党委 reads only its own talents' requests.
    client.force_login(users[Role.COMMITTEE_ADMIN])
    names = {r.talent.name for r in client.get(LIST).context["page_obj"]}
    assert names == {"张教授"}
    other = requests_by_state["overdue"]
    assert client.get(reverse("talents:package_detail", args=[other.pk])).status_code == 404


def test_export_is_the_filtered_list(client, users, requests_by_state):
    client.force_login(users[Role.TALENT_OFFICE])
    response = client.get(LIST, {"queue": "overdue", "export": "xlsx"})
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "人才", "工作单位", "服务类别")
    assert len(rows) == 2 and rows[1][1] == "东关人才" and rows[1][10] == "待受理（超时）"


def test_create_then_steps_through_the_pages(client, tree, users):
    office = users[Role.TALENT_OFFICE]
    talent = make_talent(tree.branch_a1, "王工")
    client.force_login(office)
    response = client.post(
        reverse("talents:package_create"),
        {
            "talent": talent.pk,
            "kind": "housing",
            "content": "申请人才公寓",
            "source": "employer",
            "requester_name": "",
            "submitted_on": "2026-03-02",
        },
    )
    r = ServiceRequest.objects.get()
    assert response.status_code == 302 and r.requester_name == talent.employer
    url = lambda name: reverse(f"talents:package_{name}", args=[r.pk])  # noqa: E731
    assert client.post(url("accept"), {"on": "2026-03-03"}).status_code == 302
    # Handling without a service officer: refused, the message on the form, nothing written.
    response = client.post(url("handle"), {"on": "2026-03-03"})
    assert response.status_code == 400 and "请先指派服务专员" in response.content.decode()
    assert (
        client.post(url("assign"), {"assignee": office.pk, "on": "2026-03-03"}).status_code == 302
    )
    assert client.post(url("handle"), {"on": "2026-03-04"}).status_code == 302
    assert client.post(url("finish"), {"on": "2026-03-09", "result": "已入住"}).status_code == 302
    response = client.post(url("feedback"), {"satisfaction": "9", "on": "2026-03-10"})
    assert response.status_code == 400
    assert (
        client.post(
            url("feedback"), {"satisfaction": "5", "feedback": "好", "on": "2026-03-10"}
        ).status_code
        == 302
    )
    r.refresh_from_db()
    assert (r.state, r.satisfaction) == ("done", 5)
    page = client.get(url("detail")).content.decode()
    assert "满意度评价" in page and "5 分" in page
    assert client.get(url("detail") + "?tab=history").status_code == 200
    assert client.get(url("detail") + "?tab=findings").status_code == 200


def test_return_form_requires_a_reason(client, tree, users):
    r = make_request(make_talent(tree.branch_a1), users[Role.TALENT_OFFICE])
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    response = client.post(
        reverse("talents:package_return", args=[r.pk]), {"on": "2026-03-03", "reason": ""}
    )
    assert response.status_code == 400 and "退回原因" in response.content.decode()
    r.refresh_from_db()
    assert r.state == "submitted"


def test_list_queries_are_flat(client, tree, users, django_assert_max_num_queries):
    office = users[Role.TALENT_OFFICE]
    client.force_login(office)
    talent = make_talent(tree.branch_a1)

    def grow(n: int) -> None:
        for _ in range(n):
            make_request(talent, office, assignee=office)

    assert_flat_queries(client, LIST, grow, _rows, django_assert_max_num_queries)
