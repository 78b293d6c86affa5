"""Overlays that stay right where two geometries share an edge: snap-rounded on a fine grid.

GEOS's floating-point overlay can misjudge polygons that share an edge computed by other
overlays: a building envelope and a footprint drawn on it, a plot and its zone parts. On a
triangular plot, GEOS 3.14.1 found an envelope disjoint from the larger envelope that holds
it (intersection 0 m2), so a footprint inside its plot read as 500 m2 outside. Snap-rounding
on a grid far finer than any survey (`GRID`) makes the overlay robust.
"""

from collections.abc import Sequence
from functools import reduce
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

GRID: Final = 1e-6
"""Grid the overlays snap-round on, in map units: a micrometre in a metric CRS (use these
helpers in projected CRSs only; in degrees it would be about 0.1 m)."""


def difference(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """Return the part of `a` outside `b`, snap-rounded on `GRID`.

    >>> from shapely import box
    >>> a, b = box(0, 0, 2, 1), box(1, 0, 3, 1)
    >>> difference(a, b).area, intersection(a, b).area
    (1.0, 1.0)
    """
    result: BaseGeometry = shapely.difference(a, b, grid_size=GRID)
    return result


def intersection(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """Return the part of `a` inside `b`, snap-rounded on `GRID`."""
    result: BaseGeometry = shapely.intersection(a, b, grid_size=GRID)
    return result


def union_all(geometries: Sequence[BaseGeometry]) -> BaseGeometry:
    """Return the union of `geometries`, snap-rounded on `GRID` (empty for none).

    >>> from shapely import box
    >>> union_all([box(0, 0, 1, 1), box(1, 0, 2, 1)]).area, intersection_all([]).is_empty
    (2.0, True)
    """
    result: BaseGeometry = shapely.union_all(geometries, grid_size=GRID)
    return result


def intersection_all(geometries: Sequence[BaseGeometry]) -> BaseGeometry:
    """Return the part common to all `geometries`, snap-rounded on `GRID` (empty for none)."""
    if not geometries:
        return shapely.GeometryCollection()
    return reduce(intersection, geometries)
