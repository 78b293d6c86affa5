"""The permit check: geometries and a rule set in, a verdict with every rule and the envelope out.

The engine is pure. Storage finds the parcel, the zones of the plan version in force, the roads
and overlays around it, and the rule set; this module only computes. All geometries must be in
one projected CRS in metres.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from gis import overlay
from gis.repair import flush_subnormal, polygonal_part
from plans.check_records import Application, CheckResult, RuleResult
from plans.edges import ParcelEdge, frontage_m, type_edges
from plans.envelope import buildable_envelope
from plans.errors import CheckInputError
from plans.rules.base import CheckFacts
from plans.rules.overlays import evaluate_overlays
from plans.rules.plot import check_footprint_in_plot
from plans.rules.registry import DEFAULT_REGISTRY, RuleRegistry
from plans.rules.schema import RuleSet
from plans.rules.setbacks import envelope_setbacks
from plans.types import Verdict
from plans.zoning import (
    ZoneParts,
    combine,
    coverage_results,
    is_sliver,
    split_zone_result,
    zone_parts,
)


@dataclass(frozen=True)
class _Plot:
    """What every zone's facts share: the parcel, its typed edges and the application."""

    parcel: Polygon
    edges: tuple[ParcelEdge, ...]
    frontage_m: float | None
    application: Application


def check_application(
    parcel: Polygon,
    zones: Sequence[tuple[str, BaseGeometry]],
    roads: Sequence[BaseGeometry],
    application: Application,
    rule_set: RuleSet,
    overlays: Sequence[tuple[str, BaseGeometry]] = (),
    *,
    registry: RuleRegistry = DEFAULT_REGISTRY,
    road_gap_m: float = 1.0,
    edges: Sequence[ParcelEdge] | None = None,
) -> CheckResult:
    """Check a proposed building on `parcel` against `rule_set`.

    Parameters
    ----------
    parcel
        The plot, a valid polygon.
    zones
        (zone code, geometry) of the plan version in force; only those under the plot matter.
    roads
        Road or street-area polygons; edges on them are fronts, and their width is measured.
    application
        The proposed building.
    rule_set
        The validated rule set in force on the application date.
    overlays
        (overlay kind, geometry), e.g. ``("HERITAGE", polygon)``.
    registry
        The rule types to evaluate.
    road_gap_m
        How far an edge may lie from a road and still front it.
    edges
        The parcel's edges already typed (e.g. labelled in an OZFS parcel file); they take
        precedence over typing the edges from `roads`, which are then not used for that.

    Returns
    -------
    CheckResult
        ``not_eligible`` if any rule fails, else ``needs_review`` if any needs review, else
        ``eligible``. ``reference`` is None: storage assigns it.

    Raises
    ------
    CheckInputError
        When the parcel or the footprint is empty, invalid or not a polygon.
    """
    parcel = flush_subnormal(parcel)  # GEOS's overlays and simplifiers misbehave on them
    _require_polygon(parcel, "parcel", multi=False)
    if application.footprint is not None:
        footprint = flush_subnormal(application.footprint)
        _require_polygon(footprint, "footprint", multi=True)
        application = replace(application, footprint=footprint)
    typed = tuple(edges) if edges is not None else type_edges(parcel, roads, road_gap_m=road_gap_m)
    plot = _Plot(parcel, typed, frontage_m(typed), application)
    parts = zone_parts(parcel, zones, rule_set)
    policy = rule_set.policy.split_zone
    results = coverage_results(parts, rule_set, float(parcel.area))
    split = split_zone_result(parts, policy)
    results.extend([split] if split is not None else [])
    per_zone = [
        _evaluate(plot, code, part, rule_set, registry)
        for code, part in parts.active
        if code in rule_set.zones
    ]
    results.extend(combine(per_zone, policy=policy))
    results.append(check_footprint_in_plot(parcel, application.footprint))
    tolerance = rule_set.policy.sliver_tolerance
    results.extend(
        evaluate_overlays(
            parcel, application.footprint, overlays, rule_set.overlays, tolerance=tolerance
        )
    )
    envelope = _envelope(plot, parts, rule_set, overlays)
    return CheckResult(
        verdict=verdict_of(results),
        rules=tuple(results),
        zones=parts.shares,
        envelope=envelope,
        rule_set=rule_set.rule_set,
    )


