"""Import an OZFS zoning file (and its parcels) into storage, and export a rule set back.

Districts become the zones of a new draft version of the plan (``source_kind`` ozfs; districts
without geometry are skipped and reported), the rules become a rule set whose document is the
OZFS rules marked ``format: ozfs``, and parcels keep their labelled edges in their attributes.
One transaction: repositories flush, the caller commits.
"""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.crs import check_within_area_of_use, reproject, srid_of
from plans.errors import ConflictError, NotFoundError
from plans.imports.prepared import list_ids
from plans.ozfs.document import ZoningDocument
from plans.ozfs.reading import OzfsParcel, project, project_geometry, read_parcels, read_zoning
from plans.storage.models import Municipality, RuleSet, SourceKind
from plans.storage.municipalities import ensure_municipality
from plans.storage.parcels import add_parcels, existing_numbers
from plans.storage.plan_versions import add_version, ensure_plan
from plans.storage.rule_sets import OZFS_FORMAT
from plans.storage.zones import add_zones

RULE_SET_IDENTIFIER = "ozfs"
PLAN_NUMBER = "OZFS"


@dataclass(frozen=True)
class OzfsImportReport:
    """What `import_ozfs` stored."""

    municipality: str
    plan_number: str
    version: int
    plan_version_id: int
    rule_set_id: int
    districts: tuple[str, ...]
    skipped: tuple[str, ...]
    parcels: int


def import_ozfs(
    session: Session,
    zoning_path: Path,
    *,
    parcels_path: Path | None = None,
    effective_from: dt.date | None = None,
    storage_crs: CRS,
    municipality: str | None = None,
    plan_number: str = PLAN_NUMBER,
) -> OzfsImportReport:
    """Store an OZFS zoning file (and parcel file) as zones, a rule set and parcels.

    Parameters
    ----------
    zoning_path, parcels_path
        The OZFS zoning and parcel files (GeoJSON, longitude/latitude).
    effective_from
        When the version and rule set take effect; default the file's ``date``, else today.
    storage_crs
        The deployment's CRS; data outside its area of use are refused.
    municipality
        Municipality code; default the file's ``muni_name`` in capitals (``COCKRELL-HILL``).
    """
    zoning = read_zoning(zoning_path)
    mapped = [
        (d.dist_abbr, g)
        for d, g in zip(zoning.document.districts, zoning.geometries, strict=True)
        if g is not None
    ]
    skipped = tuple(
        d.dist_abbr
        for d, g in zip(zoning.document.districts, zoning.geometries, strict=True)
        if g is None
    )
    _check_area(storage_crs, [g for _, g in mapped], str(zoning_path))
    parcels = read_parcels(parcels_path) if parcels_path is not None else ()
    _check_area(storage_crs, [p.polygon for p in parcels], str(parcels_path))
    code = municipality or municipality_code(zoning.document.muni_name)
    on = effective_from or zoning.document.date or dt.date.today()
    owner = ensure_municipality(session, code, name_en=zoning.document.muni_name)
    plan = ensure_plan(session, owner, plan_number)
    report = {"districts": [c for c, _ in mapped], "skipped_without_geometry": list(skipped)}
    version = add_version(
        session,
        plan,
        effective_from=on,
        source_kind=SourceKind.OZFS,
        source_name=Path(zoning_path).name,
        quality_report=report,
    )
    srid = srid_of(storage_crs)
    geoms = [_multi(project_geometry(g, storage_crs)) for _, g in mapped]
    add_zones(
        session,
        version.id,
        codes=[c for c, _ in mapped],
        geoms=geoms,
        confidences=[1.0] * len(geoms),
        srid=srid,
    )
    rule_set = _store_rules(session, owner, zoning.document, on)
    stored = _store_parcels(session, owner, project(parcels, storage_crs), srid, parcels_path)
    session.flush()
    return OzfsImportReport(
        code,
        plan_number,
        version.version,
        version.id,
        rule_set.id,
        tuple(c for c, _ in mapped),
        skipped,
        stored,
    )


def municipality_code(name: str) -> str:
    """Make a municipality code of an OZFS ``muni_name``.

    Examples
    --------
    >>> municipality_code("Cockrell Hill")
    'COCKRELL-HILL'
    """
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:32] or "OZFS"


def rules_document(document: ZoningDocument) -> dict[str, Any]:
    """Return the rule-set document stored for `document` (OZFS rules, ``format: ozfs``)."""
    body = document.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {"format": OZFS_FORMAT, **body}


