"""Load the sample town into storage once: zones as a published plan version, and parcels."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from sqlalchemy import select
from sqlalchemy.orm import Session

from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.sample import SAMPLE_MUNICIPALITY, SAMPLE_PLAN, build_sample_town
from plans.storage.models import Municipality, Plan

SAMPLE_EFFECTIVE_FROM = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class SampleLoad:
    """What loading the sample did (nothing when it was loaded before)."""

    loaded: bool
    zones: int = 0
    parcels: int = 0


def load_sample(session: Session, folder: Path, *, storage_crs: CRS) -> SampleLoad:
    """Import and publish the sample town unless its plan is stored already (flushes only)."""
    existing = session.scalar(
        select(Plan.id)
        .join(Municipality)
        .where(Municipality.code == SAMPLE_MUNICIPALITY, Plan.number == SAMPLE_PLAN)
    )
    if existing is not None:
        return SampleLoad(loaded=False)
    zones_path, parcels_path = build_sample_town().write(folder)
    zones = import_zones(
        session,
        ZoneImportRequest(
            path=zones_path,
            municipality=SAMPLE_MUNICIPALITY,
            plan_number=SAMPLE_PLAN,
            effective_from=SAMPLE_EFFECTIVE_FROM,
            created_by="demo",
        ),
        storage_crs=storage_crs,
    )
    publish_version(
        session, municipality=SAMPLE_MUNICIPALITY, plan_number=SAMPLE_PLAN, version=zones.version
    )
    parcels = import_parcels(
        session,
        ParcelImportRequest(path=parcels_path, municipality=SAMPLE_MUNICIPALITY),
        storage_crs=storage_crs,
    )
    return SampleLoad(loaded=True, zones=zones.features, parcels=parcels.parcels)
