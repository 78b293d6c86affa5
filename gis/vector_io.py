"""Read vector files (GeoPackage, Shapefile, GeoJSON, DXF, ...) into GeoDataFrames via GDAL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.geometry import Polygon

from gis.crs import check_bounds_fit, parse_crs
from gis.errors import CRSError, CRSMismatchError, VectorReadError
from gis.types import CRSLike

# GDAL reads closed DXF polylines as lines unless told otherwise; zones need polygons.
_DXF_CONFIG = {"DXF_CLOSED_LINE_AS_POLYGON": "TRUE"}


def list_layers(path: Path) -> list[str]:
    """Return the names of the layers in the vector file at `path`."""
    _require_file(path)
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except DataSourceError as exc:
        raise VectorReadError(f"{path}: not a readable vector file ({exc})") from exc


def read_features(
    path: Path, *, layer: str | None = None, crs: CRSLike | None = None
) -> gpd.GeoDataFrame:
    """Read one layer of a vector file, with its CRS checked.

    Parameters
    ----------
    path
        GeoPackage, Shapefile, GeoJSON, DXF or any other vector format GDAL reads.
    layer
        Layer to read; required when the file has several.
    crs
        CRS of a file that carries none (DXF, a bare Shapefile). When the file has its own
        CRS, this must agree with it.

    Returns
    -------
    geopandas.GeoDataFrame
        The features, with a CRS and at least one row.

    Raises
    ------
    VectorReadError
        Missing, unreadable or empty file, or an unknown or ambiguous layer.
    CRSError
        The file has no CRS and none was given.
    CRSMismatchError
        The given CRS contradicts the file's, or the coordinates cannot be in the file's CRS.
    """
    chosen = _choose_layer(path, layer)
    try:
        with _gdal_config(path):
            frame = gpd.read_file(path, layer=chosen, engine="pyogrio", fid_as_index=True)
    except (DataSourceError, DataLayerError) as exc:
        raise VectorReadError(f"{path}: could not read layer {chosen!r} ({exc})") from exc
    if frame.empty:
        raise VectorReadError(f"{path}: layer {chosen!r} has no features")
    if path.suffix.lower() == ".dxf":
        frame = frame.set_geometry(_close_rings(frame.geometry))
    frame = _with_crs(frame, crs, source=str(path))
    check_bounds_fit(tuple(frame.total_bounds), frame.crs, source=str(path))
    return frame


def _require_file(path: Path) -> None:
    if not path.exists():
        raise VectorReadError(f"{path}: no such file")


def _choose_layer(path: Path, layer: str | None) -> str:
    layers = list_layers(path)
    if layer is not None:
        if layer not in layers:
            raise VectorReadError(f"{path}: no layer {layer!r}; layers are {', '.join(layers)}")
        return layer
    if len(layers) != 1:
        raise VectorReadError(f"{path}: has layers {', '.join(layers)}; choose one with --layer")
    return layers[0]


def _with_crs(frame: gpd.GeoDataFrame, crs: CRSLike | None, *, source: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if crs is None:
            raise CRSError(f"{source}: the file has no CRS; give it with --crs EPSG:N")
        return frame.set_crs(parse_crs(crs))
    if crs is not None and not frame.crs.equals(parse_crs(crs)):
        raise CRSMismatchError(
            f"{source}: the file says its CRS is {frame.crs.to_string()}, "
            f"but {parse_crs(crs).to_string()} was given; drop --crs or fix the file"
        )
    return frame


def _close_rings(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Turn closed lines into polygons: CAD draws zones as closed polylines, flagged or not."""
    rings = geoms.geom_type.eq("LineString") & geoms.is_ring
    closed = geoms.copy()
    closed[rings] = [Polygon(line.coords) for line in geoms[rings]]
    return closed


@contextmanager
def _gdal_config(path: Path) -> Iterator[None]:
    if path.suffix.lower() != ".dxf":
        yield
        return
    previous = {key: pyogrio.get_gdal_config_option(key) for key in _DXF_CONFIG}
    pyogrio.set_gdal_config_options(_DXF_CONFIG)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)
