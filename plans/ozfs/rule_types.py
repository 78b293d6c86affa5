"""OZFS rule types for uses, height, stories, coverage, lot size and parking.

Limits are resolved in the file's units (feet, acres, percent) with the parcel's and building's
variables and converted to metric by `plans.ozfs.units` before they are compared, so results
carry metres, square metres and ratios like every other Mukhattat rule.
"""

from typing import ClassVar, Self

from plans.check_records import Explanation, RuleResult
from plans.ozfs.document import Constraint, District, ValueSpec, expression
from plans.ozfs.errors import ExpressionError
from plans.ozfs.rules import OzfsFacts, OzfsRule
from plans.ozfs.units import SQ_FOOT_M2, field_to_si, to_si
from plans.ozfs.values import Bound, resolve
from plans.rules.wording import Subject, compare, latin, unmeasured
from plans.types import RuleStatus


class ResUses(OzfsRule):
    """The building's residential use must be one the district lists in ``res_uses``."""

    name = "res_uses"
    uses: tuple[str, ...] | None
    planned_dev: bool = False

    @classmethod
    def from_district(cls, district: District) -> tuple[Self, ...]:
        """Every district answers this (``none`` allows no residential use)."""
        uses = None if district.res_uses == "none" else district.res_uses
        return (cls(uses=uses, planned_dev=district.planned_dev),)

    def __call__(self, facts: OzfsFacts) -> RuleResult:
        """Pass when the use is listed; a planned development decides case by case."""
        use, zone = facts.use, facts.district_code
        if self.uses is None and self.planned_dev:
            reason = Explanation(
                ar="منطقة تطوير مخطط: تُحدَّد استعمالاتها في كل مشروع على حدة.",
                en="a planned development: its uses are set project by project.",
            )
            return unmeasured(self.name, zone, None, None, status="needs_review", reason=reason)
        allowed = self.uses is not None and use in self.uses
        listed = ", ".join(self.uses) if self.uses else "none"
        verb_en = "is one of" if allowed else "is not one of"
        verb_ar = "من" if allowed else "ليس من"
        explanation = Explanation(
            ar=f"منطقة {latin(zone)}: الاستعمال {latin(use)} {verb_ar} الاستعمالات السكنية "
            f"المسموح بها ({latin(listed)}).",
            en=f"Zone {zone}: the use {use} {verb_en} the residential uses allowed ({listed}).",
        )
        status: RuleStatus = "pass" if allowed else "fail"
        return RuleResult(self.name, status, use, self.uses or (), None, explanation, zone=zone)


class BoundRule(OzfsRule):
    """A measured value against the ``min_val``/``max_val`` of the entry for the building's use."""

    subject: ClassVar[Subject]
    missing: ClassVar[tuple[str, str]] = ("", "")
    entries: tuple[Constraint, ...]

    @classmethod
    def from_district(cls, district: District) -> tuple[Self, ...]:
        """One rule when the district sets this field for any use."""
        entries: tuple[Constraint, ...] | None = getattr(district, cls.name)
        return (cls(entries=entries),) if entries else ()

    def measure(self, facts: OzfsFacts) -> float | None:
        """Return the building's or parcel's value in metric units; None when not given."""
        raise NotImplementedError

    def __call__(self, facts: OzfsFacts) -> RuleResult:
        """Compare the measured value with each bound the use's entry gives."""
        zone = facts.district_code
        entry = next((e for e in self.entries if facts.use in e.use_name), None)
        if entry is None:
            return self._unmeasured(
                facts,
                "not_applicable",
                f"لا تضع المنطقة هذا الحد للاستعمال {latin(facts.use)}.",
                f"the district sets no {self.name} limit for the use {facts.use}.",
            )
        try:
            limits = self._limits(entry, facts)
        except ExpressionError as error:
            return self._unmeasured(facts, "needs_review", "تعذّر حساب الحد.", f"{error}.")
        if any(limit is None for _, limit in limits):
            return self._unmeasured(
                facts,
                "needs_review",
                "لا تنطبق أي حالة من حالات القاعدة على هذا المبنى.",
                "no case of the rule applies to this building.",
            )
        measured = self.measure(facts)
        if measured is None:
            return self._unmeasured(facts, "needs_review", *self.missing)
        results = [
            compare(self.name, zone, measured, limit, bound=bound, subject=self.subject)
            for bound, limit in limits
            if limit is not None
        ]
        return next((r for r in results if r.status == "fail"), results[0])

    def _limits(self, entry: Constraint, facts: OzfsFacts) -> list[tuple[Bound, float | None]]:
        limits: list[tuple[Bound, float | None]] = []
        bounds: tuple[tuple[Bound, ValueSpec | None], ...] = (
            ("min", entry.min_val),
            ("max", entry.max_val),
        )
        for bound, spec in bounds:
            if spec is not None:
                value = resolve(spec, facts.variables, bound=bound)
                limits.append((bound, None if value is None else field_to_si(value, self.name)))
        return limits

    def _unmeasured(self, facts: OzfsFacts, status: RuleStatus, ar: str, en: str) -> RuleResult:
        reason = Explanation(ar=ar, en=en)
        unit = self.subject.unit
        return unmeasured(
            self.name,
            facts.district_code,
            None,
            unit,
            status=status,
            reason=reason,
        )


