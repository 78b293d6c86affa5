"""What may be built on a plot: the strictest limits of the zones under it, with the envelope."""

from collections.abc import Iterable
from typing import Any

from shapely.geometry import MultiPolygon

from plans.rules.schema import RuleSet, ZoneRules


def building_limits(
    rule_set: RuleSet, zone_codes: Iterable[str], *, plot_area_m2: float, envelope: MultiPolygon
) -> dict[str, Any]:
    """Return the answer to "what may I build here?" for the zones (not slivers) under a plot.

    Several zones give the strictest of each limit. A limit no zone sets is None (unlimited by
    this rule set); zones without rules do not loosen anything, they are simply absent here.
    """
    rules = [rule_set.zones[code] for code in zone_codes if code in rule_set.zones]
    coverage = _strictest(r.max_coverage for r in rules)
    far = _strictest(r.max_far for r in rules)
    envelope_area = round(envelope.area, 2)
    by_coverage = None if coverage is None else round(coverage * plot_area_m2, 2)
    footprint = envelope_area if by_coverage is None else min(envelope_area, by_coverage)
    return {
        "plot_area_m2": round(plot_area_m2, 2),
        "envelope_area_m2": envelope_area,
        "max_footprint_m2": footprint,
        "max_gfa_m2": None if far is None else round(far * plot_area_m2, 2),
        "max_floors": _strictest(r.max_floors for r in rules),
        "max_height_m": _strictest(r.max_height_m for r in rules),
        "permitted_uses": sorted(_common_permitted(rules)),
    }


def _strictest(values: Iterable[float | int | None]) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _common_permitted(rules: list[ZoneRules]) -> set[str]:
    if not rules:
        return set()
    permitted = set(rules[0].uses.permitted)
    for zone in rules[1:]:
        permitted &= set(zone.uses.permitted)
    return permitted