def verdict_of(results: Sequence[RuleResult]) -> Verdict:
    """Any failure makes the application not eligible; else any open question needs review."""
    statuses = {result.status for result in results}
    if "fail" in statuses:
        return "not_eligible"
    if "needs_review" in statuses:
        return "needs_review"
    return "eligible"


def _require_polygon(geom: BaseGeometry, name: str, *, multi: bool) -> None:
    allowed = (Polygon, MultiPolygon) if multi else (Polygon,)
    kinds = " or MultiPolygon" if multi else ""
    if not isinstance(geom, allowed):
        raise CheckInputError(f"the {name} must be a Polygon{kinds}, got a {geom.geom_type}")
    if geom.is_empty:
        raise CheckInputError(f"the {name} is empty: give its outline in the check's CRS")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise CheckInputError(f"the {name} is invalid ({reason}): repair its outline first")
    if geom.area <= 0:
        raise CheckInputError(f"the {name} has no area: give its outline, not a line or point")


def _evaluate(
    plot: _Plot, code: str, part: BaseGeometry, rule_set: RuleSet, registry: RuleRegistry
) -> tuple[RuleResult, ...]:
    zone = rule_set.zones[code]
    facts = _facts(plot, code, part, rule_set)
    return tuple(rule(facts) for rule in registry.rules_for(zone))


def _facts(plot: _Plot, code: str, part: BaseGeometry, rule_set: RuleSet) -> CheckFacts:
    """Gather the facts of one zone: the whole plot, or its part of it under ``per_part``."""
    app = plot.application
    parcel_area = float(plot.parcel.area)
    plot_area, footprint, factor = parcel_area, app.footprint, 1.0
    if rule_set.policy.split_zone == "per_part":
        plot_area = float(part.area)
        if app.footprint is not None:
            footprint = polygonal_part(overlay.intersection(app.footprint, part))
            factor = float(footprint.area) / float(app.footprint.area)
        else:
            factor = plot_area / parcel_area
    return CheckFacts(
        zone_code=code,
        zone=rule_set.zones[code],
        application=app,
        parcel_area_m2=parcel_area,
        plot_area_m2=plot_area,
        edges=plot.edges,
        frontage_m=plot.frontage_m,
        footprint=footprint,
        gfa_m2=None if app.gfa_m2 is None else app.gfa_m2 * factor,
        basement_m2=app.basement_m2 * factor,
    )


def _envelope(
    plot: _Plot,
    parts: ZoneParts,
    rule_set: RuleSet,
    overlays: Sequence[tuple[str, BaseGeometry]],
) -> MultiPolygon:
    """Intersect the zones' envelopes and take out the overlays where building is not allowed.

    Under ``per_part`` each zone's envelope is clipped to its part and the parts are joined.
    """
    per_part = rule_set.policy.split_zone == "per_part"
    pieces = []
    for code, part in parts.active:
        if code in rule_set.zones:
            setbacks = envelope_setbacks(rule_set.zones[code], plot.edges)
            piece = buildable_envelope(plot.parcel, plot.edges, setbacks)
            pieces.append(overlay.intersection(piece, part) if per_part else piece)
    envelope: BaseGeometry = plot.parcel
    if pieces:
        envelope = overlay.union_all(pieces) if per_part else overlay.intersection_all(pieces)
    no_build = _no_build(plot.parcel, rule_set, overlays)
    if no_build is not None:
        envelope = overlay.difference(envelope, no_build)
    return MultiPolygon([poly for poly in polygonal_part(envelope).geoms if poly.area > 0])


def _no_build(
    parcel: Polygon, rule_set: RuleSet, overlays: Sequence[tuple[str, BaseGeometry]]
) -> BaseGeometry | None:
    """Return the parts of `parcel` under overlays whose effect is ``fail`` (slivers left out)."""
    area = float(parcel.area)
    tolerance = rule_set.policy.sliver_tolerance
    parts = []
    for kind, geom in overlays:
        rule = rule_set.overlays.get(kind)
        if rule is None or rule.effect != "fail":
            continue
        part = overlay.intersection(parcel, geom)
        if not is_sliver(float(part.area), float(part.area) / area, tolerance):
            parts.append(part)
    return overlay.union_all(parts) if parts else None
