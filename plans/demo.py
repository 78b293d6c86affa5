"""Load the sample town into storage once: a published plan version, parcels and rules."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from sqlalchemy import select
from sqlalchemy.orm import Session

from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.rules.loading import load_rule_set
from plans.rules.schema import RuleSet
from plans.rulesets import store_rule_set
from plans.sample import SAMPLE_MUNICIPALITY, SAMPLE_PLAN, build_sample_town
from plans.storage.models import Municipality, Plan

SAMPLE_EFFECTIVE_FROM = dt.date(2024, 1, 1)
EXAMPLES = Path(__file__).parent / "rules" / "examples"


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
    store_rule_set(session, demo_rule_set())
    return SampleLoad(loaded=True, zones=zones.features, parcels=parcels.parcels)


def demo_rule_set() -> RuleSet:
    """Return the demo town's rules: the shipped MOMRAH villa figures applied to its RES_A zone.

    The figures and their sources are the shipped example's; only the municipality, the
    identifier and the zone code are the demo's. Other zones have no rules, so checks there
    answer needs_review, as they would for a real zone without a rule set.
    """
    shipped = load_rule_set(EXAMPLES / "sa-momrah-residential-villas.yaml").model_dump(mode="json")
    shipped.update(
        rule_set="jed-demo-villas",
        municipality=SAMPLE_MUNICIPALITY,
        zones={"RES_A": shipped["zones"]["VILLA"]},
        source=f"{shipped['source']} (applied to the demo town's RES_A zone)",
    )
    return RuleSet.model_validate(shipped)
