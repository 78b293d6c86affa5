"""Type the edges of a parcel as front, side or rear, and measure the street in front of them.

A front edge runs along a road: at least `min_road_share` of its length lies within `road_gap_m`
of a road polygon (a small gap allows for a pavement or a digitising offset). The street width in
front of it is the length of road crossed by rays cast outwards, square to the edge, from three
points along it (the median, so a junction behind one point does not decide). A corner plot has
several fronts. A rear edge faces a front: its outward direction is within 45 degrees of the
opposite of some front's. The other edges are sides. A plot that touches no road has no fronts;
all its edges are then ``unknown``, because side and rear are defined by the front.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from gis.repair import flush_subnormal
from plans.types import EdgeKind

_FACING_COS = math.cos(math.radians(45))
_RUN_TURN_COS = math.cos(math.radians(45))
_SAMPLES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class ParcelEdge:
    """One edge of a parcel's outer ring, in counter-clockwise order."""

    index: int
    line: LineString
    kind: EdgeKind
    outward: tuple[float, float]
    street_width_m: float | None = None

    @property
    def length_m(self) -> float:
        """Length of the edge in metres."""
        return float(self.line.length)


def type_edges(
    parcel: Polygon,
    roads: Sequence[BaseGeometry],
    *,
    road_gap_m: float = 1.0,
    min_road_share: float = 0.5,
    max_street_width_m: float = 150.0,
) -> tuple[ParcelEdge, ...]:
    """Return the edges of `parcel`'s outer ring, each typed front, side, rear or unknown.

    Parameters
    ----------
    parcel
        A valid polygon in a projected metric CRS. Collinear vertices are merged first, so a
        straight side drawn with extra vertices is one edge.
    roads
        Road or street-area polygons in the same CRS.
    road_gap_m
        How far from a road an edge may lie and still be on it.
    min_road_share
        Share of an edge's length that must lie on a road for it to be a front.
    max_street_width_m
        Length of the rays that measure street width; wider streets are not measured.

    Returns
    -------
    tuple of ParcelEdge

    Examples
    --------
    >>> from shapely import box
    >>> edges = type_edges(box(0, 0, 30, 40), [box(0, -12, 30, 0)])
    >>> [(edge.kind, edge.street_width_m) for edge in edges]
    [('front', 12.0), ('side', None), ('rear', None), ('side', None)]
    """
    lines = _edge_lines(parcel)
    road_union = _local_roads(parcel, roads, reach=max_street_width_m + road_gap_m)
    near_road = _near(road_union, parcel, road_gap_m)
    outwards = [_outward_normal(line) for line in lines]
    on_road = _shares_within(lines, near_road) >= min_road_share
    fronts = [i for i, front in enumerate(on_road) if front]
    front_lines, front_outwards = [lines[i] for i in fronts], [outwards[i] for i in fronts]
    measured = _street_widths(
        front_lines, front_outwards, road_union, road_gap_m, max_street_width_m
    )
    widths = dict(zip(fronts, measured, strict=True))  # front edge index -> width (or None)
    edges = [
        ParcelEdge(i, line, "front" if i in widths else "side", outwards[i], widths.get(i))
        for i, line in enumerate(lines)
    ]
    return _assign_rears(edges)


def frontage_m(edges: Sequence[ParcelEdge]) -> float | None:
    """Return the longest run of consecutive front edges that turns by less than 45 degrees.

    A corner plot's two streets are two runs; the longer one is its frontage. None when the plot
    has no front edge.
    """
    fronts = [edge.kind == "front" for edge in edges]
    if not any(fronts):
        return None
    if all(fronts) and len(edges) > 0:
        start = 0
    else:
        start = next(i for i, front in enumerate(fronts) if not front)
    best = run = 0.0
    previous: ParcelEdge | None = None
    for offset in range(1, len(edges) + 1):
        edge = edges[(start + offset) % len(edges)]
        if edge.kind != "front":
            run, previous = 0.0, None
            continue
        if previous is not None and _cos_between(previous.outward, edge.outward) < _RUN_TURN_COS:
            run = 0.0
        run += edge.length_m
        best = max(best, run)
        previous = edge
    return best


def _edge_lines(parcel: Polygon) -> list[LineString]:
    oriented = shapely.geometry.polygon.orient(flush_subnormal(parcel), sign=1.0)
    ring = shapely.simplify(oriented, 1e-9).exterior
    coords = list(ring.coords)[:-1]
    # Start at the south-west-most vertex so edge numbers do not depend on how it was drawn.
    first = min(range(len(coords)), key=lambda i: (coords[i][1], coords[i][0]))
    coords = coords[first:] + coords[:first] + [coords[first]]
    return [
        LineString([coords[i], coords[i + 1]])
        for i in range(len(coords) - 1)
        if coords[i] != coords[i + 1]
    ]


