import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from pyproj import CRS
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.cli import run
from plans.demo import load_sample
from plans.storage.database import make_engine
from plans.storage.migrate import head_revision
from plans.storage.models import Parcel, Zone
from tests.factories import parcel_layer, write_layer, zone_layer


@pytest.fixture
def cli_db(env_settings, fresh_url):
    env_settings.setenv("MUKHATTAT_DATABASE_URL", fresh_url)
    return fresh_url


def _count(url, model):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_import_publish_list(cli_db, tmp_path, capsys):
    path = write_layer(zone_layer(), tmp_path / "zones.geojson", crs="EPSG:4326")
    assert (
        run(["import", "zones", str(path), "--plan", "P-7", "--effective-from", "2024-02-01"]) == 0
    )
    assert "imported 3 zones as draft version 1 of plan P-7" in capsys.readouterr().out
    assert run(["plans", "publish", "P-7", "--version", "1"]) == 0
    assert "version 1 in force from 2024-02-01" in capsys.readouterr().out
    assert run(["plans", "list"]) == 0
    assert "in_force" in capsys.readouterr().out
    assert _count(cli_db, Zone) == 3


def test_import_parcels_twice_refused_and_nothing_added(cli_db, tmp_path, capsys):
    path = write_layer(parcel_layer(), tmp_path / "parcels.gpkg")
    assert run(["import", "parcels", str(path)]) == 0
    assert run(["import", "parcels", str(path)]) == 1
    assert "error: " in capsys.readouterr().err
    assert _count(cli_db, Parcel) == 4


def test_missing_file_exits_1_with_one_line(cli_db, tmp_path, capsys):
    assert run(["import", "zones", str(tmp_path / "nope.gpkg"), "--plan", "P"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"error: {tmp_path / 'nope.gpkg'}: no such file"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "zones", "f.gpkg"], "Missing option '--plan'"),
        (
            ["import", "zones", "f.gpkg", "--plan", "P", "--on-invalid", "ignore"],
            "must be repair or reject",
        ),
        (
            ["import", "zones", "f.gpkg", "--plan", "P", "--effective-from", "1/2/2024"],
            "--effective-from",
        ),
        (["plans", "frobnicate"], "No such command"),
    ],
)
def test_usage_errors_exit_2_naming_option(cli_db, capsys, args, message):
    assert run(args) == 2
    assert message in capsys.readouterr().err


def test_bad_storage_crs_named(env_settings, capsys):
    env_settings.setenv("MUKHATTAT_CRS", "EPSG:4326")
    assert run(["plans", "list"]) == 1
    err = capsys.readouterr().err
    assert "error: invalid setting: MUKHATTAT_CRS: EPSG:4326 is not projected" in err


def test_db_up_with_server_url_only_migrates(env_settings, empty_url, capsys):
    env_settings.setenv("MUKHATTAT_DATABASE_URL", empty_url)
    assert run(["db", "up"]) == 0
    assert "configured server" in capsys.readouterr().out
    assert run(["db", "status"]) == 0
    assert f"migration: {head_revision()}" in capsys.readouterr().out


def test_local_cluster_up_status_down(env_settings, capsys):
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-cli-"))
    folder.chmod(0o755)
    env_settings.setenv("MUKHATTAT_DATA_DIR", str(folder / "data"))
    try:
        assert run(["db", "up"]) == 0
        assert f"(created), migrated to {head_revision()}" in capsys.readouterr().out
        assert run(["db", "status"]) == 0
        assert "running: True" in capsys.readouterr().out
        assert run(["db", "down"]) == 0
        assert run(["db", "status"]) == 3
        assert "running: False" in capsys.readouterr().out
        assert run(["plans", "list"]) == 1
        assert "not running: run `mukhattat db up` first" in capsys.readouterr().err
    finally:
        run(["db", "down"])
        shutil.rmtree(folder, ignore_errors=True)


def test_rules_load_and_check(cli_db, tmp_path, capsys):
    engine = make_engine(cli_db, pool_size=1)
    with Session(engine) as session, session.begin():
        load_sample(session, tmp_path / "sample", storage_crs=CRS.from_epsg(32637))
    engine.dispose()
    assert run(["rules", "list"]) == 0
    assert "jed-demo-villas" in capsys.readouterr().out
    assert (
        run(["check", "--parcel", "101-01", "--use", "residential", "--municipality", "JED-DEMO"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("verdict: eligible")
    assert "max_coverage" in out
    assert (
        run(
            [
                "check",
                "--parcel",
                "101-01",
                "--use",
                "residential",
                "--municipality",
                "JED-DEMO",
                "--json",
            ]
        )
        == 0
    )
    assert '"verdict": "eligible"' in capsys.readouterr().out


def test_rules_load_bad_file_names_key(cli_db, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rule_set: x\nmunicipality: T\nversion: '1'\n"
        "effective_from: 2025-01-01\nsource: s\nzones: {}\n"
    )
    assert run(["rules", "load", str(path)]) == 1
    assert "bad.yaml: zones" in capsys.readouterr().err


def test_extract_batch_writes_zip(cli_db, tmp_path, capsys):
    engine = make_engine(cli_db, pool_size=1)
    with Session(engine) as session, session.begin():
        load_sample(session, tmp_path / "sample", storage_crs=CRS.from_epsg(32637))
    engine.dispose()
    out = tmp_path / "batch.zip"
    args = [
        "extract-batch",
        "--parcels",
        "101-01,101-02",
        "-o",
        str(out),
        "--municipality",
        "JED-DEMO",
    ]
    assert run(args) == 0
    assert "2 extracts" in capsys.readouterr().out
    assert sorted(zipfile.ZipFile(out).namelist())[-1] == "manifest.json"
