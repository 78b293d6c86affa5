"""Cockrell Hill, Texas: Mukhattat's OZFS checks side by side with zoneR's, and their speed.

For each of the four building proposals, checks all 1,019 parcels straight from the shared
files (no database), compares every land-use, height, stories, coverage and lot-size answer
with zoneR's CSVs, and times files-to-results for the whole town (footprint fit included).

    .venv/bin/python bench/ozfs_vs_zoner.py [--runs 5] [--record]

``--record`` appends the timings to bench/RESULTS.md. zoneR answers TRUE where no rule
constrains a check; Mukhattat answers not_applicable there, which is counted as agreeing.
"""

import argparse
import csv
import datetime as dt
import os
import platform
import statistics
import sys
from collections import Counter
from pathlib import Path

from pyproj import CRS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.ozfs.buildings import read_building  # noqa: E402
from plans.ozfs.check_all import check_all, check_all_files, load_town, result_rows  # noqa: E402

DATA = (
    Path(os.environ.get("MUKHATTAT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "real/cockrell-hill-tx-ozfs"
)
BUILDINGS = ("2_fam", "4_fam_tall", "4_fam_wide", "12_fam")
COMPARED = {
    "check_land_use": "res_uses",
    "check_height": "height",
    "check_floors": "stories",
    "check_lot_coverage": "lot_cov_bldg",
    "check_lot_size": "lot_size",
}
AS_ZONER = {"pass": "TRUE", "not_applicable": "TRUE", "fail": "FALSE", "needs_review": "MAYBE"}
CRS_TEXAS = CRS.from_epsg(32614)
ZONER_MS_PER_PARCEL = 41.0


def compare(name: str) -> tuple[Counter[str], list[tuple[str, str, str, str, str]]]:
    """Agreements per check and the list of disagreements for building `name`."""
    building = read_building(DATA / "buildings" / f"{name}.bldg")
    town = load_town(
        DATA / "zoning_districts.ozfs.geojson", DATA / "parcel_edges.ozfs.geojson", crs=CRS_TEXAS
    )
    ours = {row["parcel_id"]: row for row in result_rows(check_all(town, building))}
    agree: Counter[str] = Counter()
    differ = []
    with (DATA / "zoner-reference" / f"{name}.csv").open(encoding="utf-8") as stream:
        for ref in csv.DictReader(stream):
            row = ours[ref["parcel_id"]]
            if row["district"] != ref["dist_abbr"]:
                differ.append(
                    (ref["parcel_id"], "district", ref["dist_abbr"], str(row["district"]), "")
                )
            for zoner_col, our_col in COMPARED.items():
                mine = AS_ZONER[str(row[our_col])]
                if mine == ref[zoner_col]:
                    agree[our_col] += 1
                else:
                    differ.append(
                        (
                            ref["parcel_id"],
                            our_col,
                            ref[zoner_col],
                            str(row[our_col]),
                            ref["dist_abbr"],
                        )
                    )
    return agree, differ


def timings(name: str, runs: int) -> tuple[float, float, float]:
    """Median seconds files-to-results, median check-only seconds, median per-parcel ms."""
    building = read_building(DATA / "buildings" / f"{name}.bldg")
    totals, per_parcel = [], []
    for _ in range(runs):
        checks, seconds = check_all_files(
            DATA / "zoning_districts.ozfs.geojson",
            DATA / "parcel_edges.ozfs.geojson",
            building,
            crs=CRS_TEXAS,
        )
        totals.append(seconds)
        per_parcel.append(sum(c.seconds for c in checks))
    parcel_ms = 1000 * statistics.median(per_parcel) / len(checks)
    return statistics.median(totals), statistics.median(per_parcel), parcel_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    lines = []
    for name in BUILDINGS:
        agree, differ = compare(name)
        total = 1019 * len(COMPARED)
        print(f"{name}: {sum(agree.values())}/{total} answers agree; by check {dict(agree)}")
        for item in differ[:20]:
            print("   differs:", item)
        files_s, checks_s, parcel_ms = timings(name, args.runs)
        print(
            f"   files->results {files_s:.3f} s "
            f"(checks {checks_s:.3f} s, {parcel_ms:.3f} ms/parcel)"
        )
        lines.append(_row(name, files_s, parcel_ms, len(differ), total, args.runs, load))
    if args.record:
        _record(lines)


def _row(
    name: str, seconds: float, parcel_ms: float, differ: int, total: int, runs: int, load: float
) -> str:
    machine = f"{os.cpu_count()} cores, {platform.machine()}"
    baseline = ZONER_MS_PER_PARCEL * 1019 / 1000
    notes = (
        f"1,019 parcels, footprint fit included, {parcel_ms:.2f} ms/parcel checking; "
        f"{total - differ}/{total} zoneR answers agree; baseline = zoneR's recorded 41 ms/parcel "
        f"(summary.csv, not re-run here, no footprint fit); {runs} runs; load avg {load:.1f} before"
    )
    return (
        f"| {dt.date.today()} | {machine} | ozfs check-all {name} | "
        f"`.venv/bin/python bench/ozfs_vs_zoner.py --record` | {seconds:.3f} s | "
        f"{baseline:.1f} s | {seconds / baseline:.3f} | {notes} |"
    )


def _record(lines: list[str]) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    marker = "\n## Notes"
    head, sep, tail = text.partition(marker)
    path.write_text(
        head.rstrip("\n") + "\n" + "\n".join(lines) + "\n" + sep + tail, encoding="utf-8"
    )


if __name__ == "__main__":
    main()
