"""What an extract prints about its parcel beyond zoning: rules in force, a check, road labels."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from plans.extracts.errors import ExtractInputError
from plans.extracts.options import Lang
from plans.extracts.records import CheckSummary, RoadLabel
from plans.extracts.roadlabels import road_labels, road_name
from plans.permits import ROAD_ZONE_CODES, SEARCH_M
from plans.records import ZoneShare
from plans.rulesets import zone_rules_in_force
from plans.storage.extracts import road_zones_near
from plans.storage.permit_checks import find_check


def parcel_rules(
    session: Session, municipality: str, zones: Sequence[ZoneShare], *, on: dt.date
) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Return (zone code, rules) in force on `on` for the parcel's zones, largest share first."""
    codes = [zone.zone_code for zone in zones if zone.zone_code not in ROAD_ZONE_CODES]
    found = zone_rules_in_force(session, municipality, codes, on=on)
    return tuple((code, found[code]) for code in codes if code in found)


def parcel_check(
    session: Session, reference: str, *, parcel_id: int | None, parcel_number: str | None
) -> CheckSummary:
    """Return the permit check `reference`, which must be of the extract's parcel.

    Raises
    ------
    NotFoundError
        No check has this reference.
    ExtractInputError
        The extract is of an area, or the check was made for another parcel or a drawn shape.
    """
    if parcel_id is None:
        raise ExtractInputError(
            f"permit check {reference!r} can only be printed on a parcel extract; give a parcel"
        )
    check = find_check(session, reference)
    if check.parcel_id != parcel_id:
        of = f"parcel {check.result.get('parcel')!r}" if check.parcel_id else "a drawn shape"
        raise ExtractInputError(
            f"permit check {reference!r} was made for {of}, not parcel {parcel_number!r}; "
            "give a check of this parcel"
        )
    return CheckSummary(reference=check.reference, verdict=check.verdict,
                        checked_on=check.checked_at.date())  # fmt: skip


def parcel_roads(
    session: Session,
    version_ids: Sequence[int],
    parcel: BaseGeometry,
    *,
    srid: int,
    lang: Lang,
) -> tuple[RoadLabel, ...]:
    """Return labels (measured width, name) of the road zones the parcel's edges front."""
    minx, miny, maxx, maxy = (float(value) for value in parcel.bounds)
    window = (minx - SEARCH_M, miny - SEARCH_M, maxx + SEARCH_M, maxy + SEARCH_M)
    roads = road_zones_near(session, version_ids, window, srid=srid, codes=ROAD_ZONE_CODES)
    return road_labels(parcel, [(road_name(attributes, lang), geom) for attributes, geom in roads])
