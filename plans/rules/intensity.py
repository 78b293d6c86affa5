"""Intensity rules: maximum coverage (footprint / plot area) and floor-area ratio (GFA / plot)."""

from typing import Self

from plans.check_records import Explanation, RuleResult
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import ZoneRules
from plans.rules.wording import Subject, compare, unmeasured

_COVERAGE = Subject("نسبة تغطية البناء للقطعة", "the coverage of the plot", "ratio", percent=True)
_FAR = Subject("معامل مساحة الطوابق إلى مساحة القطعة", "the floor-area ratio", "ratio")


class MaxCoverage(Rule):
    """Footprint area over plot area must not exceed `limit`."""

    name = "max_coverage"
    limit: float

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``max_coverage``."""
        return () if zone.max_coverage is None else (cls(limit=zone.max_coverage),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the coverage with the maximum; not applicable without a footprint."""
        if facts.footprint is None or facts.plot_area_m2 <= 0:
            return _not_given(self.rule_name, facts, self.limit, _NO_FOOTPRINT)
        coverage = float(facts.footprint.area) / facts.plot_area_m2
        return compare(
            self.rule_name, facts.zone_code, coverage, self.limit, bound="max", subject=_COVERAGE
        )


class MaxFar(Rule):
    """Gross floor area over plot area must not exceed `limit`.

    When the zone's basement allowance says basements are not counted, the basement floor area
    is taken out of the gross floor area first.
    """

    name = "max_far"
    limit: float
    basement_counted: bool = True

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone sets ``max_far``."""
        if zone.max_far is None:
            return ()
        counted = zone.basement is None or zone.basement.counted_in_far
        return (cls(limit=zone.max_far, basement_counted=counted),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the floor-area ratio with the maximum; not applicable without a GFA."""
        if facts.gfa_m2 is None or facts.plot_area_m2 <= 0:
            return _not_given(self.rule_name, facts, self.limit, _NO_GFA)
        counted = facts.gfa_m2 if self.basement_counted else facts.gfa_m2 - facts.basement_m2
        return compare(
            self.rule_name,
            facts.zone_code,
            counted / facts.plot_area_m2,
            self.limit,
            bound="max",
            subject=_FAR,
        )


_NO_FOOTPRINT = Explanation(
    ar="لم يُقدَّم المسقط الأفقي للمبنى، فلا يمكن حساب نسبة التغطية.",
    en="no building footprint was given, so the coverage cannot be computed.",
)
_NO_GFA = Explanation(
    ar="لم تُقدَّم مساحة الطوابق الإجمالية، فلا يمكن حساب معامل البناء.",
    en="no gross floor area was given, so the floor-area ratio cannot be computed.",
)


def _not_given(rule: str, facts: CheckFacts, limit: float, reason: Explanation) -> RuleResult:
    """Return not_applicable: without the input the ratio cannot be measured."""
    return unmeasured(rule, facts.zone_code, limit, "ratio", status="not_applicable", reason=reason)