def read_rules_document(document: dict[str, Any]) -> ZoningDocument:
    """Read a stored rule-set document back (it must carry ``format: ozfs``)."""
    if document.get("format") != OZFS_FORMAT:
        raise ValueError(f"not an OZFS rule set (format {document.get('format')!r})")
    return ZoningDocument.model_validate({k: v for k, v in document.items() if k != "format"})


def find_ozfs_rule_set(session: Session, municipality: str) -> RuleSet:
    """Return the municipality's newest stored OZFS rule set."""
    rows = session.scalars(
        select(RuleSet)
        .join(Municipality, RuleSet.municipality_id == Municipality.id)
        .where(Municipality.code == municipality)
        .order_by(RuleSet.effective_from.desc(), RuleSet.id.desc())
    )
    for row in rows:
        if row.document.get("format") == OZFS_FORMAT:
            return row
    raise NotFoundError(f"municipality {municipality!r} has no OZFS rule set; import one first")


def export_ozfs(
    document: ZoningDocument, zones: dict[str, BaseGeometry], *, storage_crs: CRS
) -> dict[str, Any]:
    """Return the OZFS zoning GeoJSON (longitude/latitude) of stored rules and zones.

    Districts keep the file's order; one without zones gets a null geometry.
    """
    features = []
    for district in document.districts:
        geom = zones.get(district.dist_abbr)
        lonlat = None if geom is None else mapping(reproject(geom, storage_crs, 4326))
        properties = district.model_dump(mode="json", by_alias=True, exclude_none=True)
        features.append({"type": "Feature", "properties": properties, "geometry": lonlat})
    body = document.model_dump(mode="json", by_alias=True, exclude_none=True)
    del body["districts"]
    return {"type": "FeatureCollection", **body, "features": features}


def _store_rules(
    session: Session, owner: Municipality, document: ZoningDocument, on: dt.date
) -> RuleSet:
    version = str(document.date or on)
    body = rules_document(document)
    existing = session.scalar(
        select(RuleSet).where(
            RuleSet.municipality_id == owner.id,
            RuleSet.identifier == RULE_SET_IDENTIFIER,
            RuleSet.version == version,
        )
    )
    if existing is not None:
        if existing.document != body:
            raise ConflictError(
                f"OZFS rule set version {version} of {owner.code} is stored with other content; "
                "give the file a new date"
            )
        return existing
    row = RuleSet(
        municipality_id=owner.id,
        identifier=RULE_SET_IDENTIFIER,
        version=version,
        effective_from=on,
        source=f"OZFS {document.muni_name} {version}",
        document=body,
    )
    session.add(row)
    session.flush()
    return row


def _store_parcels(
    session: Session,
    owner: Municipality,
    parcels: tuple[OzfsParcel, ...],
    srid: int,
    source: Path | None,
) -> int:
    numbers = [p.parcel_id for p in parcels]
    clashes = existing_numbers(session, owner.id, numbers)
    if clashes:
        raise ConflictError(
            f"{source}: {len(clashes)} parcel number(s) already exist in {owner.code!r}: "
            f"{list_ids(clashes)}"
        )
    return add_parcels(
        session,
        owner.id,
        numbers=numbers,
        geoms=[_multi(p.polygon) for p in parcels],
        attributes=[parcel_attributes(p) for p in parcels],
        srid=srid,
        source_name=None if source is None else Path(source).name,
    )


def parcel_attributes(parcel: OzfsParcel) -> dict[str, Any]:
    """Return the attributes stored with a parcel: recorded dimensions and labelled edges."""
    return {
        "lot_width": parcel.lot_width,
        "lot_depth": parcel.lot_depth,
        "lot_area": parcel.lot_area,
        "ozfs_edges": [
            {"side": edge.side, "coordinates": [list(xy) for xy in edge.line.coords]}
            for edge in parcel.edges
        ],
    }


def _check_area(crs: CRS, geoms: list[BaseGeometry], source: str) -> None:
    if geoms:
        bounds = MultiPolygon([]).union(geoms[0]).bounds if len(geoms) == 1 else _bounds(geoms)
        check_within_area_of_use(bounds, crs, source=source)


def _bounds(geoms: list[BaseGeometry]) -> tuple[float, float, float, float]:
    boxes = [g.bounds for g in geoms]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _multi(geom: BaseGeometry) -> MultiPolygon:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    assert isinstance(geom, MultiPolygon)
    return geom
