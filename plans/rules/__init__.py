"""Rule sets as validated data, and the rule types that evaluate them (one module per family)."""

from plans.rules.base import CheckFacts, Rule
from plans.rules.loading import load_rule_set, parse_rule_set
from plans.rules.registry import DEFAULT_REGISTRY, RuleRegistry
from plans.rules.schema import RuleSet, ZoneRules

__all__ = [
    "DEFAULT_REGISTRY",
    "CheckFacts",
    "Rule",
    "RuleRegistry",
    "RuleSet",
    "ZoneRules",
    "load_rule_set",
    "parse_rule_set",
]
