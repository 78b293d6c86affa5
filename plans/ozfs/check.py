"""Check one OZFS building on one parcel: the engine behind `check --building` and `check-all`.

Pure: a prepared zoning (districts in a metric CRS), a plot with labelled edges and a building
in, a `CheckResult` (verdict, every rule, the buildable area) and the footprint's placement out.
The district is the one covering the largest share of the lot; a lot that another district
covers beyond the sliver tolerance gets a ``zoning`` result that needs review.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from plans.check import verdict_of
from plans.check_records import CheckResult, Explanation, RuleResult, ZoneShare
from plans.edges import ParcelEdge
from plans.ozfs.buildings import Building
from plans.ozfs.document import ZoningDocument
from plans.ozfs.fit import Placement
from plans.ozfs.reading import EdgeLabel, OzfsParcel
from plans.ozfs.rule_types import Height, LotCoverage, LotSize, Parking, ResUses, Stories
from plans.ozfs.rules import OzfsFacts, OzfsRegistry, Plot
from plans.ozfs.setbacks import FitResult, SetbackFit
from plans.ozfs.units import ACRE_M2, from_si
from plans.rules.wording import unmeasured
from plans.types import EdgeKind

SLIVER_SHARE = 0.01
"""A district covering less of a lot than this share (or 1 m²) is a digitising sliver."""
SLIVER_AREA_M2 = 1.0

_KINDS: dict[EdgeLabel, EdgeKind] = {
    "front": "front",
    "rear": "rear",
    "interior side": "side",
    "exterior side": "side",
    "unknown": "unknown",
}


def _default() -> OzfsRegistry:
    registry = OzfsRegistry()
    for rule_type in (ResUses, Height, Stories, LotCoverage, LotSize, Parking, SetbackFit):
        registry = registry.register(rule_type)
    return registry


OZFS_REGISTRY = _default()
"""Every OZFS rule type Mukhattat ships, in report order."""


@dataclass(frozen=True)
class PreparedZoning:
    """A zoning document with its mapped districts in a metric CRS (prepared for queries)."""

    identifier: str
    document: ZoningDocument
    districts: tuple[tuple[str, BaseGeometry], ...]

    def __post_init__(self) -> None:
        for _, geom in self.districts:
            shapely.prepare(geom)


@dataclass(frozen=True)
class OzfsCheck:
    """The answer for one parcel: the district, the check result, the placement and its time."""

    parcel_id: str
    district: str | None
    result: CheckResult
    placement: Placement | None
    seconds: float


def plot_of(parcel: OzfsParcel) -> Plot:
    """Make a checkable `Plot` of a parcel already in a metric CRS.

    Lot width and depth missing from the file are taken from the lot's minimum rotated
    rectangle (shorter side the width); a missing lot area from the polygon.
    """
    polygon = parcel.polygon
    edges = tuple(
        ParcelEdge(i, edge.line, _KINDS[edge.side], _outward(polygon, edge.line))
        for i, edge in enumerate(parcel.edges)
    )
    area_m2 = parcel.lot_area * ACRE_M2 if parcel.lot_area is not None else float(polygon.area)
    width, depth = parcel.lot_width, parcel.lot_depth
    if width is None or depth is None:
        sides = _rectangle_sides(polygon)
        width, depth = from_si(sides[0], "ft"), from_si(sides[1], "ft")
    variables = {"lot_width": width, "lot_depth": depth, "lot_area": from_si(area_m2, "acre")}
    labels = tuple(edge.side for edge in parcel.edges)
    return Plot(parcel.parcel_id, polygon, edges, labels, area_m2, variables)


def check_parcel(
    plot: Plot,
    zoning: PreparedZoning,
    building: Building,
    *,
    registry: OzfsRegistry = OZFS_REGISTRY,
) -> OzfsCheck:
    """Check `building` on `plot` under `zoning` with every rule of `registry`."""
    start = time.perf_counter()
    shares = district_shares(plot.polygon, zoning.districts)
    code = shares[0].zone_code if shares else None
    results: list[RuleResult] = []
    if code is None:
        results.append(_no_district())
    else:
        district = zoning.document.district(code)
        variables = {**plot.variables, **building.variables()}
        facts = OzfsFacts(code, district, zoning.document, building, plot, variables)
        results.extend(rule(facts) for rule in registry.rules_for(district))
        split = _split(shares)
        results.extend([split] if split is not None else [])
    fit = next((r for r in results if isinstance(r, FitResult)), None)
    envelope = fit.envelope if fit is not None and fit.envelope is not None else None
    result = CheckResult(
        verdict=verdict_of(results),
        rules=tuple(results),
        zones=shares,
        envelope=envelope if envelope is not None else MultiPolygon([plot.polygon]),
        rule_set=zoning.identifier,
    )
    placement = fit.placement if fit is not None else None
    seconds = time.perf_counter() - start
    return OzfsCheck(plot.parcel_id, code, result, placement, seconds)


def district_shares(
    polygon: Polygon, districts: Sequence[tuple[str, BaseGeometry]]
) -> tuple[ZoneShare, ...]:
    """Return the districts under the lot, largest share first (slivers flagged)."""
    area = float(polygon.area)
    shares = []
    for code, geom in districts:
        if shapely.contains_properly(geom, polygon):
            part = area
        elif shapely.intersects(geom, polygon):
            part = float(shapely.intersection(geom, polygon).area)
        else:
            continue
        if part > 0:
            share = part / area
            sliver = share < SLIVER_SHARE or part < SLIVER_AREA_M2
            shares.append(ZoneShare(code, part, share, sliver))
    return tuple(sorted(shares, key=lambda s: -s.area_m2))


def _split(shares: Sequence[ZoneShare]) -> RuleResult | None:
    others = [s for s in shares[1:] if not s.sliver]
    if not others:
        return None
    parts = ", ".join(f"{s.zone_code} {s.share:.0%}" for s in shares if not s.sliver)
    reason = Explanation(
        ar=f"تقع القطعة في أكثر من منطقة ({parts})، وفُحصت وفق أحكام {shares[0].zone_code}.",
        en=f"the lot lies in several districts ({parts}); it was checked under "
        f"{shares[0].zone_code}, the largest.",
    )
    return unmeasured("zoning", None, None, None, status="needs_review", reason=reason)


def _no_district() -> RuleResult:
    reason = Explanation(
        ar="لا تقع القطعة في أي منطقة مرسومة على المخطط.",
        en="the lot lies in no mapped district.",
    )
    return unmeasured("zoning", None, None, None, status="needs_review", reason=reason)


def _outward(polygon: Polygon, line: BaseGeometry) -> tuple[float, float]:
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    normal = ((y1 - y0) / length, -(x1 - x0) / length)
    middle = line.interpolate(0.5, normalized=True)
    probe = Point(middle.x + normal[0] * 0.05, middle.y + normal[1] * 0.05)
    return (-normal[0], -normal[1]) if polygon.contains(probe) else normal


def _rectangle_sides(polygon: Polygon) -> tuple[float, float]:
    rectangle: Any = polygon.minimum_rotated_rectangle
    coords = list(rectangle.exterior.coords)
    a = math.dist(coords[0], coords[1])
    b = math.dist(coords[1], coords[2])
    return (min(a, b), max(a, b))
