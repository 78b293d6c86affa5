"""The OZFS setbacks as a footprint fit: the building's rectangle in the buildable area.

The buildable area is the lot minus each labelled edge buffered by its own setback
(as in `plans.envelope`): ``setback_front`` for front edges, ``setback_side_int``
and ``setback_side_ext`` for interior and exterior sides, ``setback_rear`` for rear edges. An
``unknown`` edge could be any of them: the footprint passes if it fits when every unknown edge
takes the largest setback, fails if it does not fit even when they take the smallest, and needs
review in between.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from gis.repair import polygonal_part
from plans.check_records import Explanation, RuleResult
from plans.ozfs.document import Constraint, District
from plans.ozfs.errors import ExpressionError
from plans.ozfs.fit import FIT_TOLERANCE_M, Placement, fit_rectangle
from plans.ozfs.rules import OzfsFacts, OzfsRule
from plans.ozfs.units import FOOT_M, field_to_si
from plans.ozfs.values import resolve
from plans.rules.wording import number, unmeasured
from plans.types import RuleStatus

SETBACK_FIELDS = {
    "front": "setback_front",
    "interior side": "setback_side_int",
    "exterior side": "setback_side_ext",
    "rear": "setback_rear",
}
"""The setback field each edge label takes."""
QUAD_SEGS = 16
"""Segments per quarter circle of a strip's round end. Each strip is drawn with its setback
grown by ``1 / cos(pi / 64)`` so its chords lie outside the true arc: the buildable area is
conservative by at most 1.2 per mille of the setback (9 mm for 25 ft), never generous."""
_GROW = 1 / math.cos(math.pi / (4 * QUAD_SEGS))


@dataclass(frozen=True)
class FitResult(RuleResult):
    """A setbacks result with the buildable area it used and the footprint's placement."""

    envelope: MultiPolygon | None = None
    placement: Placement | None = None


class SetbackFit(OzfsRule):
    """The building's width x depth rectangle must fit inside the lot's buildable area."""

    name = "setbacks"
    fields: tuple[tuple[str, tuple[Constraint, ...]], ...]

    @classmethod
    def from_district(cls, district: District) -> tuple[Self, ...]:
        """One rule when the district sets any setback."""
        fields = tuple(
            (name, entries)
            for name in SETBACK_FIELDS.values()
            if (entries := getattr(district, name))
        )
        return (cls(fields=fields),) if fields else ()

    def __call__(self, facts: OzfsFacts) -> RuleResult:
        """Fit the footprint under the strictest reading of unknown edges, then the loosest."""
        try:
            setbacks = self._setbacks(facts)
        except ExpressionError as error:
            return self._unmeasured(facts, "needs_review", "تعذّر حساب الارتداد.", f"{error}.")
        if setbacks is None:
            return self._unmeasured(
                facts,
                "not_applicable",
                "لا تضع المنطقة ارتدادات لهذا الاستعمال.",
                f"the district sets no setback for the use {facts.use}.",
            )
        known = list(setbacks.values())
        strict = self._fit(facts, setbacks, unknown=max(known))
        if strict.placement is not None:
            return self._result(facts, strict, "pass")
        if "unknown" not in facts.plot.labels:
            return self._result(facts, strict, "fail")
        loose = self._fit(facts, setbacks, unknown=min(known))
        return self._result(
            facts,
            loose if loose.placement else strict,
            "needs_review" if loose.placement else "fail",
        )

    def _setbacks(self, facts: OzfsFacts) -> dict[str, float] | None:
        """Setback in metres per edge label; None when no setback applies to the use."""
        by_field = dict(self.fields)
        result: dict[str, float] = {}
        found = False
        for label, field in SETBACK_FIELDS.items():
            entry = next((e for e in by_field.get(field, ()) if facts.use in e.use_name), None)
            value = None
            if entry is not None and entry.min_val is not None:
                found = True
                value = resolve(entry.min_val, facts.variables, bound="min")
                if value is None:
                    raise ExpressionError(f"no case of {field} applies to this building")
            result[label] = 0.0 if value is None else field_to_si(value, field)
        return result if found else None

    def _fit(self, facts: OzfsFacts, setbacks: dict[str, float], *, unknown: float) -> "_Fit":
        values = [setbacks.get(label, unknown) for label in facts.plot.labels]
        envelope = buildable_area(facts.plot.polygon, [e.line for e in facts.plot.edges], values)
        width, depth = facts.building.width * FOOT_M, facts.building.depth * FOOT_M
        return _Fit(envelope, fit_rectangle(envelope, width, depth))

    def _result(self, facts: OzfsFacts, fit: "_Fit", status: RuleStatus) -> RuleResult:
        size = f"{number(facts.building.width)} x {number(facts.building.depth)} ft"
        if fit.placement is not None:
            angle = number(fit.placement.angle_deg)
            en = f"a {size} footprint fits inside the buildable area (turned {angle}°)"
            ar = f"يتسع المسقط ({size}) داخل مساحة البناء المسموح بها (بزاوية {angle}°)"
        else:
            en = f"a {size} footprint fits nowhere inside the buildable area"
            ar = f"لا يتسع المسقط ({size}) في أي موضع داخل مساحة البناء المسموح بها"
        if status == "needs_review":
            en += ", but only if the unlabelled edges take the smaller setbacks"
            ar += "، لكن فقط إذا أُخذت الارتدادات الأصغر للحواف غير المصنفة"
        tolerance = number(FIT_TOLERANCE_M * 100)
        explanation = Explanation(
            ar=f"منطقة {facts.district_code}: {ar} (بتسامح {tolerance} سم).",
            en=f"Zone {facts.district_code}: {en} (tolerance {tolerance} cm).",
        )
        measured = "fits" if fit.placement is not None else "does not fit"
        return FitResult(
            self.name,
            status,
            measured,
            size,
            None,
            explanation,
            zone=facts.district_code,
            envelope=fit.envelope,
            placement=fit.placement,
        )

    def _unmeasured(self, facts: OzfsFacts, status: RuleStatus, ar: str, en: str) -> RuleResult:
        reason = Explanation(ar=ar, en=en)
        return unmeasured(
            self.name,
            facts.district_code,
            None,
            "m",
            status=status,
            reason=reason,
        )


def buildable_area(
    polygon: Polygon, lines: Sequence[BaseGeometry], setbacks_m: Sequence[float]
) -> MultiPolygon:
    """Return the lot minus each edge line buffered by its setback (see `QUAD_SEGS`)."""
    area: BaseGeometry = polygon
    for line, setback in zip(lines, setbacks_m, strict=True):
        if setback > 0:
            area = shapely.difference(
                area, shapely.buffer(line, setback * _GROW, quad_segs=QUAD_SEGS)
            )
    return MultiPolygon([part for part in polygonal_part(area).geoms if part.area > 0])


@dataclass(frozen=True)
class _Fit:
    envelope: MultiPolygon
    placement: Placement | None
