"""Parse coordinate reference systems and catch coordinates that do not fit their CRS."""

import functools
import threading
from typing import Any, TypeVar

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from gis.errors import CRSError, CRSMismatchError
from gis.types import BBox, CRSLike

G = TypeVar("G", bound=Any)


def parse_crs(value: CRSLike) -> CRS:
    """Return the CRS named by `value`, or raise `CRSError` naming what was given.

    Examples
    --------
    >>> parse_crs("EPSG:32637").to_epsg()
    32637
    """
    try:
        return CRS.from_user_input(value)
    except ProjCRSError as exc:
        raise CRSError(f"unknown CRS {value!r}: give it as EPSG:N (e.g. EPSG:32637)") from exc


def require_metric_projected(crs: CRS) -> CRS:
    """Return `crs` if it is projected with metre units, else raise `CRSError`.

    Storage and measurement happen in metres, so a geographic or a feet-based CRS is refused.

    Examples
    --------
    >>> require_metric_projected(parse_crs(32637)).to_epsg()
    32637
    """
    if not crs.is_projected:
        raise CRSError(f"{crs.to_string()} is not projected: the storage CRS must be in metres")
    units = {axis.unit_name for axis in crs.axis_info}
    if units != {"metre"}:
        raise CRSError(
            f"{crs.to_string()} has units {sorted(units)}: the storage CRS must be metres"
        )
    return crs


def check_bounds_fit(bounds: BBox, crs: CRS, *, source: str) -> None:
    """Raise `CRSMismatchError` when `bounds` cannot be coordinates of the geographic `crs`.

    A projected file labelled EPSG:4326 is the commonest wrong-CRS mistake; its coordinates are
    far outside the range of degrees.
    """
    if not crs.is_geographic:
        return
    minx, miny, maxx, maxy = bounds
    if minx < -180.5 or maxx > 360.5 or miny < -90.5 or maxy > 90.5:
        raise CRSMismatchError(
            f"{source}: coordinates span x {minx:.6g}..{maxx:.6g}, y {miny:.6g}..{maxy:.6g}, "
            f"which are not degrees although the CRS is {crs.to_string()}; "
            "give the file's real CRS with --crs"
        )


def check_within_area_of_use(
    bounds_lonlat: BBox, crs: CRS, *, source: str, margin_deg: float = 3.0
) -> None:
    """Raise `CRSMismatchError` when data lie far outside the area where `crs` is meant for use.

    Data from another region (or in a mislabelled CRS) would otherwise be stored with
    large distortion or in the wrong place without anyone noticing.
    """
    area = crs.area_of_use
    if area is None:
        return
    minx, miny, maxx, maxy = bounds_lonlat
    inside = (
        minx >= area.west - margin_deg
        and maxx <= area.east + margin_deg
        and miny >= area.south - margin_deg
        and maxy <= area.north + margin_deg
    )
    if not inside:
        raise CRSMismatchError(
            f"{source}: features lie at lon {minx:.4f}..{maxx:.4f}, lat {miny:.4f}..{maxy:.4f}, "
            f"outside the area of use of {crs.to_string()} ({area.name}: lon {area.west:g}.."
            f"{area.east:g}, lat {area.south:g}..{area.north:g}); check the file's CRS, or set "
            "MUKHATTAT_CRS to a CRS made for that region"
        )


def reproject(geom: G, source: CRSLike, target: CRSLike) -> G:
    """Return `geom` with its coordinates moved from `source` to `target` (x = easting/lon).

    Examples
    --------
    >>> from shapely import Point
    >>> p = reproject(Point(39.0, 21.5), 4326, 32637)
    >>> round(p.x), round(p.y)
    (500000, 2377486)
    """
    transformer = _transformer(_key(source), _key(target))

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    moved: G = shapely.transform(geom, move)
    return moved


def srid_of(crs: CRSLike) -> int:
    """Return the EPSG code of `crs` (0 if it has none), looked up once per CRS definition.

    Examples
    --------
    >>> srid_of("EPSG:32637"), srid_of(parse_crs(4326))
    (32637, 4326)
    """
    return _srid(_key(crs))


@functools.lru_cache(maxsize=64)
def _srid(key: str | int) -> int:
    return int(parse_crs(key).to_epsg() or 0)


def _key(crs: CRSLike) -> str | int:
    # A CRS is named by the definition it was made from: cheap, where its WKT costs ~0.1 ms.
    return crs.srs if isinstance(crs, CRS) else crs


def _transformer(source: str | int, target: str | int) -> Transformer:
    # Building a Transformer costs ~0.3 ms and a permit check reprojects several times; PROJ
    # objects must not be shared between threads, so each thread keeps its own.
    cache: dict[tuple[str | int, str | int], Transformer] = _THREAD.__dict__.setdefault(
        "transformers", {}
    )
    key = (source, target)
    if key not in cache:
        cache[key] = Transformer.from_crs(parse_crs(source), parse_crs(target), always_xy=True)
    return cache[key]


_THREAD = threading.local()
