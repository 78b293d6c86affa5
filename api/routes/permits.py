"""Permit checks: may this building be built on this parcel."""

import datetime as dt
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from shapely.geometry import Point

from api.deps import SessionDep, check_session, get_app_settings
from api.errors import BadParameterError
from gis.crs import reproject
from gis.geojson import read_polygon
from plans.permits import PermitRequest, check_permit
from plans.storage.permit_checks import find_check

router = APIRouter(tags=["permits"])


class CheckBody(BaseModel):
    """A permit application; geometries are GeoJSON in lon/lat unless they name a `crs`."""

    parcel: str | None = Field(None, description="parcel number", max_length=64)
    parcel_geometry: dict[str, Any] | None = Field(None, description="drawn parcel (GeoJSON)")
    point: tuple[float, float] | None = Field(
        None, description="[lon, lat] of a point on the parcel (a click on the map)"
    )
    footprint: dict[str, Any] | None = Field(None, description="building footprint (GeoJSON)")
    use: str = Field(min_length=1, max_length=64, examples=["residential"])
    floors: int | None = Field(None, ge=0, le=300)
    height_m: float | None = Field(None, ge=0, le=1000)
    gfa_m2: float | None = Field(None, ge=0)
    date: dt.date | None = None
    municipality: str | None = Field(None, max_length=32)


@router.post(
    "/permits/check",
    summary="Check a building against the zoning in force",
    response_model=dict[str, Any],
)
async def post_check(body: CheckBody, http: Request) -> Response:
    """Answer rule by rule, with the verdict, the zones, the buildable envelope and a reference.

    Served on the event loop: the check is mostly CPU (about 2 ms of geometry), and handing it
    to a worker thread cost more than it saved under concurrent load (bench/checks.py). The
    document the engine built goes out encoded by orjson as it is, without FastAPI validating
    and re-serialising it against the response model (~0.6 ms a check). The session is opened
    here rather than declared (`check_session`); the check's record is committed before the
    answer is sent.
    """
    settings = await get_app_settings(http)
    crs = settings.storage_crs
    request = PermitRequest(
        municipality=body.municipality or settings.municipality,
        use=body.use,
        parcel_number=body.parcel,
        parcel_geometry=_polygon(body.parcel_geometry, crs, "parcel_geometry"),
        point=_point(body.point, crs),
        footprint=_polygon(body.footprint, crs, "footprint"),
        floors=body.floors,
        height_m=body.height_m,
        gfa_m2=body.gfa_m2,
        date=body.date,
    )
    async with check_session(http) as session:
        document = await session.run_sync(check_permit, request, storage_crs=crs)
    return Response(orjson.dumps(document), media_type="application/json")


@router.get("/permits/checks/{reference}", summary="A recorded permit check")
def read_check(
    reference: Annotated[str, PathParam(max_length=40, pattern=r"^[A-Z]{2}-\d{8}-[0-9A-F]{8}$")],
    session: SessionDep,
) -> dict[str, Any]:
    """Return the answer recorded under `reference`, with its `result_sha256`."""
    return find_check(session, reference).result


def _point(lonlat: tuple[float, float] | None, crs: Any) -> Point | None:
    if lonlat is None:
        return None
    lon, lat = lonlat
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadParameterError(f"point {list(lonlat)}: give [lon, lat] in degrees")
    moved: Point = reproject(Point(lon, lat), 4326, crs)
    return moved


def _polygon(document: dict[str, Any] | None, crs: Any, what: str) -> Any:
    return None if document is None else read_polygon(document, to_crs=crs, what=what)
