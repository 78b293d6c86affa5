"""Allowance rules: roof annexes (share of the roof) and basements."""

from typing import TYPE_CHECKING, Self

from plans.check_records import Explanation, RuleResult
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import ZoneRules
from plans.rules.wording import Subject, compare, unmeasured

if TYPE_CHECKING:
    from plans.types import RuleStatus

_ROOF_ANNEX = Subject("مساحة الملحق العلوي على السطح", "the roof annex area", "m2")


class RoofAnnexRule(Rule):
    """A roof annex may cover `max_share_of_roof` of the roof (the footprint area).

    On a roof smaller than `small_roof_below_m2` it may instead reach `small_roof_max_m2`.
    """

    name = "roof_annex"
    max_share_of_roof: float
    small_roof_below_m2: float | None = None
    small_roof_max_m2: float | None = None

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone gives a roof-annex allowance."""
        annex = zone.roof_annex
        if annex is None:
            return ()
        return (
            cls(
                max_share_of_roof=annex.max_share_of_roof,
                small_roof_below_m2=annex.small_roof_below_m2,
                small_roof_max_m2=annex.small_roof_max_m2,
            ),
        )

    def allowed_m2(self, roof_m2: float) -> float:
        """Return the annex area allowed on a roof of `roof_m2`."""
        small = self.small_roof_below_m2
        if small is not None and self.small_roof_max_m2 is not None and roof_m2 < small:
            return self.small_roof_max_m2
        return self.max_share_of_roof * roof_m2

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Compare the annex with the allowance; not applicable without annex or footprint."""
        annex = facts.application.roof_annex_m2
        if annex is None or facts.footprint is None:
            reason = Explanation(
                ar="لم تُقدَّم مساحة الملحق العلوي أو المسقط الأفقي، فلا تنطبق هذه القاعدة.",
                en="no roof annex area or no footprint was given, so this rule does not apply.",
            )
            return unmeasured(
                self.rule_name, facts.zone_code, None, "m2", status="not_applicable", reason=reason
            )
        allowed = self.allowed_m2(float(facts.footprint.area))
        return compare(
            self.rule_name, facts.zone_code, annex, allowed, bound="max", subject=_ROOF_ANNEX
        )


class BasementRule(Rule):
    """A basement passes where the zone allows one and fails where it does not."""

    name = "basement"
    allowed: bool

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule when the zone says whether basements are allowed."""
        return () if zone.basement is None else (cls(allowed=zone.basement.allowed),)

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Judge the application's basement, if it has one."""
        measured = facts.basement_m2
        status: RuleStatus
        if measured <= 0:
            reason = Explanation(
                ar="لا يتضمن الطلب طابق قبو، فلا تنطبق هذه القاعدة.",
                en="the application has no basement, so this rule does not apply.",
            )
            status = "not_applicable"
        elif self.allowed:
            reason = Explanation(
                ar="القبو مسموح به في هذه المنطقة.", en="a basement is allowed in this zone."
            )
            status = "pass"
        else:
            reason = Explanation(
                ar="القبو غير مسموح به في هذه المنطقة.",
                en="a basement is not allowed in this zone.",
            )
            status = "fail"
        result = unmeasured(
            self.rule_name, facts.zone_code, None, "m2", status=status, reason=reason
        )
        return result if measured <= 0 else _with_measure(result, round(measured, 2))


def _with_measure(result: RuleResult, measured: float) -> RuleResult:
    return RuleResult(
        result.rule,
        result.status,
        measured,
        result.limit,
        result.unit,
        result.explanation,
        zone=result.zone,
    )
