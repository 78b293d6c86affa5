"""HTTP overhead of the tile and feature endpoints against the raw queries, on a city-sized layer.

Builds the synthetic city of `bench_tiles.py` (by default 50,000 zones and 200,000 parcels) in a
throwaway cluster, serves `api.app:app_from_env` with uvicorn on loopback (1 worker by default,
like the one in-process connection; `--workers 1 2` also runs 2 workers) and measures, in the
same run, over the city centre:

- tiles at z13, z15 and z17, zones and parcels: (a) the raw query, `tiles.mvt.zones_tile` /
  `parcels_tile` (the prebuilt statement, bound and sent) through one long-lived SQLAlchemy
  session on a connection made as the app's are (short-query settings, psycopg's automatic
  prepare from the fifth run); (a2) the storage side of a request in-process, synchronously: a
  pooled read session per call from an engine like the app's, the versions shown known from
  the process's cache (the app itself reads on the event loop, `plans.storage.reads`); (b) the
  HTTP latency of the same tile from one keep-alive standard-library connection
  (`service.LeanClient`), sequential requests. The three alternate run after run; medians
  after a warm-up; target b/a <= 1.3. The HTTP body must equal the in-process tile, byte for
  byte.
- zone tiles answered 304 to `If-None-Match` (target median <= 2 ms), against the HTTP floor
  (`GET /conformance`: routing, middleware and JSON, no database), and that floor through
  `httpx.Client` to show what a heavier client adds.
- `GET /collections/{parcels,zones}/items?limit=1000&bbox=<the z13 centre tile>` (1,000 features,
  target median <= 100 ms), against the storage function called in-process.

`--profile FILE` then samples the server with py-spy (collapsed stacks into FILE) while the z17
zones tile is requested for `--profile-seconds`, and prints the hottest frames.

Usage: .venv/bin/python bench/http_tiles.py [--zones N] [--parcels N] [--runs K]
       [--workers 1 [2]] [--profile FILE] [--py-spy PATH] [--record]
"""

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType

import httpx
import mapbox_vector_tile
import morecantile
from pyproj import Transformer
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tiles import (
    CENTRE,
    SRID,
    build_city,
    import_mvt,
    load_city,
    prepare_database,
)
from machine import RESULTS, append_results
from service import (
    LeanClient,
    LeanResponse,
    Service,
    server_stack,
    start_service,
    stop_service,
    wait_ready,
)
from throwaway import scratch_cluster, stop_on_signal
from tile_profile import profile

from plans.storage.database import database_url, describe_server, make_engine
from plans.storage.parcels import parcel_features
from plans.storage.zones import zone_features

ZOOMS = (13, 15, 17)
LAYERS = ("zones", "parcels")
FEATURES_LIMIT = 1000
TARGET_RATIO = 1.3
TARGET_304_MS = 2.0
TARGET_FEATURES_MS = 100.0
WARM_UP = 3
TIMEOUT_S = 30.0
_TMS = morecantile.tms.get("WebMercatorQuad")


@dataclass(frozen=True)
class Row:
    """One measured benchmark: median and same-run baseline in ms, target, notes."""

    benchmark: str
    median_ms: float
    baseline_ms: float
    target: str
    met: bool | None  # None: the target does not apply (e.g. an empty tile)
    notes: str

    @property
    def ratio(self) -> float:
        """The median over the baseline."""
        return self.median_ms / self.baseline_ms if self.baseline_ms > 0 else float("inf")

    @property
    def verdict(self) -> str:
        """'met', 'MISSED' or 'n/a'."""
        return {True: "met", False: "MISSED", None: "n/a"}[self.met]


@dataclass(frozen=True)
class Bench:
    """What every measurement needs: the in-process session and sessions, the client, the data."""

    raw: Session
    sessions: sessionmaker[Session]
    client: LeanClient
    reference: httpx.Client  # the same server through httpx, to show what the client costs
    version_id: int
    runs: int
    workers: int


# --- timing --------------------------------------------------------------------------------------


