"""Make zone regions a clean coverage: no gaps or overlaps, no slivers, simplified edges."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from gis.junctions import Reach, place_junctions
from gis.repair import polygonal_part
from gis.vectorise import ZoneRegion


@dataclass(frozen=True)
class CoverageReport:
    """Topology of a set of polygons: GEOS coverage validity, overlap and gap (hole) areas."""

    valid: bool
    overlap_area: float
    gap_area: float


def clean_zones(
    zones: Sequence[ZoneRegion],
    *,
    min_area: float = 0.0,
    tolerance: float = 0.0,
    pixel_size: float | None = None,
) -> list[ZoneRegion]:
    """Clean, merge small regions, dissolve same-code neighbours, simplify, re-place junctions.

    Parameters
    ----------
    zones
        Regions from `gis.vectorise.polygonise`, mapped to map coordinates.
    min_area
        Regions smaller than this (map units squared) join the neighbour they share the
        longest border with.
    tolerance
        Distance tolerance of `shapely.coverage_simplify`; about one pixel removes the
        staircase of raster edges.
    pixel_size
        Pixel size (map units) of the scan the zones were traced from: junctions where
        three or more zones meet are moved to where the straight runs of their edges meet
        (`gis.junctions.place_junctions`), undoing the few pixels by which ink and the mode
        filter pull a traced node into an acute wedge. None means `tolerance`, which
        digitising sets to one pixel; 0 leaves the junctions as traced.

    Notes
    -----
    `shapely.coverage_clean` (GEOS 3.14) runs first, as the polygonised rings are not a valid
    coverage once mapped through a non-affine transform; simplification keeps shared edges
    shared.

    Examples
    --------
    >>> from shapely import box, MultiPolygon
    >>> zones = [ZoneRegion("A", MultiPolygon([box(0, 0, 10, 10)]), 1.0),
    ...          ZoneRegion("B", MultiPolygon([box(10, 0, 11, 1)]), 0.5),
    ...          ZoneRegion("A", MultiPolygon([box(11, 0, 20, 10)]), 0.8)]
    >>> [(z.code, z.geometry.area) for z in clean_zones(zones, min_area=2.0)]
    [('A', 191.0)]
    """
    # coverage_clean is new in shapely 2.2 (GEOS 3.14); the type stubs do not know it yet
    clean = shapely.coverage_clean  # type: ignore[attr-defined]
    cleaned = _with_geometries(zones, clean(_geometries(zones)))
    merged = merge_small(cleaned, min_area=min_area) if min_area > 0 else cleaned
    dissolved = dissolve_neighbours(merged)
    if tolerance > 0:
        simplified = shapely.coverage_simplify(_geometries(dissolved), tolerance)
        dissolved = _with_geometries(dissolved, simplified)
    pixel = tolerance if pixel_size is None else pixel_size
    if pixel > 0:
        placed = place_junctions(_geometries(dissolved), reach=Reach.for_pixel(pixel))
        dissolved = _with_geometries(dissolved, placed)
    return dissolved


def merge_small(zones: Sequence[ZoneRegion], *, min_area: float) -> list[ZoneRegion]:
    """Merge each region under `min_area` into the neighbour with the longest shared border.

    Smallest first; a region with no neighbour is kept. Confidence is area-weighted.

    Examples
    --------
    >>> from shapely import box, MultiPolygon
    >>> zones = [ZoneRegion("A", MultiPolygon([box(0, 0, 4, 4)]), 1.0),
    ...          ZoneRegion("B", MultiPolygon([box(4, 0, 5, 4)]), 0.0)]
    >>> [(z.code, z.geometry.area, z.confidence) for z in merge_small(zones, min_area=5)]
    [('A', 20.0, 0.8)]
    """
    geoms = list(_geometries(zones))
    owner = np.arange(len(geoms))
    codes = [zone.code for zone in zones]
    confidences = [zone.confidence for zone in zones]
    tree = shapely.STRtree(geoms)
    areas = shapely.area(geoms)
    for small in np.argsort(areas):
        if areas[small] >= min_area:
            break
        target = _longest_border(small, tree.query(geoms[small]), owner, geoms)
        if target is None:
            continue
        total = geoms[small].area + geoms[target].area
        confidences[target] = (
            confidences[target] * geoms[target].area + confidences[small] * geoms[small].area
        ) / max(total, 1e-300)
        geoms[target] = shapely.coverage_union(geoms[target], geoms[small])
        owner[owner == small] = target
    keep = np.flatnonzero(owner == np.arange(len(geoms)))
    return [ZoneRegion(codes[i], polygonal_part(geoms[i]), confidences[i]) for i in keep]


def dissolve_neighbours(zones: Sequence[ZoneRegion]) -> list[ZoneRegion]:
    """Union regions of the same code that share a border (not just a point)."""
    geoms = _geometries(zones)
    parent = np.arange(len(zones))
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = (left < right) & np.array(
        [zones[a].code == zones[b].code for a, b in zip(left, right, strict=True)], bool
    )
    for a, b in zip(left[pairs], right[pairs], strict=True):
        if shapely.intersection(geoms[a].boundary, geoms[b].boundary).length > 0:
            parent[_root(parent, b)] = _root(parent, a)
    roots = np.array([_root(parent, i) for i in range(len(zones))])
    result = []
    for root in np.unique(roots):
        members = np.flatnonzero(roots == root)
        areas = shapely.area(geoms[members])
        confidence = float(
            np.average([zones[int(m)].confidence for m in members], weights=areas + 1e-300)
        )
        geometry = shapely.coverage_union_all(geoms[members]) if len(members) > 1 else geoms[root]
        result.append(ZoneRegion(zones[int(root)].code, polygonal_part(geometry), confidence))
    return result


def coverage_report(geometries: Sequence[BaseGeometry]) -> CoverageReport:
    """Check a coverage: valid per GEOS, total overlap area and area of holes in its union.

    Examples
    --------
    >>> from shapely import box, MultiPolygon
    >>> coverage_report([box(0, 0, 2, 2), box(1, 0, 3, 2)])
    CoverageReport(valid=False, overlap_area=2.0, gap_area=0.0)
    """
    geoms = np.asarray(geometries, dtype=object)
    if not len(geoms):
        return CoverageReport(True, 0.0, 0.0)
    union = shapely.union_all(geoms)
    overlap = max(0.0, float(shapely.area(geoms).sum()) - union.area)
    holes = [
        shapely.Polygon(ring) for part in polygonal_part(union).geoms for ring in part.interiors
    ]
    gap = float(sum(hole.area for hole in holes))
    valid = bool(shapely.coverage_is_valid(geoms)) and all(shapely.is_valid(geoms))
    return CoverageReport(valid, overlap, gap)


def _longest_border(
    small: int,
    candidates: npt.NDArray[np.intp],
    owner: npt.NDArray[np.intp],
    geoms: list[BaseGeometry],
) -> int | None:
    targets = {int(owner[c]) for c in candidates} - {int(owner[small])}
    if int(owner[small]) != small:
        return None
    best, best_length = None, 0.0
    boundary = geoms[small].boundary
    for target in sorted(targets):
        length = shapely.intersection(boundary, geoms[target].boundary).length
        if length > best_length:
            best, best_length = target, length
    return best


def _root(parent: npt.NDArray[np.intp], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = int(parent[node])
    return int(node)


def _geometries(zones: Sequence[ZoneRegion]) -> npt.NDArray[np.object_]:
    geoms = np.empty(len(zones), object)
    geoms[:] = [zone.geometry for zone in zones]
    return geoms


def _with_geometries(
    zones: Sequence[ZoneRegion], geometries: npt.NDArray[np.object_]
) -> list[ZoneRegion]:
    result = []
    for zone, geometry in zip(zones, geometries, strict=True):
        multi = polygonal_part(geometry)
        if not multi.is_empty:
            result.append(ZoneRegion(zone.code, multi, zone.confidence))
    return result
