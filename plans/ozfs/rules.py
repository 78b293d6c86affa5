"""The contract of an OZFS rule type and the frozen registry that holds them.

The same design as `plans.rules`: a rule type is a frozen pydantic model built from a district's
rules and called on the facts of one parcel and one building; the registry is frozen and
`register` returns a new one. OZFS rules are scoped by use, so a rule type holds the district's
entries for its field and picks the one for the building's use when called.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict
from shapely.geometry import Polygon

from plans.check_records import RuleResult
from plans.edges import ParcelEdge
from plans.ozfs.buildings import Building
from plans.ozfs.document import District, ZoningDocument
from plans.ozfs.reading import EdgeLabel


@dataclass(frozen=True)
class Plot:
    """A parcel ready for checking, in a metric CRS.

    ``edges[i]`` carries the OZFS label ``labels[i]`` (front, rear, interior side, exterior
    side, unknown); its `ParcelEdge.kind` is the label's family (front, side, rear, unknown).
    ``variables`` are the parcel's OZFS expression variables (feet, acres); ``lot_area_m2``
    is the recorded lot area where the file gives one, else the polygon's area.
    """

    parcel_id: str
    polygon: Polygon
    edges: tuple[ParcelEdge, ...]
    labels: tuple[EdgeLabel, ...]
    lot_area_m2: float
    variables: Mapping[str, float]


@dataclass(frozen=True)
class OzfsFacts:
    """What the rules see: one parcel in one district, one proposed building."""

    district_code: str
    district: District
    document: ZoningDocument
    building: Building
    plot: Plot
    variables: Mapping[str, float]

    @property
    def use(self) -> str:
        """The building's OZFS residential use (``1_family`` ... ``4_family``)."""
        return self.building.use


class OzfsRule(BaseModel):
    """Base of every OZFS rule type: parameters as fields, evaluation in `__call__`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ClassVar[str]
    """The OZFS field the rule checks; also the name of its results and of its CSV column."""

    @classmethod
    def from_district(cls, district: District) -> tuple[Self, ...]:
        """Return the rules of this type that `district` sets (empty when it sets none)."""
        raise NotImplementedError

    def __call__(self, facts: OzfsFacts) -> RuleResult:
        """Evaluate the rule on `facts`."""
        raise NotImplementedError


@dataclass(frozen=True)
class OzfsRegistry:
    """OZFS rule types by name, in evaluation order (see `plans.rules.registry.RuleRegistry`)."""

    types: Mapping[str, type[OzfsRule]] = field(default_factory=lambda: MappingProxyType({}))

    def register(self, rule_type: type[OzfsRule], *, replace: bool = False) -> "OzfsRegistry":
        """Return a new registry that also holds `rule_type` (under its `name`)."""
        name = rule_type.name
        if name in self.types and not replace:
            raise ValueError(
                f"rule type {name!r} is already registered; pass replace=True to replace it"
            )
        return OzfsRegistry(MappingProxyType({**self.types, name: rule_type}))

    def rules_for(self, district: District) -> tuple[OzfsRule, ...]:
        """Return the rules `district` calls for, type by type in registration order."""
        return tuple(
            rule for rule_type in self.types.values() for rule in rule_type.from_district(district)
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)
