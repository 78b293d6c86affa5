"""Re-place the junctions of a zone coverage where the straight edges around them meet.

A digitised coverage gets its edges right away from the nodes but not at them: where three
zones meet on a scan, the boundary lines' ink merges into a blob and the classifier's mode
filter rounds the tip of every acute wedge off, so the traced node sits a few pixels into
the wedge. Zone boundaries are straight near a node, so the node is put back at the
least-squares intersection of the adjacent edges' straight continuations, each fitted on
the edge's part between `Reach.near` and `Reach.far` from the node, and the edges are
rebuilt from there. The faces of the rebuilt edge network are the new zones, so the
coverage stays gap- and overlap-free and its shared edges stay shared.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from gis.repair import polygonal_part
from gis.types import FloatArray

_NODE_DECIMALS = 6  # end points closer than a micrometre are one node (as gis.scoring)
_MIN_FIT = 0.25  # shortest straight run, as a share of far - near, that may fit a line
_ARC_CAP = 4  # an edge's run is looked for within this many times `far` of arc length
_MAX_TURN = 0.5  # sine of the largest angle between a fitted line and its run's chord
_AGREE = 2.0  # lines within this many inlier distances of a point agree on it
_MIN_SINE = 0.2  # lines meeting at under about 12 degrees do not fix a point
_AREA_SLACK = 1e-9  # relative change of the covered area that rebuilding may make


_Line = tuple[FloatArray, FloatArray, float]
"""A fitted line: a point on it, its unit direction and its weight (the run's extent)."""


@dataclass(frozen=True)
class Reach:
    """Distances (map units) that govern how junctions are re-placed (`place_junctions`).

    Attributes
    ----------
    near, far
        Each edge is fitted with a straight line on its part between `near` and `far`
        (straight-line distance) from the node; its first `near` of length is replaced by
        a straight segment from the new node, and nodes joined by an edge shorter than
        `near` are one.
        `near` should exceed how far the tracing strays at a node (ink width plus the
        mode filter's reach).
    max_shift
        Nodes whose fitted position lies further than this are left where they are.
    inlier
        Points of an edge within this of its fitted line count as on it (about a pixel).
    """

    near: float
    far: float
    max_shift: float
    inlier: float

    @classmethod
    def for_pixel(cls, pixel_size: float) -> "Reach":
        """Scale `REACH_PX` to zones traced from a scan with this pixel size."""
        near, far, max_shift, inlier = (v * pixel_size for v in REACH_PX)
        return cls(near, far, max_shift, inlier)


REACH_PX: Final = (6.0, 30.0, 12.0, 1.0)
"""`Reach` in scan pixels: near, far, max_shift, inlier. Measured on synthetic sheets, traced
nodes sit 3-4 px off (up to 9 px at acute wedges) and the ink and mode filter (7 px) bend
the edges within about 6 px; 30 px keeps the fitted run on the first straight leg."""


@dataclass(frozen=True)
class _Incidence:
    """One end of an edge at a node: the edge's index and whether it starts there."""

    edge: int
    starts: bool


def place_junctions(
    geometries: Sequence[BaseGeometry] | npt.NDArray[np.object_], *, reach: Reach
) -> npt.NDArray[np.object_]:
    """Move each interior junction of a coverage to where its edges' straight runs meet.

    Parameters
    ----------
    geometries
        A valid polygonal coverage (no gaps inside, no overlaps).
    reach
        How far from a node edges are refitted and rebuilt (`Reach.for_pixel`).

    Returns
    -------
    numpy.ndarray of geometries
        The zones in the same order (empty where a zone vanished). Nodes on the
        coverage's outer edge, and edges too short or too curved to fit, stay as they were.

    Examples
    --------
    A T junction traced 4 units low, with the top zone's wedge reaching down to it:

    >>> from shapely import Polygon
    >>> zones = [Polygon([(0, 0), (100, 0), (100, 46), (96, 50), (0, 50)]),
    ...          Polygon([(100, 0), (200, 0), (200, 50), (104, 50), (100, 46)]),
    ...          Polygon([(0, 50), (96, 50), (100, 46), (104, 50), (200, 50), (200, 100),
    ...                   (0, 100)])]
    >>> moved = place_junctions(zones, reach=Reach(near=8, far=30, max_shift=12, inlier=0.5))
    >>> [round(zone.area, 6) for zone in moved]
    [5000.0, 5000.0, 10000.0]
    """
    geoms = np.asarray(geometries, dtype=object)
    if len(geoms) < 3:
        return geoms
    edges = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(geoms))))
    moves = _moves(_junctions(edges, _outer_edge(geoms)), edges, reach)
    if not moves:
        return geoms
    rebuilt = [_rebuild(edge, moves, reach.near) for edge in edges]
    noded = shapely.union_all([edge for edge in rebuilt if edge.length > 0])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    result = _assign(faces, geoms, reach.near + reach.max_shift)
    return result if _same_cover(result, geoms) else geoms


