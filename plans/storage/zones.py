"""Repository of zones: bulk insert of a version's zones and paged reads."""

import datetime as dt
from collections.abc import Sequence

import shapely
from geoalchemy2.shape import from_shape
from shapely import from_wkb
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from gis.generalise import generalise_coverage
from plans.records import Feature, FeaturePage
from plans.storage.features import bbox_filter, page_features
from plans.storage.models import Municipality, Plan, PlanVersion, Zone, ZoneGeneralised
from plans.storage.plan_versions import select_version_ids


def add_zones(
    session: Session,
    plan_version_id: int,
    *,
    codes: Sequence[str],
    geoms: Sequence[MultiPolygon],
    confidences: Sequence[float],
    srid: int,
) -> int:
    """Insert the zones of one version (geometries in the storage SRID); return the count."""
    rows = [
        {
            "plan_version_id": plan_version_id,
            "zone_code": code,
            "geom": from_shape(geom, srid=srid),
            "confidence": confidence,
        }
        for code, geom, confidence in zip(codes, geoms, confidences, strict=True)
    ]
    if rows:
        session.execute(insert(Zone), rows)
        refresh_generalised(session, plan_version_id)
    return len(rows)


GENERALISED_MAX_ZOOM = 13
"""Tiles up to this zoom draw `zone_generalised` instead of the zones themselves."""
GENERALISED_TOLERANCE = 40_075_016.686 / 2**GENERALISED_MAX_ZOOM / 256
"""One screen pixel at `GENERALISED_MAX_ZOOM`, in EPSG:3857 metres (about 19 m)."""


_PIECE_VERTICES = 256


def refresh_generalised(session: Session, plan_version_id: int) -> str:
    """Rebuild the shapes a version's low-zoom tiles draw; return ``"generalised"`` or ``"raw"``.

    Zones are dissolved per code and coverage-simplified when that at least halves the vertices
    (curved, digitised zones); a plan of simple shapes (a grid of rectangles) is kept as it is,
    because one city-wide shape per code, even cut into pieces of at most 256 vertices, costs
    more to clip to every tile than its zones (bench/RESULTS.md, tiles notes).
    """
    rows = session.execute(
        select(Zone.zone_code, func.ST_AsBinary(Zone.geom_3857)).where(
            Zone.plan_version_id == plan_version_id
        )
    ).all()
    raw = [from_wkb(bytes(wkb)) for _, wkb in rows]
    shapes = generalise_coverage([code for code, _ in rows], raw, tolerance=GENERALISED_TOLERANCE)
    session.execute(
        delete(ZoneGeneralised).where(ZoneGeneralised.plan_version_id == plan_version_id)
    )
    columns = ["plan_version_id", "zone_code", "geom_3857"]
    if 2 * sum(_vertices(g) for _, g in shapes) > sum(_vertices(g) for g in raw):
        zones = select(Zone.plan_version_id, Zone.zone_code, Zone.geom_3857).where(
            Zone.plan_version_id == plan_version_id
        )
        session.execute(insert(ZoneGeneralised).from_select(columns, zones))
        return "raw"
    for code, geom in shapes:
        pieces = select(
            literal(plan_version_id),
            literal(code),
            func.ST_Multi(func.ST_Subdivide(from_shape(geom, srid=3857), _PIECE_VERTICES)),
        )
        session.execute(insert(ZoneGeneralised).from_select(columns, pieces))
    return "generalised"


def _vertices(geom: BaseGeometry) -> int:
    return int(shapely.get_num_coordinates(geom))


def zone_features(
    session: Session,
    *,
    bbox: Sequence[float] | None = None,
    plan_version_id: int | None = None,
    on: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Return zones of one version, or of every version in force on `on` (default today)."""
    query = (
        select(
            Zone.zone_code,
            Zone.confidence,
            Municipality.code.label("municipality"),
            Plan.number.label("plan"),
            PlanVersion.version,
            PlanVersion.status,
            PlanVersion.effective_from,
        )
        .join(PlanVersion, Zone.plan_version_id == PlanVersion.id)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Municipality, Plan.municipality_id == Municipality.id)
    )
    version_ids = select_version_ids(session, plan_version_id=plan_version_id, on=on)
    query = query.where(Zone.plan_version_id.in_(version_ids))
    if bbox is not None:
        query = query.where(bbox_filter(Zone.geom_3857, bbox))
    return page_features(
        session, query, geom=Zone.geom, id_column=Zone.id, limit=limit, offset=offset
    )


def zone_feature(session: Session, zone_id: int) -> Feature | None:
    """Return one zone by id, whatever its version's status."""
    query = select(Zone.zone_code, Zone.confidence, Zone.plan_version_id).where(Zone.id == zone_id)
    page = page_features(session, query, geom=Zone.geom, id_column=Zone.id, limit=1, offset=0)
    return page.features[0] if page.features else None


def zone_areas(session: Session, plan_version_id: int) -> dict[str, float]:
    """Return the stored area in m² of each zone code of a version."""
    rows = session.execute(
        select(Zone.zone_code, func.sum(func.ST_Area(Zone.geom)))
        .where(Zone.plan_version_id == plan_version_id)
        .group_by(Zone.zone_code)
    )
    return {code: float(area) for code, area in rows}


def zone_codes(session: Session, version_ids: Sequence[int]) -> list[str]:
    """Return the distinct zone codes of the given versions, sorted."""
    rows = session.scalars(
        select(Zone.zone_code).where(Zone.plan_version_id.in_(version_ids)).distinct()
    )
    return sorted(rows)


def zones_extent_lonlat(
    session: Session, version_ids: Sequence[int]
) -> tuple[float, float, float, float] | None:
    """Return the lon/lat bounds of the given versions' zones (None when they have none)."""
    extent = func.ST_Transform(func.ST_SetSRID(func.ST_Extent(Zone.geom_3857), 3857), 4326)
    row = session.execute(
        select(
            func.ST_XMin(extent), func.ST_YMin(extent), func.ST_XMax(extent), func.ST_YMax(extent)
        ).where(Zone.plan_version_id.in_(version_ids))
    ).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
