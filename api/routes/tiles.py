"""Vector tiles, TileJSON and the MapLibre style."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api.deps import MAX_ID, SessionDep
from plans.errors import NotFoundError
from plans.storage.plan_versions import select_version_ids
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


@dataclass
class VersionParams:
    """Which zones to draw: a plan version id, the versions in force on a date, or today's."""

    version: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="plan version id (e.g. a draft)")
    ] = None
    date: Annotated[dt.date | None, Query(description="versions in force on this date")] = None


@router.get("/tiles/{layer}/{z}/{x}/{y}.mvt", summary="Vector tile", response_class=Response)
def read_tile(
    layer: Layer,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
    request: Request,
    session: SessionDep,
    params: Annotated[VersionParams, Depends()],
) -> Response:
    """Return one Mapbox vector tile; zone tiles carry an ETag of the versions they show."""
    try:
        envelope = tile_envelope(z, x, y)
    except TileOutOfRangeError as exc:
        raise NotFoundError(str(exc)) from exc
    if layer == "parcels":
        body = parcels_tile(session, envelope)
        headers = {"Cache-Control": f"public, max-age={PARCELS_MAX_AGE_S}"}
        return Response(body, media_type=MVT, headers=headers)
    version_ids = select_version_ids(session, plan_version_id=params.version, on=params.date)
    etag = _etag(version_ids)
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300, must-revalidate"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = zones_tile(session, envelope, version_ids=version_ids)
    return Response(body, media_type=MVT, headers=headers)


@router.get("/tiles/{layer}.json", summary="TileJSON of a layer")
def read_tilejson(
    layer: Layer, request: Request, session: SessionDep, params: Annotated[VersionParams, Depends()]
) -> dict[str, Any]:
    """Describe a vector tile layer (TileJSON 3.0.0)."""
    version_ids = select_version_ids(session, plan_version_id=params.version, on=params.date)
    query = f"?{request.url.query}" if request.url.query else ""
    base = str(request.base_url).rstrip("/")
    bounds = zones_extent_lonlat(session, version_ids) or (-180.0, -85.0511, 180.0, 85.0511)
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
def read_style(
    request: Request, session: SessionDep, params: Annotated[VersionParams, Depends()]
) -> dict[str, Any]:
    """Return the MapLibre GL style drawn from the one symbology."""
    version_ids = select_version_ids(session, plan_version_id=params.version, on=params.date)
    base = str(request.base_url).rstrip("/")
    return maplibre_style(zone_codes(session, version_ids), tiles_base=f"{base}/tiles")


@router.get("/legend.json", summary="Legend of the zones shown")
def read_legend(
    session: SessionDep, params: Annotated[VersionParams, Depends()]
) -> list[dict[str, Any]]:
    """Return the legend entries (colour, hatch, names in Arabic and English) of the zones shown."""
    version_ids = select_version_ids(session, plan_version_id=params.version, on=params.date)
    return [
        {
            "code": s.code,
            "fill": s.fill,
            "outline": s.outline,
            "hatch": s.hatch,
            "name": {"ar": s.name_ar, "en": s.name_en},
        }
        for s in legend(zone_codes(session, version_ids))
    ]


def _etag(version_ids: list[int]) -> str:
    # Plan versions are immutable once stored, so their ids identify the tile content.
    digest = hashlib.sha256(",".join(map(str, sorted(version_ids))).encode()).hexdigest()[:20]
    return f'"zones-{digest}"'
