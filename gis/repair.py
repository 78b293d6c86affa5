"""Turn input geometries into valid 2-D MultiPolygons, repairing or rejecting the bad ones."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from gis.errors import InvalidGeometryError
from gis.types import INVALID_POLICIES, InvalidPolicy

G = TypeVar("G", bound=BaseGeometry)

_MAX_LISTED = 10
# Far below any surveyed precision (2 µm at UTM northings) yet above GEOS's robustness limits.
_RELATIVE_GRID = 1e-12


@dataclass(frozen=True)
class RepairReport:
    """What `repair_polygons` changed: the ids of repaired features and of those with Z dropped."""

    repaired: tuple[str, ...]
    dropped_z: tuple[str, ...]


@dataclass(frozen=True)
class _Problem:
    feature_id: str
    reason: str


def flush_subnormal(geom: G) -> G:
    """Return `geom` with its subnormal coordinates (under the least normal float) set to 0.

    GEOS's simplifiers never return on a subnormal coordinate (GEOS 3.14: a parcel corner at
    x = -5e-324, drawn by a property test, hung the permit check); no map coordinate is
    that small but by underflow, and 0 is within any tolerance of it.

    Examples
    --------
    >>> flush_subnormal(shapely.Point(-5e-324, 2.0)).wkt
    'POINT (0 2)'
    """
    flushed: G = shapely.transform(geom, _flushed)
    return flushed


def _flushed(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = np.where(
        np.abs(coords) < np.finfo(np.float64).tiny, 0.0, coords
    )
    return result


def polygonal_part(geom: BaseGeometry) -> MultiPolygon:
    """Return the polygons of `geom` as one MultiPolygon (empty when it has none).

    Examples
    --------
    >>> from shapely import box, GeometryCollection, LineString
    >>> polygonal_part(GeometryCollection([box(0, 0, 1, 1), LineString([(0, 0), (2, 2)])])).area
    1.0
    """
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else MultiPolygon()
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [poly for part in getattr(geom, "geoms", []) for poly in polygonal_part(part).geoms]
    return MultiPolygon(parts)


def repair_polygons(
    geoms: Sequence[BaseGeometry | None],
    feature_ids: Sequence[str],
    *,
    policy: InvalidPolicy = "repair",
) -> tuple[list[MultiPolygon], RepairReport]:
    """Validate polygon features, returning valid 2-D MultiPolygons in the same order.

    Parameters
    ----------
    geoms
        One geometry per feature (``None`` for a feature without geometry).
    feature_ids
        Names of the features for messages, e.g. the file's feature ids.
    policy
        ``"repair"`` fixes invalid polygons with `shapely.make_valid` (structure method) and
        reports them; ``"reject"`` refuses any invalid polygon.

    Returns
    -------
    list of MultiPolygon, RepairReport

    Raises
    ------
    InvalidGeometryError
        Listing every feature (up to ten, then a count) that is empty, not polygonal, or invalid
        and not repairable under `policy`; nothing is returned in that case.

    Examples
    --------
    >>> from shapely import Polygon
    >>> bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> fixed, report = repair_polygons([bowtie], ["f1"])
    >>> fixed[0].is_valid, round(fixed[0].area, 6), report.repaired
    (True, 2.0, ('f1',))
    """
    if policy not in INVALID_POLICIES:
        raise ValueError(f"policy must be one of {INVALID_POLICIES}, got {policy!r}")
    if len(geoms) != len(feature_ids):
        raise ValueError("geoms and feature_ids must have the same length")
    results: list[MultiPolygon] = []
    repaired: list[str] = []
    dropped_z: list[str] = []
    problems: list[_Problem] = []
    for geom, fid in zip(geoms, feature_ids, strict=True):
        outcome = _repair_one(geom, fid, policy)
        if isinstance(outcome, _Problem):
            problems.append(outcome)
            continue
        fixed, was_repaired, had_z = outcome
        results.append(fixed)
        if was_repaired:
            repaired.append(fid)
        if had_z:
            dropped_z.append(fid)
    if problems:
        raise InvalidGeometryError(_describe(problems))
    return results, RepairReport(repaired=tuple(repaired), dropped_z=tuple(dropped_z))


def _repair_one(
    geom: BaseGeometry | None, fid: str, policy: InvalidPolicy
) -> tuple[MultiPolygon, bool, bool] | _Problem:
    if geom is None or geom.is_empty:
        return _Problem(fid, "empty geometry")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return _Problem(fid, f"{geom.geom_type} is not a polygon")
    had_z = bool(shapely.has_z(geom))
    flat = shapely.force_2d(geom) if had_z else geom
    if flat.is_valid:
        return polygonal_part(flat), False, had_z
    reason = shapely.is_valid_reason(flat)
    if policy == "reject":
        return _Problem(fid, f"invalid ({reason})")
    fixed = _make_valid(flat)
    if fixed.is_empty:
        return _Problem(fid, f"invalid ({reason}) and nothing polygonal is left after repair")
    if not fixed.is_valid:
        return _Problem(fid, f"invalid ({reason}) and could not be repaired")
    return fixed, True, had_z


def _make_valid(geom: BaseGeometry) -> MultiPolygon:
    """Repair with GEOS; where vertices too close for GEOS remain, snap them to a fine grid."""
    fixed = polygonal_part(shapely.make_valid(geom, method="structure", keep_collapsed=False))
    if fixed.is_valid:
        return fixed
    magnitude = max(1.0, *(abs(v) for v in geom.bounds))
    snapped = shapely.set_precision(geom, magnitude * _RELATIVE_GRID, mode="pointwise")
    return polygonal_part(shapely.make_valid(snapped, method="structure", keep_collapsed=False))


def _describe(problems: Sequence[_Problem]) -> str:
    listed = "; ".join(f"feature {p.feature_id}: {p.reason}" for p in problems[:_MAX_LISTED])
    more = len(problems) - _MAX_LISTED
    suffix = f"; and {more} more" if more > 0 else ""
    return f"{len(problems)} feature(s) have unusable geometry: {listed}{suffix}"
