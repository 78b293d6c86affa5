"""Mapbox vector tiles of zones and parcels, encoded by PostGIS (`ST_AsMVT`).

Filtering uses the stored, GiST-indexed EPSG:3857 columns against the tile envelope; z/x/y only
reach SQL as bound numbers. Geometries are simplified to about one screen pixel, and features
smaller than about 2x2 pixels are dropped (FINDINGS.md: vector tiles from PostGIS).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import morecantile
from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.orm import Session

from plans.storage.models import Parcel, Zone, ZoneGeneralised
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


def zones_tile(session: Session, envelope: TileEnvelope, *, version_ids: Sequence[int]) -> bytes:
    """Return the `zones` layer tile for the given plan versions (zone code and confidence).

    Up to `GENERALISED_MAX_ZOOM` the tile draws the generalised zones (one shape per code,
    coverage-simplified), without confidence: at that scale a city's zones would otherwise
    exceed the 500 KB tile budget and cost far more to encode.
    """
    if not version_ids:
        return b""
    return _bytes(session.scalar(_zones_query(envelope, list(version_ids))))


def parcels_tile(session: Session, envelope: TileEnvelope) -> bytes:
    """Return the `parcels` layer tile (parcel number); empty below `PARCELS_MIN_ZOOM`."""
    if envelope.zoom < PARCELS_MIN_ZOOM:
        return b""
    query = _tile_query(
        envelope,
        layer="parcels",
        geom=Parcel.geom_3857,
        columns=[Parcel.id, Parcel.number],
        where=[],
    )
    return _bytes(session.scalar(query))


def _zones_query(envelope: TileEnvelope, version_ids: Sequence[int]) -> Select[Any]:
    if envelope.zoom <= GENERALISED_MAX_ZOOM:
        return _tile_query(
            envelope,
            layer="zones",
            geom=ZoneGeneralised.geom_3857,
            columns=[ZoneGeneralised.id, ZoneGeneralised.zone_code],
            where=[ZoneGeneralised.plan_version_id.in_(version_ids)],
        )
    return _tile_query(
        envelope,
        layer="zones",
        geom=Zone.geom_3857,
        columns=[Zone.id, Zone.zone_code, Zone.confidence],
        where=[Zone.plan_version_id.in_(version_ids)],
    )


def _tile_query(
    envelope: TileEnvelope,
    *,
    layer: str,
    geom: Any,
    columns: Sequence[Any],
    where: Sequence[ColumnElement[bool]],
) -> Select[Any]:
    """Select one layer's MVT for the envelope.

    Run it on connections made with `plans.storage.database.SHORT_QUERY_OPTIONS` (no parallel
    workers, no JIT): a parallel plan costs more to start (25-60 ms here) than a tile query
    takes serially (bench/RESULTS.md).
    """
    box = func.ST_MakeEnvelope(*envelope.bounds, 3857)
    simplified = func.ST_Simplify(geom, envelope.pixel, True)
    rows = (
        select(*columns, func.ST_AsMVTGeom(simplified, box, EXTENT, BUFFER, True).label("geom"))
        .where(
            geom.op("&&")(box),
            func.ST_Area(geom) >= (_MIN_FEATURE_PX * envelope.pixel) ** 2,
            *where,
        )
        .subquery("mvt_rows")
    )
    return select(
        func.ST_AsMVT(literal_column("mvt_rows"), layer, EXTENT, "geom", "id")
    ).select_from(rows)


def _bytes(data: Any) -> bytes:
    return bytes(data) if data else b""
