"""Vector tiles, TileJSON and the MapLibre style."""

import datetime as dt
import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response

from api.deps import ReadsDep, VersionCacheDep, tile_sources
from api.params import (
    TILE_PARAMETERS,
    VERSION_PARAMETERS,
    VersionParams,
    tile_params,
    version_params,
)
from plans.errors import NotFoundError
from plans.storage.plan_versions import select_version_ids
from plans.storage.reads import Reads
from plans.storage.version_watch import VersionCache
from plans.storage.zones import zone_codes, zones_extent_lonlat
from plans.symbology import legend
from tiles.mvt import (
    MAX_ZOOM,
    TileOutOfRangeError,
    TileQuery,
    parcels_tile_query,
    tile_bytes,
    tile_envelope,
    zones_tile_query,
)
from tiles.style import maplibre_style

router = APIRouter(tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"
LAYER_FIELDS = {
    "zones": {"zone_code": "String", "confidence": "Number"},
    "parcels": {"number": "String"},
}
PARCELS_MAX_AGE_S = 60


async def versions_shown(request: Request) -> VersionParams:
    """Read the `version` and `date` query parameters (documented by `VERSION_PARAMETERS`)."""
    return version_params(request.query_params)


VersionDep = Annotated[VersionParams, Depends(versions_shown)]
VERSION_DOCS = {"parameters": VERSION_PARAMETERS}


@router.get(
    "/tiles/{layer}/{z}/{x}/{y}.mvt",
    summary="Vector tile",
    response_class=Response,
    openapi_extra={"parameters": [*TILE_PARAMETERS, *VERSION_PARAMETERS]},
)
async def read_tile(request: Request) -> Response:
    """Return one Mapbox vector tile; zone tiles carry an ETag of the versions they show.

    The busiest route declares neither parameters nor dependencies: they are read by
    `api.params` and `api.deps.tile_sources`, which saves FastAPI's solving of them.
    """
    tile, shown = tile_params(request.path_params), version_params(request.query_params)
    reads, cache = tile_sources(request)
    try:
        envelope = tile_envelope(tile.z, tile.x, tile.y)
    except TileOutOfRangeError as exc:
        raise NotFoundError(str(exc)) from exc
    if tile.layer == "parcels":
        body = await _tile(reads, parcels_tile_query(envelope))
        headers = {"Cache-Control": f"public, max-age={PARCELS_MAX_AGE_S}"}
        return Response(body, media_type=MVT, headers=headers)
    version_ids = await _version_ids(reads, cache, shown)
    etag = _etag(version_ids)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300, must-revalidate"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = await _tile(reads, zones_tile_query(envelope, version_ids))
    return Response(body, media_type=MVT, headers=headers)


@router.get("/tiles/{layer}.json", summary="TileJSON of a layer", openapi_extra=VERSION_DOCS)
async def read_tilejson(
    layer: Literal["zones", "parcels"],
    request: Request,
    reads: ReadsDep,
    cache: VersionCacheDep,
    params: VersionDep,
) -> dict[str, Any]:
    """Describe a vector tile layer (TileJSON 3.0.0)."""
    version_ids = await _version_ids(reads, cache, params)
    query = f"?{request.url.query}" if request.url.query else ""
    base = str(request.base_url).rstrip("/")
    extent = await reads.run_sync(zones_extent_lonlat, version_ids)
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


@router.get(
    "/style.json", summary="MapLibre style of the zones and parcels", openapi_extra=VERSION_DOCS
)
async def read_style(
    request: Request, reads: ReadsDep, cache: VersionCacheDep, params: VersionDep
) -> dict[str, Any]:
    """Return the MapLibre GL style drawn from the one symbology."""
    codes = await reads.run_sync(zone_codes, await _version_ids(reads, cache, params))
    base = str(request.base_url).rstrip("/")
    return maplibre_style(codes, tiles_base=f"{base}/tiles")


@router.get("/legend.json", summary="Legend of the zones shown", openapi_extra=VERSION_DOCS)
async def read_legend(
    reads: ReadsDep, cache: VersionCacheDep, params: VersionDep
) -> list[dict[str, Any]]:
    """Return the legend entries (colour, hatch, names in Arabic and English) of the zones shown."""
    codes = await reads.run_sync(zone_codes, await _version_ids(reads, cache, params))
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


async def _version_ids(reads: Reads, cache: VersionCache, params: VersionParams) -> list[int]:
    """Return the versions shown: cached in the process, else looked up (and kept if fresh)."""
    key = (params.version, params.date or dt.date.today())
    version_ids = cache.get(key)
    if version_ids is None:
        generation = cache.generation
        version_ids = await reads.run_sync(select_version_ids, plan_version_id=key[0], on=key[1])
        cache.put(key, version_ids, generation=generation)
    return version_ids


async def _tile(reads: Reads, query: TileQuery | None) -> bytes:
    return tile_bytes(await reads.scalar(query.statement, query.params) if query else None)


def _etag(version_ids: list[int]) -> str:
    # Plan versions are immutable once stored, so their ids identify the tile content.
    digest = hashlib.sha256(",".join(map(str, sorted(version_ids))).encode()).hexdigest()[:20]
    return f'"zones-{digest}"'
