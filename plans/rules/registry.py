"""The frozen registry of rule types; `register` returns a new registry with one more type."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from plans.rules.annexes import BasementRule, RoofAnnexRule
from plans.rules.base import Rule
from plans.rules.height import MaxFloors, MaxHeight
from plans.rules.intensity import MaxCoverage, MaxFar
from plans.rules.plot import MinFrontage, MinPlotArea
from plans.rules.schema import ZoneRules
from plans.rules.setbacks import SetbackRule
from plans.rules.uses import UseRule


@dataclass(frozen=True)
class RuleRegistry:
    """Rule types by name, in evaluation order.

    Examples
    --------
    >>> registry = RuleRegistry().register(UseRule)
    >>> list(registry)
    ['use']
    >>> registry.register(UseRule)
    Traceback (most recent call last):
    ...
    ValueError: rule type 'use' is already registered; pass replace=True to replace it
    """

    types: Mapping[str, type[Rule]] = field(default_factory=lambda: MappingProxyType({}))

    def register(self, rule_type: type[Rule], *, replace: bool = False) -> "RuleRegistry":
        """Return a new registry that also holds `rule_type` (under its `name`)."""
        name = rule_type.name
        if name in self.types and not replace:
            raise ValueError(
                f"rule type {name!r} is already registered; pass replace=True to replace it"
            )
        return RuleRegistry(MappingProxyType({**self.types, name: rule_type}))

    def rules_for(self, zone: ZoneRules) -> tuple[Rule, ...]:
        """Return the rules `zone` calls for, type by type in registration order."""
        return tuple(
            rule for rule_type in self.types.values() for rule in rule_type.from_zone(zone)
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)


def _default() -> RuleRegistry:
    registry = RuleRegistry()
    for rule_type in (
        UseRule,
        MinPlotArea,
        MinFrontage,
        MaxCoverage,
        MaxFar,
        MaxFloors,
        MaxHeight,
        SetbackRule,
        RoofAnnexRule,
        BasementRule,
    ):
        registry = registry.register(rule_type)
    return registry


DEFAULT_REGISTRY = _default()
"""Every rule type Mukhattat ships."""
