"""Does a width x depth rectangle fit inside a buildable area at some rotation? Exact geometry.

For one orientation the question is answered exactly. Turn the area so the rectangle is
axis-aligned; the lower-left corners ``x`` at which ``x + R`` lies inside the area ``P`` form
``P`` minus, for every boundary edge ``e``, the set ``e ⊕ (-R)`` (the convex hull of the edge's
end points shifted by the rectangle's four corners): a placement is feasible when the rectangle
neither leaves ``P`` nor has a boundary edge run through it. For a convex ``P`` this reduces to
the four corners lying in ``P``, i.e. the intersection of ``P`` shifted by each corner.

Orientations tried: the directions of the area's edges (longest first) and of its minimum
rotated rectangle, each with the rectangle both ways round. A rectangle that fits at all fits
flush against some edge of the area in the common lot shapes; for an irregular area an
orientation between two edge directions could fit where none of these does, so a ``fail`` on
such an area is conservative (the rule result says which orientations were tried).

`FIT_TOLERANCE_M` is given in the applicant's favour: the rectangle is shrunk by it on every
side before the test, so a placement returned may overlap the edge of the area by at most that
much, and an exact fit (zero clearance) counts as a fit.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

FIT_TOLERANCE_M = 0.01
"""Clearance given to the applicant, the centimetre of a plot survey (as `SETBACK_TOLERANCE_M`)."""
MAX_ANGLES = 24
"""Edge directions tried per part (the longest edges'), besides the minimum rotated rectangle."""
_SAME_ANGLE = 1e-7


@dataclass(frozen=True)
class Placement:
    """Where the footprint goes: its outline, rotation (degrees, counter-clockwise) and centre."""

    footprint: Polygon
    angle_deg: float
    centre: tuple[float, float]


def fit_rectangle(
    area: BaseGeometry,
    width: float,
    depth: float,
    *,
    tolerance: float = FIT_TOLERANCE_M,
) -> Placement | None:
    """Return a placement of a `width` x `depth` rectangle inside `area`, or None.

    Parameters
    ----------
    area
        The buildable area (Polygon or MultiPolygon) in a metric CRS.
    width, depth
        The rectangle's sides in metres.
    tolerance
        How far the rectangle may overlap the area's edge (see `FIT_TOLERANCE_M`).

    Examples
    --------
    >>> placement = fit_rectangle(box(0, 0, 10, 30), 28, 9)
    >>> [round(value, 2) for value in placement.footprint.bounds]
    [0.5, 1.0, 9.5, 29.0]
    >>> fit_rectangle(box(0, 0, 10, 30), 11, 11) is None
    True
    """
    if width <= 0 or depth <= 0:
        raise ValueError(f"width and depth must be > 0, got {width!r} x {depth!r}")
    parts = sorted(_polygons(area), key=lambda part: -part.area)
    for part in parts:
        if part.area + 4 * tolerance * (width + depth) < width * depth:
            break  # parts are sorted by area: no later one is larger
        placement = _fit_part(part, width, depth, tolerance)
        if placement is not None:
            return placement
    return None


def _fit_part(part: Polygon, width: float, depth: float, tolerance: float) -> Placement | None:
    origin = part.centroid
    convex = _is_convex(part)
    for angle in candidate_angles(part):
        turned = _rotated(part, -angle, (origin.x, origin.y))
        minx, miny, maxx, maxy = turned.bounds
        for w, d in ((width, depth), (depth, width)):
            inner_w, inner_d = max(w - 2 * tolerance, 0.0), max(d - 2 * tolerance, 0.0)
            if maxx - minx < inner_w or maxy - miny < inner_d:
                continue  # cannot fit in the bounding box, let alone the area
            corner = _feasible_corner(turned, inner_w, inner_d, convex=convex)
            if corner is None:
                continue
            x, y = corner[0] - tolerance, corner[1] - tolerance
            footprint = affinity.rotate(
                box(x, y, x + w, y + d), angle, origin=origin, use_radians=True
            )
            centre = footprint.centroid
            return Placement(footprint, math.degrees(angle) % 360, (centre.x, centre.y))
    return None


def candidate_angles(part: Polygon) -> Iterator[float]:
    """Yield the orientations (radians, modulo 90 degrees) to try, most promising first.

    The directions of the longest edges come first; the minimum rotated rectangle's (which
    costs more to find) last.
    """
    exterior: BaseGeometry = part.exterior
    coords = np.asarray(exterior.coords)
    delta = np.diff(coords, axis=0)
    lengths = np.hypot(delta[:, 0], delta[:, 1])
    order = np.argsort(-lengths)[:MAX_ANGLES]
    seen: list[float] = []
    for i in order:
        angle = float(np.arctan2(delta[i, 1], delta[i, 0]) % (math.pi / 2))
        if all(_angle_gap(angle, other) > _SAME_ANGLE for other in seen):
            seen.append(angle)
            yield angle
    box_: Any = part.minimum_rotated_rectangle
    rectangle = np.asarray(box_.exterior.coords)
    step = rectangle[1] - rectangle[0]
    angle = float(math.atan2(step[1], step[0]) % (math.pi / 2))
    if all(_angle_gap(angle, other) > _SAME_ANGLE for other in seen):
        yield angle


def _feasible_corner(
    part: Polygon, width: float, depth: float, *, convex: bool
) -> tuple[float, float] | None:
    """Return a lower-left corner at which the axis-aligned rectangle lies in `part`, if any.

    The corners lying in `part` is necessary; it is sufficient for a convex `part`. Otherwise
    a point of that region is tried first and the exact swept-edge region computed only when
    that point does not do.
    """
    corners = np.array([[0.0, 0.0], [width, 0.0], [width, depth], [0.0, depth]])
    feasible = shapely.intersection_all(_shifted_copies(part, corners))
    if feasible.is_empty:
        return None
    point = feasible.representative_point()
    if convex or part.covers(box(point.x, point.y, point.x + width, point.y + depth)):
        return (point.x, point.y)
    feasible = part.difference(_swept_edges(part, corners))
    if feasible.is_empty:
        return None
    point = feasible.representative_point()
    return (point.x, point.y)


def _rotated(part: Polygon, angle: float, origin: tuple[float, float]) -> Polygon:
    """Return `part` turned by `angle` radians about `origin` (numpy; holes via shapely)."""
    if part.interiors:
        return affinity.rotate(part, angle, origin=origin, use_radians=True)
    cos, sin = math.cos(angle), math.sin(angle)
    xy = np.asarray(part.exterior.coords) - origin
    turned = np.column_stack([xy[:, 0] * cos - xy[:, 1] * sin, xy[:, 0] * sin + xy[:, 1] * cos])
    return Polygon(turned + origin)


def _shifted_copies(part: Polygon, corners: NDArray[np.float64]) -> NDArray[np.object_]:
    """Return `part` moved by minus each corner, built in one vectorised call."""
    if part.interiors:
        return np.array([affinity.translate(part, -c[0], -c[1]) for c in corners])
    ring = np.asarray(part.exterior.coords)
    copies = shapely.polygons(ring[None, :, :] - corners[:, None, :])
    return np.asarray(copies, dtype=object)


def _swept_edges(part: Polygon, corners: NDArray[np.float64]) -> BaseGeometry:
    """Return the union over boundary edges ``e`` of ``e ⊕ (-R)``."""
    rings = [part.exterior, *part.interiors]
    starts, ends = [], []
    for ring in rings:
        coords = np.asarray(ring.coords)
        starts.append(coords[:-1])
        ends.append(coords[1:])
    a, b = np.concatenate(starts), np.concatenate(ends)
    points = np.concatenate([a[:, None, :] - corners, b[:, None, :] - corners], axis=1)
    hulls = shapely.convex_hull(shapely.multipoints(points))
    return shapely.union_all(hulls)


def _is_convex(part: Polygon) -> bool:
    if part.interiors:
        return False
    coords = np.asarray(part.exterior.coords)[:-1]
    edges = np.roll(coords, -1, axis=0) - coords
    following = np.roll(edges, -1, axis=0)
    cross = edges[:, 0] * following[:, 1] - edges[:, 1] * following[:, 0]
    # Turns below 1e-9 of the edges' lengths are collinear points written with rounding.
    slack = 1e-9 * np.hypot(*edges.T) * np.hypot(*following.T)
    return bool(np.all(cross >= -slack) or np.all(cross <= slack))


def _angle_gap(a: float, b: float) -> float:
    gap = abs(a - b) % (math.pi / 2)
    return min(gap, math.pi / 2 - gap)


def _polygons(area: BaseGeometry) -> list[Polygon]:
    if isinstance(area, Polygon):
        return [] if area.is_empty else [area]
    if isinstance(area, MultiPolygon):
        return [part for part in area.geoms if not part.is_empty]
    return [g for g in shapely.get_parts(area) if isinstance(g, Polygon) and not g.is_empty]
