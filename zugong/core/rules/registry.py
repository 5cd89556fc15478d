"""Where rules and the kinds of subject they judge are registered."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from zugong.core.rules.engine import Rule, RuleContext

RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class SubjectKind:
    """How the engine reads one kind of subject (a member, an organization ...)."""

    name: str
    label: Callable[[Any], str]
    org_path: Callable[[Any], str]
    # Fills ctx.data with whatever the rules need for a batch, so a check never queries per row.
    preload: Callable[[RuleContext, Sequence[Any]], None] | None = None
    # Every subject of this kind, with what label() and the rules read joined in.
    queryset: Callable[[], Any] | None = None
    # Where a finding about such a subject links to ("members:detail"), and what it is called.
    url_name: str = ""
    title: str = ""


SUBJECT_KINDS: dict[str, SubjectKind] = {}


@dataclass(frozen=True)
class DailyJob:
    """Work that falls due by the calendar (reminders, escalations), run once a day after the
    findings by `manage.py refresh_findings`; `run(today)` returns a line for the log."""

    name: str
    run: Callable[[date], str]


DAILY_JOBS: dict[str, DailyJob] = {}


def register_daily_job(job: DailyJob) -> DailyJob:
    DAILY_JOBS[job.name] = job
    return job


def register_rule(rule: Rule) -> Rule:
    if rule.id in RULES:
        raise ValueError(f"duplicate rule id {rule.id}")
    RULES[rule.id] = rule
    return rule


def register_subject_kind(kind: SubjectKind) -> SubjectKind:
    SUBJECT_KINDS[kind.name] = kind
    return kind


def rules_for(subject_type: str) -> Iterable[Rule]:
    return [r for r in RULES.values() if r.subject_type == subject_type]


def subject_types_shown_on(url_name: str) -> list[str]:
    """Every kind of subject whose findings belong on one record page (a member's page shows
    the register's checks, the 6-month absence and the dues arrears alike)."""
    return sorted(name for name, kind in SUBJECT_KINDS.items() if kind.url_name == url_name)


def autodiscover() -> None:
    autodiscover_modules("rules")