def _moves(
    nodes: dict[tuple[float, float], list[_Incidence]],
    edges: npt.NDArray[np.object_],
    reach: Reach,
) -> dict[tuple[float, float], FloatArray]:
    """Fit a new position for each junction; a cluster of close ones moves as one."""
    moves: dict[tuple[float, float], FloatArray] = {}
    for cluster in _clusters(nodes, edges, reach.near):
        ends = [
            end
            for node in cluster
            for end in nodes[node]
            if not _inside(end, cluster, edges, reach.near)
        ]
        centre = np.mean(np.array(cluster), axis=0)
        moved = _fitted_node(centre, [edges[e.edge] for e in ends], [e.starts for e in ends], reach)
        if moved is not None:
            moves.update(dict.fromkeys(cluster, moved))
    return moves


def _same_cover(result: npt.NDArray[np.object_], geoms: npt.NDArray[np.object_]) -> bool:
    """Whether the rebuilt zones are a valid coverage of the same area (else keep the old)."""
    kept = result[~shapely.is_empty(result)]
    area, before = float(shapely.area(kept).sum()), float(shapely.area(geoms).sum())
    valid = bool(shapely.coverage_is_valid(kept)) and bool(shapely.is_valid(kept).all())
    return valid and abs(area - before) <= _AREA_SLACK * before


def _outer_edge(geoms: npt.NDArray[np.object_]) -> BaseGeometry:
    """Return the boundary of the coverage's union (its outside), where nodes stay put."""
    return shapely.boundary(shapely.union_all(geoms))


def _key(point: FloatArray) -> tuple[float, float]:
    x, y = np.round(point, _NODE_DECIMALS)
    return float(x), float(y)


def _junctions(
    edges: npt.NDArray[np.object_], outer: BaseGeometry
) -> dict[tuple[float, float], list[_Incidence]]:
    """Nodes ending three or more edges, off the outer edge, with the edge ends meeting there."""
    ends: defaultdict[tuple[float, float], list[_Incidence]] = defaultdict(list)
    for index, edge in enumerate(edges):
        xy = shapely.get_coordinates(edge)
        if shapely.is_closed(edge):
            continue  # a ring with no node on it: an island or a hole
        ends[_key(xy[0])].append(_Incidence(index, True))
        ends[_key(xy[-1])].append(_Incidence(index, False))
    junctions = {node: hits for node, hits in ends.items() if len(hits) >= 3}
    if not junctions:
        return {}
    points = shapely.points(np.array(list(junctions)))
    inside = np.atleast_1d(~shapely.dwithin(points, outer, 10.0**-_NODE_DECIMALS))
    kept = zip(list(junctions), inside.tolist(), strict=True)
    return {node: junctions[node] for node, keep in kept if keep}


def _clusters(
    nodes: dict[tuple[float, float], list[_Incidence]],
    edges: npt.NDArray[np.object_],
    near: float,
) -> list[list[tuple[float, float]]]:
    """Group junctions joined by edges shorter than `near`: one blurred node on the scan."""
    parent = {node: node for node in nodes}

    def root(node: tuple[float, float]) -> tuple[float, float]:
        while parent[node] != node:
            node = parent[node]
        return node

    for node, ends in nodes.items():
        for end in ends:
            other = _other_end(edges[end.edge], end.starts)
            if other in parent and shapely.length(edges[end.edge]) < near:
                parent[root(other)] = root(node)
    groups: defaultdict[tuple[float, float], list[tuple[float, float]]] = defaultdict(list)
    for node in nodes:
        groups[root(node)].append(node)
    return list(groups.values())


