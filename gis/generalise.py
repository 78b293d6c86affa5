"""Generalise a zone coverage for small scales: one shape per code, simplified without gaps."""

from collections import defaultdict
from collections.abc import Sequence

import shapely
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from gis.repair import flush_subnormal, polygonal_part


def generalise_coverage(
    codes: Sequence[str], geoms: Sequence[BaseGeometry], *, tolerance: float
) -> list[tuple[str, MultiPolygon]]:
    """Dissolve zones by code and simplify the result as a coverage (shared edges stay shared).

    Parameters
    ----------
    codes, geoms
        The zones of one plan version.
    tolerance
        Simplification tolerance in the geometries' units (about a screen pixel at the
        largest zoom the result serves).

    Returns
    -------
    list of (code, MultiPolygon)
        One entry per code; codes whose zones vanish at this tolerance are left out.

    Notes
    -----
    A coverage with overlaps cannot be simplified as one (GEOS would open gaps); it is then
    simplified shape by shape, which keeps each valid but may let neighbours part slightly.

    Examples
    --------
    >>> from shapely import box
    >>> squares = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)]
    >>> out = generalise_coverage(["A", "A", "B"], squares, tolerance=0.1)
    >>> [(code, round(geom.area, 6)) for code, geom in out]
    [('A', 2.0), ('B', 1.0)]
    """
    by_code: defaultdict[str, list[BaseGeometry]] = defaultdict(list)
    for code, geom in zip(codes, geoms, strict=True):
        by_code[code].append(polygonal_part(geom))
    names = sorted(by_code)
    dissolved = [polygonal_part(shapely.union_all(by_code[name])) for name in names]
    simplified = _simplify(dissolved, tolerance)
    result = []
    for name, geom in zip(names, simplified, strict=True):
        if geom is None or geom.is_empty:
            continue
        polygons = polygonal_part(shapely.make_valid(geom))
        if not polygons.is_empty:
            result.append((name, polygons))
    return result


def _simplify(shapes: list[MultiPolygon], tolerance: float) -> list[BaseGeometry]:
    """Simplify as a coverage where GEOS can, else shape by shape (never fail on odd input)."""
    shapes = [flush_subnormal(shape) for shape in shapes]  # GEOS would never return
    try:
        if shapely.coverage_is_valid(shapes):
            return list(shapely.coverage_simplify(shapes, tolerance))
    except (shapely.errors.GEOSException, TypeError):
        pass
    return [shapely.simplify(g, tolerance, preserve_topology=True) for g in shapes]
