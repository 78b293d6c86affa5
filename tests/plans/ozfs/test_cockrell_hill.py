"""The real town: every parcel, every building, against zoneR; import, check and export."""

import csv
import json

import pytest
from pyproj import CRS

from gis.errors import CRSMismatchError
from plans.ozfs.buildings import read_building
from plans.ozfs.check_all import check_all, load_town, result_rows, write_rows
from plans.ozfs.importing import import_ozfs
from plans.ozfs.stored import export_stored, load_stored_town

UTM14 = CRS.from_epsg(32614)
COMPARED = {
    "check_land_use": "res_uses",
    "check_height": "height",
    "check_floors": "stories",
    "check_lot_coverage": "lot_cov_bldg",
    "check_lot_size": "lot_size",
}
AS_ZONER = {"pass": "TRUE", "not_applicable": "TRUE", "fail": "FALSE", "needs_review": "MAYBE"}


@pytest.fixture(scope="module")
def town_dir():
    from tests.conftest import SHARED_DATA

    folder = SHARED_DATA / "real/cockrell-hill-tx-ozfs"
    if not folder.is_dir():
        pytest.skip(f"real data not found at {folder}")
    return folder


@pytest.fixture(scope="module")
def town(town_dir):
    return load_town(
        town_dir / "zoning_districts.ozfs.geojson",
        town_dir / "parcel_edges.ozfs.geojson",
        crs=UTM14,
    )


@pytest.mark.parametrize("name", ["2_fam", "4_fam_tall", "4_fam_wide", "12_fam"])
def test_every_answer_agrees_with_zoner(town_dir, town, name):
    rows = {
        r["parcel_id"]: r
        for r in result_rows(
            check_all(town, read_building(town_dir / "buildings" / f"{name}.bldg"))
        )
    }
    with (town_dir / "zoner-reference" / f"{name}.csv").open() as stream:
        reference = list(csv.DictReader(stream))
    assert len(reference) == len(rows) == 1019
    differ = [
        (ref["parcel_id"], ours)
        for ref in reference
        for theirs, ours in COMPARED.items()
        if AS_ZONER[rows[ref["parcel_id"]][ours]] != ref[theirs]
    ]
    assert differ == []
    assert all(rows[ref["parcel_id"]]["district"] == ref["dist_abbr"] for ref in reference)


def test_town_skips_unmapped_districts(town):
    assert town.skipped_districts == ("R", "PD")
    assert len(town.plots) == 1019
    assert (
        sum("unknown" in plot.labels and set(plot.labels) == {"unknown"} for plot in town.plots)
        == 69
    )


def test_results_write_as_csv_and_parquet(town_dir, town, tmp_path):
    rows = result_rows(check_all(town, read_building(town_dir / "buildings/4_fam_wide.bldg")))
    write_rows(rows, tmp_path / "r.csv")
    header = (tmp_path / "r.csv").read_text().splitlines()[0]
    assert header == (
        "parcel_id,district,verdict,res_uses,height,stories,lot_cov_bldg,lot_size,"
        "parking_uncovered,setbacks,seconds"
    )
    write_rows(rows, tmp_path / "r.parquet")
    assert (tmp_path / "r.parquet").stat().st_size > 0
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        write_rows(rows, tmp_path / "r.xlsx")


def test_import_check_export_import_gives_the_same_answers(town_dir, town, session_in, tmp_path):
    building = read_building(town_dir / "buildings/2_fam.bldg")
    from_files = _answers(check_all(town, building))
    with session_in(32614) as session:
        report = import_ozfs(
            session,
            town_dir / "zoning_districts.ozfs.geojson",
            parcels_path=town_dir / "parcel_edges.ozfs.geojson",
            storage_crs=UTM14,
        )
        assert report.municipality == "COCKRELL-HILL"
        assert report.districts == ("R-S", "R-M", "C", "C-A")
        assert report.skipped == ("R", "PD")
        assert report.parcels == 1019
        stored = _answers(check_all(load_stored_town(session, "COCKRELL-HILL"), building))
        exported = export_stored(session, "COCKRELL-HILL", storage_crs=UTM14)
        path = tmp_path / "exported.ozfs.geojson"
        path.write_text(json.dumps(exported))
        again = import_ozfs(
            session,
            path,
            parcels_path=town_dir / "parcel_edges.ozfs.geojson",
            storage_crs=UTM14,
            municipality="CKHL2",
        )
        assert again.districts == report.districts
        reimported = _answers(check_all(load_stored_town(session, "CKHL2"), building))
        session.rollback()
    assert stored == from_files
    assert reimported == from_files
    assert [f["properties"]["dist_abbr"] for f in exported["features"]] == [
        "R",
        "R-S",
        "R-M",
        "C",
        "C-A",
        "PD",
    ]
    assert exported["features"][0]["geometry"] is None


def test_texas_ozfs_refused_by_a_saudi_deployment(town_dir, session):
    with pytest.raises(CRSMismatchError, match="outside the area of use of EPSG:32637"):
        import_ozfs(
            session, town_dir / "zoning_districts.ozfs.geojson", storage_crs=CRS.from_epsg(32637)
        )


def _answers(checks):
    return {
        r["parcel_id"]: {k: v for k, v in r.items() if k != "seconds"} for r in result_rows(checks)
    }
