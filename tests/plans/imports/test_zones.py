import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import Polygon
from sqlalchemy import func, select

from gis.errors import CRSMismatchError, InvalidGeometryError, VectorReadError
from plans.errors import ImportDataError
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.storage.models import Plan, PlanVersion, Zone
from plans.storage.zones import zone_areas
from tests.factories import write_layer, zone_layer

EXPECTED_AREAS = {"RES": 5000.0, "COM": 2000.0, "PARK": 140 * 30 + 20 * 40}


def _request(path, **overrides):
    return ZoneImportRequest(path=path, municipality="TST", plan_number="P-1", **overrides)


def _counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(t)) for t in (Plan, PlanVersion, Zone)
    )


@pytest.mark.parametrize(
    ("suffix", "file_crs"),
    [
        ("gpkg", "EPSG:3857"),
        ("geojson", "EPSG:4326"),
        ("shp", "EPSG:32638"),
        ("gpkg", "EPSG:32637"),
    ],
)
def test_zones_in_any_crs_land_with_correct_area(session, storage_crs, tmp_path, suffix, file_crs):
    path = write_layer(zone_layer(), tmp_path / f"zones.{suffix}", crs=file_crs)
    report = import_zones(session, _request(path), storage_crs=storage_crs)
    stored = zone_areas(session, report.plan_version_id)
    assert stored.keys() == EXPECTED_AREAS.keys()
    for code, area in EXPECTED_AREAS.items():
        assert stored[code] == pytest.approx(area, rel=1e-4)
    assert report.features == 3
    assert report.version == 1


def test_import_creates_draft_versions_in_sequence(session, storage_crs, tmp_path):
    path = write_layer(zone_layer(), tmp_path / "zones.gpkg")
    first = import_zones(
        session, _request(path, effective_from=dt.date(2020, 1, 1)), storage_crs=storage_crs
    )
    second = import_zones(session, _request(path), storage_crs=storage_crs)
    assert (first.version, second.version) == (1, 2)
    version = session.get(PlanVersion, first.plan_version_id)
    assert version.status == "draft"
    assert version.effective_from == dt.date(2020, 1, 1)
    assert version.quality_report["zone_codes"]["RES"]["features"] == 1


def test_broken_geometry_repaired_and_counted(session, storage_crs, tmp_path):
    frame = zone_layer()
    x, y = frame.geometry[0].bounds[:2]
    frame.loc[0, "geometry"] = Polygon([(x, y), (x + 100, y + 50), (x + 100, y), (x, y + 50)])
    path = write_layer(frame, tmp_path / "zones.gpkg")
    report = import_zones(session, _request(path), storage_crs=storage_crs)
    assert report.repaired == ("1",)  # GeoPackage feature ids start at 1
    assert zone_areas(session, report.plan_version_id)["RES"] == pytest.approx(2500.0, rel=1e-6)


def test_broken_geometry_rejected_leaves_database_unchanged(session, storage_crs, tmp_path):
    frame = zone_layer()
    x, y = frame.geometry[2].bounds[:2]
    frame.loc[2, "geometry"] = Polygon([(x, y), (x + 10, y + 10), (x + 10, y), (x, y + 10)])
    path = write_layer(frame, tmp_path / "zones.gpkg")
    before = _counts(session)
    with pytest.raises(InvalidGeometryError, match="feature 3: invalid"):
        import_zones(session, _request(path, on_invalid="reject"), storage_crs=storage_crs)
    assert _counts(session) == before


def test_missing_code_column_lists_columns(session, storage_crs, tmp_path):
    path = write_layer(
        zone_layer().rename(columns={"zone_code": "landuse"}), tmp_path / "zones.gpkg"
    )
    before = _counts(session)
    with pytest.raises(
        ImportDataError, match=r"no column 'zone_code' for the zone code; columns are landuse$"
    ):
        import_zones(session, _request(path), storage_crs=storage_crs)
    assert _counts(session) == before


def test_empty_codes_named(session, storage_crs, tmp_path):
    frame = zone_layer()
    frame.loc[1, "zone_code"] = None
    path = write_layer(frame, tmp_path / "zones.geojson", crs="EPSG:4326")
    with pytest.raises(ImportDataError, match=r"1 feature\(s\) have no zone code .*features 1$"):
        import_zones(session, _request(path), storage_crs=storage_crs)


def test_other_code_column(session, storage_crs, tmp_path):
    path = write_layer(
        zone_layer().rename(columns={"zone_code": "ZONING"}), tmp_path / "zones.gpkg"
    )
    report = import_zones(session, _request(path, code_column="ZONING"), storage_crs=storage_crs)
    assert {s.zone_code for s in report.zone_codes} == {"RES", "COM", "PARK"}


def test_confidence_column_kept_and_checked(session, storage_crs, tmp_path):
    frame = zone_layer().assign(confidence=[0.9, 0.5, 1.0])
    report = import_zones(
        session, _request(write_layer(frame, tmp_path / "a.gpkg")), storage_crs=storage_crs
    )
    stored = session.scalars(
        select(Zone.confidence).where(Zone.plan_version_id == report.plan_version_id)
    )
    assert sorted(stored) == [0.5, 0.9, 1.0]
    with pytest.raises(ImportDataError, match=r"confidence must be within 0\.\.1"):
        import_zones(
            session,
            _request(write_layer(frame.assign(confidence=[2, 1, 1]), tmp_path / "b.gpkg")),
            storage_crs=storage_crs,
        )


def test_projected_file_mislabelled_as_wgs84_refused(session, storage_crs, tmp_path):
    frame = gpd.GeoDataFrame(
        zone_layer().drop(columns="geometry"), geometry=list(zone_layer().geometry), crs="EPSG:4326"
    )
    path = write_layer(frame, tmp_path / "wrong.geojson")
    with pytest.raises(CRSMismatchError, match="not degrees"):
        import_zones(session, _request(path), storage_crs=storage_crs)


def test_unreadable_file_named(session, storage_crs, tmp_path):
    path = tmp_path / "scan.gpkg"
    path.write_bytes(b"\x89PNG not vector data")
    with pytest.raises(VectorReadError, match=r"scan\.gpkg"):
        import_zones(session, _request(path), storage_crs=storage_crs)
