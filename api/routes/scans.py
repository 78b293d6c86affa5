"""Scans: import a scanned sheet as a draft version; raster tiles of a version's scan."""

import datetime as dt
from contextlib import ExitStack
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile

from api.auth import permission
from api.deps import MAX_ID, SessionDep, SettingsDep
from api.uploads import saved_upload
from gis.types import FRAME_MODES, SHEET_STYLES, TRANSFORM_METHODS
from plans.access import Principal, require
from plans.errors import NotFoundError
from plans.imports.scans import ScanImportRequest, ScanSource, import_scan
from plans.jobs import enqueue_scan_import, job_report
from plans.storage.plan_versions import scan_cog_name
from tiles.mvt import MAX_ZOOM
from tiles.raster import ScanTileMissingError, scan_tile

router = APIRouter(tags=["scans"])

SCAN_SUFFIXES = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".pdf")
GCP_SUFFIXES = (".csv", ".points")
LEGEND_SUFFIXES = (".json",)
PNG = "image/png"
MAX_PDF_PAGE = 100_000


@router.get(
    "/scans/{version}/tiles/{z}/{x}/{y}.png",
    summary="Raster tile of a plan version's scan",
    response_class=Response,
    responses={200: {"content": {PNG: {}}}},
)
def read_scan_tile(
    version: Annotated[int, Path(ge=1, le=MAX_ID)],
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Return the georeferenced scan under tile z/x/y as PNG (transparent off the sheet)."""
    cog = settings.data_dir / "scans" / scan_cog_name(session, version)
    try:
        body = scan_tile(cog, z, x, y)
    except ScanTileMissingError as exc:
        raise NotFoundError(str(exc)) from exc
    return Response(body, media_type=PNG, headers={"Cache-Control": "public, max-age=3600"})


@router.post(
    "/plans/{number}/scans",
    status_code=201,
    summary="Import a scanned sheet",
    responses={202: {"description": "Queued as a job (wait=false): its id and status URL"}},
)
def post_scan(
    number: str,
    scan: Annotated[UploadFile, File(description="TIFF, PNG or JPEG scan, or a PDF")],
    gcps: Annotated[UploadFile, File(description="GCPs: CSV or QGIS .points")],
    legend: Annotated[UploadFile, File(description="legend JSON")],
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(permission("import"))],
    method: Annotated[str, Form(pattern=f"^({'|'.join(TRANSFORM_METHODS)})$")] = "auto",
    style: Annotated[str, Form(pattern=f"^({'|'.join(SHEET_STYLES)})$")] = "auto",
    min_area_m2: Annotated[float, Form(ge=0)] = 25.0,
    page: Annotated[int, Form(ge=1, le=MAX_PDF_PAGE, description="Page of a PDF scan")] = 1,
    frame: Annotated[
        str, Form(pattern=f"^({'|'.join(FRAME_MODES)})$", description="Find the map frame")
    ] = "auto",
    gcps_crs: Annotated[str | None, Form(max_length=64)] = None,
    effective_from: Annotated[dt.date | None, Form()] = None,
    municipality: Annotated[str | None, Form(max_length=32)] = None,
    wait: Annotated[bool, Query(description="false: queue a job and answer 202")] = True,
    response: Response = None,  # type: ignore[assignment]  # injected by FastAPI
) -> dict[str, Any]:
    """Digitise the scan and store a draft version with its scan layer (planner).

    With ``wait=false`` the scan is queued for a worker: 202 with the job's id; follow it at
    ``GET /jobs/{id}``.
    """
    code = municipality or settings.municipality
    require(principal, "import", code)
    with ExitStack() as files:
        source = ScanSource(
            scan=files.enter_context(saved_upload(scan, allowed=SCAN_SUFFIXES)),
            gcps=files.enter_context(saved_upload(gcps, allowed=GCP_SUFFIXES)),
            legend=files.enter_context(saved_upload(legend, allowed=LEGEND_SUFFIXES)),
            gcps_crs=gcps_crs,
            method=method,  # type: ignore[arg-type]  # checked by the Form pattern
            style=style,  # type: ignore[arg-type]  # checked by the Form pattern
            min_area_m2=min_area_m2,
            max_pixels=settings.max_scan_pixels,
            page=page,
            frame=frame,  # type: ignore[arg-type]  # checked by the Form pattern
        )
        request = ScanImportRequest(
            source=source,
            municipality=code,
            plan_number=number,
            effective_from=effective_from,
            created_by=principal.actor,
        )
        if not wait:
            job_id = enqueue_scan_import(session, request, data_dir=settings.data_dir)
            response.status_code = 202
            return {"job_id": job_id, "status": "queued", "status_url": f"/jobs/{job_id}"}
        stored = import_scan(
            session,
            request,
            storage_crs=settings.storage_crs,
            scans_dir=settings.data_dir / "scans",
        )
    body = asdict(stored)
    body["cog"] = stored.cog.name
    return body


@router.get("/jobs/{job_id}", summary="Status of a queued import")
def get_job(
    job_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    principal: Annotated[Principal, Depends(permission("import"))],
) -> dict[str, Any]:
    """Return a job's status (queued, running, succeeded, failed), error and draft (planner)."""
    report = job_report(session, job_id)
    if report is None:
        raise NotFoundError(f"no job {job_id}")
    require(principal, "import", report.municipality)
    return asdict(report)
