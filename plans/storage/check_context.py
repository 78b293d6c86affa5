"""What a permit check needs from storage: the parcel, zones, roads and overlays around it."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Date, Float, LargeBinary, String, bindparam, func, or_, select
from sqlalchemy.orm import Session

from gis.repair import polygonal_part
from plans.errors import NotFoundError
from plans.storage.models import Municipality, Overlay, Parcel, Plan, PlanVersion, Zone
from plans.storage.municipalities import find_municipality
from plans.storage.plan_versions import PUBLISHED
from plans.storage.prebuilt import Prebuilt


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
    rows = _PARCEL_BY_NUMBER.rows(session, {"municipality": municipality, "number": number})
    if not rows:
        find_municipality(session, municipality)  # an unknown municipality is named as such
        raise NotFoundError(f"no parcel {number!r} in municipality {municipality!r}")
    return _stored(rows[0])


def parcel_at(
    session: Session, municipality: str, point: BaseGeometry, *, srid: int
) -> StoredParcel:
    """Return the municipality's parcel containing `point` (storage CRS), or raise NotFoundError."""
    params = {"municipality": municipality, "geom": _ewkb(point, srid)}
    rows = _PARCEL_AT.rows(session, params)
    if not rows:
        find_municipality(session, municipality)
        raise NotFoundError(f"no parcel of {municipality!r} at that point")
    return _stored(rows[0])


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
    params = {
        "municipality": municipality,
        "geom": _ewkb(geom, srid),
        "on": on,
        "within_m": within_m,
    }
    rows = _ZONES_NEAR.rows(session, params)
    return [NearbyZone(code, shapely.from_wkb(g), version) for code, g, version in rows]


def overlays_on(
    session: Session, municipality: str, geom: BaseGeometry, *, srid: int, on: dt.date
) -> list[tuple[str, BaseGeometry]]:
    """Return (kind, geometry) of the municipality's overlays in effect on `on` touching `geom`."""
    params = {"municipality": municipality, "geom": _ewkb(geom, srid), "on": on}
    rows = _OVERLAYS_ON.rows(session, params)
    return [(kind, shapely.from_wkb(g)) for kind, g in rows]


def version_ids_of(zones: Sequence[NearbyZone]) -> list[int]:
    """Return the distinct plan version ids the zones come from."""
    return sorted({zone.plan_version_id for zone in zones})


def _stored(row: tuple[int, str, bytes, int]) -> StoredParcel:
    parcel_id, number, geom, municipality_id = row
    return StoredParcel(
        id=parcel_id,
        number=number,
        geom=polygonal_part(shapely.from_wkb(geom)),
        municipality_id=municipality_id,
    )


def _ewkb(geom: BaseGeometry, srid: int) -> bytes:
    """Return `geom` as EWKB with its SRID, the statements' geometry parameter."""
    return bytes(shapely.to_wkb(shapely.set_srid(geom, srid), include_srid=True))


# The statements are compiled once (`Prebuilt`) and run on the driver's cursor: building a
# statement and its cache key, then SQLAlchemy's execution, cost about 1.5 ms of Python a check
# (bench/checks.py --profile).
_MUNICIPALITY = bindparam("municipality", type_=String)
_GEOM = func.ST_GeomFromEWKB(bindparam("geom", type_=LargeBinary))
_ON = bindparam("on", type_=Date)
_PARCEL = select(Parcel.id, Parcel.number, Parcel.geom, Parcel.municipality_id).join(
    Municipality, Parcel.municipality_id == Municipality.id
)
_PARCEL_BY_NUMBER = Prebuilt.compile(
    _PARCEL.where(
        Municipality.code == _MUNICIPALITY, Parcel.number == bindparam("number", type_=String)
    )
)
_PARCEL_AT = Prebuilt.compile(
    _PARCEL.where(Municipality.code == _MUNICIPALITY)
    .where(func.ST_Intersects(Parcel.geom, _GEOM))
    .limit(1)
)
_ZONES_NEAR = Prebuilt.compile(
    select(Zone.zone_code, Zone.geom, Zone.plan_version_id)
    .join(PlanVersion, Zone.plan_version_id == PlanVersion.id)
    .join(Plan, PlanVersion.plan_id == Plan.id)
    .join(Municipality, Plan.municipality_id == Municipality.id)
    .where(
        Municipality.code == _MUNICIPALITY,
        or_(*(PlanVersion.status == status for status in PUBLISHED)),
        PlanVersion.effective_from <= _ON,
        or_(PlanVersion.effective_to.is_(None), PlanVersion.effective_to > _ON),
        func.ST_Intersects(Zone.geom, func.ST_Buffer(_GEOM, bindparam("within_m", type_=Float))),
    )
)
_OVERLAYS_ON = Prebuilt.compile(
    select(Overlay.kind, Overlay.geom)
    .join(Municipality, Overlay.municipality_id == Municipality.id)
    .where(
        Municipality.code == _MUNICIPALITY,
        or_(Overlay.effective_from.is_(None), Overlay.effective_from <= _ON),
        or_(Overlay.effective_to.is_(None), Overlay.effective_to > _ON),
        func.ST_Intersects(Overlay.geom, _GEOM),
    )
)