def _ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def interleaved_medians(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Warm every call up, then run them in turn `runs` times; return each one's median in ms."""
    for _ in range(WARM_UP):
        for call in calls.values():
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs):
        for name, call in calls.items():
            times[name].append(_ms(call))
    return {name: statistics.median(values) for name, values in times.items()}


def http_get(
    client: LeanClient | httpx.Client, path: str, status: int, **headers: str
) -> LeanResponse | httpx.Response:
    """GET `path`, read the whole body, and insist on `status`."""
    response = client.get(path, headers=headers)
    if response.status_code != status:
        raise RuntimeError(f"GET {path}: {response.status_code}, expected {status}")
    return response


# --- tiles ---------------------------------------------------------------------------------------


def centre_tile(zoom: int) -> morecantile.Tile:
    """Return the tile holding the city centre at `zoom`."""
    lon, lat = Transformer.from_crs(SRID, 4326, always_xy=True).transform(*CENTRE)
    return _TMS.tile(lon, lat, zoom)


def raw_tile(bench: Bench, mvt: ModuleType, layer: str, tile: morecantile.Tile) -> bytes:
    """The tile from `tiles.mvt` through the long-lived session (what bench_tiles times)."""
    envelope = mvt.tile_envelope(tile.z, tile.x, tile.y)
    if layer == "zones":
        return bytes(mvt.zones_tile(bench.raw, envelope, version_ids=[bench.version_id]))
    return bytes(mvt.parcels_tile(bench.raw, envelope))


def request_path_tile(bench: Bench, mvt: ModuleType, layer: str, tile: morecantile.Tile) -> bytes:
    """The tile as the route makes it, in-process: a read session per call, the versions shown
    known from the process's cache (a hit, as for every request after the first)."""
    envelope = mvt.tile_envelope(tile.z, tile.x, tile.y)
    with bench.sessions() as session:
        if layer == "parcels":
            return bytes(mvt.parcels_tile(session, envelope))
        return bytes(mvt.zones_tile(session, envelope, version_ids=[bench.version_id]))


def same_tile(expected: bytes, got: bytes) -> str:
    """Compare two tiles: 'identical', 'same features' (in another order) or 'DIFFERENT'."""
    if expected == got:
        return "identical"

    def features(data: bytes) -> list[tuple[object, str, str]]:
        layers = mapbox_vector_tile.decode(data)
        return sorted(
            (f.get("id"), repr(f["properties"]), repr(f["geometry"]))
            for layer in layers.values()
            for f in layer["features"]
        )

    return "same features" if features(expected) == features(got) else "**DIFFERENT**"


def tile_path(layer: str, tile: morecantile.Tile) -> str:
    """The endpoint's path of a tile."""
    return f"/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.mvt"


def measure_tile(bench: Bench, mvt: ModuleType, layer: str, tile: morecantile.Tile) -> Row:
    """Time raw query, in-process request path and HTTP, alternately; check the bodies agree."""
    raw = partial(raw_tile, bench, mvt, layer, tile)
    path = partial(request_path_tile, bench, mvt, layer, tile)
    http = partial(http_get, bench.client, tile_path(layer, tile), 200)
    body = raw()
    same = same_tile(body, path()) + ", " + same_tile(body, http().content)
    medians = interleaved_medians({"raw": raw, "path": path, "http": http}, bench.runs)
    empty = not body
    met = None if empty else medians["http"] <= TARGET_RATIO * medians["raw"]
    notes = (
        f"tile {tile.z}/{tile.x}/{tile.y}, {_size(len(body))}"
        f"{', below the layer min zoom: ratio not meaningful' if empty else ''}; "
        f"in-process request path (read session, cached versions) {_fmt(medians['path'])}; "
        f"request path / HTTP vs raw tile: {same}"
    )
    return Row(
        benchmark=f"{layer} tile HTTP z{tile.z} ({_workers(bench.workers)})",
        median_ms=medians["http"],
        baseline_ms=medians["raw"],
        target=f"≤ {TARGET_RATIO} x raw",
        met=met,
        notes=notes,
    )


