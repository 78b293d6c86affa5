"""Height rules: maximum number of floors and maximum height in metres."""

from typing import Self

from plans.check_records import Explanation, RuleResult
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import ZoneRules
from plans.rules.wording import Subject, compare, unmeasured

_FLOORS = Subject("عدد طوابق المبنى", "the number of floors", "floors")
_HEIGHT = Subject("ارتفاع المبنى", "the building height", "m")


class MaxFloors(Rule):
    """The building must have at most `limit` floors."""

    name = "max_floors"
    limit: int

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``max_floors``."""
        return () if zone.max_floors is None else (cls(limit=zone.max_floors),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the floors with the maximum; not applicable when none were given."""
        if facts.application.floors is None:
            reason = Explanation(
                ar="لم يُحدَّد عدد الطوابق، فلا تنطبق هذه القاعدة.",
                en="the number of floors was not given, so this rule does not apply.",
            )
            return unmeasured(
                self.rule_name,
                facts.zone_code,
                self.limit,
                "floors",
                status="not_applicable",
                reason=reason,
            )
        return compare(
            self.rule_name,
            facts.zone_code,
            facts.application.floors,
            self.limit,
            bound="max",
            subject=_FLOORS,
        )


class MaxHeight(Rule):
    """The building must be at most `limit` metres high (`with_basement` when it has one)."""

    name = "max_height"
    limit: float
    with_basement: float | None = None

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``max_height_m``."""
        if zone.max_height_m is None:
            return ()
        basement = zone.basement.max_height_m if zone.basement is not None else None
        return (cls(limit=zone.max_height_m, with_basement=basement),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the height with the maximum that applies to the building."""
        limit = self.limit
        if facts.basement_m2 > 0 and self.with_basement is not None:
            limit = self.with_basement
        if facts.application.height_m is None:
            reason = Explanation(
                ar="لم يُحدَّد ارتفاع المبنى، فلا تنطبق هذه القاعدة.",
                en="the building height was not given, so this rule does not apply.",
            )
            return unmeasured(
                self.rule_name, facts.zone_code, limit, "m", status="not_applicable", reason=reason
            )
        return compare(
            self.rule_name,
            facts.zone_code,
            facts.application.height_m,
            limit,
            bound="max",
            subject=_HEIGHT,
        )
