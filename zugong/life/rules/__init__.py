"""组织生活 regulation checks: meeting quorum and frequency, the 6-month absence, 民主评议."""

from zugong.life.rules import appraisal, compliance, meetings  # noqa: F401 - registers the rules
