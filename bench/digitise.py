"""Benchmark of `gis.digitise` against a stock pipeline on a large synthetic colour sheet.

Generates a synthetic sheet (A1 at 300 dpi by default: 9933 x 7016 px, 1:2500, so 0.2117 m per
pixel) with exact ground truth, writes it as a tiled GeoTIFF-less TIFF, then times, each in a
fresh process (so peak memory is the pipeline's own):

- ours: `gis.digitise.digitise(path, gcps, legend)` (windowed read, colour model, ink fill,
  texture merge, sieve, polygonise, coverage clean/merge/simplify);
- stock: what the manual GDAL workflow does, minus the warp: read the scan, nearest legend
  colour (or white paper, as nodata) per pixel in RGB, `sieve`, `shapes` with the affine fit of
  the GCPs; no ink handling, no cleaning.

Both are scored against the truth (mean IoU, gaps, polygon count).

`--kind outline` digitises an outline-only sheet (black boundaries, printed labels, no fills:
faces of the line network coded by OCR) and also prints the OCR time per label. The stock
workflow cannot read such a sheet at all (it has no colour to match: every pixel is paper or
ink), so its row is skipped for outline sheets and no ratio is recorded.

Usage: .venv/bin/python bench/digitise.py [--kind printed|faded|pencil|outline] [--paper a0|a1|a2]
       [--runs K] [--record]
"""

import argparse
import datetime as dt
import math
import multiprocessing as mp
import resource
import shlex
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.errors
import shapely
from affine import Affine
from machine import describe_machine
from rasterio.features import shapes, sieve
from shapely.geometry import shape

from gis.digitise import digitise
from gis.georef import fit_transform
from gis.raster import read_scan
from gis.scoring import score_zones
from gis.synthetic import make_sheet

RESULTS = Path(__file__).with_name("RESULTS.md")
PAPER = {"a0": (9933, 14043), "a1": (7016, 9933), "a2": (4961, 7016)}  # 300 dpi, landscape (h, w)
PIXEL_SIZE = 0.0254 / 300 * 2500  # 1:2500 at 300 dpi
MIN_AREA_M2 = 25.0


def stock(path: str, gcps: Any, legend: Any) -> list[tuple[str, Any]]:
    """Nearest legend colour (white paper as nodata) + sieve + polygonize, no ink handling."""
    image = read_scan(path)
    palette = np.array([entry.colors[0] for entry in legend.entries] + [(255, 255, 255)], float)
    labels = np.empty(image.shape[:2], np.uint8)
    for start in range(0, image.shape[0], 512):  # rows at a time, to bound the float buffer
        block = image[start : start + 512].astype(np.float32)
        distance = ((block[:, :, None, :] - palette[None, None].astype(np.float32)) ** 2).sum(-1)
        labels[start : start + 512] = distance.argmin(axis=2) + 1
    del image
    sieved = sieve(labels, size=max(1, int(MIN_AREA_M2 / PIXEL_SIZE**2)), connectivity=4)
    matrix = fit_transform(gcps, method="affine").parameters
    transform = Affine(*matrix[0], *matrix[1])
    paper = len(legend.entries) + 1
    codes = legend.codes
    return [
        (codes[int(value) - 1], shape(geom))
        for geom, value in shapes(sieved, mask=sieved != paper, transform=transform)
    ]


def ours(path: str, gcps: Any, legend: Any) -> list[tuple[str, Any]]:
    """`gis.digitise.digitise` with the defaults and an affine transform."""
    result = digitise(path, gcps, legend, method="affine", min_area_m2=MIN_AREA_M2)
    ocr = result.report.get("ocr")
    if ocr is not None:
        print(
            f"  ocr: {ocr['words']} words read, {ocr['labels_read']} labels, "
            f"{ocr['ms_per_label']} ms per label ({ocr['ms_per_tesseract_call']} ms per "
            f"tesseract call), {len(ocr['unlabelled'])} unlabelled faces, "
            f"{len(ocr['conflicts'])} conflicts; timings {result.report['timings']}",
            flush=True,
        )
    else:
        print(f"  ours: timings {result.report['timings']}", flush=True)
    return [(zone.code, zone.geometry) for zone in result.zones]


def _child(name: str, path: str, gcps: Any, legend: Any, queue: Any) -> None:
    start = time.perf_counter()
    zones = {"ours": ours, "stock": stock}[name](path, gcps, legend)
    seconds = time.perf_counter() - start
    peak_gb = _peak_rss_gb()
    queue.put((seconds, peak_gb, zones))


