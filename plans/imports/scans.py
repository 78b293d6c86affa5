"""Import a scanned plan sheet: georeference, vectorise, store a draft version and its scan COG.

The draft's zones come from `gis.digitise`; the quality report and the georeference are kept
with the version for the planner's review, and the scan, warped with the same transform, is
written as a Cloud-Optimised GeoTIFF for the map's scan layer. Database rows are flushed
before the COG is written, so a refused import leaves neither rows nor file.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import CRS
from shapely import MultiPoint, get_coordinates
from shapely import box as shapely_box
from sqlalchemy.orm import Session

from gis.crs import check_within_area_of_use, parse_crs, reproject, srid_of
from gis.digitise import DigitiseResult, digitise
from gis.gcps import GroundControlPoints, read_gcps
from gis.legend import read_legend
from gis.raster import DEFAULT_MAX_PIXELS, read_scan
from gis.types import CRSLike, FloatArray, FrameMode, SheetStyle, TransformMethod
from gis.warp import warp_scan, write_cog
from plans.records import ZoneCodeSummary
from plans.storage.models import SourceKind
from plans.storage.municipalities import ensure_municipality
from plans.storage.plan_versions import add_version, ensure_plan
from plans.storage.zones import add_zones


@dataclass(frozen=True)
class ScanSource:
    """A scan with its control points and legend, and how to read it."""

    scan: Path
    gcps: Path
    legend: Path
    gcps_crs: CRSLike | None = None
    method: TransformMethod = "auto"
    style: SheetStyle = "auto"
    min_area_m2: float = 25.0
    max_pixels: int = DEFAULT_MAX_PIXELS
    page: int = 1  # of a PDF scan; GCP pixels refer to this page as `gis.raster` renders it
    frame: FrameMode = "auto"  # find the map frame and digitise only inside it, or "none"


@dataclass(frozen=True)
class ScanImportRequest:
    """A scan to import and the plan it belongs to."""

    source: ScanSource
    municipality: str
    plan_number: str
    effective_from: dt.date | None = None
    created_by: str | None = None


@dataclass(frozen=True)
class ScanImportReport:
    """The stored draft: version, zones per code, georeference quality and the COG's path."""

    municipality: str
    plan_number: str
    version: int
    plan_version_id: int
    zones: int
    zone_codes: tuple[ZoneCodeSummary, ...]
    rms_m: float
    method: str
    cog: Path
    report: dict[str, Any]


def digitise_scan(source: ScanSource, *, crs: CRS) -> DigitiseResult:
    """Digitise a scan into map coordinates of `crs` (its GCPs are moved there first)."""
    gcps = gcps_in(read_gcps(source.gcps), source=source.gcps_crs, target=crs)
    result = digitise(
        source.scan,
        gcps,
        read_legend(source.legend),
        method=source.method,
        style=source.style,
        min_area_m2=source.min_area_m2,
        max_pixels=source.max_pixels,
        page=source.page,
        frame=source.frame,
    )
    bounds = np.array([zone.geometry.bounds for zone in result.zones])
    box = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    lonlat = reproject(shapely_box(*box), crs, 4326).bounds
    check_within_area_of_use(lonlat, crs, source=str(source.scan))
    return result


def import_scan(
    session: Session, request: ScanImportRequest, *, storage_crs: CRS, scans_dir: Path
) -> ScanImportReport:
    """Store the digitised scan as the plan's next draft version (flushes; the caller commits)."""
    result = digitise_scan(request.source, crs=storage_crs)
    summary = _summary(result)
    plan = ensure_plan(
        session, ensure_municipality(session, request.municipality), request.plan_number
    )
    version = add_version(
        session,
        plan,
        effective_from=request.effective_from or dt.date.today(),
        source_kind=SourceKind.SCAN,
        source_name=request.source.scan.name,
        quality_report=dict(result.report),
        created_by=request.created_by,
    )
    cog = scans_dir / f"plan-version-{version.id}.tif"
    version.georeference = {**result.report["georef"], "cog": cog.name}
    add_zones(
        session,
        version.id,
        codes=[zone.code for zone in result.zones],
        geoms=[zone.geometry for zone in result.zones],
        confidences=[zone.confidence for zone in result.zones],
        srid=srid_of(storage_crs),
    )
    session.flush()
    source = request.source
    scan = read_scan(source.scan, max_pixels=source.max_pixels, page=source.page)
    rgba, affine = warp_scan(scan, result.transform)
    write_cog(rgba, affine, crs=storage_crs, path=cog)
    return ScanImportReport(
        municipality=request.municipality,
        plan_number=request.plan_number,
        version=version.version,
        plan_version_id=version.id,
        zones=len(result.zones),
        zone_codes=summary,
        rms_m=float(result.transform.report.rms),
        method=result.transform.method,
        cog=cog,
        report=dict(result.report),
    )


def gcps_in(
    gcps: GroundControlPoints, *, source: CRSLike | None, target: CRS
) -> GroundControlPoints:
    """Return the GCPs with map coordinates moved into `target`.

    Their CRS is the file's own (a QGIS ``#CRS:`` line), else `source`, else `target` itself.
    """
    named = gcps.crs or source
    if named is None or parse_crs(named).equals(target):
        return gcps
    moved = reproject_points(gcps.map, parse_crs(named), target)
    return GroundControlPoints(pixel=gcps.pixel, map=moved, ids=gcps.ids, crs=target.to_string())


def reproject_points(points: FloatArray, source: CRS, target: CRS) -> FloatArray:
    """Move an (n, 2) array of coordinates from `source` to `target`."""
    moved: FloatArray = get_coordinates(reproject(MultiPoint(points), source, target))
    return moved


def _summary(result: DigitiseResult) -> tuple[ZoneCodeSummary, ...]:
    codes = sorted({zone.code for zone in result.zones})
    return tuple(
        ZoneCodeSummary(
            zone_code=code,
            features=sum(1 for z in result.zones if z.code == code),
            area_m2=round(sum(z.geometry.area for z in result.zones if z.code == code), 2),
        )
        for code in codes
    )
