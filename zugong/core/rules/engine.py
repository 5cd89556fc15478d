"""Rule definitions, parameter resolution and evaluation.

A rule belongs to a rule set ("national" or a local overlay), has effective dates, a severity
(block stops the action, warn is shown) and parameters with national defaults that an
administrator can override with dated RuleParameter rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from zugong.core.rules import registry

NATIONAL = "national"


@dataclass(frozen=True)
class Citation:
    document: str
    article: str = ""
    url: str = ""

    def __str__(self) -> str:
        return f"《{self.document}》{self.article}"


@dataclass(frozen=True)
class Verdict:
    """What a check says about one subject; the engine adds the rule's identity and citation."""

    message: str
    due_on: date | None = None
    severity: str | None = None
    # A rule driven by data rows (e.g. meeting frequencies) cites each row's own article.
    citation: Citation | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    subject_type: str
    citation: Citation
    check: Callable[[Any, RuleContext], Iterable[Verdict]]
    rule_set: str = NATIONAL
    severity: str = "warn"
    effective_from: date | None = None
    effective_to: date | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    status: str = "confirmed"  # confirmed / secondary / unconfirmed, as in shared/domain
    enabled_by_default: bool = True

    def in_force(self, on: date) -> bool:
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_to and on > self.effective_to)


@dataclass(frozen=True)
class FindingDraft:
    rule: Rule
    subject_type: str
    subject_id: int
    subject_label: str
    org_path: str
    severity: str
    message: str
    due_on: date | None
    cited: Citation | None = None

    @property
    def citation(self) -> str:
        return str(self.cited or self.rule.citation)


class RuleContext:
    """Everything a check may read besides its subject: the date, parameters, preloaded data."""

    def __init__(self, today: date | None = None) -> None:
        from zugong.core.models import RuleParameter, RuleSetting

        self.today = today or timezone.localdate()
        self.data: dict[str, Any] = {}
        self._overrides: dict[tuple[str, str], list[tuple[date, Any]]] = {}
        for p in RuleParameter.objects.order_by("-effective_from").values_list(
            "rule_id", "key", "effective_from", "value"
        ):
            self._overrides.setdefault((p[0], p[1]), []).append((p[2], p[3]))
        self._rule_sets = dict(RuleSetting.objects.values_list("rule_set", "enabled"))

    def param(self, rule: Rule, key: str) -> Any:
        """The newest override in force today, else the rule's national default."""
        for effective_from, value in self._overrides.get((rule.id, key), []):
            if effective_from <= self.today:
                return value
        return rule.params[key]

    def rule_enabled(self, rule: Rule) -> bool:
        enabled = self._rule_sets.get(rule.rule_set, rule.enabled_by_default)
        return enabled and rule.in_force(self.today)

    def rule_set_enabled(self, rule_set: str, default: bool = True) -> bool:
        """Whether a rule set is switched on here; overlays that ship switched off pass False."""
        return self._rule_sets.get(rule_set, default)


def rule(**kwargs: Any) -> Callable[[Callable[[Any, RuleContext], Iterable[Verdict]]], Rule]:
    """Decorator: @rule(id=..., title=..., subject_type=..., citation=Citation(...), params={...})."""

    def wrap(check: Callable[[Any, RuleContext], Iterable[Verdict]]) -> Rule:
        return registry.register_rule(Rule(check=check, **kwargs))

    return wrap


def evaluate(
    subject_type: str, subjects: Sequence[Any], ctx: RuleContext | None = None
) -> list[FindingDraft]:
    ctx = ctx or RuleContext()
    kind = registry.SUBJECT_KINDS[subject_type]
    active = [r for r in registry.rules_for(subject_type) if ctx.rule_enabled(r)]
    if not subjects or not active:
        return []
    if kind.preload:
        kind.preload(ctx, subjects)
    drafts: list[FindingDraft] = []
    for subject in subjects:
        for r in active:
            for verdict in r.check(subject, ctx):
                drafts.append(
                    FindingDraft(
                        rule=r,
                        subject_type=subject_type,
                        subject_id=subject.pk,
                        subject_label=kind.label(subject),
                        org_path=kind.org_path(subject),
                        severity=verdict.severity or r.severity,
                        message=verdict.message,
                        due_on=verdict.due_on,
                        cited=verdict.citation,
                    )
                )
    return drafts
