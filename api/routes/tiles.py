"""Vector tiles, TileJSON and the MapLibre style."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import MAX_ID, ReadSessionDep
from plans.errors import NotFoundError
from plans.storage.plan_versions import require_version, select_version_ids, version_ids_select
from plans.storage.zones import zone_codes, zones_extent_lonlat
from plans.symbology import legend
from tiles.mvt import (
    MAX_ZOOM,
    TileOutOfRangeError,
    parcels_tile,
    tile_envelope,
    zones_tile,
    zones_tile_of,
)
from tiles.style import maplibre_style

router = APIRouter(tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"
Layer = Literal["zones", "parcels"]
LAYER_FIELDS = {
    "zones": {"zone_code": "String", "confidence": "Number"},
    "parcels": {"number": "String"},
}
PARCELS_MAX_AGE_S = 60


@dataclass(frozen=True)
class VersionParams:
    """Which zones to draw: a plan version id, the versions in force on a date, or today's."""

    version: int | None = None
    date: dt.date | None = None


async def version_params(
    version: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="plan version id (e.g. a draft)")
    ] = None,
    date: Annotated[dt.date | None, Query(description="versions in force on this date")] = None,
) -> VersionParams:
    """Gather the version query parameters (async: no thread is taken for it)."""
    return VersionParams(version=version, date=date)


VersionDep = Annotated[VersionParams, Depends(version_params)]


@router.get("/tiles/{layer}/{z}/{x}/{y}.mvt", summary="Vector tile", response_class=Response)
async def read_tile(
    layer: Layer,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
    request: Request,
    session: ReadSessionDep,
    params: VersionDep,
) -> Response:
    """Return one Mapbox vector tile; zone tiles carry an ETag of the versions they show.

    A zone tile without `If-None-Match` learns its versions in the same query as its zones;
    with one, the versions are looked up first so that a 304 costs one small query.
    """
    try:
        envelope = tile_envelope(z, x, y)
    except TileOutOfRangeError as exc:
        raise NotFoundError(str(exc)) from exc
    if layer == "parcels":
        body = await session.run_sync(parcels_tile, envelope)
        headers = {"Cache-Control": f"public, max-age={PARCELS_MAX_AGE_S}"}
        return Response(body, media_type=MVT, headers=headers)
    cached = request.headers.get("if-none-match")
    if cached is None:
        versions = version_ids_select(plan_version_id=params.version, on=_day(params))
        version_ids, body = await session.run_sync(zones_tile_of, envelope, versions)
        require_version(params.version, version_ids)
    else:
        version_ids = await _version_ids(session, params)
        if cached == _etag(version_ids):
            return Response(status_code=304, headers=_zone_headers(version_ids))
        body = await session.run_sync(zones_tile, envelope, version_ids=version_ids)
    return Response(body, media_type=MVT, headers=_zone_headers(version_ids))


@router.get("/tiles/{layer}.json", summary="TileJSON of a layer")
async def read_tilejson(
    layer: Layer, request: Request, session: ReadSessionDep, params: VersionDep
) -> dict[str, Any]:
    """Describe a vector tile layer (TileJSON 3.0.0)."""
    version_ids = await _version_ids(session, params)
    query = f"?{request.url.query}" if request.url.query else ""
    base = str(request.base_url).rstrip("/")
    extent = await session.run_sync(zones_extent_lonlat, version_ids)
    bounds = extent or (-180.0, -85.0511, 180.0, 85.0511)
    return {
        "tilejson": "3.0.0",
        "name": layer,
        "tiles": [f"{base}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt{query}"],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": list(bounds),
        "vector_layers": [{"id": layer, "fields": LAYER_FIELDS[layer]}],
    }


@router.get("/style.json", summary="MapLibre style of the zones and parcels")
async def read_style(
    request: Request, session: ReadSessionDep, params: VersionDep
) -> dict[str, Any]:
    """Return the MapLibre GL style drawn from the one symbology."""
    codes = await session.run_sync(zone_codes, await _version_ids(session, params))
    base = str(request.base_url).rstrip("/")
    return maplibre_style(codes, tiles_base=f"{base}/tiles")


@router.get("/legend.json", summary="Legend of the zones shown")
async def read_legend(session: ReadSessionDep, params: VersionDep) -> list[dict[str, Any]]:
    """Return the legend entries (colour, hatch, names in Arabic and English) of the zones shown."""
    codes = await session.run_sync(zone_codes, await _version_ids(session, params))
    return [
        {
            "code": s.code,
            "fill": s.fill,
            "outline": s.outline,
            "hatch": s.hatch,
            "name": {"ar": s.name_ar, "en": s.name_en},
        }
        for s in legend(codes)
    ]


async def _version_ids(session: AsyncSession, params: VersionParams) -> list[int]:
    return await session.run_sync(
        select_version_ids, plan_version_id=params.version, on=params.date
    )


def _day(params: VersionParams) -> dt.date:
    return params.date or dt.date.today()


def _zone_headers(version_ids: list[int]) -> dict[str, str]:
    return {"ETag": _etag(version_ids), "Cache-Control": "public, max-age=300, must-revalidate"}


def _etag(version_ids: list[int]) -> str:
    # Plan versions are immutable once stored, so their ids identify the tile content.
    digest = hashlib.sha256(",".join(map(str, sorted(version_ids))).encode()).hexdigest()[:20]
    return f'"zones-{digest}"'