def measure_not_modified(bench: Bench, tile: morecantile.Tile) -> Row:
    """Time the zones tile's 304 answer to `If-None-Match` against the HTTP floor."""
    path = tile_path("zones", tile)
    etag = http_get(bench.client, path, 200).headers["etag"]
    cached = partial(http_get, bench.client, path, 304, **{"If-None-Match": etag})
    floor = partial(http_get, bench.client, "/conformance", 200)
    httpx_floor = partial(http_get, bench.reference, "/conformance", 200)
    medians = interleaved_medians(
        {"cached": cached, "floor": floor, "httpx": httpx_floor}, bench.runs
    )
    return Row(
        benchmark=f"zones tile 304 HTTP z{tile.z} ({_workers(bench.workers)})",
        median_ms=medians["cached"],
        baseline_ms=medians["floor"],
        target=f"≤ {TARGET_304_MS:g} ms",
        met=medians["cached"] <= TARGET_304_MS,
        notes=f"tile {tile.z}/{tile.x}/{tile.y}, If-None-Match {etag}; "
        "baseline = GET /conformance (no database) on the same connection; the same "
        f"through httpx.Client: {_fmt(medians['httpx'])} ms",
    )


# --- features ------------------------------------------------------------------------------------


def features_bbox() -> tuple[float, float, float, float]:
    """The lon/lat bounds of the z13 centre tile (thousands of zones and parcels)."""
    box = _TMS.bounds(centre_tile(13))
    return box.left, box.bottom, box.right, box.top


def in_process_features(bench: Bench, collection: str) -> int:
    """One page of features from the storage function, in its own transaction; return its size."""
    finder = zone_features if collection == "zones" else parcel_features
    with bench.sessions() as session, session.begin():
        page = finder(session, bbox=features_bbox(), limit=FEATURES_LIMIT)
    return len(page.features)


def measure_features(bench: Bench, collection: str) -> Row:
    """Time a page of 1,000 features over HTTP against the storage function in-process."""
    bbox = ",".join(f"{v:.6f}" for v in features_bbox())
    url = f"/collections/{collection}/items?limit={FEATURES_LIMIT}&bbox={bbox}"
    http = partial(http_get, bench.client, url, 200)
    first = http()
    document = first.json()
    medians = interleaved_medians(
        {"http": http, "storage": partial(in_process_features, bench, collection)}, bench.runs
    )
    returned = document["numberReturned"]
    return Row(
        benchmark=f"{collection} features HTTP {returned:,} ({_workers(bench.workers)})",
        median_ms=medians["http"],
        baseline_ms=medians["storage"],
        target=f"≤ {TARGET_FEATURES_MS:g} ms",
        met=medians["http"] <= TARGET_FEATURES_MS and returned == FEATURES_LIMIT,
        notes=f"bbox {bbox} (z13 centre tile), {returned:,} of {document['numberMatched']:,} "
        f"matched, {_size(len(first.content))} GeoJSON; baseline = `{finder_name(collection)}` "
        "in-process (count + page, no JSON encoding)",
    )


def finder_name(collection: str) -> str:
    """The storage function behind a collection."""
    return "zone_features" if collection == "zones" else "parcel_features"


# --- the service ---------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(url: str, folder: Path, workers: int) -> Iterator[Service]:
    """Run uvicorn on a free loopback port until the block ends (process group killed)."""
    folder.mkdir(parents=True, exist_ok=True)
    service = start_service(url, folder, workers, admin_url=url)
    try:
        wait_ready(service)
        yield service
    finally:
        stop_service(service)


def measure_service(bench: Bench) -> list[Row]:
    """Every measurement against one running service."""
    mvt = import_mvt()
    rows = [measure_tile(bench, mvt, layer, centre_tile(z)) for z in ZOOMS for layer in LAYERS]
    rows += [measure_not_modified(bench, centre_tile(z)) for z in ZOOMS]
    rows += [measure_features(bench, collection) for collection in ("parcels", "zones")]
    return rows


# --- reporting -----------------------------------------------------------------------------------


def render_table(rows: Sequence[Row]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| benchmark | median | baseline (same run) | ratio | target | verdict | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.benchmark} | {_fmt(r.median_ms)} | {_fmt(r.baseline_ms)} | {_ratio(r)} "
        f"| {r.target} | {r.verdict} | {r.notes} |"
        for r in rows
    ]
    return "\n".join(lines)


