"""Benchmark of pattern-sheet digitising on the two real 1958 sheets, against stock tools.

For West Hartford and Bloomfield (../shared/data/real/hartford-ct-1950s-zoning-scans), in one
run:

- ours: `gis.digitise.digitise(..., style="pattern")` with the key's swatch boxes
  (tests/gis/data/*-legend.json) and the municipal limit as extent, poly2 fit;
- stock: what a careful user does with stock tools: grey, Gaussian blur (sigma = half the
  largest key period), nearest key grey (each swatch's mean grey after the same blur), GDAL
  sieve, polygonize, vertices through the same poly2 fit; no ink handling, no cleaning.

Both are scored in EPSG:32618 inside the traced districts (see tests/gis/real_sheets.py) and
timed end to end (read to zones). Legend detection (`mukhattat legend detect`'s
`gis.legend_detect.detect_key`) is run on each sheet too and scored against the given legend:
key entries found, and found with their code read right (targets: 10 of West Hartford's 12,
8 of Bloomfield's 9).

Usage: .venv/bin/python bench/patterns.py [--record]
"""

import argparse
import datetime as dt
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from affine import Affine
from rasterio.features import shapes, sieve
from scipy import ndimage
from shapely.geometry import shape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis.crs import reproject
from gis.gcps import read_gcps
from gis.georef import fit_transform
from gis.raster import read_scan
from tests.gis.real_sheets import (
    GCP_CRS,
    SCORE_CRS,
    SHEETS,
    KeyScore,
    RealSheet,
    load_sheet,
    run_sheet,
    score_key,
    score_real,
)

RESULTS = Path(__file__).with_name("RESULTS.md")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MACHINE = "2 cores, 24 GB, AMD EPYC"
KEY_TARGETS = {"west-hartford-1958": 10, "bloomfield-1958": 8}


def stock(sheet: RealSheet) -> list[tuple[str, Any]]:
    """Blur, nearest key grey, sieve, polygonize: the stock-tools workflow."""
    image = read_scan(sheet.scan)
    grey = image.astype(np.float32).mean(axis=2)
    blurred = ndimage.gaussian_filter(grey, 4.0)
    keys = np.array(
        [
            np.mean([blurred[b.y0 : b.y1, b.x0 : b.x1].mean() for b in e.samples])
            for e in sheet.legend.entries
        ]
    )
    labels = (np.abs(blurred[:, :, None] - keys).argmin(axis=2) + 1).astype(np.uint8)
    sieved = sieve(labels, size=400, connectivity=4)
    fitted = fit_transform(read_gcps(sheet.gcps_path), method="poly2")
    zones = []
    for geojson, value in shapes(sieved, connectivity=4, transform=Affine.identity()):
        polygon = shapely.transform(shape(geojson), fitted.apply)
        code = sheet.legend.codes[int(value) - 1]
        zones.append((code, reproject(polygon, GCP_CRS, SCORE_CRS)))
    return zones


def measure(name: str) -> dict[str, Any]:
    sheet = load_sheet(SHARED, name)
    start = time.perf_counter()
    result, ours = run_sheet(sheet)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    stock_zones = stock(sheet)
    stock_s = time.perf_counter() - start
    theirs = score_real(stock_zones, sheet.truth)
    start = time.perf_counter()
    key = score_key(sheet)
    key_s = time.perf_counter() - start
    return {"name": name, "ours": ours, "ours_s": ours_s, "stock": theirs, "stock_s": stock_s,
            "textures": result.report["textures"], "key": key, "key_s": key_s}  # fmt: skip


def targets(score: Any, seconds: float) -> str:
    """Which of the issue's targets a sheet meets (area accuracy, mean IoU, polygons, time)."""
    checks = {
        "accuracy >= 0.90": score.accuracy >= 0.90,
        "mean IoU >= 0.80": score.mean_iou >= 0.80,
        "polygons <= 1.5x": score.polygon_ratio <= 1.5,
        "<= 30 s": seconds <= 30.0,
    }
    missed = [name for name, ok in checks.items() if not ok]
    return "all targets met" if not missed else "targets NOT met: " + ", ".join(missed)


def key_figures(figures: dict[str, Any]) -> str:
    """Legend detection's figures against the issue's target for the sheet."""
    key: KeyScore = figures["key"]
    need = KEY_TARGETS[figures["name"]]
    met = "met" if key.labelled >= need else "NOT met"
    return (
        f"legend detect: {key.found} of {key.entries} key entries found, {key.labelled} with "
        f"their code, {key.detected} detected in all, {figures['key_s']:.1f} s "
        f"(target {need} of {key.entries} with labels: {met})"
    )


def row(figures: dict[str, Any], load: float) -> str:
    ours, theirs = figures["ours"], figures["stock"]
    notes = (
        f"ours: area accuracy {ours.accuracy:.3f}, mean IoU {ours.mean_iou:.3f}, polygons "
        f"{ours.polygon_ratio:.1f}x truth; stock (blur, nearest key grey, sieve, polygonize): "
        f"{theirs.accuracy:.3f}, {theirs.mean_iou:.3f}, {theirs.polygon_ratio:.1f}x; "
        f"{targets(ours, figures['ours_s'])}; local spectra, key-seeded self-training, period "
        f"{figures['textures']['period_px']} px, window {figures['textures']['window_px']} px, "
        f"cell {figures['textures']['step_px']} px; {key_figures(figures)}; "
        f"load avg {load:.1f} before"
    )
    ratio = figures["ours_s"] / figures["stock_s"]
    return (
        f"| {dt.date.today()} | {MACHINE} | patterns {figures['name']} | "
        f"`{shlex.join(['.venv/bin/python', 'bench/patterns.py', '--record'])}` | "
        f"{figures['ours_s']:.1f} s | {figures['stock_s']:.1f} s | {ratio:.2f} | {notes} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = [row(measure(name), load) for name in SHEETS]
    for line in rows:
        print(line)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