def _peak_rss_gb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run_once(name: str, path: str, gcps: Any, legend: Any) -> tuple[float, float, list[Any]]:
    """Run one pipeline in a fresh process; return seconds, peak RSS in GB and its zones."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(name, path, gcps, legend, queue))
    process.start()
    result: tuple[float, float, list[Any]] = queue.get()
    process.join()
    return result


def summarise(zones: list[Any], truth: Any) -> dict[str, float]:
    """Mean IoU, gaps (holes + missing area) and polygon count of a result."""
    parts = [(code, part) for code, geom in zones for part in shapely.get_parts(geom)]
    score = score_zones(parts, truth, step=2.0)
    return {
        "miou": score.mean_iou,
        "gap_share": (score.gap_area + score.missing_area) / sum(g.area for _, g in truth),
        "overlap": score.overlap_area,
        "count": len(parts),
        "f1_1m": score.boundary_f1[1.0],
    }


def measure(
    sheet: Any, runs: int, names: Sequence[str] = ("ours", "stock")
) -> tuple[dict[str, list[float]], dict[str, float], Any]:
    """Write the sheet as a TIFF and time the pipelines `runs` times, alternating."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "scan.tif")
        profile = {"driver": "GTiff", "count": 3, "dtype": "uint8", "tiled": True,
                   "compress": "deflate", "height": sheet.image.shape[0],
                   "width": sheet.image.shape[1]}  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            out = rasterio.open(path, "w", **profile)
        with out:
            out.write(np.moveaxis(sheet.image, -1, 0))
        times: dict[str, list[float]] = {name: [] for name in names}
        peaks: dict[str, float] = {}
        quality: dict[str, dict[str, float]] = {}
        for run in range(runs):
            for name in names:
                seconds, peak, zones = run_once(name, path, sheet.gcps, sheet.legend)
                times[name].append(seconds)
                peaks[name] = max(peaks.get(name, 0.0), peak)
                if run == 0:
                    quality[name] = summarise(zones, sheet.truth)
                print(f"run {run} {name}: {seconds:.1f} s, peak {peak:.2f} GB")
    return times, peaks, quality


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--kind", default="printed", choices=["printed", "faded", "pencil", "outline"]
    )
    parser.add_argument("--paper", default="a1", choices=sorted(PAPER))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    height, width = PAPER[args.paper]
    # keep the rotated frame's corners on the scan (the rotation is at most 2.5 degrees)
    margin = 20 + math.ceil(max(height, width) * math.sin(math.radians(2.5)) / 2)
    start = time.perf_counter()
    sheet = make_sheet(
        args.kind, seed=args.seed, height=height - 2 * margin, width=width - 2 * margin,
        cells=80, codes=6, pixel_size=PIXEL_SIZE, margin=margin,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    print(f"generated {args.kind} {args.paper} {sheet.image.shape} in {elapsed:.0f} s")
    names = ("ours",) if args.kind == "outline" else ("ours", "stock")
    times, peaks, quality = measure(sheet, args.runs, names)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name in names:
        q = quality[name]
        print(
            f"{name}: median {median[name]:.1f} s, peak {peaks[name]:.2f} GB, mean IoU "
            f"{q['miou']:.3f}, gaps {q['gap_share']:.2%}, polygons {q['count']} / "
            f"{len(sheet.truth)}, boundary F1@1m {q['f1_1m']:.3f}"
        )
    if args.record:
        record(args, median, peaks, quality, len(sheet.truth), sheet.image.shape)


def record(
    args: argparse.Namespace,
    median: dict[str, float],
    peaks: dict[str, float],
    quality: dict[str, dict[str, float]],
    truth_count: int,
    shape_: tuple[int, ...],
) -> None:
    """Append one row to bench/RESULTS.md."""
    command = "bench/digitise.py " + shlex.join(sys.argv[1:])
    q = quality["ours"]
    if "stock" not in quality:  # outline sheets: the stock workflow cannot read them
        notes = (
            f"{args.kind} {args.paper.upper()} 300 dpi synthetic, {shape_[1]}x{shape_[0]} px, "
            f"{truth_count} true regions, {args.runs} runs; ours: peak {peaks['ours']:.2f} GB, "
            f"mean IoU {q['miou']:.3f}, gaps {q['gap_share']:.2%}, overlap "
            f"{q['overlap']:.2g} m2, {q['count']} polygons, boundary F1@1m {q['f1_1m']:.3f}; "
            "stock: cannot read an outline sheet (no colours), not run"
        )
        _append(args, command, f"{median['ours']:.1f} s | - | - | {notes}")
        return
    s = quality["stock"]
    notes = (
        f"{args.kind} {args.paper.upper()} 300 dpi synthetic, {shape_[1]}x{shape_[0]} px, "
        f"{truth_count} true regions, {args.runs} runs; ours: peak {peaks['ours']:.2f} GB, "
        f"mean IoU {q['miou']:.3f}, gaps {q['gap_share']:.2%}, overlap {q['overlap']:.2g} m2, "
        f"{q['count']} polygons, boundary F1@1m {q['f1_1m']:.3f}; stock (nearest colour + "
        f"sieve + polygonize, no warp): peak {peaks['stock']:.2f} GB, mean IoU "
        f"{s['miou']:.3f}, gaps {s['gap_share']:.2%}, {s['count']} polygons, F1@1m "
        f"{s['f1_1m']:.3f}"
    )
    _append(
        args,
        command,
        f"{median['ours']:.1f} s | {median['stock']:.1f} s | "
        f"{median['ours'] / median['stock']:.2f} | {notes}",
    )


def _append(args: argparse.Namespace, command: str, cells: str) -> None:
    """Append a row (date, machine, name, command, then `cells`) to bench/RESULTS.md."""
    row = (
        f"| {dt.date.today().isoformat()} | {describe_machine()} | digitise {args.kind} "
        f"{args.paper.upper()} | `.venv/bin/python {command}` | {cells} |\n"
    )
    with RESULTS.open("a") as results:
        results.write(row)
    print(f"recorded in {RESULTS}")


if __name__ == "__main__":
    main(sys.argv[1:])
