"""Read one polygon from GeoJSON input (a geometry, a Feature, or a one-feature collection)."""

from collections.abc import Mapping
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from gis.crs import check_bounds_fit, parse_crs, reproject
from gis.errors import CRSError, InvalidGeometryError
from gis.repair import polygonal_part
from gis.types import CRSLike

WGS84 = CRS.from_epsg(4326)
MAX_VERTICES = 10_000


def read_polygon(
    document: Mapping[str, Any],
    *,
    to_crs: CRSLike,
    default_crs: CRSLike = WGS84,
    what: str = "geometry",
    max_vertices: int = MAX_VERTICES,
) -> MultiPolygon:
    """Return the valid polygon of a GeoJSON document, moved into `to_crs`.

    The document's own legacy ``crs`` member wins over `default_crs` (RFC 7946: lon/lat WGS 84).
    An invalid polygon is refused, not repaired: for a permit check the applicant's drawing is
    the evidence, and silently changing it would change the answer.

    Raises
    ------
    InvalidGeometryError
        Not a (Multi)Polygon, empty, invalid, or over `max_vertices` vertices.
    CRSError
        An unknown ``crs`` member, or coordinates that do not fit the CRS.

    Examples
    --------
    >>> square = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
    >>> read_polygon(square, to_crs=32637, default_crs=32637).area
    100.0
    """
    source = _document_crs(document) or parse_crs(default_crs)
    geom = _geometry_of(document, what=what)
    _check_polygon(geom, what=what, max_vertices=max_vertices)
    check_bounds_fit(geom.bounds, source, source=what)
    target = parse_crs(to_crs)
    if not source.equals(target):
        geom = reproject(geom, source, target)
    return polygonal_part(geom)


def _geometry_of(document: Mapping[str, Any], *, what: str) -> BaseGeometry:
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features") or []
        if len(features) != 1:
            raise InvalidGeometryError(f"{what}: give one feature, got {len(features)}")
        return _geometry_of(features[0], what=what)
    if kind == "Feature":
        return _geometry_of(document.get("geometry") or {}, what=what)
    try:
        return shape(dict(document))
    except (AttributeError, TypeError, ValueError, IndexError, shapely.errors.GEOSException) as exc:
        raise InvalidGeometryError(f"{what}: not a GeoJSON geometry ({exc})") from exc


def _check_polygon(geom: BaseGeometry, *, what: str, max_vertices: int) -> None:
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidGeometryError(
            f"{what}: must be a Polygon or MultiPolygon, got {geom.geom_type}"
        )
    if geom.is_empty:
        raise InvalidGeometryError(f"{what}: is empty")
    vertices = shapely.get_num_coordinates(geom)
    if vertices > max_vertices:
        raise InvalidGeometryError(
            f"{what}: has {vertices} vertices, more than the limit of {max_vertices}"
        )
    if not geom.is_valid:
        raise InvalidGeometryError(f"{what}: is invalid ({shapely.is_valid_reason(geom)})")


def _document_crs(document: Mapping[str, Any]) -> CRS | None:
    member = document.get("crs")
    if not member:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, Mapping) else None
    if not isinstance(name, str):
        raise CRSError(
            'crs member must look like {"type": "name", "properties": {"name": "EPSG:N"}}'
        )
    return parse_crs(name)
