"""Score a vectorised zone coverage against ground truth: IoU, boundaries, topology, counts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from gis.topology import coverage_report
from gis.types import FloatArray

Zones = Sequence[tuple[str, BaseGeometry]]
"""(zone code, geometry) pairs in one CRS."""

_NODE_DECIMALS = 6  # nodes closer than a micrometre are one (noding leaves no larger jitter)

BOUNDARY_TOLERANCES: Final = (0.5, 1.0, 2.0)
"""Distances (map units) at which boundary precision, recall and F1 are reported."""

JUNCTION_RADIUS: Final = 5.0
"""Default search radius (map units) within which a true junction finds its predicted one."""


@dataclass(frozen=True)
class Score:
    """How well predicted zones match the truth.

    Attributes
    ----------
    iou
        Intersection over union per truth code.
    mean_iou
        Mean of `iou`.
    accuracy
        Share of the truth's area given the right code.
    polygon_ratio
        Predicted over true number of regions.
    boundary_mean, boundary_max
        Mean and largest distance between predicted and true zone boundaries (both ways,
        sampled every `step`), in map units; boundaries within ``2 * step`` of the edge of
        the truth's extent are left out (the frame is not a zone boundary).
    boundary_f1
        F1 of boundary points within each of `BOUNDARY_TOLERANCES`.
    gap_area, overlap_area
        Area of holes in the predicted coverage, and of overlaps between predicted zones.
    missing_area
        Area of the truth not covered by any prediction.
    valid
        GEOS coverage validity of the prediction.
    junction_rms
        Root mean square distance from each matched true junction to the nearest predicted
        junction, in map units (NaN when no junction was matched). A junction is a node
        where three or more zones meet inside the truth's extent (`find_junctions`); points
        where a boundary meets the edge of the extent are left out, as for the boundaries.
    junctions_matched, junctions_true, junctions_predicted
        True junctions with a predicted junction within the search radius; true and
        predicted interior junctions.
    """

    iou: Mapping[str, float]
    mean_iou: float
    accuracy: float
    polygon_ratio: float
    boundary_mean: float
    boundary_max: float
    boundary_f1: Mapping[float, float]
    gap_area: float
    overlap_area: float
    missing_area: float
    valid: bool
    junction_rms: float = float("nan")
    junctions_matched: int = 0
    junctions_true: int = 0
    junctions_predicted: int = 0


def score_zones(
    predicted: Zones, truth: Zones, *, step: float = 1.0, junction_radius: float = JUNCTION_RADIUS
) -> Score:
    """Compare predicted zones with the truth.

    Parameters
    ----------
    predicted, truth
        (code, polygonal geometry) pairs, one per region, in the same map units.
    step
        Spacing of the points sampled along boundaries.
    junction_radius
        How far (map units) a predicted junction may lie from a true one and still match it;
        unmatched true junctions are counted, not averaged in.

    Examples
    --------
    >>> from shapely import box
    >>> truth = [("A", box(0, 0, 10, 10)), ("B", box(10, 0, 20, 10))]
    >>> guess = [("A", box(0, 0, 11, 10)), ("B", box(11, 0, 20, 10))]
    >>> score = score_zones(guess, truth)
    >>> round(score.mean_iou, 3), score.boundary_mean, score.boundary_f1[2.0]
    (0.905, 1.0, 1.0)
    """
    truth_union = shapely.union_all([g for _, g in truth])
    iou, correct = {}, 0.0
    for code in sorted({c for c, _ in truth}):
        true = shapely.union_all([g for c, g in truth if c == code])
        guess = shapely.union_all([g for c, g in predicted if c == code])
        inter = shapely.intersection(true, guess).area
        iou[code] = inter / max(shapely.union(true, guess).area, 1e-300)
        correct += inter
    topology = coverage_report([g for _, g in predicted])
    pred_union = shapely.union_all([g for _, g in predicted])
    distances = _boundary_distances(predicted, truth, truth_union.boundary, step)
    near_frame = shapely.buffer(truth_union.boundary, 2 * step)
    true_nodes = _interior(find_junctions([g for _, g in truth]), near_frame)
    pred_nodes = _interior(find_junctions([g for _, g in predicted]), near_frame)
    matched = _match_junctions(true_nodes, pred_nodes, junction_radius)
    return Score(
        iou=iou,
        mean_iou=float(np.mean(list(iou.values()))),
        accuracy=correct / max(truth_union.area, 1e-300),
        polygon_ratio=len(predicted) / max(len(truth), 1),
        boundary_mean=float(np.mean(np.concatenate(distances))) if distances[0].size else 0.0,
        boundary_max=float(max((d.max() for d in distances if d.size), default=0.0)),
        boundary_f1={t: _f1(*distances, t) for t in BOUNDARY_TOLERANCES},
        gap_area=topology.gap_area,
        overlap_area=topology.overlap_area,
        missing_area=shapely.difference(truth_union, pred_union).area,
        valid=topology.valid,
        junction_rms=float(np.sqrt(np.mean(matched**2))) if matched.size else float("nan"),
        junctions_matched=int(matched.size),
        junctions_true=len(true_nodes),
        junctions_predicted=len(pred_nodes),
    )


def find_junctions(geometries: Sequence[BaseGeometry]) -> FloatArray:
    """Return the (n, 2) nodes where three or more boundary lines of a coverage meet.

    The zone boundaries are noded and merged into lines between nodes; a node ending three
    or more lines is a junction: a point where three or more zones meet, or where a zone
    boundary meets the coverage's outer edge (the outside counts as a face).

    Examples
    --------
    >>> from shapely import box
    >>> find_junctions([box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 2, 2)]).tolist()
    [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]]
    """
    if not len(geometries):
        return np.zeros((0, 2))
    network = shapely.line_merge(shapely.union_all(shapely.boundary(np.asarray(geometries))))
    lines = shapely.get_parts(network)
    ends = np.concatenate(
        [shapely.get_coordinates(shapely.get_point(lines, i)) for i in (0, -1)]
    ).round(_NODE_DECIMALS)
    nodes, degree = np.unique(ends, axis=0, return_counts=True)
    result: FloatArray = nodes[degree >= 3]
    return result


def _interior(nodes: FloatArray, near_frame: BaseGeometry) -> FloatArray:
    """Drop the nodes near the edge of the truth's extent."""
    if not len(nodes):
        return nodes
    keep = ~shapely.intersects(near_frame, shapely.points(nodes))
    result: FloatArray = nodes[keep]
    return result


