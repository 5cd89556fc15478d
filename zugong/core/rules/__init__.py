"""The rule engine (DESIGN.md §4): rules are data plus a small check, each verdict cites its article."""

from zugong.core.rules.engine import (
    Citation,
    FindingDraft,
    Rule,
    RuleContext,
    Verdict,
    evaluate,
    rule,
)

__all__ = ["Citation", "FindingDraft", "Rule", "RuleContext", "Verdict", "evaluate", "rule"]
