"""The buildable envelope: the parcel with each edge pushed inwards by its own setback.

Each edge with a setback ``d`` forbids the strip of points closer than ``d`` to it (the edge
buffered by ``d``, round ends); the envelope is the parcel minus all strips. For a convex plot
this is the intersection of the inward half-planes; at a reflex corner the round ends keep the
true distance to the edge, which half-planes would not. The setback rules measure the same
distances, so a footprint inside the envelope passes them (`SETBACK_TOLERANCE_M` covers the
chords that stand in for the arcs). The overlays are snap-rounded (`gis.overlay`): the
envelope is later overlaid with zone parts and footprints that share its edges.
"""

from collections.abc import Sequence

import shapely
from shapely.geometry import MultiPolygon, Polygon

from gis import overlay
from gis.repair import polygonal_part
from plans.edges import ParcelEdge

QUAD_SEGS = 64
"""Segments per quarter circle of a strip's round end: chords fall short of the arc by less
than 0.008 % of the setback (under a millimetre for any setback below 12 m)."""

SETBACK_TOLERANCE_M = 0.01
"""Distances are compared to the centimetre, the precision of a plot survey."""


def buildable_envelope(
    parcel: Polygon, edges: Sequence[ParcelEdge], setbacks_m: Sequence[float]
) -> MultiPolygon:
    """Return the part of `parcel` at least ``setbacks_m[i]`` from every edge ``edges[i]``.

    Parameters
    ----------
    parcel
        The plot, in a projected metric CRS.
    edges
        Its edges, as `plans.edges.type_edges` returns them.
    setbacks_m
        One setback per edge, in metres (0 for none).

    Returns
    -------
    MultiPolygon
        Empty when the setbacks leave nothing to build on.

    Raises
    ------
    ValueError
        When `setbacks_m` does not give one value per edge, or a setback is negative.

    Examples
    --------
    >>> from shapely import box
    >>> from plans.edges import type_edges
    >>> edges = type_edges(box(0, 0, 30, 40), [box(0, -12, 30, 0)])
    >>> buildable_envelope(box(0, 0, 30, 40), edges, [5, 3, 6, 3]).bounds
    (3.0, 5.0, 27.0, 34.0)
    """
    if len(setbacks_m) != len(edges):
        raise ValueError(f"give one setback per edge: {len(edges)} edges, {len(setbacks_m)} given")
    if any(setback < 0 for setback in setbacks_m):
        raise ValueError(f"setbacks must be >= 0, got {list(setbacks_m)}")
    strips = [
        shapely.buffer(edge.line, setback, quad_segs=QUAD_SEGS)
        for edge, setback in zip(edges, setbacks_m, strict=True)
        if setback > 0
    ]
    if not strips:
        return polygonal_part(parcel)
    remaining = overlay.difference(parcel, overlay.union_all(strips))
    parts = [part for part in polygonal_part(remaining).geoms if part.area > 0]
    return MultiPolygon(parts)
