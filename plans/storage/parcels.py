"""Repository of parcels: bulk insert, clash detection and paged reads."""

from collections.abc import Iterable, Sequence
from typing import Any

from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon
from sqlalchemy import Numeric, cast, func, insert, select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.records import Feature, FeaturePage, ParcelZoning, ZoneShare
from plans.storage.features import bbox_filter, page_features
from plans.storage.models import Municipality, Parcel, Zone


def existing_numbers(session: Session, municipality_id: int, numbers: Iterable[str]) -> list[str]:
    """Return which of `numbers` are already used by parcels of the municipality, sorted."""
    wanted = list(numbers)
    found = session.scalars(
        select(Parcel.number).where(
            Parcel.municipality_id == municipality_id, Parcel.number.in_(wanted)
        )
    )
    return sorted(found)


def add_parcels(
    session: Session,
    municipality_id: int,
    *,
    numbers: Sequence[str],
    geoms: Sequence[MultiPolygon],
    attributes: Sequence[dict[str, Any]],
    srid: int,
    source_name: str | None,
) -> int:
    """Insert parcels (geometries in the storage SRID); return the count."""
    rows = [
        {
            "municipality_id": municipality_id,
            "number": number,
            "geom": from_shape(geom, srid=srid),
            "attributes": attrs,
            "source_name": source_name,
        }
        for number, geom, attrs in zip(numbers, geoms, attributes, strict=True)
    ]
    if rows:
        session.execute(insert(Parcel), rows)
    return len(rows)


def parcel_features(
    session: Session,
    *,
    bbox: Sequence[float] | None = None,
    municipality_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Return a page of parcels, optionally within a lon/lat bbox or one municipality."""
    query = select(
        Parcel.number,
        Municipality.code.label("municipality"),
        func.round(cast(func.ST_Area(Parcel.geom), Numeric), 1).label("area_m2"),
    ).join(Municipality, Parcel.municipality_id == Municipality.id)
    if municipality_code is not None:
        query = query.where(Municipality.code == municipality_code)
    if bbox is not None:
        query = query.where(bbox_filter(Parcel.geom_3857, bbox))
    return page_features(
        session, query, geom=Parcel.geom, id_column=Parcel.id, limit=limit, offset=offset
    )


def parcel_feature(session: Session, parcel_id: int) -> Feature | None:
    """Return one parcel by id."""
    query = select(Parcel.number).where(Parcel.id == parcel_id)
    page = page_features(session, query, geom=Parcel.geom, id_column=Parcel.id, limit=1, offset=0)
    return page.features[0] if page.features else None


def parcel_zoning(session: Session, parcel_id: int, *, version_ids: Sequence[int]) -> ParcelZoning:
    """Return a parcel with the zones of `version_ids` under it, largest share first."""
    row = session.execute(
        select(Parcel.number, Municipality.code, func.ST_Area(Parcel.geom))
        .join(Municipality, Parcel.municipality_id == Municipality.id)
        .where(Parcel.id == parcel_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no parcel with id {parcel_id}")
    number, municipality, area = row
    overlap = func.ST_Area(func.ST_Intersection(Zone.geom, Parcel.geom))
    shares = session.execute(
        select(Zone.zone_code, func.sum(overlap))
        .join(Parcel, func.ST_Intersects(Zone.geom, Parcel.geom))
        .where(Parcel.id == parcel_id, Zone.plan_version_id.in_(version_ids))
        .group_by(Zone.zone_code)
        .order_by(func.sum(overlap).desc())
    ).all()
    zones = tuple(
        ZoneShare(zone_code=code, area_m2=round(float(part), 2), share=round(float(part) / area, 4))
        for code, part in shares
        if part and part > 0
    )
    return ParcelZoning(parcel_id, municipality, number, round(float(area), 2), zones)
