"""Setback rules: the building's distance from front, side and rear edges.

Also the per-edge setbacks the buildable envelope is drawn with, so both use the same figures.
"""

from collections.abc import Sequence
from typing import Self

from plans.check_records import Explanation, RuleResult
from plans.edges import ParcelEdge
from plans.envelope import SETBACK_TOLERANCE_M
from plans.rules.base import CheckFacts, Rule
from plans.rules.schema import StreetWidthSetback, ZoneRules
from plans.rules.wording import Subject, compare, unmeasured
from plans.types import SETBACK_KINDS, SetbackKind

_SUBJECTS = {
    "front": Subject(
        "أقل بُعد للمبنى عن حد القطعة الأمامي",
        "the building's distance from the front boundary",
        "m",
    ),
    "side": Subject(
        "أقل بُعد للمبنى عن حد القطعة الجانبي", "the building's distance from a side boundary", "m"
    ),
    "rear": Subject(
        "أقل بُعد للمبنى عن حد القطعة الخلفي", "the building's distance from the rear boundary", "m"
    ),
}
_KIND_AR = {"front": "الأمامي", "side": "الجانبي", "rear": "الخلفي"}


def required_setback(spec: float | StreetWidthSetback, edge: ParcelEdge) -> float | None:
    """Return the setback `spec` asks of `edge`; None when it depends on an unmeasured street."""
    if isinstance(spec, StreetWidthSetback):
        return None if edge.street_width_m is None else spec.resolve(edge.street_width_m)
    return spec


def envelope_setbacks(zone: ZoneRules, edges: Sequence[ParcelEdge]) -> tuple[float, ...]:
    """Return the setback of each edge used to draw the buildable envelope.

    A street-width setback whose street could not be measured takes its ``max`` (or ``min``
    when it has none). An ``unknown`` edge (the plot touches no road) takes the largest setback
    of any kind, so the envelope drawn is one that every reading of the edges allows.
    """
    values = {kind: _fixed(zone.setbacks_m.spec(kind)) for kind in SETBACK_KINDS}
    result = []
    for edge in edges:
        if edge.kind == "unknown":
            result.append(max(values.values()))
            continue
        spec = zone.setbacks_m.spec(edge.kind)
        resolved = None if spec is None else required_setback(spec, edge)
        result.append(values[edge.kind] if resolved is None else resolved)
    return tuple(result)


def _fixed(spec: float | StreetWidthSetback | None) -> float:
    if spec is None:
        return 0.0
    if isinstance(spec, StreetWidthSetback):
        return spec.max if spec.max is not None else spec.min
    return spec


class SetbackRule(Rule):
    """The footprint must keep the required distance from every edge of one kind.

    The result reports the edge with the smallest margin (distance minus requirement).
    Distances are compared to `SETBACK_TOLERANCE_M`.
    """

    name = "setback"
    kind: SetbackKind
    spec: float | StreetWidthSetback

    @classmethod
    def from_zone(cls, zone: ZoneRules) -> tuple[Self, ...]:
        """One rule per setback kind the zone sets."""
        specs = ((kind, zone.setbacks_m.spec(kind)) for kind in SETBACK_KINDS)
        return tuple(cls(kind=kind, spec=spec) for kind, spec in specs if spec is not None)

    @property
    def rule_name(self) -> str:
        """``setback_front``, ``setback_side`` or ``setback_rear``."""
        return f"setback_{self.kind}"

    def __call__(self, facts: CheckFacts) -> RuleResult:
        """Measure the footprint's distance from each edge of this kind."""
        edges = [edge for edge in facts.edges if edge.kind == self.kind]
        limit = self.spec if isinstance(self.spec, float | int) else None
        early = self._unmeasurable(facts, edges, limit)
        if early is not None:
            return early
        assert facts.footprint is not None  # _unmeasurable returned otherwise
        required = [required_setback(self.spec, edge) for edge in edges]
        if any(value is None for value in required):
            return self._review(
                facts,
                limit,
                "تعذّر قياس عرض الشارع أمام القطعة، والارتداد مرتبط بعرض الشارع.",
                "the street width in front of the plot could not be measured, and the setback "
                "depends on it.",
            )
        margins = [
            (float(facts.footprint.distance(edge.line)), value)
            for edge, value in zip(edges, required, strict=True)
            if value is not None
        ]
        distance, value = min(margins, key=lambda pair: pair[0] - pair[1])
        return compare(
            self.rule_name,
            facts.zone_code,
            distance,
            value,
            bound="min",
            subject=_SUBJECTS[self.kind],
            tolerance=SETBACK_TOLERANCE_M,
        )

    def _unmeasurable(
        self, facts: CheckFacts, edges: list[ParcelEdge], limit: float | None
    ) -> RuleResult | None:
        if any(edge.kind == "unknown" for edge in facts.edges):
            return self._review(
                facts,
                limit,
                "لا تقع أي حافة من حواف القطعة على شارع، فلا يمكن تحديد الحد الأمامي "
                "والجانبي والخلفي.",
                "no edge of the plot lies on a road, so its front, side and rear edges cannot "
                "be told apart.",
            )
        if not edges:
            return self._skip(
                facts,
                limit,
                f"ليس للقطعة حد {_KIND_AR[self.kind]}.",
                f"the plot has no {self.kind} edge.",
            )
        if facts.footprint is None:
            return self._skip(
                facts,
                limit,
                "لم يُقدَّم المسقط الأفقي للمبنى، فلا يمكن قياس الارتدادات.",
                "no building footprint was given, so the setbacks cannot be measured.",
            )
        return None

    def _review(self, facts: CheckFacts, limit: float | None, ar: str, en: str) -> RuleResult:
        return unmeasured(
            self.rule_name,
            facts.zone_code,
            limit,
            "m",
            status="needs_review",
            reason=Explanation(ar=ar, en=en),
        )

    def _skip(self, facts: CheckFacts, limit: float | None, ar: str, en: str) -> RuleResult:
        return unmeasured(
            self.rule_name,
            facts.zone_code,
            limit,
            "m",
            status="not_applicable",
            reason=Explanation(ar=ar, en=en),
        )
