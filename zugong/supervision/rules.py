"""Rule autodiscovery imports `<app>.rules`: the case deadlines live in case_rules."""

from zugong.supervision import case_rules  # noqa: F401 - registers supervision.case_deadline
