"""`mukhattat vectorise --frame`: the map frame found and reported, or not looked for."""

import json

import pytest

from api.cli import run
from gis.synthetic import make_sheet
from gis.synthetic_files import write_sheet_files


def _vectorise(tmp_path, *extra):
    sheet = make_sheet("printed", seed=1, height=300, width=400, cells=6, codes=3, furniture=True)
    scan, gcps, legend = write_sheet_files(sheet, tmp_path)
    report = tmp_path / "report.json"
    args = ["vectorise", str(scan), "--gcps", str(gcps), "--legend", str(legend)]
    args += ["--crs", "EPSG:32637", "--method", "affine", "-o", str(tmp_path / "out.gpkg")]
    code = run([*args, "--report", str(report), *extra])
    return code, report


@pytest.mark.parametrize(("mode", "found"), [("auto", True), ("none", False)])
def test_vectorise_frame_mode_reported(env_settings, tmp_path, capsys, mode, found):
    code, report = _vectorise(tmp_path, "--frame", mode)
    assert code == 0, capsys.readouterr().err
    assert (json.loads(report.read_text())["frame"] is not None) == found


def test_vectorise_unknown_frame_mode_exits_2_naming_option(env_settings, tmp_path, capsys):
    code, _ = _vectorise(tmp_path, "--frame", "maybe")
    assert code == 2
    assert "--frame" in capsys.readouterr().err
