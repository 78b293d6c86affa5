"""Repository of extracts: the register (add, find, verify) and the reads an extract draws from.

Reads are limited to the map window with an envelope in the storage SRID (GiST index) and
clipped in the database, so only what the page shows leaves PostGIS.
"""

import datetime as dt
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from geoalchemy2.shape import from_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.extracts.records import Bounds, ExtractVerification, PlanInfo
from plans.storage.models import Extract, Municipality, Parcel, Plan, PlanVersion, Zone


@dataclass(frozen=True)
class ParcelShape:
    """A parcel's id, number and geometry (storage CRS)."""

    parcel_id: int
    number: str
    geometry: BaseGeometry


def _envelope(bounds: Bounds, srid: int) -> ColumnElement[Any]:
    return func.ST_MakeEnvelope(*bounds, srid)


def _shapes(rows: Sequence[tuple[str, bytes | memoryview]]) -> list[tuple[str, BaseGeometry]]:
    geoms = shapely.from_wkb([bytes(wkb) for _, wkb in rows])
    return [(key, geom) for (key, _), geom in zip(rows, geoms, strict=True) if not geom.is_empty]


def find_parcel_shape(session: Session, municipality_id: int, number: str) -> ParcelShape:
    """Return the parcel `number` of the municipality, or raise `NotFoundError`."""
    row = session.execute(
        select(Parcel.id, Parcel.number, func.ST_AsBinary(Parcel.geom)).where(
            Parcel.municipality_id == municipality_id, Parcel.number == number
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no parcel {number!r} in this municipality; check the number")
    return ParcelShape(row[0], row[1], shapely.from_wkb(bytes(row[2])))


def zones_in_window(
    session: Session, version_ids: Sequence[int], window: Bounds, *, srid: int
) -> list[tuple[str, BaseGeometry]]:
    """Return (zone code, geometry clipped to `window`) of the versions' zones in `window`."""
    envelope = _envelope(window, srid)
    rows = session.execute(
        select(Zone.zone_code, func.ST_AsBinary(func.ST_ClipByBox2D(Zone.geom, envelope)))
        .where(Zone.plan_version_id.in_(version_ids), func.ST_Intersects(Zone.geom, envelope))
        .order_by(Zone.id)
    ).all()
    return _shapes([(code, wkb) for code, wkb in rows])


def parcels_in_window(
    session: Session, municipality_id: int, window: Bounds, *, srid: int
) -> list[tuple[str, BaseGeometry]]:
    """Return (number, geometry) of the municipality's parcels that reach into `window`."""
    envelope = _envelope(window, srid)
    rows = session.execute(
        select(Parcel.number, func.ST_AsBinary(Parcel.geom))
        .where(Parcel.municipality_id == municipality_id, func.ST_Intersects(Parcel.geom, envelope))
        .order_by(Parcel.number)
    ).all()
    return _shapes([(number, wkb) for number, wkb in rows])


def plans_under(
    session: Session, version_ids: Sequence[int], area: BaseGeometry, *, srid: int
) -> list[PlanInfo]:
    """Return the plan versions (of `version_ids`) whose zones cover `area`, largest part first."""
    shape = func.ST_GeomFromWKB(shapely.to_wkb(area), srid)
    overlap = func.sum(func.ST_Area(func.ST_Intersection(Zone.geom, shape)))
    rows = session.execute(
        select(PlanVersion.id, Plan.number, PlanVersion.version, PlanVersion.effective_from)
        .join(Zone, Zone.plan_version_id == PlanVersion.id)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .where(PlanVersion.id.in_(version_ids), func.ST_Intersects(Zone.geom, shape))
        .group_by(PlanVersion.id, Plan.number, PlanVersion.version, PlanVersion.effective_from)
        .order_by(overlap.desc(), Plan.number)
    ).all()
    return [PlanInfo(row[0], row[1], row[2], row[3]) for row in rows]


def reference_exists(session: Session, reference: str) -> bool:
    """Return True when `reference` is already registered."""
    return bool(session.scalar(select(exists().where(Extract.reference == reference))))


def add_extract(
    session: Session,
    *,
    reference: str,
    municipality_id: int,
    sha256: str,
    options: dict[str, Any],
    issued_at: dt.datetime,
    srid: int,
    parcel_id: int | None = None,
    area: BaseGeometry | None = None,
    plan_version_id: int | None = None,
    issued_by: str | None = None,
) -> Extract:
    """Register an issued extract (flushes, never commits) and return the row."""
    row = Extract(
        reference=reference,
        municipality_id=municipality_id,
        parcel_id=parcel_id,
        area=from_shape(area, srid=srid) if area is not None else None,
        plan_version_id=plan_version_id,
        sha256=sha256.lower(),
        options=options,
        issued_at=issued_at,
        issued_by=issued_by,
    )
    session.add(row)
    session.flush()
    return row


def find_extract(session: Session, reference: str) -> Extract:
    """Return the registered extract `reference`, or raise `NotFoundError`."""
    found = session.scalar(select(Extract).where(Extract.reference == reference))
    if found is None:
        raise NotFoundError(f"no extract with reference {reference!r} in the register")
    return found


def verify_extract(session: Session, reference: str, sha256: str | None) -> ExtractVerification:
    """Answer whether `sha256` (hex) is the registered hash of `reference` (None: not asked)."""
    found = find_extract(session, reference)
    valid = (
        None
        if sha256 is None
        else hmac.compare_digest(found.sha256.encode(), sha256.strip().lower().encode())
    )
    return ExtractVerification(reference=found.reference, valid=valid, issued_at=found.issued_at)


def road_zones_near(
    session: Session,
    version_ids: Sequence[int],
    window: Bounds,
    *,
    srid: int,
    codes: Iterable[str],
) -> list[tuple[dict[str, Any] | None, BaseGeometry]]:
    """Return (attributes, geometry) of the versions' zones with one of `codes` in `window`."""
    envelope = _envelope(window, srid)
    rows = session.execute(
        select(Zone.attributes, func.ST_AsBinary(Zone.geom))
        .where(
            Zone.plan_version_id.in_(version_ids),
            Zone.zone_code.in_(sorted(codes)),
            func.ST_Intersects(Zone.geom, envelope),
        )
        .order_by(Zone.id)
    ).all()
    return [(attributes, shapely.from_wkb(bytes(wkb))) for attributes, wkb in rows]


def recent_extracts(session: Session, municipality_id: int, *, limit: int) -> list[Extract]:
    """Return the municipality's `limit` most recently issued extracts, newest first."""
    return list(
        session.scalars(
            select(Extract)
            .where(Extract.municipality_id == municipality_id)
            .order_by(Extract.issued_at.desc(), Extract.id.desc())
            .limit(limit)
        )
    )


def register_entries(session: Session, municipality: str, *, limit: int) -> list[dict[str, Any]]:
    """Return the municipality's `limit` latest register entries, newest first (JSON-ready)."""
    rows = session.execute(
        select(Extract, Parcel.number)
        .join(Municipality, Extract.municipality_id == Municipality.id)
        .outerjoin(Parcel, Extract.parcel_id == Parcel.id)
        .where(Municipality.code == municipality)
        .order_by(Extract.issued_at.desc(), Extract.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "reference": extract.reference,
            "parcel": number,
            "sha256": extract.sha256,
            "issued_at": extract.issued_at.isoformat(),
            "issued_by": extract.issued_by,
            "media_type": extract.options.get("media_type"),
        }
        for extract, number in rows
    ]
