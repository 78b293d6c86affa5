"""Zones and parcels as GeoJSON, the start of OGC API - Features (Part 1, core)."""

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.deps import MAX_ID, ReadsDep
from api.errors import BadParameterError
from plans.errors import NotFoundError
from plans.records import Feature, FeaturePage
from plans.storage.parcels import parcel_feature, parcel_features
from plans.storage.zones import zone_feature, zone_features

router = APIRouter(tags=["features"])

GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
COLLECTIONS: dict[str, dict[str, str]] = {
    "zones": {
        "title": "Zones",
        "description": "Zones of the plan versions in force (or a chosen version)",
    },
    "parcels": {"title": "Parcels", "description": "Land parcels"},
}
MAX_LIMIT = 10_000


class GeoJSONResponse(Response):
    """GeoJSON encoded by orjson, which embeds the geometries' PostGIS text as it is."""

    media_type = GEOJSON

    def render(self, content: Any) -> bytes:
        """Encode `content` (geometries as `orjson.Fragment`)."""
        return orjson.dumps(content)


@dataclass(frozen=True)
class ItemsParams:
    """Query parameters of `/collections/{id}/items`."""

    bbox: str | None
    limit: int
    offset: int
    datetime: str | None
    version: int | None


async def items_params(
    bbox: Annotated[
        str | None, Query(description="minLon,minLat,maxLon,maxLat (EPSG:4326)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    datetime: Annotated[
        str | None, Query(description="zones in force on this date (YYYY-MM-DD)")
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="a plan version id (e.g. a draft)")
    ] = None,
) -> ItemsParams:
    """Gather the items query parameters (async: no thread is taken for it)."""
    return ItemsParams(bbox=bbox, limit=limit, offset=offset, datetime=datetime, version=version)


def landing_document(request: Request) -> dict[str, Any]:
    """Return the OGC API landing page: links to the API description, conformance, collections."""
    base = str(request.base_url).rstrip("/")
    return {
        "title": "Mukhattat",
        "description": "Zoning plans, permit checks and plan extracts",
        "links": [
            _link(f"{base}/", "self", "application/json", "This document"),
            _link(
                f"{base}/openapi.json",
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.0",
                "API definition",
            ),
            _link(f"{base}/docs", "service-doc", "text/html", "API documentation"),
            _link(f"{base}/conformance", "conformance", "application/json", "Conformance"),
            _link(f"{base}/collections", "data", "application/json", "Collections"),
        ],
    }


@router.get("/conformance", summary="Conformance classes")
def read_conformance() -> dict[str, list[str]]:
    """List the OGC conformance classes this API implements."""
    return {"conformsTo": CONFORMANCE}


@router.get("/collections", summary="Feature collections")
def read_collections(request: Request) -> dict[str, Any]:
    """List the feature collections."""
    base = str(request.base_url).rstrip("/")
    return {
        "links": [_link(f"{base}/collections", "self", "application/json", "Collections")],
        "collections": [_collection(base, cid) for cid in COLLECTIONS],
    }


@router.get("/collections/{collection_id}", summary="One feature collection")
def read_collection(collection_id: str, request: Request) -> dict[str, Any]:
    """Describe one collection."""
    _require_collection(collection_id)
    return _collection(str(request.base_url).rstrip("/"), collection_id)


@router.get("/collections/{collection_id}/items", summary="Features of a collection")
async def read_items(
    collection_id: str,
    request: Request,
    reads: ReadsDep,
    params: Annotated[ItemsParams, Depends(items_params)],
) -> GeoJSONResponse:
    """Return a page of features as a GeoJSON FeatureCollection with paging links."""
    _require_collection(collection_id)
    bbox = parse_bbox(params.bbox) if params.bbox else None
    if collection_id == "zones":
        page = await reads.run_sync(
            zone_features,
            bbox=bbox,
            plan_version_id=params.version,
            on=parse_date(params.datetime) if params.datetime else None,
            limit=params.limit,
            offset=params.offset,
        )
    else:
        page = await reads.run_sync(
            parcel_features, bbox=bbox, limit=params.limit, offset=params.offset
        )
    body = _feature_collection(page, str(request.url), _next_url(request, page))
    return GeoJSONResponse(body)


@router.get("/collections/{collection_id}/items/{feature_id}", summary="One feature")
async def read_item(
    collection_id: str, feature_id: Annotated[int, Path(ge=1, le=MAX_ID)], reads: ReadsDep
) -> GeoJSONResponse:
    """Return one feature by id."""
    _require_collection(collection_id)
    finder = zone_feature if collection_id == "zones" else parcel_feature
    feature = await reads.run_sync(finder, feature_id)
    if feature is None:
        raise NotFoundError(f"no feature {feature_id} in collection {collection_id!r}")
    return GeoJSONResponse(_feature(feature))


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse `minLon,minLat,maxLon,maxLat`, raising `BadParameterError` with the reason."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise BadParameterError(f"bbox {text!r}: values must be numbers") from exc
    if len(values) != 4:
        raise BadParameterError(f"bbox {text!r}: give four numbers minLon,minLat,maxLon,maxLat")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadParameterError(f"bbox {text!r}: must be lon/lat degrees with min <= max")
    return minx, miny, maxx, maxy


def parse_date(text: str) -> dt.date:
    """Parse an ISO date (or the date part of a datetime) for `datetime=`."""
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise BadParameterError(f"datetime {text!r}: give a date as YYYY-MM-DD") from exc


def _require_collection(collection_id: str) -> None:
    if collection_id not in COLLECTIONS:
        raise NotFoundError(
            f"no collection {collection_id!r}; collections are {', '.join(COLLECTIONS)}"
        )


def _collection(base: str, cid: str) -> dict[str, Any]:
    return {
        "id": cid,
        **COLLECTIONS[cid],
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [
            _link(
                f"{base}/collections/{cid}", "self", "application/json", COLLECTIONS[cid]["title"]
            ),
            _link(f"{base}/collections/{cid}/items", "items", GEOJSON, "Features"),
        ],
    }


def _feature(feature: Feature) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": feature.id,
        "geometry": orjson.Fragment(feature.geometry_json),
        "properties": feature.properties,
    }


def _feature_collection(page: FeaturePage, self_url: str, next_url: str | None) -> dict[str, Any]:
    links = [_link(self_url, "self", GEOJSON, "This page")]
    if next_url:
        links.append(_link(next_url, "next", GEOJSON, "Next page"))
    return {
        "type": "FeatureCollection",
        "features": [_feature(f) for f in page.features],
        "numberMatched": page.number_matched,
        "numberReturned": len(page.features),
        "timeStamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }


def _next_url(request: Request, page: FeaturePage) -> str | None:
    following = page.offset + len(page.features)
    if following >= page.number_matched:
        return None
    return str(request.url.include_query_params(offset=following, limit=page.limit))


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}