class Height(BoundRule):
    """Building height, measured as the file's definitions say for the roof type."""

    name = "height"
    subject = Subject("ارتفاع المبنى", "the building height", "m")
    missing = ("لم يُحدَّد ارتفاع المبنى.", "the building height was not given.")

    def measure(self, facts: OzfsFacts) -> float | None:
        """``height`` if the proposal states it, else the roof type's definition, else the top.

        Without a roof type the top of the building is taken: every definition in OZFS
        (mean of eave and ridge for pitched roofs) gives at most the top.
        """
        building = facts.building
        if building.height is not None:
            return to_si(building.height, "ft")
        if building.height_top is None:
            return None
        definition = facts.document.height_definition(building.roof_type or "")
        if definition is None:
            return to_si(building.height_top, "ft")
        variables = {**facts.variables, "height": building.height_top}
        try:
            return to_si(float(expression(definition).evaluate(variables)), "ft")
        except ExpressionError:
            return None


class Stories(BoundRule):
    """Number of stories: the highest storey at or above grade (see `Building.stories`)."""

    name = "stories"
    subject = Subject("عدد طوابق المبنى", "the number of stories", "stories")
    missing = ("لم تُحدَّد طوابق المبنى.", "the building's levels were not given.")

    def measure(self, facts: OzfsFacts) -> float | None:
        """Return the building's stories."""
        stories = facts.building.stories
        return None if stories is None else float(stories)


class LotCoverage(BoundRule):
    """Footprint (width x depth) as a share of the lot area."""

    name = "lot_cov_bldg"
    subject = Subject("نسبة البناء إلى مساحة القطعة", "the lot coverage", None, percent=True)

    def measure(self, facts: OzfsFacts) -> float | None:
        """Footprint area over lot area."""
        footprint = facts.building.width * facts.building.depth * SQ_FOOT_M2
        return footprint / facts.plot.lot_area_m2 if facts.plot.lot_area_m2 > 0 else None


class LotSize(BoundRule):
    """Lot area (the recorded one where the parcel file gives it)."""

    name = "lot_size"
    subject = Subject("مساحة القطعة", "the lot area", "m2")

    def measure(self, facts: OzfsFacts) -> float | None:
        """Return the lot area in square metres."""
        return facts.plot.lot_area_m2


class Parking(BoundRule):
    """Uncovered parking spaces provided."""

    name = "parking_uncovered"
    subject = Subject("عدد مواقف السيارات", "the parking spaces", "spaces")
    missing = ("لم يُحدِّد الطلب عدد المواقف.", "the proposal does not state its parking.")

    def measure(self, facts: OzfsFacts) -> float | None:
        """Return the building's parking spaces."""
        parking = facts.building.parking
        return None if parking is None else float(parking)
