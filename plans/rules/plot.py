"""Plot rules: minimum plot area and frontage, and the footprint lying within the plot."""

from typing import Self

from shapely.geometry import MultiPolygon, Polygon

from gis import overlay
from plans.check_records import Explanation, RuleResult
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import ZoneRules
from plans.rules.wording import Subject, compare, unmeasured

FOOTPRINT_AREA_TOLERANCE_M2 = 0.01
"""Footprint area outside the plot that is put down to drawing precision."""

_PLOT_AREA = Subject("مساحة القطعة", "the plot area", "m2")
_FRONTAGE = Subject("طول واجهة القطعة على الشارع", "the plot's frontage on a road", "m")
_OUTSIDE = Subject(
    "مساحة ما يقع من المبنى خارج حدود القطعة", "the building area outside the plot", "m2"
)


class MinPlotArea(Rule):
    """The plot must be at least `limit` square metres (always the whole plot)."""

    name = "min_plot_area"
    limit: float

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``min_plot_area_m2``."""
        return () if zone.min_plot_area_m2 is None else (cls(limit=zone.min_plot_area_m2),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the plot area with the minimum."""
        return compare(
            self.rule_name,
            facts.zone_code,
            facts.parcel_area_m2,
            self.limit,
            bound="min",
            subject=_PLOT_AREA,
        )


class MinFrontage(Rule):
    """The longest straight run of the plot's road edges must be at least `limit` metres."""

    name = "min_frontage"
    limit: float

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``min_frontage_m``."""
        return () if zone.min_frontage_m is None else (cls(limit=zone.min_frontage_m),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the frontage with the minimum; without a road it needs review."""
        if facts.frontage_m is None:
            reason = Explanation(
                ar="لا تقع أي حافة من حواف القطعة على شارع، فلا يمكن قياس الواجهة.",
                en="no edge of the plot lies on a road, so the frontage cannot be measured.",
            )
            return unmeasured(
                self.rule_name,
                facts.zone_code,
                self.limit,
                "m",
                status="needs_review",
                reason=reason,
            )
        return compare(
            self.rule_name,
            facts.zone_code,
            facts.frontage_m,
            self.limit,
            bound="min",
            subject=_FRONTAGE,
        )


def check_footprint_in_plot(
    parcel: Polygon, footprint: Polygon | MultiPolygon | None
) -> RuleResult:
    """Return the ``footprint_in_plot`` result: the building must stand inside the plot.

    Setback distances alone would let a building drawn wholly outside the plot pass.
    """
    if footprint is None:
        reason = Explanation(
            ar="لم يُقدَّم المسقط الأفقي للمبنى، فلا تنطبق هذه القاعدة.",
            en="no building footprint was given, so this rule does not apply.",
        )
        return unmeasured(
            "footprint_in_plot", None, 0.0, "m2", status="not_applicable", reason=reason
        )
    outside = float(overlay.difference(footprint, parcel).area)
    return compare(
        "footprint_in_plot",
        None,
        outside,
        0.0,
        bound="max",
        subject=_OUTSIDE,
        tolerance=FOOTPRINT_AREA_TOLERANCE_M2,
    )
