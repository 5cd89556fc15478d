"""Who may do what in 大调研 and 问题清单 (the scope checks live in selectors and services).

- Organizers (组织部, 党委) run plans, record opinions, keep problem lists and promote opinions.
- Reviewers (组织部, 系统管理员) approve or refuse 销号 and reopen problems.
- The 干部监督科 alone promotes a verified 举报 into a problem.
- A tracker (整改责任单位) touches only the progress, milestones, evidence and 销号 requests of
  the problems its organization is responsible for; it sees nothing else here.
"""

from __future__ import annotations

from typing import Any

from zugong.accounts.models import Role

ORGANIZER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.COMMITTEE_ADMIN})
REVIEWER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN})
REPORT_PROMOTER_ROLES = frozenset({Role.SUPERVISION_OFFICER})


def is_tracker(user: Any) -> bool:
    return user.role == Role.PROBLEM_TRACKER


def can_organize(user: Any) -> bool:
    return user.role in ORGANIZER_ROLES


def can_review(user: Any) -> bool:
    return user.role in REVIEWER_ROLES


def can_promote_reports(user: Any) -> bool:
    return user.role in REPORT_PROMOTER_ROLES