def _local_roads(parcel: Polygon, roads: Sequence[BaseGeometry], *, reach: float) -> BaseGeometry:
    """Return the union of the roads within `reach` of the parcel's bounds, clipped to them.

    A plan's road zone is often one polygon across the whole town: clipped first, its union
    and buffer cost what the parcel's neighbourhood costs, not the town's (nothing farther
    than `reach` can meet an edge's rays).
    """
    xmin, ymin, xmax, ymax = parcel.bounds
    window = (xmin - reach, ymin - reach, xmax + reach, ymax + reach)
    found = np.asarray([r for r in roads if not r.is_empty], dtype=object)
    if not len(found):
        return shapely.GeometryCollection()
    bounds = shapely.bounds(found)
    inside = (bounds[:, :2] >= window[:2]).all(axis=1) & (bounds[:, 2:] <= window[2:]).all(axis=1)
    found[~inside] = shapely.intersection(found[~inside], shapely.box(*window))
    return shapely.union_all(found)  # roads already inside the window are not cut


def _near(road: BaseGeometry, parcel: Polygon, gap: float) -> BaseGeometry:
    """Return the area within `gap` of the road, where it can meet the parcel's edges.

    Only road within `gap` of the parcel's bounds can be that close to an edge: the road is
    cut to those bounds (widened by twice the gap, so the cut's own edges stay out of reach)
    before it is buffered, which costs a small piece's buffer, not the neighbourhood's.
    """
    if road.is_empty:
        return road
    xmin, ymin, xmax, ymax = parcel.bounds
    margin = 2 * gap
    piece = shapely.clip_by_rect(road, xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    return piece.buffer(gap)


def _outward_normal(line: LineString) -> tuple[float, float]:
    (x0, y0), (x1, y1) = line.coords
    length = math.hypot(x1 - x0, y1 - y0)
    # The ring is counter-clockwise, so the inside is on the left and outward is on the right.
    return ((y1 - y0) / length, -(x1 - x0) / length)


def _shares_within(lines: Sequence[LineString], area: BaseGeometry) -> np.ndarray:
    """Return the share of each line's length inside `area` (one GEOS call for all)."""
    if area.is_empty or not lines:
        return np.zeros(len(lines))
    segments = np.asarray(lines, dtype=object)
    inside = shapely.length(shapely.intersection(segments, area))
    result: np.ndarray = inside / shapely.length(segments)
    return result


def _street_widths(
    lines: Sequence[LineString],
    outwards: Sequence[tuple[float, float]],
    road: BaseGeometry,
    gap: float,
    reach: float,
) -> list[float | None]:
    """Return the street width in front of each line: the median of its rays' road crossings.

    Each ray's width is its longest piece of road that starts within `gap` of the edge; all
    rays of all lines are cast in one GEOS call (a check's edges cost ~0.3 ms less than one
    by one, bench/checks.py --profile).
    """
    if not lines:
        return []
    count = len(_SAMPLES)
    starts = shapely.line_interpolate_point(
        np.repeat(np.asarray(lines, dtype=object), count),
        np.tile(_SAMPLES, len(lines)),
        normalized=True,
    )
    xy = shapely.get_coordinates(starts)
    ends = xy + np.repeat(np.asarray(outwards), count, axis=0) * reach
    rays = shapely.linestrings(np.stack([xy, ends], axis=1))
    pieces, ray_of = shapely.get_parts(shapely.intersection(rays, road), return_index=True)
    lengths = shapely.length(pieces)
    near = (lengths > 0) & (shapely.distance(pieces, starts[ray_of]) <= gap)
    ray_widths = np.full(len(xy), -1.0)
    np.maximum.at(ray_widths, ray_of[near], lengths[near])
    return [_median_width(ray_widths[i * count : (i + 1) * count]) for i in range(len(lines))]


def _median_width(ray_widths: np.ndarray) -> float | None:
    measured = [float(width) for width in ray_widths if width >= 0]
    return round(statistics.median(measured), 3) if measured else None


def _assign_rears(edges: list[ParcelEdge]) -> tuple[ParcelEdge, ...]:
    fronts = [edge.outward for edge in edges if edge.kind == "front"]
    if not fronts:
        return tuple(_retyped(edge, "unknown") for edge in edges)
    typed = []
    for edge in edges:
        facing = any(_cos_between(edge.outward, front) <= -_FACING_COS for front in fronts)
        typed.append(_retyped(edge, "rear") if edge.kind == "side" and facing else edge)
    return tuple(typed)


def _retyped(edge: ParcelEdge, kind: EdgeKind) -> ParcelEdge:
    return ParcelEdge(edge.index, edge.line, kind, edge.outward, edge.street_width_m)


def _cos_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return a[0] * b[0] + a[1] * b[1]
