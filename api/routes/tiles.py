"""Vector tiles, TileJSON and the MapLibre style."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import MAX_ID, ReadSessionDep, VersionCacheDep
from plans.errors import NotFoundError
from plans.storage.plan_versions import select_version_ids
from plans.storage.version_watch import VersionCache
from plans.storage.zones import zone_codes, zones_extent_lonlat
from plans.symbology import legend
from tiles.mvt import MAX_ZOOM, TileOutOfRangeError, parcels_tile, tile_envelope, zones_tile
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
    cache: VersionCacheDep,
    params: VersionDep,
) -> Response:
    """Return one Mapbox vector tile; zone tiles carry an ETag of the versions they show."""
    try:
        envelope = tile_envelope(z, x, y)
    except TileOutOfRangeError as exc:
        raise NotFoundError(str(exc)) from exc
    if layer == "parcels":
        body = await session.run_sync(parcels_tile, envelope)
        headers = {"Cache-Control": f"public, max-age={PARCELS_MAX_AGE_S}"}
        return Response(body, media_type=MVT, headers=headers)
    version_ids = await _version_ids(session, cache, params)
    etag = _etag(version_ids)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300, must-revalidate"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = await session.run_sync(zones_tile, envelope, version_ids=version_ids)
    return Response(body, media_type=MVT, headers=headers)


@router.get("/tiles/{layer}.json", summary="TileJSON of a layer")
async def read_tilejson(
    layer: Layer,
    request: Request,
    session: ReadSessionDep,
    cache: VersionCacheDep,
    params: VersionDep,
) -> dict[str, Any]:
    """Describe a vector tile layer (TileJSON 3.0.0)."""
    version_ids = await _version_ids(session, cache, params)
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
    request: Request, session: ReadSessionDep, cache: VersionCacheDep, params: VersionDep
) -> dict[str, Any]:
    """Return the MapLibre GL style drawn from the one symbology."""
    codes = await session.run_sync(zone_codes, await _version_ids(session, cache, params))
    base = str(request.base_url).rstrip("/")
    return maplibre_style(codes, tiles_base=f"{base}/tiles")


@router.get("/legend.json", summary="Legend of the zones shown")
async def read_legend(
    session: ReadSessionDep, cache: VersionCacheDep, params: VersionDep
) -> list[dict[str, Any]]:
    """Return the legend entries (colour, hatch, names in Arabic and English) of the zones shown."""
    codes = await session.run_sync(zone_codes, await _version_ids(session, cache, params))
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


async def _version_ids(
    session: AsyncSession, cache: VersionCache, params: VersionParams
) -> list[int]:
    """Return the versions shown: cached in the process, else looked up (and kept if fresh)."""
    key = (params.version, params.date or dt.date.today())
    version_ids = cache.get(key)
    if version_ids is None:
        generation = cache.generation
        version_ids = await session.run_sync(select_version_ids, plan_version_id=key[0], on=key[1])
        cache.put(key, version_ids, generation=generation)
    return version_ids


def _etag(version_ids: list[int]) -> str:
    # Plan versions are immutable once stored, so their ids identify the tile content.
    digest = hashlib.sha256(",".join(map(str, sorted(version_ids))).encode()).hexdigest()[:20]
    return f'"zones-{digest}"'