def record(rows: Sequence[Row], *, command: str, context: str) -> None:
    """Append one row per benchmark to bench/RESULTS.md."""
    append_results(
        [(r.benchmark, _fmt(r.median_ms), _fmt(r.baseline_ms), _ratio(r),
          f"target {r.target}: {r.verdict}; {r.notes}; {context}") for r in rows],
        command,
    )  # fmt: skip


def _fmt(value: float) -> str:
    return f"{value:.3g} ms" if value < 100 else f"{value:.0f} ms"


def _ratio(row: Row) -> str:
    return "n/a" if row.met is None and row.target.endswith("raw") else f"{row.ratio:.2f}"


def _size(size: int) -> str:
    if size == 0:
        return "empty"
    return f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.2f} MB"


def _workers(n: int) -> str:
    return f"{n} worker{'s' if n > 1 else ''}"


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=50_000, help="about how many zones")
    parser.add_argument("--parcels", type=int, default=200_000, help="about how many parcels")
    parser.add_argument("--runs", type=int, default=25, help="timed runs per measurement")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="uvicorn workers")
    parser.add_argument("--profile", type=Path, help="py-spy collapsed stacks to this file")
    parser.add_argument("--profile-seconds", type=float, default=15.0)
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    parser.add_argument("--budget", type=int, default=1800, help="give up after this many s")
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if min(args.zones, args.parcels, *args.workers) < 1 or args.runs < 15:
        parser.error("--zones, --parcels and --workers must be at least 1, --runs at least 15")
    return args


def run_services(args: argparse.Namespace, url: str, version_id: int) -> list[Row]:
    """Start the service once per worker count and measure it; profile the first if asked."""
    rows: list[Row] = []
    app_engine = make_engine(url, short_queries=True)  # like the app's: pre-ping, auto-prepare
    reads = app_engine.execution_options(isolation_level="AUTOCOMMIT")  # the app's read sessions
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-http-"))
    try:
        with Session(app_engine) as raw:  # one connection, made as the app's are
            for workers in args.workers:
                with (
                    serving(url, folder / f"w{workers}", workers) as service,
                    httpx.Client(base_url=service.base, timeout=TIMEOUT_S) as reference,
                    contextlib.closing(LeanClient(service.base, timeout=TIMEOUT_S)) as client,
                ):
                    bench = Bench(raw, sessionmaker(reads), client, reference, version_id,
                                  args.runs, workers)  # fmt: skip
                    rows += measure_service(bench)
                    if args.profile and workers == args.workers[0]:
                        request = partial(
                            http_get, client, tile_path("zones", centre_tile(17)), 200
                        )
                        profile(service, request, args.profile, args.profile_seconds, args.py_spy)
    finally:
        app_engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGALRM, stop_on_signal)
    signal.alarm(args.budget)
    load, start = os.getloadavg()[0], time.perf_counter()
    city = build_city(args.zones, args.parcels)
    with scratch_cluster() as server_url:
        engine = prepare_database(server_url)
        try:
            version_id = load_city(engine, city)
            setup_s = time.perf_counter() - start
            versions = describe_server(engine)
            url = database_url(server_url, "mukhattat_bench")
            rows = run_services(args, url, version_id)
        finally:
            engine.dispose()
    signal.alarm(0)
    context = (
        f"{len(city.zone_codes):,} zones / {len(city.parcel_numbers):,} parcels, {args.runs} runs "
        f"(medians after {WARM_UP} warm-up), one keep-alive http.client connection, sequential, "
        "loopback; "
        f"uvicorn ({server_stack()}), non-durable cluster; PostgreSQL "
        f"{versions['postgresql'].split()[0]}, PostGIS {versions['postgis']}; "
        f"load avg {load:.1f} before"
    )
    print(f"{context}; city built and loaded in {setup_s:.0f} s\n")
    print(render_table(rows))
    if args.record:
        command = shlex.join([".venv/bin/python", "bench/http_tiles.py", *argv])
        record(rows, command=command, context=context)
        print(f"\nrecorded {len(rows)} rows in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
