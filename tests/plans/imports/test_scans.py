import geopandas as gpd
import pytest
import rasterio
from shapely import Point, from_wkb
from sqlalchemy import func, select

from gis.errors import GisError
from gis.scoring import score_zones
from plans.errors import NotFoundError
from plans.imports.scans import ScanImportRequest, ScanSource, import_scan
from plans.storage.models import PlanVersion, Zone
from plans.storage.plan_versions import scan_cog_name
from tests.factories import write_sheet_files


@pytest.fixture
def files(tmp_path):
    return write_sheet_files(tmp_path)


def _request(scan, gcps, legend, **source):
    return ScanImportRequest(
        source=ScanSource(scan=scan, gcps=gcps, legend=legend, method="affine", **source),
        municipality="TST",
        plan_number="S-1",
    )


def test_scan_becomes_draft_version_with_scan_layer(session, storage_crs, tmp_path, files):
    scan, gcps, legend, sheet = files
    report = import_scan(
        session, _request(scan, gcps, legend), storage_crs=storage_crs, scans_dir=tmp_path / "scans"
    )
    version = session.get(PlanVersion, report.plan_version_id)
    assert (version.status, version.source_kind) == ("draft", "scan")
    assert version.georeference["method"] == "affine"
    assert version.quality_report["coverage"]["valid"] is True
    assert scan_cog_name(session, version.id) == report.cog.name
    with rasterio.open(report.cog) as cog:
        assert cog.crs.to_epsg() == 32637
    stored = session.execute(
        select(Zone.zone_code, func.ST_AsBinary(Zone.geom)).where(
            Zone.plan_version_id == version.id
        )
    ).all()
    score = score_zones([(code, from_wkb(bytes(wkb))) for code, wkb in stored], sheet.truth)
    assert score.mean_iou > 0.95


def test_gcps_in_another_crs_are_moved(session, storage_crs, tmp_path, files):
    scan, gcps, legend, _sheet = files
    rows = gcps.read_text().splitlines()
    moved = ["pixel_x,pixel_y,map_x,map_y"]
    for row in rows[1:]:
        px, py, mx, my = row.split(",")
        lonlat = gpd.GeoSeries([Point(float(mx), float(my))], crs=32637).to_crs(4326)[0]
        moved.append(f"{px},{py},{lonlat.x!r},{lonlat.y!r}")
    gcps.write_text("\n".join(moved) + "\n")
    report = import_scan(
        session,
        _request(scan, gcps, legend, gcps_crs="EPSG:4326"),
        storage_crs=storage_crs,
        scans_dir=tmp_path,
    )
    assert report.rms_m < 0.5


def test_bad_scan_leaves_nothing(session, storage_crs, tmp_path, files):
    _scan, gcps, legend, _sheet = files
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(GisError):
        import_scan(
            session,
            _request(broken, gcps, legend),
            storage_crs=storage_crs,
            scans_dir=tmp_path / "scans",
        )
    assert session.scalar(select(func.count()).select_from(PlanVersion)) == 0
    assert not (tmp_path / "scans").exists()


def test_version_without_scan_has_no_cog(session):
    with pytest.raises(NotFoundError, match="no plan version with id 999999"):
        scan_cog_name(session, 999_999)
