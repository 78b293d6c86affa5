"""Issue an extract: gather parcel, zones and neighbours, render and register it (one transaction).

The register holds the SHA-256 of the file's bytes; the page prints the reference, the
verification URL (also as a QR code) and the digest of its content (see `plans.extracts.content`).
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from plans.extracts.content import content_digest, content_document
from plans.extracts.errors import ExtractInputError
from plans.extracts.layout import PageLayout, page_layout
from plans.extracts.parcelinfo import parcel_check, parcel_roads, parcel_rules
from plans.extracts.records import (
    Bounds,
    ExtractContent,
    ExtractRequest,
    ExtractVerification,
    IssuedExtract,
    MapFeatures,
)
from plans.extracts.render import render_extract
from plans.extracts.text import require_shaping
from plans.storage.extracts import (
    ParcelShape,
    add_extract,
    find_parcel_shape,
    parcels_in_window,
    plans_under,
    reference_exists,
    verify_extract,
    zones_in_window,
)
from plans.storage.models import Municipality
from plans.storage.municipalities import find_municipality
from plans.storage.parcels import parcel_zoning
from plans.storage.plan_versions import versions_in_force_ids

_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class _Focus:
    """What the page is centred on: a parcel, or an area."""

    bounds: Bounds
    geometry: BaseGeometry
    parcel: ParcelShape | None


def new_reference(issued_at: dt.datetime) -> str:
    """Return a fresh reference ``EX-YYYYMMDD-XXXXXXXX`` (8 random hex digits, upper case)."""
    return f"EX-{issued_at:%Y%m%d}-{secrets.token_hex(4).upper()}"


def verification_url(base_url: str, reference: str) -> str:
    """Return the public URL that verifies `reference`.

    Examples
    --------
    >>> verification_url("https://plans.example.sa/", "EX-20250101-0A1B2C3D")
    'https://plans.example.sa/extracts/EX-20250101-0A1B2C3D/verify'
    """
    return f"{base_url.rstrip('/')}/extracts/{reference}/verify"


def issue_extract(
    session: Session, request: ExtractRequest, *, storage_crs: CRS, verify_base_url: str
) -> IssuedExtract:
    """Render the extract asked for and register it; flushes only (the caller commits).

    Raises
    ------
    NotFoundError
        An unknown municipality or parcel.
    ExtractInputError
        Neither or both of parcel and bbox, a bbox not in the storage CRS, or an area that does
        not fit the page at the chosen scale.
    ShapingUnavailableError
        matplotlib cannot shape Arabic.
    """
    require_shaping()
    srid = _srid(storage_crs)
    issued_at = _issue_time(request.issued_at)
    municipality = find_municipality(session, request.municipality)
    focus = _focus(session, request, municipality.id, storage_crs)
    layout = page_layout(request.options, focus.bounds, context=focus.parcel is not None)
    reference = _unique_reference(session, issued_at)
    url = verification_url(verify_base_url, reference)
    content = _gather(session, request, focus, layout, municipality=municipality,
                      reference=reference, issued_at=issued_at, srid=srid,
                      verify_url=url)  # fmt: skip
    document = content_document(content, layout, request.options)
    digest = content_digest(document)
    options = request.options
    data = render_extract(content, layout, lang=options.lang, fmt=options.format,
                          content_sha256=digest, digits=options.digits)  # fmt: skip
    sha256 = hashlib.sha256(data).hexdigest()
    register = {"content": document, "content_sha256": digest, "media_type": options.media_type}
    add_extract(
        session,
        reference=reference,
        municipality_id=municipality.id,
        sha256=sha256,
        options=register,
        issued_at=issued_at,
        srid=srid,
        parcel_id=focus.parcel.parcel_id if focus.parcel else None,
        area=None if focus.parcel else focus.geometry,
        plan_version_id=content.plans[0].plan_version_id if content.plans else None,
        issued_by=request.issued_by,
    )
    return IssuedExtract(
        reference, sha256, digest, data, options.media_type, issued_at, layout.scale
    )


def verify_file(session: Session, reference: str, data: bytes) -> ExtractVerification:
    """Answer whether `data` is the file registered under `reference`."""
    return verify_extract(session, reference, hashlib.sha256(data).hexdigest())


def _gather(
    session: Session,
    request: ExtractRequest,
    focus: _Focus,
    layout: PageLayout,
    *,
    municipality: Municipality,
    reference: str,
    issued_at: dt.datetime,
    srid: int,
    verify_url: str,
) -> ExtractContent:
    on = request.on or issued_at.date()
    version_ids = versions_in_force_ids(session, on)
    parcel = focus.parcel
    zoning = parcel_zoning(session, parcel.parcel_id, version_ids=version_ids) if parcel else None
    check = None
    if request.check_reference is not None:
        check = parcel_check(session, request.check_reference,
                             parcel_id=parcel.parcel_id if parcel else None,
                             parcel_number=parcel.number if parcel else None)  # fmt: skip
    zones = zoning.zones if zoning else ()
    lang = request.options.lang
    features = MapFeatures(
        zones=tuple(zones_in_window(session, version_ids, layout.extent, srid=srid)),
        parcels=tuple(parcels_in_window(session, municipality.id, layout.extent, srid=srid)),
    )
    return ExtractContent(
        reference=reference,
        issued_at=issued_at,
        municipality_code=municipality.code,
        municipality_ar=municipality.name_ar,
        municipality_en=municipality.name_en,
        crs_name=f"EPSG:{srid}",
        verify_url=verify_url,
        focus=focus.bounds,
        features=features,
        subject=focus.parcel.geometry if focus.parcel else None,
        parcel_number=focus.parcel.number if focus.parcel else None,
        parcel_area_m2=zoning.area_m2 if zoning else None,
        zones=zones,
        plans=tuple(plans_under(session, version_ids, focus.geometry, srid=srid)),
        rules=parcel_rules(session, municipality.code, zones, on=on) if parcel else (),
        check=check,
        roads=(
            parcel_roads(session, version_ids, parcel.geometry, srid=srid, lang=lang)
            if parcel
            else ()
        ),
    )


def _focus(session: Session, request: ExtractRequest, municipality_id: int, crs: CRS) -> _Focus:
    if (request.parcel is None) == (request.bbox is None):
        raise ExtractInputError("give exactly one of a parcel number or a bbox")
    if request.parcel is not None:
        parcel = find_parcel_shape(session, municipality_id, request.parcel)
        minx, miny, maxx, maxy = (float(value) for value in parcel.geometry.bounds)
        return _Focus((minx, miny, maxx, maxy), parcel.geometry, parcel)
    assert request.bbox is not None
    bounds = check_bbox(request.bbox, crs)
    return _Focus(bounds, shapely.box(*bounds), None)


def check_bbox(bbox: Bounds, crs: CRS) -> Bounds:
    """Return `bbox` when it is ordered and lies in `crs`'s area of use, else raise.

    Raises
    ------
    ExtractInputError
        When the corners are not ordered, the values look like degrees, or the box lies outside
        the area where `crs` is defined (most often: a bbox given in another CRS).
    """
    minx, miny, maxx, maxy = (float(value) for value in bbox)
    if not (minx < maxx and miny < maxy):
        raise ExtractInputError(f"bbox must be minx,miny,maxx,maxy with min < max; got {bbox}")
    name = f"EPSG:{crs.to_epsg()}"
    if all(abs(value) <= 180 for value in (minx, maxx)) and all(
        abs(value) <= 90 for value in (miny, maxy)
    ):
        raise ExtractInputError(
            f"bbox {bbox} looks like longitude/latitude degrees; give it in the storage CRS "
            f"{name} (metres)"
        )
    usable = _projected_area_of_use(crs)
    if usable is not None and not shapely.box(minx, miny, maxx, maxy).intersects(
        shapely.box(*usable)
    ):
        raise ExtractInputError(
            f"bbox {bbox} lies outside the area of use of the storage CRS {name}; "
            f"give it in {name} metres"
        )
    return (minx, miny, maxx, maxy)


def _projected_area_of_use(crs: CRS) -> Bounds | None:
    area = crs.area_of_use
    if area is None:
        return None
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    bounds = to_crs.transform_bounds(area.west, area.south, area.east, area.north)
    return (float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3]))


def _unique_reference(session: Session, issued_at: dt.datetime) -> str:
    for _ in range(_REFERENCE_ATTEMPTS):
        reference = new_reference(issued_at)
        if not reference_exists(session, reference):
            return reference
    raise RuntimeError("could not draw an unused extract reference")  # 2^32 per day: unreachable


def _issue_time(issued_at: dt.datetime | None) -> dt.datetime:
    moment = issued_at or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.replace(microsecond=0)


def _srid(crs: CRS) -> int:
    epsg = crs.to_epsg()
    if epsg is None:
        raise ExtractInputError(f"the storage CRS must have an EPSG code; got {crs.name}")
    return int(epsg)
