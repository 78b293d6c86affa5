"""Benchmark of printed plan extracts: request to file bytes, A4 and A3, PDF and 300-dpi PNG.

Starts a throwaway PostgreSQL cluster and loads the synthetic city of `bench_tiles.py` (by
default 2,000 zones and 20,000 parcels, the size the issue's targets name), then times
`plans.extracts.issue_extract` end to end (parcel, zones and neighbours read from PostGIS,
rendering, SHA-256, registration) for a parcel near the centre at 1:1000, bilingual.
Everything runs in one transaction that is rolled back.

Baselines, timed in the same run: for a PDF, the same page with TrueType fonts
(``pdf.fonttype`` 42) instead of our Type 3; for a PNG, the same page as PDF (ratio = PNG/PDF).
Peak memory is Python's (tracemalloc) over one run, plus the process's maximum RSS at the end.

Usage: .venv/bin/python bench/extracts.py [--zones N] [--parcels N] [--runs K] [--record]
"""

import argparse
import contextlib
import datetime as dt
import os
import resource
import shlex
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pyproj import CRS
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tiles
from throwaway import scratch_cluster

from plans.extracts import ExtractOptions, ExtractRequest, issue_extract
from plans.extracts import render as render_module
from plans.extracts import service as service_module
from plans.storage.models import Parcel

RESULTS = Path(__file__).with_name("RESULTS.md")
PAGES = (("a4", "pdf"), ("a3", "pdf"), ("a4", "png"), ("a3", "png"))
TARGETS_S = {("a4", "pdf"): 0.5, ("a3", "pdf"): 1.0, ("a4", "png"): 1.5, ("a3", "png"): 1.5}
MUNICIPALITY = "JED-BENCH"


@dataclass(frozen=True)
class Timing:
    """Median seconds of one page and of its baseline, with sizes and peak memory."""

    paper: str
    fmt: str
    ours_s: float
    base_s: float
    size: int
    peak_mb: float

    @property
    def ratio(self) -> float:
        """Our median over the baseline's."""
        return self.ours_s / self.base_s

    @property
    def name(self) -> str:
        """E.g. ``extract A4 pdf``."""
        return f"extract {self.paper.upper()} {self.fmt}"


def centre_parcel(session: Session) -> str:
    """Return the number of the parcel nearest the city centre."""
    centre = func.ST_SetSRID(func.ST_MakePoint(*bench_tiles.CENTRE), bench_tiles.SRID)
    number = session.scalar(
        select(Parcel.number).order_by(func.ST_Distance(Parcel.geom, centre)).limit(1)
    )
    assert number is not None
    return number


def issue(session: Session, parcel: str, paper: str, fmt: str) -> bytes:
    """Issue one A4/A3 1:1000 bilingual extract of `parcel`; return its bytes."""
    request = ExtractRequest(
        municipality=MUNICIPALITY,
        parcel=parcel,
        options=ExtractOptions(paper=paper, scale=1000, lang="ar+en", format=fmt),  # type: ignore[arg-type]
    )
    issued = issue_extract(
        session,
        request,
        storage_crs=CRS.from_epsg(bench_tiles.SRID),
        verify_base_url="https://plans.example.sa",
    )
    return issued.content


@contextlib.contextmanager
def truetype_fonts() -> Iterator[None]:
    """Render PDFs with TrueType (fonttype 42) fonts inside the block: the baseline."""
    original = service_module.render_extract
    service_module.render_extract = partial(render_module.render_extract, fonttype=42)
    try:
        yield
    finally:
        service_module.render_extract = original


def median_seconds(run: Callable[[], bytes], runs: int) -> tuple[float, int]:
    """Return the median of `runs` timed calls (after one warm-up) and the output size."""
    size = len(run())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def peak_mb(run: Callable[[], bytes]) -> float:
    """Return Python's peak traced allocation during one call, in MB."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1024**2
    finally:
        tracemalloc.stop()


def measure(engine: Engine, runs: int) -> list[Timing]:
    """Time every page and its baseline in one rolled-back transaction."""
    timings = []
    with Session(engine) as session, session.begin():
        parcel = centre_parcel(session)
        for paper, fmt in PAGES:
            run = partial(issue, session, parcel, paper, fmt)
            ours, size = median_seconds(run, runs)
            if fmt == "pdf":
                with truetype_fonts():
                    base, _ = median_seconds(run, runs)
            else:
                base, _ = median_seconds(partial(issue, session, parcel, paper, "pdf"), runs)
            timings.append(Timing(paper, fmt, ours, base, size, peak_mb(run)))
        session.rollback()
    return timings


def render_table(timings: Sequence[Timing]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| page | median | baseline | ratio | target | size | peak (Python) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.name} | {_s(t.ours_s)} | {_s(t.base_s)} | {t.ratio:.2f} "
        f"| {_s(TARGETS_S[(t.paper, t.fmt)])} | {t.size / 1024:.0f} KB | {t.peak_mb:.0f} MB |"
        for t in timings
    ]
    return "\n".join(lines)


def record(timings: Sequence[Timing], *, command: str, context: str) -> None:
    """Append one row per page to bench/RESULTS.md."""
    today, machine = dt.date.today().isoformat(), bench_tiles.describe_machine()
    rows = []
    for t in timings:
        baseline = "TrueType fonts (fonttype 42)" if t.fmt == "pdf" else "the same page as PDF"
        notes = (
            f"1:1000 ar+en, request to bytes incl. PostGIS reads and registration; baseline = "
            f"{baseline}; {t.size / 1024:.0f} KB; Python peak {t.peak_mb:.0f} MB; "
            f"target {_s(TARGETS_S[(t.paper, t.fmt)])}; {context}"
        )
        rows.append(
            f"| {today} | {machine} | {t.name} | `{command}` | {_s(t.ours_s)} "
            f"| {_s(t.base_s)} | {t.ratio:.2f} | {notes} |\n"
        )
    with RESULTS.open("a") as results:
        results.writelines(rows)


def _s(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=2_000, help="about how many zones")
    parser.add_argument("--parcels", type=int, default=20_000, help="about how many parcels")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page")
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if min(args.zones, args.parcels, args.runs) < 1:
        parser.error("--zones, --parcels and --runs must be at least 1")
    return args


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    load = os.getloadavg()[0]
    city = bench_tiles.build_city(args.zones, args.parcels)
    with scratch_cluster() as server_url:
        engine = bench_tiles.prepare_database(server_url)
        bench_tiles.load_city(engine, city)
        timings = measure(engine, args.runs)
        engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    context = (
        f"{len(city.zone_codes):,} zones / {len(city.parcel_numbers):,} parcels, "
        f"{args.runs} runs; max RSS {rss_mb:.0f} MB; load avg {load:.1f} before"
    )
    print(f"{context}\n")
    print(render_table(timings))
    if args.record:
        command = shlex.join([".venv/bin/python", "bench/extracts.py", *argv])
        record(timings, command=command, context=context)
        print(f"\nrecorded {len(timings)} rows in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
