"""Statistics by channel, result, unit and month, the working days to close, and its export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.supervision.models import Channel, ReportState
from zugong.supervision.stats import case_statistics
from zugong.supervision.tests.test_case_support import TEXT, make_cadre, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(unit_tree):  # noqa: ANN001, ANN201
    cadre = make_cadre(unit_tree.town_a, "被反映人")
    a = make_report(
        received_on=date(2025, 9, 26), cadre=cadre, state=ReportState.CLOSED, result="true"
    )
    a.closed_on = date(2025, 10, 10)  # 09-28 09-29 09-30 10-09 10-10: 5 working days
    a.save()
    b = make_report(
        received_on=date(2025, 9, 29),
        channel=Channel.MEMBER,
        state=ReportState.CLOSED,
        result="false",
    )
    b.closed_on = date(2025, 10, 9)  # 09-30 10-09: 2
    b.save()
    c = make_report(
        received_on=date(2025, 10, 13),
        channel=Channel.MEMBER,
        state=ReportState.CLOSED,
        result="false",
    )
    c.closed_on = date(2025, 10, 14)  # 1
    c.save()
    make_report(received_on=date(2025, 10, 20))
    make_report(received_on=date(2024, 12, 2), channel=Channel.OTHER)
    return [a, b, c]


def test_numbers(reports):
    s = case_statistics()
    assert s.total == 5
    assert dict(s.by_channel) == {"干部选拔任用和任前公示异议": 2, "党员": 2, "其他": 1}
    assert dict(s.by_result) == {"属实": 1, "不属实": 2}
    assert dict(s.by_unit) == {"城关镇": 1, "未指明单位": 4}
    assert dict(s.by_month) == {"2024-12": 1, "2025-09": 2, "2025-10": 2}
    assert s.closed == 3
    assert s.median_workdays == 2.0
    assert s.mean_workdays == round((5 + 2 + 1) / 3, 1)
    assert case_statistics(year=2024).total == 1


def test_page_and_export(client, users, reports):
    client.force_login(users[Role.LEADER])
    page = client.get("/supervision/stats/")
    assert page.status_code == 200 and "共 5 件" in page.content.decode()
    response = client.get("/supervision/stats/?export=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[0] == ["维度", "项目", "数值"]
    assert ["合计", "举报件", 5] in table
    assert ["按渠道", "党员", 2] in table
    assert ["办理时长", "中位数（工作日）", 2] in table
    assert TEXT not in repr(table)
    client.force_login(users[Role.CUSTODIAN])
    assert client.get("/supervision/stats/").status_code == 403
