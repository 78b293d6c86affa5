"""Quality of `gis.digitise` over seeds of each synthetic style, against issues 3 and 9's targets.

For each kind (printed, faded photocopy, hand-drawn pencil, outline-only, black-and-white
pattern) and each seed, draws a synthetic sheet at the 1:2500 pixel of a 300 dpi scan (0.2117 m)
with its map furniture (double frame, ticks, legend, title block: the frame must be found),
digitises it with the defaults and scores it against its exact truth (`gis.scoring.score_zones`).
Prints, per kind, the mean over seeds (and the worst seed) of: mean IoU, boundary F1 at 1 m, gap
and overlap area, polygons over the truth's count, junction RMS, and seconds per sheet, each
against its target:

    mean IoU >= 0.97 printed, 0.93 faded, 0.90 pencil, 0.90 outline; boundary F1 @ 1 m >= 0.90;
    no gap, no overlap; polygons <= 1.5x the truth; junction RMS <= 0.5 m at 1:2500.

Issue 9 sets only the mean IoU for pattern sheets (>= 0.93); their other verdicts are issue 3's.

Usage: .venv/bin/python bench/digitise_quality.py [--seeds 5] [--kinds printed faded ...]
       [--size 1400 2000] [--record]
"""

import argparse
import datetime as dt
import os
import shlex
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from machine import describe_machine
from shapely.geometry.base import BaseGeometry

from gis.digitise import digitise
from gis.scoring import Score, score_zones
from gis.synthetic import make_sheet

RESULTS = Path(__file__).with_name("RESULTS.md")
PIXEL_SIZE = 0.0254 / 300 * 2500  # 1:2500 at 300 dpi
KINDS = ("printed", "faded", "pencil", "outline", "pattern")
IOU_TARGET = {"printed": 0.97, "faded": 0.93, "pencil": 0.90, "outline": 0.90, "pattern": 0.93}
F1_TARGET = 0.90
POLYGON_TARGET = 1.5
JUNCTION_TARGET_M = 0.5
OVERLAP_TOLERANCE_M2 = 1e-6  # floating-point dust of shared edges, not an overlap


@dataclass(frozen=True)
class Outcome:
    """One digitised sheet: its score and how long it took."""

    seed: int
    score: Score
    seconds: float
    truth: list[tuple[str, BaseGeometry]]


@dataclass(frozen=True)
class Summary:
    """A kind's outcomes over seeds: means, worst seeds and the verdicts against the targets."""

    kind: str
    outcomes: list[Outcome]

    def mean(self, values: Sequence[float]) -> float:
        """The mean over seeds."""
        return statistics.fmean(values)

    @property
    def iou(self) -> list[float]:
        """Mean IoU per seed."""
        return [o.score.mean_iou for o in self.outcomes]

    @property
    def f1(self) -> list[float]:
        """Boundary F1 at 1 m per seed."""
        return [o.score.boundary_f1[1.0] for o in self.outcomes]

    @property
    def polygons(self) -> list[float]:
        """Polygons over the truth's count per seed."""
        return [o.score.polygon_ratio for o in self.outcomes]

    @property
    def junctions(self) -> list[float]:
        """Junction RMS (m) per seed, unmatched junctions counted as missing (NaN)."""
        return [o.score.junction_rms for o in self.outcomes]

    @property
    def gap_m2(self) -> float:
        """Largest gap area (holes in the coverage, inside its extent) over seeds."""
        return max(o.score.gap_area for o in self.outcomes)

    @property
    def missing_share(self) -> float:
        """Largest share of the truth's area the coverage does not reach (e.g. at the frame)."""
        return max(o.score.missing_area / sum(g.area for _, g in o.truth) for o in self.outcomes)

    @property
    def overlap_m2(self) -> float:
        """Largest overlap area over seeds."""
        return max(o.score.overlap_area for o in self.outcomes)

    @property
    def unmatched_junctions(self) -> int:
        """True junctions without a predicted one nearby, over all seeds."""
        return sum(o.score.junctions_true - o.score.junctions_matched for o in self.outcomes)

    def verdicts(self) -> dict[str, bool]:
        """Each target: met or not (means over seeds)."""
        return {
            f"IoU >= {IOU_TARGET[self.kind]}": self.mean(self.iou) >= IOU_TARGET[self.kind],
            f"F1@1m >= {F1_TARGET}": self.mean(self.f1) >= F1_TARGET,
            "no gap": self.gap_m2 == 0,
            "no overlap": self.overlap_m2 <= OVERLAP_TOLERANCE_M2,
            f"polygons <= {POLYGON_TARGET}x": self.mean(self.polygons) <= POLYGON_TARGET,
            f"junction RMS <= {JUNCTION_TARGET_M} m": bool(
                self.mean(self.junctions) <= JUNCTION_TARGET_M
            ),
        }

    def line(self) -> str:
        """The kind's figures as one line of text."""
        seconds = self.mean([o.seconds for o in self.outcomes])
        return (
            f"mean IoU {self.mean(self.iou):.3f} (worst {min(self.iou):.3f}), "
            f"F1@1m {self.mean(self.f1):.3f} (worst {min(self.f1):.3f}), "
            f"gaps {self.gap_m2:.3g} m2, overlaps {self.overlap_m2:.3g} m2, truth area not "
            f"reached {100 * self.missing_share:.3f}% (worst seed), "
            f"polygons {self.mean(self.polygons):.2f}x (worst {max(self.polygons):.2f}x), "
            f"junction RMS {self.mean(self.junctions):.2f} m (worst "
            f"{np.nanmax(self.junctions):.2f} m, {self.unmatched_junctions} unmatched), "
            f"{seconds:.1f} s a sheet"
        )