def _other_end(edge: LineString, starts: bool) -> tuple[float, float]:
    xy = shapely.get_coordinates(edge)
    return _key(xy[-1] if starts else xy[0])


def _inside(
    end: _Incidence, cluster: list[tuple[float, float]], edges: npt.NDArray[np.object_], near: float
) -> bool:
    """Whether the edge of `end` is a short one inside the cluster (it collapses to a point)."""
    edge = edges[end.edge]
    return _other_end(edge, end.starts) in cluster and shapely.length(edge) < near


def _fitted_node(
    node: FloatArray, edges: list[LineString], starts: list[bool], reach: Reach
) -> FloatArray | None:
    """Where the edges' fitted lines meet, or None when that is ill-defined or too far."""
    lines = [_fit_line(edge, start, node, reach) for edge, start in zip(edges, starts, strict=True)]
    fitted = [line for line in lines if line is not None]
    agreeing = _agreeing_lines(fitted, reach)
    point = _intersect(agreeing)
    if point is None or np.hypot(*(point - node)) > reach.max_shift:
        return None
    return point


def _agreeing_lines(lines: list[_Line], reach: Reach) -> list[_Line]:
    """Pick the most lines passing near one point where two of them cross, best fitted first.

    One edge whose run the classifier bent (a pencil gap along the line) would pull a
    least-squares node off; the lines that agree on a point outvote it, and between pairs
    that agree with nothing else, the pair with the larger weights (longer, straighter
    runs) wins.
    """
    best: list[_Line] = []
    best_key = (0, 0.0)
    for first, second in combinations(lines, 2):
        point = _intersect([first, second])
        if point is None:
            continue
        support = [line for line in lines if _offset(point, line) <= _AGREE * reach.inlier]
        key = (len(support), sum(weight for _, _, weight in support))
        if key > best_key:
            best, best_key = support, key
    return best


def _offset(point: FloatArray, line: _Line) -> float:
    """Distance from a point to a fitted line."""
    centre, direction, _ = line
    return abs(_cross(direction, point - centre))


def _cross(first: FloatArray, second: FloatArray) -> float:
    """Return the z component of the cross product of two 2-d vectors."""
    return float(first[0] * second[1] - first[1] * second[0])


def _intersect(lines: list[_Line]) -> FloatArray | None:
    """Weighted least-squares intersection of lines, or None for fewer than two or parallel."""
    if len(lines) < 2:
        return None
    normal = np.zeros((2, 2))
    target = np.zeros(2)
    for centre, direction, weight in lines:
        projector = weight * (np.eye(2) - np.outer(direction, direction))
        normal += projector
        target += projector @ centre
    total = sum(weight for _, _, weight in lines)
    if np.linalg.det(normal) < (_MIN_SINE * total / 2) ** 2:
        return None  # the lines are close to parallel: the node slides along them
    point: FloatArray = np.asarray(np.linalg.solve(normal, target), np.float64)
    return point


def _fit_line(edge: LineString, starts: bool, node: FloatArray, reach: Reach) -> _Line | None:
    """Centre, unit direction and extent of the straight run of `edge` near `node`.

    The run is the edge's part between `Reach.near` and `Reach.far` (straight-line distance)
    from the node, up to where it first leaves that ring and short of the far end's own
    neighbourhood; None when it spans too little or leads away from the edge's course.
    """
    length = float(shapely.length(edge))
    arcs = np.arange(0.0, min(length - reach.near, _ARC_CAP * reach.far), reach.inlier / 2)
    xy = shapely.get_coordinates(
        shapely.line_interpolate_point(edge, arcs if starts else length - arcs)
    )
    distance = np.hypot(*(xy - node).T)
    beyond = np.flatnonzero(distance > reach.far)
    if beyond.size:
        xy, distance = xy[: beyond[0]], distance[: beyond[0]]
    run = xy[distance >= reach.near]
    extent = float(distance.max(initial=0.0)) - reach.near
    if len(run) < 3 or extent < _MIN_FIT * (reach.far - reach.near):
        return None
    weights = reach.far - distance[distance >= reach.near]  # the nearer, the more
    on_line = _robust_line(run, weights, reach.inlier)
    centre = on_line.mean(axis=0)
    _, _, axes = np.linalg.svd(on_line - centre, full_matrices=False)
    direction: FloatArray = axes[0]
    chord = on_line[-1] - node
    if abs(_cross(direction, chord)) > _MAX_TURN * np.hypot(*chord):
        return None  # the run bends away from the line from the node: no straight course
    return centre, direction, extent * len(on_line) / len(run)


