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

BOUNDARY_TOLERANCES: Final = (0.5, 1.0, 2.0)
"""Distances (map units) at which boundary precision, recall and F1 are reported."""


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


def score_zones(predicted: Zones, truth: Zones, *, step: float = 1.0) -> Score:
    """Compare predicted zones with the truth.

    Parameters
    ----------
    predicted, truth
        (code, polygonal geometry) pairs, one per region, in the same map units.
    step
        Spacing of the points sampled along boundaries.

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
    )


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
