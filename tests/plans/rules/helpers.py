"""Made-up rule sets for tests (not regulation figures)."""

from typing import Any

from plans.rules.schema import RuleSet

ZONE_A: dict[str, Any] = {
    "name": {"ar": "سكن أ", "en": "Residential A"},
    "uses": {"permitted": ["residential"], "conditional": ["clinic"], "prohibited": ["industrial"]},
    "min_plot_area_m2": 1000,
    "min_frontage_m": 20,
    "max_coverage": 0.39,
    "max_far": 1.56,
    "max_floors": 4,
    "max_height_m": 15,
    "setbacks_m": {"front": 5, "side": 3, "rear": 6},
}

ZONE_B: dict[str, Any] = {
    "name": {"ar": "تجاري", "en": "Commercial"},
    "uses": {"permitted": ["residential", "commercial"]},
    "max_coverage": 0.6,
    "max_far": 3.0,
    "max_floors": 8,
    "setbacks_m": {"front": 2, "side": 0, "rear": 2},
}


def rule_set_data(**changes: Any) -> dict[str, Any]:
    """A valid rule-set mapping; `changes` replace top-level keys."""
    data: dict[str, Any] = {
        "rule_set": "test-rules",
        "municipality": "TST",
        "version": "1",
        "effective_from": "2024-01-01",
        "effective_to": None,
        "source": "made up for tests",
        "policy": {"split_zone": "strictest", "sliver_tolerance": {"area_m2": 1.0, "share": 0.01}},
        "zones": {"RES_A": ZONE_A, "COM": ZONE_B},
        "overlays": {"HERITAGE": {"effect": "needs_review"}, "NO_BUILD": {"effect": "fail"}},
    }
    data.update(changes)
    return data


def make_rule_set(*, split_zone: str = "strictest", **zone_a_changes: Any) -> RuleSet:
    """The test rule set with policy `split_zone` and RES_A keys replaced by `zone_a_changes`."""
    zone_a = {**ZONE_A, **zone_a_changes}
    zone_a = {key: value for key, value in zone_a.items() if value is not None}
    policy = {"split_zone": split_zone, "sliver_tolerance": {"area_m2": 1.0, "share": 0.01}}
    return RuleSet.model_validate(
        rule_set_data(policy=policy, zones={"RES_A": zone_a, "COM": ZONE_B})
    )
