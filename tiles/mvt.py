"""Mapbox vector tiles of zones and parcels, encoded by PostGIS (`ST_AsMVT`).

Filtering uses the stored, GiST-indexed EPSG:3857 columns against the tile envelope; z/x/y only
reach SQL as bound numbers, in statements compiled once (`plans.storage.prebuilt`). Geometries
are simplified to about one screen pixel, and features smaller than about 2x2 pixels are dropped
(FINDINGS.md: vector tiles from PostGIS).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import morecantile
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Float,
    Integer,
    any_,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import QueryableAttribute, Session

from plans.storage.models import Parcel, Zone, ZoneGeneralised
from plans.storage.prebuilt import Prebuilt
from plans.storage.zones import GENERALISED_MAX_ZOOM

EXTENT = 4096
PARCELS_MIN_ZOOM = 14
"""Below this zoom a 30 m plot is under 2x2 screen pixels, so no parcel could be drawn."""
BUFFER = 64
MAX_ZOOM = 22
_SCREEN_TILE_PX = 256
_MIN_FEATURE_PX = 2
_TMS = morecantile.tms.get("WebMercatorQuad")


class TileOutOfRangeError(ValueError):
    """z/x/y do not name a tile of the Web Mercator grid."""


@dataclass(frozen=True)
class TileEnvelope:
    """A tile's bounds in EPSG:3857 and the size of one screen pixel there."""

    bounds: tuple[float, float, float, float]
    pixel: float
    zoom: int


def tile_envelope(z: int, x: int, y: int) -> TileEnvelope:
    """Return the EPSG:3857 envelope of tile z/x/y, or raise `TileOutOfRangeError`."""
    if not 0 <= z <= MAX_ZOOM:
        raise TileOutOfRangeError(f"zoom {z} is outside 0..{MAX_ZOOM}")
    last = 2**z - 1
    if not (0 <= x <= last and 0 <= y <= last):
        raise TileOutOfRangeError(
            f"tile {z}/{x}/{y} does not exist: x and y must be within 0..{last}"
        )
    box = _TMS.xy_bounds(morecantile.Tile(x=x, y=y, z=z))
    bounds = (box.left, box.bottom, box.right, box.top)
    return TileEnvelope(bounds=bounds, pixel=(box.right - box.left) / _SCREEN_TILE_PX, zoom=z)


@dataclass(frozen=True)
class TileQuery:
    """One tile's prebuilt statement and the values it is run with."""

    statement: Prebuilt
    params: dict[str, Any]


def zones_tile_query(envelope: TileEnvelope, version_ids: Sequence[int]) -> TileQuery | None:
    """Return the `zones` layer tile's query for the given plan versions (None: nothing to draw).

    Up to `GENERALISED_MAX_ZOOM` the tile draws the generalised zones (one shape per code,
    coverage-simplified), without confidence: at that scale a city's zones would otherwise
    exceed the 500 KB tile budget and cost far more to encode.
    """
    if not version_ids:
        return None
    statement = _GENERALISED_ZONES if envelope.zoom <= GENERALISED_MAX_ZOOM else _ZONES
    return TileQuery(statement, {**_envelope_params(envelope), "version_ids": list(version_ids)})


def parcels_tile_query(envelope: TileEnvelope) -> TileQuery | None:
    """Return the `parcels` layer tile's query (None below `PARCELS_MIN_ZOOM`: nothing drawn)."""
    if envelope.zoom < PARCELS_MIN_ZOOM:
        return None
    return TileQuery(_PARCELS, _envelope_params(envelope))


def zones_tile(session: Session, envelope: TileEnvelope, *, version_ids: Sequence[int]) -> bytes:
    """Return the `zones` layer tile for the given plan versions (zone code and confidence)."""
    return read_tile(session, zones_tile_query(envelope, version_ids))


def parcels_tile(session: Session, envelope: TileEnvelope) -> bytes:
    """Return the `parcels` layer tile (parcel number); empty below `PARCELS_MIN_ZOOM`."""
    return read_tile(session, parcels_tile_query(envelope))


def read_tile(session: Session, query: TileQuery | None) -> bytes:
    """Run a tile query in `session`; return the tile (empty when there is nothing to draw)."""
    return tile_bytes(query.statement.scalar(session, query.params) if query else None)


def tile_bytes(data: Any) -> bytes:
    """Return the MVT bytes PostGIS answered (NULL when no feature is drawn: empty)."""
    return bytes(data) if data else b""


def _envelope_params(envelope: TileEnvelope) -> dict[str, float]:
    xmin, ymin, xmax, ymax = envelope.bounds
    return {
        "xmin": xmin,
        "ymin": ymin,
        "xmax": xmax,
        "ymax": ymax,
        "pixel": envelope.pixel,
        "min_area": (_MIN_FEATURE_PX * envelope.pixel) ** 2,
    }


def _tile_statement(
    *, layer: str, geom: Any, columns: Sequence[Any], where: Sequence[ColumnElement[bool]]
) -> Prebuilt:
    """Compile one layer's MVT query over the envelope bound as parameters.

    Run it on connections made with `plans.storage.database.SHORT_QUERY_OPTIONS` (no parallel
    workers, no JIT): a parallel plan costs more to start (25-60 ms here) than a tile query
    takes serially (bench/RESULTS.md).
    """
    bounds = [bindparam(name, type_=Float) for name in ("xmin", "ymin", "xmax", "ymax")]
    box = func.ST_MakeEnvelope(*bounds, 3857)
    simplified = func.ST_Simplify(geom, bindparam("pixel", type_=Float), True)
    rows = (
        select(*columns, func.ST_AsMVTGeom(simplified, box, EXTENT, BUFFER, True).label("geom"))
        .where(geom.op("&&")(box), func.ST_Area(geom) >= bindparam("min_area", type_=Float))
        .where(*where)
        .subquery("mvt_rows")
    )
    query = select(
        func.ST_AsMVT(literal_column("mvt_rows"), layer, EXTENT, "geom", "id")
    ).select_from(rows)
    return Prebuilt.compile(query)


def _in_versions(column: QueryableAttribute[int]) -> ColumnElement[bool]:
    return column == any_(bindparam("version_ids", type_=ARRAY(Integer)))


_ZONES = _tile_statement(
    layer="zones",
    geom=Zone.geom_3857,
    columns=[Zone.id, Zone.zone_code, Zone.confidence],
    where=[_in_versions(Zone.plan_version_id)],
)
_GENERALISED_ZONES = _tile_statement(
    layer="zones",
    geom=ZoneGeneralised.geom_3857,
    columns=[ZoneGeneralised.id, ZoneGeneralised.zone_code],
    where=[_in_versions(ZoneGeneralised.plan_version_id)],
)
_PARCELS = _tile_statement(
    layer="parcels", geom=Parcel.geom_3857, columns=[Parcel.id, Parcel.number], where=[]
)