def _robust_line(xy: FloatArray, weights: FloatArray, inlier: float) -> FloatArray:
    """Return the points within `inlier` of the line (through two of them) most lie near.

    A consensus fit keeps a notch or bump that the classifier left along a boundary line
    (a pencil gap, a letter touching the line) from tilting the fit, and weighting points
    by nearness to the node keeps it on the first leg where a boundary bends.
    """
    first, second = np.triu_indices(len(xy), k=max(1, len(xy) // 3))
    directions = xy[second] - xy[first]
    normals = np.stack([-directions[:, 1], directions[:, 0]], axis=1)
    normals /= np.maximum(np.hypot(*normals.T), 1e-300)[:, None]
    offsets = np.abs(np.einsum("pnk,pk->pn", xy[None, :, :] - xy[first][:, None, :], normals))
    best = int(np.argmax((offsets <= inlier) @ weights))
    on_line: FloatArray = xy[offsets[best] <= inlier]
    return on_line


def _rebuild(
    edge: LineString, moves: dict[tuple[float, float], FloatArray], near: float
) -> BaseGeometry:
    """Re-place the edge's moved end nodes, each joined straight to the edge at `near`."""
    xy = shapely.get_coordinates(edge)
    head, tail = moves.get(_key(xy[0])), moves.get(_key(xy[-1]))
    if head is None and tail is None:
        return edge
    length = float(shapely.length(edge))
    cut_head = near if head is not None else 0.0
    cut_tail = near if tail is not None else 0.0
    first = xy[0] if head is None else head
    last = xy[-1] if tail is None else tail
    if length - cut_head - cut_tail <= 0:
        return LineString([first, last])
    middle = shapely.get_coordinates(substring(edge, cut_head, length - cut_tail))
    return LineString(np.concatenate([[first], middle, [last]]))


def _assign(
    faces: npt.NDArray[np.object_], geoms: npt.NDArray[np.object_], changed: float
) -> npt.NDArray[np.object_]:
    """Give each face to the zone it overlaps most and union each zone's faces.

    A face with a point deeper inside than `changed` (how far from a node an edge may have
    moved) simply takes the zone holding that point; only the others are intersected.
    Every face goes to some zone, however small its overlap, so no hole can open.
    """
    tree = shapely.STRtree(geoms)
    inner = shapely.point_on_surface(faces)
    owner = np.full(len(faces), -1, np.intp)
    deep = np.flatnonzero(shapely.distance(inner, shapely.boundary(faces)) > changed)
    found, zone = tree.query(inner[deep], predicate="within")
    owner[deep[found]] = zone
    rest = np.flatnonzero(owner < 0)
    if rest.size:
        owner[rest] = _most_overlapped(faces[rest], geoms, tree)
    result = np.empty(len(geoms), object)
    result[:] = [
        polygonal_part(shapely.coverage_union_all(faces[owner == i]))
        if (owner == i).any()
        else shapely.Polygon()
        for i in range(len(geoms))
    ]
    return result


def _most_overlapped(
    faces: npt.NDArray[np.object_], geoms: npt.NDArray[np.object_], tree: shapely.STRtree
) -> npt.NDArray[np.intp]:
    """Index of the zone each face overlaps most, or lies nearest when it overlaps none."""
    owner = np.asarray(tree.query_nearest(faces, all_matches=False)[1], np.intp)
    face_index, zone_index = tree.query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[face_index], geoms[zone_index]))
    best = np.full(len(faces), -1.0)
    for face, zone, area in zip(face_index, zone_index, overlap, strict=True):
        if area > best[face]:
            best[face], owner[face] = area, zone
    return owner
