"""Load the sample town into storage once: a published plan version, parcels and rules."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.synthetic import make_sheet
from gis.synthetic_files import write_sheet_files
from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.scans import ScanImportReport, ScanImportRequest, ScanSource, import_scan
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.rules.loading import load_rule_set
from plans.rules.schema import RuleSet
from plans.rulesets import store_rule_set
from plans.sample import SAMPLE_CRS, SAMPLE_MUNICIPALITY, SAMPLE_PLAN, build_sample_town
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


SAMPLE_SCAN_PLAN = "JED-102"
_SCAN_ORIGIN = (521_000.0, 2_384_300.0)  # just north of the sample town


def load_sample_scan(
    session: Session, folder: Path, *, storage_crs: CRS, scans_dir: Path
) -> ScanImportReport | None:
    """Digitise a synthetic printed sheet north of the town into a draft plan, once.

    It gives the planner's review something to look at: a draft version with its quality
    report and its scan layer under the vectorised zones.
    """
    existing = session.scalar(
        select(Plan.id)
        .join(Municipality)
        .where(Municipality.code == SAMPLE_MUNICIPALITY, Plan.number == SAMPLE_SCAN_PLAN)
    )
    if existing is not None:
        return None
    sheet = make_sheet(
        "printed",
        seed=7,
        height=600,
        width=800,
        cells=10,
        codes=4,
        pixel_size=1.0,
        origin=_SCAN_ORIGIN,
    )
    scan, gcps, legend = write_sheet_files(sheet, folder)
    request = ScanImportRequest(
        source=ScanSource(scan=scan, gcps=gcps, legend=legend, gcps_crs=SAMPLE_CRS),
        municipality=SAMPLE_MUNICIPALITY,
        plan_number=SAMPLE_SCAN_PLAN,
        effective_from=dt.date.today(),
        created_by="demo",
    )
    return import_scan(session, request, storage_crs=storage_crs, scans_dir=scans_dir)
