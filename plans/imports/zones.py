"""Import a vector file of zones as a new draft version of a plan."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS
from sqlalchemy.orm import Session

from gis.crs import srid_of
from gis.types import CRSLike, InvalidPolicy
from plans.errors import ImportDataError
from plans.imports.prepared import PreparedLayer, list_ids, prepare_layer, text_column
from plans.records import ZoneCodeSummary, ZoneImportReport
from plans.storage.models import SourceKind
from plans.storage.municipalities import ensure_municipality
from plans.storage.plan_versions import add_version, ensure_plan
from plans.storage.zones import add_zones


@dataclass(frozen=True)
class ZoneImportRequest:
    """What to import: the file, the plan it belongs to, and how to read it."""

    path: Path
    municipality: str
    plan_number: str
    code_column: str = "zone_code"
    layer: str | None = None
    crs: CRSLike | None = None
    effective_from: dt.date | None = None
    on_invalid: InvalidPolicy = "repair"
    created_by: str | None = None


def import_zones(
    session: Session, request: ZoneImportRequest, *, storage_crs: CRS
) -> ZoneImportReport:
    """Store the file's zones as the plan's next draft version (flushes; the caller commits).

    Nothing is written unless the whole file is usable: the errors of reading, CRS checks,
    geometry repair and missing codes are raised before the first insert.
    """
    layer = prepare_layer(
        request.path,
        storage_crs=storage_crs,
        layer=request.layer,
        crs=request.crs,
        on_invalid=request.on_invalid,
    )
    codes = text_column(layer, request.code_column, what="zone code", source=request.path)
    confidences = _confidences(layer, request.path)
    summary = _summarise(codes, [g.area for g in layer.geoms])
    municipality = ensure_municipality(session, request.municipality)
    plan = ensure_plan(session, municipality, request.plan_number)
    version = add_version(
        session,
        plan,
        effective_from=request.effective_from or dt.date.today(),
        source_kind=SourceKind.VECTOR,
        source_name=request.path.name,
        quality_report=_quality_report(layer, summary),
        created_by=request.created_by,
    )
    srid = srid_of(storage_crs)
    add_zones(
        session, version.id, codes=codes, geoms=layer.geoms, confidences=confidences, srid=srid
    )
    session.flush()
    return ZoneImportReport(
        municipality=request.municipality,
        plan_number=request.plan_number,
        version=version.version,
        plan_version_id=version.id,
        features=len(codes),
        area_m2=sum(s.area_m2 for s in summary),
        zone_codes=summary,
        repaired=layer.repair.repaired,
        dropped_z=layer.repair.dropped_z,
    )


def _confidences(layer: PreparedLayer, source: Path) -> list[float]:
    """Take a `confidence` column (as written by `mukhattat vectorise`) if present, else 1."""
    if "confidence" not in layer.frame.columns:
        return [1.0] * len(layer.geoms)
    values = [float(v) for v in layer.frame["confidence"].fillna(1.0)]
    bad = [fid for fid, v in zip(layer.feature_ids, values, strict=True) if not 0.0 <= v <= 1.0]
    if bad:
        raise ImportDataError(f"{source}: confidence must be within 0..1; features {list_ids(bad)}")
    return values


def _summarise(codes: list[str], areas: list[float]) -> tuple[ZoneCodeSummary, ...]:
    counts = Counter(codes)
    totals: defaultdict[str, float] = defaultdict(float)
    for code, area in zip(codes, areas, strict=True):
        totals[code] += area
    return tuple(
        ZoneCodeSummary(zone_code=code, features=counts[code], area_m2=round(totals[code], 2))
        for code in sorted(counts)
    )


def _quality_report(
    layer: PreparedLayer, summary: tuple[ZoneCodeSummary, ...]
) -> dict[str, object]:
    return {
        "features": len(layer.geoms),
        "repaired_features": list(layer.repair.repaired),
        "dropped_z_features": list(layer.repair.dropped_z),
        "zone_codes": {
            s.zone_code: {"features": s.features, "area_m2": s.area_m2} for s in summary
        },
    }
