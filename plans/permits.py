"""Answer a permit application: gather what storage knows, run the pure engine, record the answer.

The answer names what it used (plan versions, rule set and version, the date) so it can be
reproduced later; it is stored under a reference for audit.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyproj import CRS
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from gis.crs import reproject, srid_of
from plans.check import check_application
from plans.check_records import Application, CheckResult
from plans.errors import CheckInputError, NotFoundError
from plans.permit_limits import building_limits
from plans.rules.schema import RuleSet
from plans.storage.check_context import (
    NearbyZone,
    StoredParcel,
    find_parcel,
    overlays_on,
    parcel_at,
    version_ids_of,
    zones_near,
)
from plans.storage.municipalities import find_municipality
from plans.storage.permit_checks import new_reference, record_check
from plans.storage.rule_sets import rule_sets_in_force

ROAD_ZONE_CODES = frozenset({"ROAD", "STREET", "ROW"})
"""Zone codes whose polygons are streets: parcel edges on them are fronts."""
SEARCH_M = 60.0
"""How far around the parcel to look for roads (wide enough for a 60 m boulevard's far side)."""


@dataclass(frozen=True)
class PermitRequest:
    """An application: the parcel and the proposed building, geometries in the storage CRS.

    The parcel is a stored number, a drawn geometry, or a point on a stored parcel (a click).
    """

    municipality: str
    use: str
    parcel_number: str | None = None
    parcel_geometry: MultiPolygon | None = None
    point: Point | None = None
    footprint: MultiPolygon | None = None
    floors: int | None = None
    height_m: float | None = None
    gfa_m2: float | None = None
    date: dt.date | None = None


def check_permit(session: Session, request: PermitRequest, *, storage_crs: CRS) -> dict[str, Any]:
    """Return the `check --json` document for `request` (recorded; flushes, the caller commits)."""
    on = request.date or dt.date.today()
    srid = srid_of(storage_crs)
    parcel = _resolve_parcel(session, request, srid=srid)
    municipality_id = parcel.municipality_id or find_municipality(session, request.municipality).id
    nearby = zones_near(
        session, request.municipality, parcel.geom, srid=srid, on=on, within_m=SEARCH_M
    )
    if not nearby:
        raise NotFoundError(f"no plan of {request.municipality} is in force at the parcel on {on}")
    rule_set_id, rule_set = _choose_rule_set(session, request.municipality, on, nearby, parcel.geom)
    result = check_application(
        _single_polygon(parcel.geom),
        [(z.zone_code, z.geom) for z in nearby if z.zone_code not in ROAD_ZONE_CODES],
        [z.geom for z in nearby if z.zone_code in ROAD_ZONE_CODES],
        _application(request),
        rule_set,
        overlays_on(session, request.municipality, parcel.geom, srid=srid, on=on),
    )
    versions = version_ids_of(nearby)
    document = _document(result, reference=new_reference(on), storage_crs=storage_crs)
    document |= {
        "date": on.isoformat(),
        "parcel": parcel.number or None,
        "plan_versions": versions,
        "rule_set": {"identifier": rule_set.rule_set, "version": rule_set.version},
        "limits": building_limits(
            rule_set,
            [zone.zone_code for zone in result.zones if not zone.sliver],
            plot_area_m2=parcel.geom.area,
            envelope=result.envelope,
        ),
    }
    for _ in range(REFERENCE_ATTEMPTS):
        document["result_sha256"] = result_digest(document)
        stored = record_check(
            session,
            reference=document["reference"],
            municipality_id=municipality_id,
            parcel_id=parcel.id or None,
            plan_version_id=versions[0] if len(versions) == 1 else None,
            rule_set_id=rule_set_id,
            application=_application_record(request, on),
            result=document,
        )
        if stored:
            return document
        document["reference"] = new_reference(on)  # taken already that day: draw another
    raise RuntimeError("could not draw an unused permit check reference")


REFERENCE_ATTEMPTS = 5
"""Fresh references drawn when one is already taken (each draw is 32 random bits a day)."""


def result_digest(document: dict[str, Any]) -> str:
    """Return the SHA-256 of a check document's canonical JSON (without its own digest field).

    Stored with the check and returned to the applicant, it lets anyone show later that an
    answer is the one the municipality recorded.
    """
    body = {key: value for key, value in document.items() if key != "result_sha256"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve_parcel(session: Session, request: PermitRequest, *, srid: int) -> StoredParcel:
    given = (request.parcel_number, request.parcel_geometry, request.point)
    if sum(value is not None for value in given) != 1:
        raise CheckInputError(
            "give exactly one of: a parcel number, a parcel geometry, a point on the parcel"
        )
    if request.parcel_number is not None:
        return find_parcel(session, request.municipality, request.parcel_number)
    if request.point is not None:
        return parcel_at(session, request.municipality, request.point, srid=srid)
    assert request.parcel_geometry is not None
    return StoredParcel(id=0, number="", geom=request.parcel_geometry)


def _single_polygon(geom: MultiPolygon) -> Polygon:
    if len(geom.geoms) != 1:
        raise CheckInputError(f"the parcel must be one polygon, it has {len(geom.geoms)} parts")
    return geom.geoms[0]


def _choose_rule_set(
    session: Session,
    municipality: str,
    on: dt.date,
    nearby: Sequence[NearbyZone],
    parcel: BaseGeometry,
) -> tuple[int, RuleSet]:
    """Pick the rule set in force that covers the parcel's zone codes (newest first)."""
    candidates = rule_sets_in_force(session, municipality, on)
    if not candidates:
        raise NotFoundError(
            f"no rule set of {municipality} is in force on {on}: load one with `rules load`"
        )
    under = {
        z.zone_code
        for z in nearby
        if z.geom.intersects(parcel) and z.zone_code not in ROAD_ZONE_CODES
    }
    covering = [(rid, rules) for rid, rules in candidates if under & set(rules.zones)]
    return (covering or candidates)[0]


def _application(request: PermitRequest) -> Application:
    return Application(
        use=request.use,
        floors=request.floors,
        height_m=request.height_m,
        gfa_m2=request.gfa_m2,
        footprint=request.footprint,
    )


def _document(result: CheckResult, *, reference: str, storage_crs: CRS) -> dict[str, Any]:
    """Return the engine's JSON with the reference and the envelope in lon/lat (RFC 7946)."""
    envelope = reproject(result.envelope, storage_crs, 4326)
    return dataclasses.replace(result, reference=reference, envelope=envelope).to_json()


def _application_record(request: PermitRequest, on: dt.date) -> dict[str, Any]:
    return {
        "use": request.use,
        "parcel": request.parcel_number,
        "parcel_geometry": request.parcel_geometry.wkt if request.parcel_geometry else None,
        "footprint": request.footprint.wkt if request.footprint else None,
        "floors": request.floors,
        "height_m": request.height_m,
        "gfa_m2": request.gfa_m2,
        "date": on.isoformat(),
    }
