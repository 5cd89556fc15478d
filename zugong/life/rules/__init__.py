"""组织生活 regulation checks: meeting frequency and quorum, the 6-month absence, 民主评议."""

from zugong.life.rules import appraisal, compliance  # noqa: F401 - registers the rules
