"""Parcels and the zoning that covers them."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.deps import MAX_ID, SessionDep
from api.routes.tiles import VersionDep
from plans.rulesets import zone_rules_in_force
from plans.storage.parcels import parcel_zoning
from plans.storage.plan_versions import select_version_ids
from plans.symbology import style_for

router = APIRouter(tags=["parcels"])


@router.get("/parcels/{parcel_id}/zoning", summary="Zones covering a parcel")
def read_parcel_zoning(
    parcel_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    params: VersionDep,
) -> dict[str, Any]:
    """Return the parcel's number and area, each zone's share of it, names and rules in force."""
    version_ids = select_version_ids(session, plan_version_id=params.version, on=params.date)
    zoning = parcel_zoning(session, parcel_id, version_ids=version_ids)
    body = asdict(zoning)
    codes = [zone["zone_code"] for zone in body["zones"]]
    rules = zone_rules_in_force(
        session, zoning.municipality, codes, on=params.date or dt.date.today()
    )
    for zone in body["zones"]:
        style = style_for(zone["zone_code"])
        zone["name"] = {"ar": style.name_ar, "en": style.name_en}
        zone["color"] = style.fill
        zone["rules"] = rules.get(zone["zone_code"])
    return body
