import pytest

from plans.rules.base import CheckFacts, Rule
from plans.rules.registry import DEFAULT_REGISTRY, RuleRegistry
from plans.rules.schema import ZoneRules
from plans.rules.setbacks import SetbackRule
from tests.plans.rules.helpers import make_rule_set


class AlwaysReview(Rule):
    name = "always_review"

    @classmethod
    def from_zone(cls, zone: ZoneRules):
        return (cls(),)

    def __call__(self, facts: CheckFacts):
        raise NotImplementedError


def test_register_returns_new_registry():
    extended = DEFAULT_REGISTRY.register(AlwaysReview)
    assert "always_review" in list(extended)
    assert "always_review" not in list(DEFAULT_REGISTRY)
    assert len(extended) == len(DEFAULT_REGISTRY) + 1


def test_register_twice_refused_unless_replace():
    with pytest.raises(ValueError, match="'setback' is already registered"):
        DEFAULT_REGISTRY.register(SetbackRule)
    assert len(DEFAULT_REGISTRY.register(SetbackRule, replace=True)) == len(DEFAULT_REGISTRY)


def test_registry_is_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_REGISTRY.types = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFAULT_REGISTRY.types["x"] = AlwaysReview  # type: ignore[index]


def test_rules_for_zone_follow_its_keys():
    zone = make_rule_set(max_floors=None, setbacks_m={"front": 5}).zones["RES_A"]
    names = [rule.rule_name for rule in DEFAULT_REGISTRY.rules_for(zone)]
    assert names == [
        "use",
        "min_plot_area",
        "min_frontage",
        "max_coverage",
        "max_far",
        "max_height",
        "setback_front",
    ]


def test_empty_registry_has_no_rules():
    assert RuleRegistry().rules_for(make_rule_set().zones["RES_A"]) == ()
