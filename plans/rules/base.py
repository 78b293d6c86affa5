"""The contract of a rule type: a frozen pydantic model, built from a zone's rules, called on facts.

The facts describe one plot or, under the ``per_part`` policy, one zone's part of it.
"""

from dataclasses import dataclass
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict
from shapely.geometry import MultiPolygon, Polygon

from plans.check_records import Application, RuleResult
from plans.edges import ParcelEdge
from plans.rules.schema import ZoneRules


@dataclass(frozen=True)
class CheckFacts:
    """What the rules of one zone see.

    ``plot_area_m2``, ``footprint``, ``gfa_m2`` and ``basement_m2`` are the whole plot's, or,
    under ``per_part``, the zone's part of the plot and the share of the building standing on it.
    ``parcel_area_m2``, ``edges`` and ``frontage_m`` always describe the whole plot.
    """

    zone_code: str
    zone: ZoneRules
    application: Application
    parcel_area_m2: float
    plot_area_m2: float
    edges: tuple[ParcelEdge, ...]
    frontage_m: float | None
    footprint: Polygon | MultiPolygon | None
    gfa_m2: float | None
    basement_m2: float


class Rule(BaseModel):
    """Base of every rule type: parameters as fields, evaluation in `__call__`.

    Subclasses set `name` and implement `from_zone` (which instances a zone's rules call for;
    none when the zone does not set the limit) and `__call__`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ClassVar[str]

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """Return the rules of this type that `zone` sets (empty when it sets none)."""
        raise NotImplementedError

    @property
    def rule_name(self) -> str:
        """The name this rule's results carry (the type's `name` unless refined)."""
        return self.name

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Evaluate the rule on `facts`."""
        raise NotImplementedError
