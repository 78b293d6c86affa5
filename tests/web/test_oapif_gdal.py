"""GDAL's OGC API - Features driver, a client nobody here wrote, reads our collections."""

import json
import shutil
import subprocess

import pytest


@pytest.fixture(scope="module")
def gdal() -> dict[str, str]:
    tools = {name: shutil.which(name) for name in ("ogrinfo", "ogr2ogr")}
    if not all(tools.values()):
        pytest.skip("GDAL tools not installed (scripts/install-system-deps installs gdal-bin)")
    return {name: str(path) for name, path in tools.items()}


def _run(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _fetch(gdal, url, layer, tmp_path, *extra):
    out = tmp_path / f"{layer}.geojson"
    _run(gdal["ogr2ogr"], "-f", "GeoJSON", str(out), f"OAPIF:{url}", layer, *extra)
    return json.loads(out.read_text())["features"]


def test_gdal_lists_collections(gdal, live_server):
    out = _run(gdal["ogrinfo"], "-ro", "-q", f"OAPIF:{live_server}")
    assert "zones" in out and "parcels" in out


def test_gdal_reads_every_parcel_across_pages(gdal, live_server, tmp_path):
    numbers = [f["properties"]["number"] for f in _fetch(gdal, live_server, "parcels", tmp_path)]
    assert len(numbers) == 224 == len(set(numbers))


def test_gdal_reads_zones_with_codes(gdal, live_server, tmp_path):
    codes = {f["properties"]["zone_code"] for f in _fetch(gdal, live_server, "zones", tmp_path)}
    assert codes == {"RES_A", "COM", "EDU", "PARK", "ROAD"}


def test_gdal_bbox_filter(gdal, live_server, tmp_path):
    box = ("-spat", "39.19", "21.54", "39.2035", "21.5503")
    count = len(_fetch(gdal, live_server, "parcels", tmp_path, *box))
    assert 0 < count < 224
