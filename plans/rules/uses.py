"""Use rules: is the proposed use permitted, conditional or prohibited in the zone."""

from typing import Self

from plans.check_records import Explanation, RuleResult
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import ZoneRules
from plans.rules.wording import latin, zone_prefix
from plans.types import RuleStatus


class UseRule(Rule):
    """Permitted uses pass, conditional ones need review, prohibited ones fail.

    A use the zone does not list at all needs review: the rule set is silent, so the
    municipality decides. Uses compare without regard to case.
    """

    name = "use"
    permitted: tuple[str, ...]
    conditional: tuple[str, ...] = ()
    prohibited: tuple[str, ...] = ()

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """Every zone has a use rule."""
        uses = zone.uses
        return (
            cls(permitted=uses.permitted, conditional=uses.conditional, prohibited=uses.prohibited),
        )

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Classify the application's use."""
        use = facts.application.use.strip()
        status, reason = self._classify(use, facts.zone_code)
        ar_zone, en_zone = zone_prefix(facts.zone_code)
        explanation = Explanation(ar=f"{ar_zone}{reason.ar}", en=f"{en_zone}{reason.en}")
        return RuleResult(
            self.rule_name, status, use, self.permitted, None, explanation, zone=facts.zone_code
        )

    def _classify(self, use: str, zone_code: str) -> tuple[RuleStatus, Explanation]:
        folded = use.casefold()
        ar_use, zone = latin(use), latin(zone_code)
        if folded in {item.casefold() for item in self.permitted}:
            return "pass", Explanation(
                ar=f"الاستعمال {ar_use} مسموح به في هذه المنطقة.",
                en=f"use '{use}' is permitted in this zone.",
            )
        if folded in {item.casefold() for item in self.conditional}:
            return "needs_review", Explanation(
                ar=f"الاستعمال {ar_use} مشروط في هذه المنطقة ويحتاج إلى موافقة البلدية.",
                en=f"use '{use}' is conditional in this zone; the municipality must approve it.",
            )
        if folded in {item.casefold() for item in self.prohibited}:
            return "fail", Explanation(
                ar=f"الاستعمال {ar_use} ممنوع في هذه المنطقة.",
                en=f"use '{use}' is prohibited in this zone.",
            )
        return "needs_review", Explanation(
            ar=f"الاستعمال {ar_use} غير مذكور في أحكام المنطقة {zone}، فتقرر البلدية فيه.",
            en=f"use '{use}' is not listed for zone {zone_code}, so the municipality decides.",
        )
