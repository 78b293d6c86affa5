"""Plan extracts: issue one (the file, reference in `X-Reference`) and verify a file or hash."""

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import PrincipalDep
from api.deps import SessionDep, SettingsDep
from plans.access import require
from plans.extracts import ExtractOptions, ExtractRequest, issue_extract, verify_file
from plans.extracts.batch import issue_batch
from plans.extracts.options import Digits, Lang, Orientation, OutputFormat, Paper, parse_scale
from plans.extracts.records import ExtractVerification
from plans.storage.extracts import register_entries, verify_extract

router = APIRouter(tags=["extracts"])

SHA256_PATTERN = "^[0-9a-fA-F]{64}$"


class ExtractBody(BaseModel):
    """Body of `POST /extracts`: a parcel number or a bbox in the storage CRS, and print options."""

    parcel: str | None = Field(default=None, description="parcel number, e.g. 101-01")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, description="minx, miny, maxx, maxy in the storage CRS (metres)"
    )
    paper: Paper = "a4"
    orientation: Orientation = "portrait"
    scale: Literal[500, 1000, 2500, 5000, "auto"] = 1000
    lang: Lang = "ar+en"
    format: OutputFormat = "pdf"
    digits: Digits = Field(default="latin", description="digits of numbers in Arabic text")
    check_reference: str | None = Field(
        default=None,
        max_length=40,
        pattern="^[A-Za-z0-9_-]+$",
        description="a permit check of this parcel to print",
    )
    municipality: str | None = Field(
        default=None, max_length=64, pattern="^[^\\x00]+$", description="default: the deployment's"
    )
    date: dt.date | None = Field(default=None, description="zoning in force on (default: today)")


class BatchBody(BaseModel):
    """Body of `POST /extracts/batch`: parcel numbers and the print options for all of them."""

    parcels: list[Annotated[str, Field(min_length=1, max_length=64, pattern="^[^\\x00]+$")]]
    paper: Paper = "a4"
    orientation: Orientation = "portrait"
    scale: Literal[500, 1000, 2500, 5000, "auto"] = 1000
    lang: Lang = "ar+en"
    format: OutputFormat = "pdf"
    digits: Digits = "latin"
    municipality: str | None = Field(default=None, max_length=64, pattern="^[^\\x00]+$")
    date: dt.date | None = None


class VerificationBody(BaseModel):
    """Answer of the verification: `valid` is null when neither a hash nor a file was given."""

    reference: str
    valid: bool | None
    issued_at: dt.datetime


@router.post(
    "/extracts",
    summary="Issue a plan extract",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}}}},
)
def create_extract(
    body: ExtractBody, session: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """Render, register and return the extract; its reference is in the `X-Reference` header."""
    options = ExtractOptions(
        paper=body.paper,
        orientation=body.orientation,
        scale=parse_scale(body.scale),
        lang=body.lang,
        format=body.format,
        digits=body.digits,
    )
    extract_request = ExtractRequest(
        municipality=body.municipality or settings.municipality,
        parcel=body.parcel,
        bbox=body.bbox,
        options=options,
        on=body.date,
        check_reference=body.check_reference,
    )
    issued = issue_extract(
        session,
        extract_request,
        storage_crs=settings.storage_crs,
        verify_base_url=str(request.base_url),
    )
    filename = f"{issued.reference}.{body.format}"
    return Response(
        content=issued.content,
        media_type=issued.media_type,
        headers={
            "X-Reference": issued.reference,
            "X-Content-SHA256": issued.content_sha256,
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


@router.get(
    "/extracts/{reference}/verify",
    summary="Verify an extract by its SHA-256",
    response_model=VerificationBody,
)
def read_verification(
    reference: str,
    session: SessionDep,
    sha256: Annotated[
        str | None, Query(pattern=SHA256_PATTERN, description="SHA-256 of the file, hex")
    ] = None,
) -> VerificationBody:
    """Answer whether `sha256` is the registered hash of the extract (null when not given)."""
    return _body(verify_extract(session, reference, sha256))


@router.post(
    "/extracts/{reference}/verify",
    summary="Verify an extract file",
    response_model=VerificationBody,
)
def verify_upload(
    reference: str,
    session: SessionDep,
    content: Annotated[bytes, Body(media_type="application/pdf", description="the file")],
) -> VerificationBody:
    """Answer whether the uploaded file is the one registered under `reference`."""
    return _body(verify_file(session, reference, content))


def _body(verification: ExtractVerification) -> VerificationBody:
    return VerificationBody(
        reference=verification.reference,
        valid=verification.valid,
        issued_at=verification.issued_at,
    )


@router.post(
    "/extracts/batch",
    summary="Issue extracts for many parcels (clerk)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def create_batch(
    body: BatchBody,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    principal: PrincipalDep,
) -> Response:
    """Issue and register one extract per parcel; answer a ZIP with a `manifest.json`."""
    municipality = body.municipality or settings.municipality
    require(principal, "print_batch", municipality)
    options = ExtractOptions(
        paper=body.paper,
        orientation=body.orientation,
        scale=parse_scale(body.scale),
        lang=body.lang,
        format=body.format,
        digits=body.digits,
    )
    template = ExtractRequest(
        municipality=municipality, options=options, on=body.date, issued_by=principal.actor
    )
    batch = issue_batch(
        session,
        template,
        body.parcels,
        storage_crs=settings.storage_crs,
        verify_base_url=str(request.base_url),
    )
    return Response(
        content=batch.content,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="extracts.zip"'},
    )


@router.get("/extracts", summary="The extract register (clerk)")
def read_register(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    municipality: Annotated[str | None, Query(max_length=64, pattern="^[^\\x00]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """List the municipality's most recent extracts: reference, parcel, hash, when and by whom."""
    code = municipality or settings.municipality
    require(principal, "read_register", code)
    return register_entries(session, code, limit=limit)
