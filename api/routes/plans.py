"""Plans: list versions, import a vector file as a draft version, publish a version."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from pydantic import BaseModel

from api.auth import PrincipalDep, permission
from api.deps import MAX_ID, SessionDep, SettingsDep
from api.uploads import saved_upload
from plans.access import Principal, require
from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.storage.plan_versions import list_versions, version_report

router = APIRouter(tags=["plans"])

FileField = Annotated[UploadFile, File(description="GeoPackage, GeoJSON, zipped Shapefile or DXF")]
TextField = Annotated[str | None, Form(max_length=128)]


class PublishBody(BaseModel):
    """Optional effective date of the version being published."""

    effective_from: dt.date | None = None


@router.get("/plans", summary="Plan versions")
def read_plans(session: SessionDep, municipality: str | None = None) -> list[dict[str, Any]]:
    """List every plan version with its status and dates."""
    return [asdict(v) for v in list_versions(session, municipality)]


@router.get("/plans/versions/{plan_version_id}", summary="A plan version and its quality report")
def read_version(
    plan_version_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep
) -> dict[str, Any]:
    """Return a version with its quality report and georeference, for the planner's review."""
    return version_report(session, plan_version_id)


@router.post("/plans/{number}/versions", status_code=201, summary="Import zones as a draft version")
def post_version(
    number: str,
    file: FileField,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(permission("import"))],
    code_column: Annotated[str, Form(max_length=128)] = "zone_code",
    layer: TextField = None,
    crs: TextField = None,
    effective_from: Annotated[dt.date | None, Form()] = None,
    municipality: TextField = None,
) -> dict[str, Any]:
    """Store an uploaded vector file's zones as the plan's next draft version (planner)."""
    code = municipality or settings.municipality
    require(principal, "import", code)
    with saved_upload(file) as path:
        request = ZoneImportRequest(
            path=path,
            municipality=code,
            plan_number=number,
            code_column=code_column,
            layer=layer,
            crs=crs,
            effective_from=effective_from,
            created_by=principal.actor,
        )
        report = import_zones(session, request, storage_crs=settings.storage_crs)
    return asdict(report)


@router.post("/plans/{number}/versions/{version}/publish", summary="Publish a version")
def post_publish(
    number: str,
    version: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    body: PublishBody | None = None,
    municipality: str | None = None,
) -> dict[str, Any]:
    """Bring a draft into force (planner); publishing the version in force again changes nothing."""
    code = municipality or settings.municipality
    require(principal, "publish", code)
    result = publish_version(
        session,
        municipality=code,
        plan_number=number,
        version=version,
        effective_from=body.effective_from if body else None,
        published_by=principal.actor,
    )
    return asdict(result)


@router.post("/parcels", status_code=201, summary="Import parcels")
def post_parcels(
    file: FileField,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, Depends(permission("import"))],
    number_column: Annotated[str, Form(max_length=128)] = "number",
    layer: TextField = None,
    crs: TextField = None,
    municipality: TextField = None,
) -> dict[str, Any]:
    """Store an uploaded file's parcels; numbers must be new to the municipality (planner)."""
    code = municipality or settings.municipality
    require(principal, "import", code)
    with saved_upload(file) as path:
        request = ParcelImportRequest(
            path=path, municipality=code, number_column=number_column, layer=layer, crs=crs
        )
        report = import_parcels(session, request, storage_crs=settings.storage_crs)
    return asdict(report)
