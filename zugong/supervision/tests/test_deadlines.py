"""Step deadlines in working days across 国庆 and 春节 (with the 调休 working weekends), the
deadline parameters, and the reminder / overdue / escalation findings."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from zugong.core.models import Finding, RuleParameter
from zugong.core.rules.engine import RuleContext
from zugong.supervision import case_rules
from zugong.supervision.case_services import DeadlineRun, check_deadlines
from zugong.supervision.deadlines import step_due, step_workdays
from zugong.supervision.models import CaseEvent, ReportState
from zugong.supervision.tests.test_case_support import make_report

pytestmark = pytest.mark.django_db


def test_defaults_are_parameters_marked_unconfirmed():
    rule = case_rules.CASE_DEADLINE
    assert rule.status == "unconfirmed"
    assert "待核实" in str(rule.citation)
    assert {p.key for p in case_rules.PARAMETERS} == set(rule.params)
    assert all(p.status == "U" for p in case_rules.PARAMETERS)
    assert step_workdays(ReportState.RECEIVED) == 5
    assert step_workdays(ReportState.CLOSED) is None


def test_acceptance_across_national_day_counts_the_saturday_make_up_day():
    # Fri 2025-09-26: Sun 09-28 (调休) 09-29 09-30, then 10-01..10-08 off, 10-09 10-10.
    assert step_due(ReportState.RECEIVED, date(2025, 9, 26)) == date(2025, 10, 10)
    # From Tue 09-30: 10-09 10-10 10-11 (Saturday 调休) 10-13 10-14.
    assert step_due(ReportState.RECEIVED, date(2025, 9, 30)) == date(2025, 10, 14)


def test_steps_across_spring_festival_2026():
    # Thu 2026-02-12: 02-13, Sat 02-14 (调休), then 02-15..02-23 off, 02-24 02-25 02-26.
    assert step_due(ReportState.RECEIVED, date(2026, 2, 12)) == date(2026, 2, 26)
    assert step_due(ReportState.ACCEPTED, date(2026, 2, 13)) == date(2026, 2, 25)


def test_an_override_in_force_changes_the_due_date():
    RuleParameter.objects.create(
        rule_id=case_rules.CASE_DEADLINE.id,
        key="received_workdays",
        value=7,
        effective_from=date(2025, 1, 1),
    )
    # 09-28 09-29 09-30 10-09 10-10 10-11 (调休) 10-13.
    assert step_due(ReportState.RECEIVED, date(2025, 9, 26)) == date(2025, 10, 13)
    # Before the override took effect the default applies.
    assert step_due(ReportState.RECEIVED, date(2024, 12, 2)) == date(2024, 12, 9)


def _messages(report, today: date) -> list[tuple[str | None, str]]:
    ctx = RuleContext(today=today)
    return [(v.severity, v.message) for v in case_rules.deadline_verdicts(report, ctx)]


@pytest.mark.parametrize(
    ("today", "severity", "words"),
    [
        (date(2025, 9, 28), None, None),  # 4 working days left: no reminder yet
        (date(2025, 9, 29), "info", "还有3个工作日"),
        (date(2025, 10, 3), "info", "还有2个工作日"),  # a holiday: 10-09 and 10-10 remain
        (date(2025, 10, 10), "info", "今日到期"),
        (date(2025, 10, 11), None, "已逾期1个工作日"),  # the 调休 Saturday counts
        (date(2025, 10, 16), None, "已逾期5个工作日"),
        (date(2025, 10, 17), "block", "督办"),  # more than 5: escalation
    ],
)
def test_reminder_overdue_and_escalation_boundaries(today, severity, words):
    report = make_report(received_on=date(2025, 9, 26))
    assert report.step_due_on == date(2025, 10, 10)
    found = _messages(report, today)
    if words is None:
        assert found == []
        return
    assert len(found) == 1
    assert found[0][0] == severity
    assert words in found[0][1]


def test_check_deadlines_stores_findings_reminds_and_escalates_once():
    report = make_report(received_on=date(2025, 9, 26))
    closed = make_report(received_on=date(2025, 9, 26), state=ReportState.CLOSED, result="false")
    Finding.objects.create(
        rule_id="supervision.case_deadline",
        subject_type=case_rules.CASE_KIND,
        subject_id=closed.pk,
        subject_label="x",
        org_path=case_rules.SUPERVISION_PATH,
        severity="warn",
        message="旧的",
        citation="x",
    )
    assert check_deadlines(date(2025, 9, 28)) == DeadlineRun(reminded=0, escalated=0)
    assert check_deadlines(date(2025, 9, 29)) == DeadlineRun(reminded=1, escalated=0)
    assert check_deadlines(date(2025, 10, 10)) == DeadlineRun(reminded=0, escalated=0)  # once
    assert "2025-10-10" in report.events.get(kind=CaseEvent.Kind.REMINDED).note
    assert check_deadlines(date(2025, 10, 16)) == DeadlineRun(reminded=0, escalated=0)
    finding = Finding.objects.get(subject_type=case_rules.CASE_KIND)
    assert finding.subject_id == report.pk and finding.severity == "warn"
    assert finding.org_path == case_rules.SUPERVISION_PATH
    assert case_rules.TEXT_FREE_LABEL(report) == finding.subject_label
    assert check_deadlines(date(2025, 10, 17)).escalated == 1
    assert check_deadlines(date(2025, 10, 20)).escalated == 0  # once per step
    event = report.events.get(kind=CaseEvent.Kind.ESCALATED)
    assert event.actor is None and "2025-10-10" in event.note
    assert Finding.objects.get(subject_type=case_rules.CASE_KIND).severity == "block"


def test_the_queue_shows_escalations_to_the_officer(client, users):
    from zugong.accounts.models import Role

    report = make_report(received_on=date(2025, 9, 26))
    check_deadlines(date(2025, 10, 17))
    client.force_login(users[Role.SUPERVISION_OFFICER])
    body = client.get("/supervision/cases/").content.decode()
    assert "督办" in body and report.number in body
    client.force_login(users[Role.LEADER])  # not a queue role: sees no findings
    assert (
        'data-testid="deadline-findings"' not in client.get("/supervision/cases/").content.decode()
    )


def test_refresh_findings_runs_the_daily_deadline_check(capsys):
    from django.core.management import call_command

    report = make_report(received_on=date(2025, 9, 26))
    with freeze_time("2025-10-17 09:00:00+08:00"):
        call_command("refresh_findings")
    assert "逾期督办 1 件" in capsys.readouterr().out
    assert report.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1
