"""Rule autodiscovery imports `<app>.rules`: the case deadlines live in case_rules; the daily
deadline check (reminders, escalations) runs with `manage.py refresh_findings`."""

from datetime import date

from zugong.core.rules.registry import DailyJob, register_daily_job
from zugong.supervision import case_rules  # noqa: F401 - registers supervision.case_deadline


def _check_case_deadlines(today: date) -> str:
    from zugong.supervision.case_services import run_daily_deadline_check  # services load later

    return run_daily_deadline_check(today)


register_daily_job(DailyJob("supervision_case_deadlines", _check_case_deadlines))