def _match_junctions(true: FloatArray, predicted: FloatArray, radius: float) -> FloatArray:
    """Distance from each true junction to its nearest predicted one, those within `radius`."""
    if not len(true) or not len(predicted):
        return np.zeros(0)
    tree = shapely.STRtree(np.asarray(shapely.points(predicted), dtype=object))
    _, distance = tree.query_nearest(
        shapely.points(true), max_distance=radius, return_distance=True, all_matches=False
    )
    result: FloatArray = np.asarray(distance, float)
    return result


def _inner_boundaries(zones: Zones, frame: BaseGeometry) -> BaseGeometry:
    """Zone boundaries minus the edge of the truth's extent."""
    lines = shapely.union_all([shapely.boundary(g) for _, g in zones])
    return shapely.difference(lines, frame)


def _boundary_distances(
    predicted: Zones, truth: Zones, frame: BaseGeometry, step: float
) -> tuple[FloatArray, FloatArray]:
    """Distances from points on each boundary set to the other set (precision, recall)."""
    near_frame = shapely.buffer(frame, 2 * step)  # where a boundary is the frame's edge
    pred_lines = _inner_boundaries(predicted, near_frame)
    true_lines = _inner_boundaries(truth, near_frame)
    return _distances(pred_lines, true_lines, step), _distances(true_lines, pred_lines, step)


def _distances(source: BaseGeometry, target: BaseGeometry, step: float) -> FloatArray:
    if source.is_empty:
        return np.zeros(0)
    if target.is_empty:
        return np.full(1, np.inf)
    points = shapely.points(shapely.get_coordinates(shapely.segmentize(source, step)))
    segments = _segments(target)
    tree = shapely.STRtree(segments)
    _, distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    result: FloatArray = np.asarray(distance, float)
    return result


def _segments(lines: BaseGeometry) -> npt.NDArray[np.object_]:
    """Split lines into two-point segments, so an STRtree can index them."""
    xy, index = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    same = index[:-1] == index[1:]
    return np.asarray(shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1)))


def _f1(precision_d: FloatArray, recall_d: FloatArray, tolerance: float) -> float:
    if not precision_d.size or not recall_d.size:
        return 1.0 if precision_d.size == recall_d.size else 0.0
    precision = float(np.mean(precision_d <= tolerance))
    recall = float(np.mean(recall_d <= tolerance))
    return 2 * precision * recall / max(precision + recall, 1e-300)
