"""Load an imported OZFS town back from storage: rules, zones and parcels with their edges."""

from typing import Any, cast

from pyproj import CRS
from shapely import wkb
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.ozfs.buildings import Building
from plans.ozfs.check import OzfsCheck, PreparedZoning, check_parcel, plot_of
from plans.ozfs.check_all import Town
from plans.ozfs.importing import PLAN_NUMBER, export_ozfs, find_ozfs_rule_set, read_rules_document
from plans.ozfs.reading import EdgeLabel, OzfsEdge, OzfsParcel
from plans.storage.models import Municipality, Parcel, Plan, PlanVersion, SourceKind, Zone


def load_stored_town(
    session: Session, municipality: str, *, plan_number: str = PLAN_NUMBER
) -> Town:
    """Return the municipality's OZFS rules, the newest OZFS plan version's zones and parcels.

    The newest version is used whatever its status, so a freshly imported draft can be checked
    town-wide before it is published.
    """
    row = find_ozfs_rule_set(session, municipality)
    document = read_rules_document(row.document)
    zones = stored_zones(session, municipality, plan_number=plan_number)
    zoning = PreparedZoning(f"ozfs:{municipality}:{row.version}", document, tuple(zones.items()))
    return Town(zoning, tuple(plot_of(p) for p in stored_parcels(session, municipality)))


def stored_zones(
    session: Session, municipality: str, *, plan_number: str = PLAN_NUMBER
) -> dict[str, BaseGeometry]:
    """Zone code -> geometry of the newest OZFS version of the plan."""
    version_id = session.scalar(
        select(PlanVersion.id)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Municipality, Plan.municipality_id == Municipality.id)
        .where(
            Municipality.code == municipality,
            Plan.number == plan_number,
            PlanVersion.source_kind == SourceKind.OZFS,
        )
        .order_by(PlanVersion.version.desc())
        .limit(1)
    )
    if version_id is None:
        raise NotFoundError(f"municipality {municipality!r} has no OZFS plan {plan_number!r}")
    rows = session.execute(
        select(Zone.zone_code, func.ST_AsBinary(Zone.geom)).where(
            Zone.plan_version_id == version_id
        )
    )
    return {code: wkb.loads(bytes(blob)) for code, blob in rows}


def stored_parcels(session: Session, municipality: str) -> list[OzfsParcel]:
    """Return the municipality's parcels that carry OZFS labelled edges."""
    rows = session.execute(
        select(Parcel.number, func.ST_AsBinary(Parcel.geom), Parcel.attributes)
        .join(Municipality, Parcel.municipality_id == Municipality.id)
        .where(Municipality.code == municipality)
        .order_by(Parcel.number)
    )
    parcels = []
    for number, blob, attributes in rows:
        attrs: dict[str, Any] = attributes or {}
        if "ozfs_edges" not in attrs:
            continue
        geom = wkb.loads(bytes(blob))
        polygon = cast("Polygon", geom.geoms[0] if isinstance(geom, MultiPolygon) else geom)
        edges = tuple(
            OzfsEdge(cast("EdgeLabel", e["side"]), LineString(e["coordinates"]))
            for e in attrs["ozfs_edges"]
        )
        parcels.append(
            OzfsParcel(
                number,
                polygon,
                edges,
                attrs.get("lot_width"),
                attrs.get("lot_depth"),
                attrs.get("lot_area"),
            )
        )
    return parcels


def export_stored(session: Session, municipality: str, *, storage_crs: CRS) -> dict[str, Any]:
    """Export the municipality's stored OZFS rules and zones as an OZFS zoning GeoJSON."""
    document = read_rules_document(find_ozfs_rule_set(session, municipality).document)
    return export_ozfs(document, stored_zones(session, municipality), storage_crs=storage_crs)


def check_stored_parcel(
    session: Session, municipality: str, parcel_id: str, building: Building
) -> OzfsCheck:
    """Check an OZFS building proposal on one stored parcel, with the same engine as check-all."""
    town = load_stored_town(session, municipality)
    plot = next((p for p in town.plots if p.parcel_id == parcel_id), None)
    if plot is None:
        raise NotFoundError(f"no parcel {parcel_id!r} in the OZFS data of {municipality!r}")
    return check_parcel(plot, town.zoning, building)
