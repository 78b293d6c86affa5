"""`import ozfs` and `check-all`, through a Typer app that registers them as the CLI will."""

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from api.cli import ozfs, run
from plans.storage.database import make_engine
from plans.storage.migrate import upgrade
from tests.conftest import SHARED_DATA

TOWN = SHARED_DATA / "real/cockrell-hill-tx-ozfs"

app = typer.Typer()
app.command("import-ozfs")(ozfs.import_ozfs)
app.command("check-all")(ozfs.check_all)


@pytest.fixture
def texas_db(env_settings, empty_url):
    if not TOWN.is_dir():
        pytest.skip(f"real data not found at {TOWN}")
    engine = make_engine(empty_url, pool_size=1)
    upgrade(engine, srid=32614)
    engine.dispose()
    env_settings.setenv("MUKHATTAT_DATABASE_URL", empty_url)
    env_settings.setenv("MUKHATTAT_CRS", "EPSG:32614")
    env_settings.setenv("MUKHATTAT_MUNICIPALITY", "COCKRELL-HILL")
    return empty_url


def test_import_then_check_all_writes_one_row_per_parcel(texas_db, tmp_path):
    runner = CliRunner()
    imported = runner.invoke(
        app,
        [
            "import-ozfs",
            str(TOWN / "zoning_districts.ozfs.geojson"),
            "--parcels",
            str(TOWN / "parcel_edges.ozfs.geojson"),
            "--effective-from",
            "2024-07-01",
        ],
    )
    assert imported.exit_code == 0, imported.output
    assert "imported 4 districts (R-S, R-M, C, C-A)" in imported.output
    assert "skipped districts without geometry: R, PD" in imported.output
    out = tmp_path / "results.csv"
    checked = runner.invoke(
        app, ["check-all", "--building", str(TOWN / "buildings/2_fam.bldg"), "-o", str(out)]
    )
    assert checked.exit_code == 0, checked.output
    assert "checked 1019 parcels: 0 eligible" in checked.output
    with out.open() as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 1019
    assert {row["height"] for row in rows if row["district"] == "R-S"} == {"fail"}


def test_check_all_refuses_other_output_formats(texas_db, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "check-all",
            "--building",
            str(TOWN / "buildings/2_fam.bldg"),
            "-o",
            str(tmp_path / "r.xlsx"),
        ],
    )
    assert result.exit_code == 2
    assert "must end in .csv or .parquet" in result.output


def test_check_one_building_on_one_parcel_through_the_cli(texas_db, capsys):
    zoning, parcels = TOWN / "zoning_districts.ozfs.geojson", TOWN / "parcel_edges.ozfs.geojson"
    assert run(["import", "ozfs", str(zoning), "--parcels", str(parcels)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader((TOWN / "zoner-reference/2_fam.csv").open()))
    parcel = rows[0]["parcel_id"]
    building = str(TOWN / "buildings/2_fam.bldg")
    assert run(["check", "--building", building, "--parcel", parcel, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["parcel"] == parcel
    assert answer["district"] == rows[0]["dist_abbr"]
    assert answer["verdict"] in {"not_eligible", "needs_review"}  # zoneR: allowed FALSE everywhere
    assert run(["check", "--building", building, "--parcel", "nope"]) == 1
    assert "no parcel 'nope'" in capsys.readouterr().err
