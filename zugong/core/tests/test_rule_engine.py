"""The engine: parameters with dated overrides, switchable rule sets, effective dates, citations."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.core.models import RuleParameter, RuleSetting
from zugong.core.rules.engine import Citation, Rule, RuleContext, Verdict
from zugong.core.rules.registry import RULES

pytestmark = pytest.mark.django_db


def make_rule(**kw) -> Rule:
    defaults = {
        "id": "test.rule",
        "title": "测试规则",
        "subject_type": "organization",
        "citation": Citation("测试条例", "第一条"),
        "check": lambda subject, ctx: [Verdict("问题")],
        "params": {"days": 5},
    }
    defaults.update(kw)
    return Rule(**defaults)


def test_parameter_default_and_dated_overrides():
    rule = make_rule()
    RuleParameter.objects.create(
        rule_id=rule.id, key="days", value=7, effective_from=date(2026, 1, 1)
    )
    RuleParameter.objects.create(
        rule_id=rule.id, key="days", value=10, effective_from=date(2027, 1, 1)
    )
    assert RuleContext(today=date(2025, 12, 31)).param(rule, "days") == 5
    assert RuleContext(today=date(2026, 1, 1)).param(rule, "days") == 7
    assert RuleContext(today=date(2027, 6, 1)).param(rule, "days") == 10


def test_rule_sets_and_effective_dates():
    overlay = make_rule(rule_set="local-demo", enabled_by_default=False)
    assert not RuleContext().rule_enabled(overlay)
    RuleSetting.objects.create(rule_set="local-demo", enabled=True)
    assert RuleContext().rule_enabled(overlay)
    dated = make_rule(effective_from=date(2026, 5, 1), effective_to=date(2026, 12, 31))
    assert not RuleContext(today=date(2026, 4, 30)).rule_enabled(dated)
    assert RuleContext(today=date(2026, 5, 1)).rule_enabled(dated)
    assert not RuleContext(today=date(2027, 1, 1)).rule_enabled(dated)


def test_every_registered_rule_cites_a_document():
    assert RULES, "rules are registered at start-up"
    for rule in RULES.values():
        assert rule.citation.document and str(rule.citation).startswith("《")
        assert rule.severity in {"block", "warn", "info"}


def test_every_subject_kind_can_be_refreshed_in_full():
    from zugong.core.rules.registry import SUBJECT_KINDS

    assert {"member", "organization"} <= set(SUBJECT_KINDS)
    assert all(kind.queryset is not None for kind in SUBJECT_KINDS.values())
