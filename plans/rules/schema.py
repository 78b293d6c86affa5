"""Pydantic models of a rule-set YAML file, exactly as the DESIGN.md contract gives its keys.

Every model is frozen, forbids unknown keys and is strict about types (a quoted number is an
error, not a silent conversion), so a typo in a regulation file is caught when it is loaded
rather than when an applicant is refused.
"""

import datetime as dt
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from plans.types import OverlayEffect, SetbackKind, SplitZonePolicy

NonNegative = Annotated[float, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Floors = Annotated[int, Field(ge=0)]
Text = Annotated[str, Field(min_length=1)]
Texts = Annotated[tuple[Text, ...], Field(strict=False)]
Code = Annotated[str, Field(min_length=1, pattern=r"^[^\s<>]+$")]
LaxDate = Annotated[dt.date, Field(strict=False)]

NUMBER_TAG = "<number>"
RATIO_TAG = "<street_width_ratio>"
UNION_TAGS = frozenset({NUMBER_TAG, RATIO_TAG})
"""Internal tags pydantic puts in error locations of a setback; they are removed from messages."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class SliverTolerance(_Frozen):
    """Parts of a plot in a zone smaller than either figure are ignored as digitising slivers."""

    area_m2: NonNegative = 1.0
    share: Share = 0.01


class Policy(_Frozen):
    """How the engine treats plots that several zones cover."""

    split_zone: SplitZonePolicy = "needs_review"
    sliver_tolerance: SliverTolerance = SliverTolerance()


class Name(_Frozen):
    """A bilingual name."""

    ar: Text
    en: Text


class Uses(_Frozen):
    """Uses a zone permits, permits on conditions (needs review), or prohibits."""

    permitted: Texts = ()
    conditional: Texts = ()
    prohibited: Texts = ()

    @model_validator(mode="after")
    def _disjoint(self) -> Self:
        lists = {"permitted": self.permitted, "conditional": self.conditional}
        lists["prohibited"] = self.prohibited
        seen: dict[str, str] = {}
        for key, uses in lists.items():
            for use in uses:
                folded = use.casefold()
                if folded in seen:
                    raise ValueError(f"use {use!r} is listed in both {seen[folded]} and {key}")
                seen[folded] = key
        return self


class StreetWidthSetback(_Frozen):
    """A setback given as a share of the street width, clamped to ``[min, max]``."""

    street_width_ratio: NonNegative
    min: NonNegative = 0.0
    max: NonNegative | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) must not exceed max ({self.max:g})")
        return self

    def resolve(self, street_width_m: float) -> float:
        """Return the setback in metres for a street `street_width_m` wide."""
        value = max(self.min, self.street_width_ratio * street_width_m)
        return value if self.max is None else min(value, self.max)


def _setback_tag(value: Any) -> str | None:
    if isinstance(value, int | float):
        return NUMBER_TAG
    if isinstance(value, dict | StreetWidthSetback):
        return RATIO_TAG
    return None


SetbackSpec = Annotated[
    Annotated[NonNegative, Tag(NUMBER_TAG)] | Annotated[StreetWidthSetback, Tag(RATIO_TAG)],
    Discriminator(
        _setback_tag,
        custom_error_type="setback_type",
        custom_error_message="must be a number of metres or {street_width_ratio, min, max}",
    ),
]
"""A setback in metres, or `StreetWidthSetback`."""


class Setbacks(_Frozen):
    """Setbacks from front (road), side and rear edges; an absent one is not checked."""

    front: SetbackSpec | None = None
    side: SetbackSpec | None = None
    rear: SetbackSpec | None = None

    def spec(self, kind: SetbackKind) -> float | StreetWidthSetback | None:
        """Return the setback given for `kind` edges (None when the rule set gives none)."""
        value: float | StreetWidthSetback | None = getattr(self, kind)
        return value


class RoofAnnex(_Frozen):
    """Roof annex (stair room, services) allowance, as a share of the roof area."""

    max_share_of_roof: Share
    small_roof_below_m2: NonNegative | None = None
    small_roof_max_m2: NonNegative | None = None

    @model_validator(mode="after")
    def _paired(self) -> Self:
        if (self.small_roof_below_m2 is None) != (self.small_roof_max_m2 is None):
            raise ValueError("small_roof_below_m2 and small_roof_max_m2 go together: give both")
        return self


class Basement(_Frozen):
    """Whether a basement is allowed, counted in the floor-area ratio, and its height limit."""

    allowed: bool
    counted_in_far: bool = True
    max_height_m: NonNegative | None = None


class ZoneRules(_Frozen):
    """The rules of one zone code; every limit is optional and an absent one is not checked."""

    name: Name
    uses: Uses = Uses()
    min_plot_area_m2: NonNegative | None = None
    min_frontage_m: NonNegative | None = None
    max_coverage: Share | None = None
    max_far: NonNegative | None = None
    max_floors: Floors | None = None
    max_height_m: NonNegative | None = None
    setbacks_m: Setbacks = Setbacks()
    roof_annex: RoofAnnex | None = None
    basement: Basement | None = None


class OverlayRule(_Frozen):
    """What an overlay kind does to a plot it touches."""

    effect: OverlayEffect


class RuleSet(_Frozen):
    """One validated rule-set file."""

    rule_set: Code
    municipality: Code
    version: Text
    effective_from: LaxDate
    effective_to: LaxDate | None = None
    source: Text
    policy: Policy = Policy()
    zones: Annotated[dict[Code, ZoneRules], Field(min_length=1)]
    overlays: dict[Code, OverlayRule] = Field(default_factory=dict)

    @field_validator("effective_to")
    @classmethod
    def _after_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("effective_from")
        if value is not None and start is not None and value <= start:
            raise ValueError(
                f"must be after effective_from ({start}); use null for an open-ended rule set"
            )
        return value

    def in_force_on(self, day: dt.date) -> bool:
        """Return True when the rule set applies to an application dated `day`."""
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)
