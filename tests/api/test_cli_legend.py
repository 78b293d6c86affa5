"""`mukhattat legend detect`: a draft legend JSON from a sheet's printed key."""

import numpy as np
from PIL import Image

from api.cli import run
from gis.legend import read_legend
from gis.synthetic import make_sheet


def _scan(tmp_path, image):
    path = tmp_path / "scan.png"
    Image.fromarray(image).save(path)
    return path


def test_detect_writes_a_legend_read_legend_accepts(tmp_path, capsys):
    sheet = make_sheet("printed", seed=1, furniture=True, codes=5)
    out, preview = tmp_path / "legend.json", tmp_path / "key.png"
    code = run(["legend", "detect", str(_scan(tmp_path, sheet.image)), "-o", str(out),
                "--preview", str(preview)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    legend = read_legend(out)
    assert len(legend.entries) == 5
    assert "RES_A" in legend.codes
    assert all(entry.samples and entry.pattern for entry in legend.entries)
    assert Image.open(preview).size[0] > 0
    assert "wrote 5 key entries" in capsys.readouterr().out


def test_detect_missing_scan_exits_1_with_one_line(tmp_path, capsys):
    code = run(["legend", "detect", str(tmp_path / "nope.png"), "-o", str(tmp_path / "l.json")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot read scan") and err.count("\n") == 1


def test_detect_blank_sheet_exits_1_naming_the_problem(tmp_path, capsys):
    scan = _scan(tmp_path, np.full((300, 400, 3), 250, np.uint8))
    code = run(["legend", "detect", str(scan), "-o", str(tmp_path / "l.json")])
    assert code == 1
    assert "no printed key found" in capsys.readouterr().err
    assert not (tmp_path / "l.json").exists()


def test_detect_without_output_exits_2_naming_option(tmp_path, capsys):
    scan = _scan(tmp_path, np.full((30, 40, 3), 250, np.uint8))
    assert run(["legend", "detect", str(scan)]) == 2
    assert "--output" in capsys.readouterr().err