def run_kind(kind: str, seeds: int, size: tuple[int, int]) -> Summary:
    """Digitise and score `seeds` sheets of `kind`."""
    outcomes = []
    for seed in range(seeds):
        sheet = make_sheet(
            kind, seed=seed, height=size[0], width=size[1], cells=30, pixel_size=PIXEL_SIZE,
            furniture=True,
        )  # fmt: skip
        start = time.perf_counter()
        result = digitise(sheet.image, sheet.gcps, sheet.legend, method="affine")
        seconds = time.perf_counter() - start
        score = score_zones([(z.code, z.geometry) for z in result.zones], sheet.truth)
        outcomes.append(Outcome(seed, score, seconds, list(sheet.truth)))
        print(
            f"  {kind} seed {seed}: IoU {score.mean_iou:.3f}, F1@1m {score.boundary_f1[1.0]:.3f}"
            f", polygons {score.polygon_ratio:.2f}x, junction RMS {score.junction_rms:.2f} m "
            f"({score.junctions_matched}/{score.junctions_true}), {seconds:.1f} s",
            flush=True,
        )
    return Summary(kind, outcomes)


def record(summaries: Sequence[Summary], command: str, context: str) -> None:
    """Append one row per kind to bench/RESULTS.md (the mean IoU as the measured value)."""
    today, machine = dt.date.today().isoformat(), describe_machine()
    lines = []
    for s in summaries:
        verdicts = "; ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in s.verdicts().items())
        lines.append(
            f"| {today} | {machine} | digitise quality {s.kind} | `{command}` "
            f"| IoU {s.mean(s.iou):.3f} | target {IOU_TARGET[s.kind]} "
            f"| {s.mean(s.iou) / IOU_TARGET[s.kind]:.3f} | {s.line()}; {verdicts}; {context} |\n"
        )
    with RESULTS.open("a") as results:
        results.writelines(lines)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--size", type=int, nargs=2, default=[1400, 2000], help="map px (h w)")
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.seeds < 1 or min(args.size) < 200:
        parser.error("--seeds must be at least 1 and --size at least 200 200")
    return args


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    load = os.getloadavg()[0]
    summaries = [run_kind(kind, args.seeds, tuple(args.size)) for kind in args.kinds]
    context = (
        f"{args.seeds} seeds, {args.size[0]}x{args.size[1]} px map at {PIXEL_SIZE:.4f} m/px "
        f"(1:2500, 300 dpi) with frame, legend and title block, 30 cells; load avg {load:.1f} "
        "before"
    )
    print(f"\n{context}")
    for s in summaries:
        verdicts = ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in s.verdicts().items())
        print(f"{s.kind}: {s.line()}\n  {verdicts}")
    if args.record:
        command = shlex.join([".venv/bin/python", "bench/digitise_quality.py", *argv])
        record(summaries, command, context)
        print(f"\nrecorded {len(summaries)} rows in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
