"""What a permit check needs from storage: the parcel, zones, roads and overlays around it."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session

from gis.repair import polygonal_part
from plans.errors import NotFoundError
from plans.storage.models import Municipality, Overlay, Parcel, Plan, PlanVersion, Zone
from plans.storage.municipalities import find_municipality
from plans.storage.plan_versions import PUBLISHED


@dataclass(frozen=True)
class StoredParcel:
    """A parcel as stored (id, number, municipality), or drawn (id 0, no number or municipality).

    The geometry is in the storage CRS.
    """

    id: int
    number: str
    geom: MultiPolygon
    municipality_id: int | None = None


@dataclass(frozen=True)
class NearbyZone:
    """A zone of a plan version in force near the parcel."""

    zone_code: str
    geom: BaseGeometry
    plan_version_id: int


def find_parcel(session: Session, municipality: str, number: str) -> StoredParcel:
    """Return the parcel `number` of `municipality`, or raise `NotFoundError` naming which."""
    row = session.execute(
        _parcel_columns().where(Municipality.code == municipality, Parcel.number == number)
    ).one_or_none()
    if row is None:
        find_municipality(session, municipality)  # an unknown municipality is named as such
        raise NotFoundError(f"no parcel {number!r} in municipality {municipality!r}")
    return _stored(row)


def parcel_at(
    session: Session, municipality: str, point: BaseGeometry, *, srid: int
) -> StoredParcel:
    """Return the municipality's parcel containing `point` (storage CRS), or raise NotFoundError."""
    row = session.execute(
        _parcel_columns()
        .where(
            Municipality.code == municipality,
            func.ST_Intersects(Parcel.geom, from_shape(point, srid=srid)),
        )
        .limit(1)
    ).one_or_none()
    if row is None:
        find_municipality(session, municipality)
        raise NotFoundError(f"no parcel of {municipality!r} at that point")
    return _stored(row)


def _parcel_columns() -> Select[int, str, Any, int]:
    return select(Parcel.id, Parcel.number, Parcel.geom, Parcel.municipality_id).join(
        Municipality, Parcel.municipality_id == Municipality.id
    )


def _stored(row: Row[int, str, Any, int]) -> StoredParcel:
    return StoredParcel(
        id=row.id,
        number=row.number,
        geom=polygonal_part(to_shape(row.geom)),
        municipality_id=row.municipality_id,
    )


def zones_near(
    session: Session,
    municipality: str,
    geom: BaseGeometry,
    *,
    srid: int,
    on: dt.date,
    within_m: float,
) -> list[NearbyZone]:
    """Return the zones of the municipality's plan versions in force on `on` within `within_m`."""
    area = func.ST_Buffer(from_shape(geom, srid=srid), within_m)
    rows = session.execute(
        select(Zone.zone_code, Zone.geom, Zone.plan_version_id)
        .join(PlanVersion, Zone.plan_version_id == PlanVersion.id)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Municipality, Plan.municipality_id == Municipality.id)
        .where(
            Municipality.code == municipality,
            PlanVersion.status.in_(PUBLISHED),
            PlanVersion.effective_from <= on,
            or_(PlanVersion.effective_to.is_(None), PlanVersion.effective_to > on),
            func.ST_Intersects(Zone.geom, area),
        )
    )
    return [NearbyZone(code, to_shape(g), version) for code, g, version in rows]


def overlays_on(
    session: Session, municipality: str, geom: BaseGeometry, *, srid: int, on: dt.date
) -> list[tuple[str, BaseGeometry]]:
    """Return (kind, geometry) of the municipality's overlays in effect on `on` touching `geom`."""
    rows = session.execute(
        select(Overlay.kind, Overlay.geom)
        .join(Municipality, Overlay.municipality_id == Municipality.id)
        .where(
            Municipality.code == municipality,
            or_(Overlay.effective_from.is_(None), Overlay.effective_from <= on),
            or_(Overlay.effective_to.is_(None), Overlay.effective_to > on),
            func.ST_Intersects(Overlay.geom, from_shape(geom, srid=srid)),
        )
    )
    return [(kind, to_shape(g)) for kind, g in rows]


def version_ids_of(zones: Sequence[NearbyZone]) -> list[int]:
    """Return the distinct plan version ids the zones come from."""
    return sorted({zone.plan_version_id for zone in zones})
