"""Imports of the real public data in ../shared/data/real (skipped where it is absent)."""

import statistics

import geopandas as gpd
import pytest
from pyproj import CRS
from sqlalchemy import func, select

from gis.errors import CRSMismatchError
from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.storage.models import Parcel, Zone

SQ_M_PER_ACRE = 4046.8564224


def test_west_hartford_districts_keep_their_acreage(shared_data, session_in):
    path = (
        shared_data
        / "real/hartford-ct-1950s-zoning-scans/west-hartford-1958/zoning_1958_groundtruth.geojson"
    )
    utm18 = CRS.from_epsg(32618)
    with session_in(32618) as session:
        request = ZoneImportRequest(
            path=path, municipality="WHCT", plan_number="1958", code_column="zone"
        )
        report = import_zones(session, request, storage_crs=utm18)
        rows = session.execute(
            select(Zone.zone_code, func.ST_Area(Zone.geom)).order_by(Zone.id)
        ).all()
    acres = list(gpd.read_file(path)["acres"])
    ratios = [area / SQ_M_PER_ACRE / acre for (_, area), acre in zip(rows, acres, strict=True)]
    assert report.features == 74
    assert len({s.zone_code for s in report.zone_codes}) == 14
    assert statistics.median(ratios) == pytest.approx(1.0, abs=0.005)
    assert sum(area for _, area in rows) / SQ_M_PER_ACRE == pytest.approx(sum(acres), rel=0.01)


def test_cockrell_hill_parcels_all_imported(shared_data, session_in):
    path = shared_data / "real/cockrell-hill-tx-ozfs/parcel_polygons_derived.geojson"
    with session_in(32614) as session:
        request = ParcelImportRequest(path=path, municipality="CKHL", number_column="parcel_id")
        report = import_parcels(session, request, storage_crs=CRS.from_epsg(32614))
        stored = session.scalar(select(func.sum(func.ST_Area(Parcel.geom))))
        attrs = session.scalar(select(Parcel.attributes).limit(1))
    lot_acres = gpd.read_file(path)["lot_area"].sum()
    assert report.parcels == 1019
    assert stored / SQ_M_PER_ACRE == pytest.approx(lot_acres, rel=0.01)
    assert set(attrs) == {"lot_width", "lot_depth", "lot_area"}


def test_texas_parcels_refused_by_a_saudi_deployment(shared_data, session, storage_crs):
    path = shared_data / "real/cockrell-hill-tx-ozfs/parcel_polygons_derived.geojson"
    request = ParcelImportRequest(path=path, municipality="CKHL", number_column="parcel_id")
    with pytest.raises(CRSMismatchError, match="outside the area of use of EPSG:32637"):
        import_parcels(session, request, storage_crs=storage_crs)
