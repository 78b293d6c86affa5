"""Read OZFS zoning and parcel files (GeoJSON, longitude/latitude) into records.

Parcels come as labelled lot edges grouped by ``parcel_id`` plus one centroid point carrying
``lot_width``, ``lot_depth`` (feet) and ``lot_area`` (acres); the edges are polygonised into the
lot. Geometries stay in longitude/latitude here; `project` moves them into a metric CRS.
"""

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, cast, get_args

import numpy as np
import shapely
from numpy.typing import NDArray
from pydantic import ValidationError
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from plans.ozfs.document import ZoningDocument
from plans.ozfs.errors import OzfsFileError

EdgeLabel = Literal["front", "rear", "interior side", "exterior side", "unknown"]
EDGE_LABELS: tuple[EdgeLabel, ...] = get_args(EdgeLabel)
_PLACEHOLDER_FT = 1.0

G = TypeVar("G", bound=BaseGeometry)


@dataclass(frozen=True)
class OzfsZoning:
    """A zoning file: its rules and each district's geometry (None where the file has none)."""

    document: ZoningDocument
    geometries: tuple[BaseGeometry | None, ...]


@dataclass(frozen=True)
class OzfsEdge:
    """One labelled lot edge."""

    side: EdgeLabel
    line: LineString


@dataclass(frozen=True)
class OzfsParcel:
    """A lot with its labelled edges and recorded dimensions (feet, acres; None if unknown).

    Placeholder dimensions of 1 ft (given upstream for lots whose edges are all ``unknown``)
    are read as unknown.
    """

    parcel_id: str
    polygon: Polygon
    edges: tuple[OzfsEdge, ...]
    lot_width: float | None = None
    lot_depth: float | None = None
    lot_area: float | None = None
    centroid: Point | None = None


def read_zoning(path: Path) -> OzfsZoning:
    """Read an OZFS zoning file; districts may have null geometry.

    Raises
    ------
    OzfsFileError
        With the file and the path of the offending key when it breaks the format.
    """
    data = _load_json(path)
    return parse_zoning(data, source=str(path))


def parse_zoning(data: Any, *, source: str) -> OzfsZoning:
    """Build an `OzfsZoning` from the parsed GeoJSON of a zoning file."""
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise OzfsFileError(f"{source}: not a GeoJSON FeatureCollection with features")
    body = {key: data[key] for key in ("muni_name", "date", "definitions") if key in data}
    body["districts"] = [feature.get("properties") or {} for feature in features]
    try:
        document = ZoningDocument.model_validate(body)
    except ValidationError as error:
        raise OzfsFileError(_describe(error, source, features)) from None
    geometries = tuple(_geometry(feature, source) for feature in features)
    return OzfsZoning(document=document, geometries=geometries)


def read_parcels(path: Path) -> tuple[OzfsParcel, ...]:
    """Read an OZFS parcel file of labelled edges and centroid points, one record per lot.

    Raises
    ------
    OzfsFileError
        When an edge has an unknown label or a lot's edges do not close into one polygon.
    """
    features = _load_json(path).get("features", [])
    lines: defaultdict[str, list[OzfsEdge]] = defaultdict(list)
    points: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        parcel_id, side = str(props.get("parcel_id", "")), props.get("side")
        if not parcel_id:
            raise OzfsFileError(f"{path}: features[{index}] has no parcel_id")
        if side == "centroid":
            points[parcel_id] = {**props, "geometry": feature.get("geometry")}
        elif side in EDGE_LABELS:
            line = shape(feature["geometry"])
            lines[parcel_id].append(OzfsEdge(cast("EdgeLabel", side), cast("LineString", line)))
        else:
            allowed = ", ".join(EDGE_LABELS)
            raise OzfsFileError(
                f"{path}: features[{index}].properties.side is {side!r}; expected centroid, "
                f"{allowed}"
            )
    return tuple(_parcel(pid, edges, points.get(pid), path) for pid, edges in lines.items())


def project(parcels: Sequence[OzfsParcel], crs: CRS) -> tuple[OzfsParcel, ...]:
    """Return `parcels` with every geometry moved from longitude/latitude into `crs`."""
    transformer = Transformer.from_crs(4326, crs, always_xy=True)

    def move(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    geoms: list[BaseGeometry] = []
    for parcel in parcels:
        geoms.append(parcel.polygon)
        geoms.extend(edge.line for edge in parcel.edges)
        geoms.append(parcel.centroid if parcel.centroid is not None else Point())
    moved = iter(shapely.transform(np.array(geoms, dtype=object), move))
    result = []
    for parcel in parcels:
        polygon = next(moved)
        edges = tuple(OzfsEdge(edge.side, next(moved)) for edge in parcel.edges)
        centroid = next(moved)
        centroid = None if centroid.is_empty else centroid
        result.append(replace(parcel, polygon=polygon, edges=edges, centroid=centroid))
    return tuple(result)


def project_geometry(geom: G, crs: CRS) -> G:
    """Move one geometry from longitude/latitude into `crs`."""
    transformer = Transformer.from_crs(4326, crs, always_xy=True)

    def move(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    moved: G = shapely.transform(geom, move)
    return moved


def _parcel(
    parcel_id: str, edges: list[OzfsEdge], point: dict[str, Any] | None, source: Path
) -> OzfsParcel:
    pieces = [g for g in shapely.get_parts(shapely.polygonize([e.line for e in edges])) if g.area]
    if len(pieces) != 1 or not pieces[0].is_valid:
        raise OzfsFileError(
            f"{source}: the edges of parcel {parcel_id} close into {len(pieces)} polygons, not one"
        )
    point = point or {}
    placeholder = all(edge.side == "unknown" for edge in edges)
    geometry = point.get("geometry")
    return OzfsParcel(
        parcel_id=parcel_id,
        polygon=pieces[0],
        edges=tuple(edges),
        lot_width=_dimension(point.get("lot_width"), placeholder=placeholder),
        lot_depth=_dimension(point.get("lot_depth"), placeholder=placeholder),
        lot_area=_dimension(point.get("lot_area"), placeholder=False),
        centroid=cast("Point", shape(geometry)) if geometry else None,
    )


def _dimension(value: Any, *, placeholder: bool) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value <= 0 or (placeholder and value == _PLACEHOLDER_FT):
        return None
    return float(value)


def _geometry(feature: dict[str, Any], source: str) -> BaseGeometry | None:
    raw = feature.get("geometry")
    if not raw:  # null, or the [] / {} that R's JSON writers emit for "no geometry"
        return None
    geom = shape(raw)
    if not isinstance(geom, Polygon | MultiPolygon) or not geom.is_valid:
        code = (feature.get("properties") or {}).get("dist_abbr")
        raise OzfsFileError(f"{source}: district {code!r} geometry must be a valid (Multi)Polygon")
    return geom


def _load_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OzfsFileError(f"{path}: not a readable GeoJSON file ({error})") from None


def _describe(error: ValidationError, source: str, features: list[Any]) -> str:
    first = error.errors()[0]
    location = list(first["loc"])
    if location[:1] == ["districts"] and len(location) > 1 and isinstance(location[1], int):
        index = location[1]
        code = (features[index].get("properties") or {}).get("dist_abbr", "?")
        location = [f"features[{index}] ({code}).properties", *location[2:]]
    where = ".".join(str(part) for part in location if not str(part).startswith("function-"))
    return f"{source}: {where}: {first['msg']} ({error.error_count()} error(s) in all)"
