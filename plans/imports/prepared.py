"""Read a vector file and bring its polygons into the storage CRS, valid and checked."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from shapely.geometry import MultiPolygon

from gis.crs import check_within_area_of_use
from gis.repair import RepairReport, repair_polygons
from gis.types import CRSLike, InvalidPolicy
from gis.vector_io import read_features
from plans.errors import ImportDataError

_MAX_LISTED = 10


@dataclass(frozen=True)
class PreparedLayer:
    """A file's features in the storage CRS: valid MultiPolygons, ids for messages, attributes."""

    frame: gpd.GeoDataFrame
    geoms: list[MultiPolygon]
    feature_ids: list[str]
    repair: RepairReport


def prepare_layer(
    path: Path,
    *,
    storage_crs: CRS,
    layer: str | None,
    crs: CRSLike | None,
    on_invalid: InvalidPolicy,
) -> PreparedLayer:
    """Read `path`, check where its data lie, move it to `storage_crs` and repair its polygons."""
    frame = read_features(path, layer=layer, crs=crs)
    lonlat = frame.geometry.to_crs(4326).total_bounds
    check_within_area_of_use(tuple(lonlat), storage_crs, source=str(path))
    moved = frame.to_crs(storage_crs)
    ids = [str(i) for i in moved.index]
    geoms, report = repair_polygons(list(moved.geometry), ids, policy=on_invalid)
    return PreparedLayer(frame=moved, geoms=geoms, feature_ids=ids, repair=report)


def text_column(layer: PreparedLayer, column: str, *, what: str, source: Path) -> list[str]:
    """Return `column` as stripped text, refusing a missing column or empty values."""
    if column not in layer.frame.columns:
        names = ", ".join(str(c) for c in layer.frame.columns if c != layer.frame.geometry.name)
        raise ImportDataError(
            f"{source}: no column {column!r} for the {what}; columns are {names or '(none)'}"
        )
    values = [_as_text(v) for v in layer.frame[column]]
    empty = [fid for fid, v in zip(layer.feature_ids, values, strict=True) if not v]
    if empty:
        raise ImportDataError(
            f"{source}: {len(empty)} feature(s) have no {what} in column {column!r}: "
            f"features {list_ids(empty)}"
        )
    return values


def list_ids(ids: Sequence[str]) -> str:
    """Return up to ten ids joined by commas, with a count of the rest."""
    shown = ", ".join(ids[:_MAX_LISTED])
    rest = len(ids) - _MAX_LISTED
    return f"{shown} and {rest} more" if rest > 0 else shown


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
