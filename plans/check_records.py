"""Immutable inputs and results of a permit check, with the `check --json` shape of DESIGN.md."""

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, mapping

from plans.errors import CheckInputError
from plans.types import RULE_STATUSES, VERDICTS, RuleStatus, Verdict, check_choice

Measure = float | int | str | None
"""A measured value: a number, a use name, or nothing when it could not be measured."""

Limit = float | int | str | tuple[str, ...] | None
"""A limit: a number, or the uses a zone permits."""


@dataclass(frozen=True)
class Application:
    """The proposed building, all lengths and areas in the metres of the check's CRS.

    ``basement_m2`` is the floor area of basement floors (already included in ``gfa_m2``);
    a value above zero means the building has a basement. ``roof_annex_m2`` is the floor area of
    the annex on the roof (stair room, services).
    """

    use: str
    floors: int | None = None
    height_m: float | None = None
    gfa_m2: float | None = None
    footprint: Polygon | MultiPolygon | None = None
    basement_m2: float = 0.0
    roof_annex_m2: float | None = None

    def __post_init__(self) -> None:
        if not self.use.strip():
            raise CheckInputError("use must name a use, e.g. 'residential'")
        numbers = {"floors": self.floors, "height_m": self.height_m, "gfa_m2": self.gfa_m2}
        numbers |= {"basement_m2": self.basement_m2, "roof_annex_m2": self.roof_annex_m2}
        for name, value in numbers.items():
            if value is not None and (not math.isfinite(value) or value < 0):
                raise CheckInputError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.gfa_m2 is not None and self.basement_m2 > self.gfa_m2:
            raise CheckInputError(
                f"basement_m2 ({self.basement_m2:g}) is part of gfa_m2 ({self.gfa_m2:g}) "
                "and cannot exceed it"
            )


@dataclass(frozen=True)
class Explanation:
    """The same sentence in Arabic and English (plain logical-order Unicode)."""

    ar: str
    en: str

    def to_json(self) -> dict[str, str]:
        """Return ``{"ar": ..., "en": ...}``."""
        return {"ar": self.ar, "en": self.en}


@dataclass(frozen=True)
class RuleResult:
    """One rule evaluated: measured value against its limit, with status and explanation.

    ``zone`` is the zone code whose rule decided the result (None for plot-wide rules such as
    overlays); it is part of the rule name in the JSON only when the policy is ``per_part``,
    where the same rule appears once per zone.
    """

    rule: str
    status: RuleStatus
    measured: Measure
    limit: Limit
    unit: str | None
    explanation: Explanation
    zone: str | None = None

    def __post_init__(self) -> None:
        check_choice(self.status, RULE_STATUSES, name="status")

    def to_json(self) -> dict[str, Any]:
        """Return the rule entry of the ``check --json`` document."""
        limit = list(self.limit) if isinstance(self.limit, tuple) else self.limit
        return {
            "rule": self.rule,
            "status": self.status,
            "measured": self.measured,
            "limit": limit,
            "unit": self.unit,
            "explanation": self.explanation.to_json(),
        }


@dataclass(frozen=True)
class ZoneShare:
    """The part of the plot in one zone; ``sliver`` parts are ignored by the rules."""

    zone_code: str
    area_m2: float
    share: float
    sliver: bool
    name_ar: str | None = None
    name_en: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the zone entry of the ``check --json`` document."""
        name = None if self.name_ar is None else {"ar": self.name_ar, "en": self.name_en}
        return {
            "zone_code": self.zone_code,
            "name": name,
            "area_m2": round(self.area_m2, 2),
            "share": round(self.share, 4),
            "sliver": self.sliver,
        }


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a permit check with every rule, the zones and the buildable envelope.

    ``reference`` is filled by storage when the check is recorded for audit; the engine leaves it
    None. The envelope is in the CRS the check was computed in.
    """

    verdict: Verdict
    rules: tuple[RuleResult, ...]
    zones: tuple[ZoneShare, ...]
    envelope: MultiPolygon
    rule_set: str
    reference: str | None = None

    def __post_init__(self) -> None:
        check_choice(self.verdict, VERDICTS, name="verdict")

    def to_json(self) -> dict[str, Any]:
        """Return the ``check --json`` document as JSON-ready data (pass it to `json.dumps`)."""
        return {
            "verdict": self.verdict,
            "reference": self.reference,
            "rules": [result.to_json() for result in self.rules],
            "zones": [zone.to_json() for zone in self.zones],
            "envelope": _geojson(self.envelope),
        }


def _geojson(geom: MultiPolygon) -> dict[str, Any]:
    """GeoJSON mapping with lists (not tuples), so it compares equal to parsed JSON."""
    as_json: dict[str, Any] = mapping(geom)

    def listed(value: Any) -> Any:
        return [listed(item) for item in value] if isinstance(value, list | tuple) else value

    return {"type": as_json["type"], "coordinates": listed(as_json["coordinates"])}
