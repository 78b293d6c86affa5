"""Benchmark of the vector-tile queries of `tiles/mvt.py` against the naive generic-server query.

Starts a throwaway PostgreSQL cluster, loads a synthetic city in EPSG:32637 around Jeddah (a grid
of blocks and L-shaped street zones that form a valid coverage, every block subdivided into
parcels), then times `zones_tile` and `parcels_tile` on the tiles over the city centre at zooms
12-17. The baseline, timed in the same run, is what generic tile servers do with a table stored in
another CRS: transform every stored geometry to EPSG:3857, in the filter and in `ST_AsMVTGeom`,
with neither simplification nor a small-feature filter.

Every query is planned with its own parameters (psycopg auto-prepare is off, so runs do not switch
to a generic plan halfway); the server keeps its defaults (JIT on, parallel workers).

Usage: .venv/bin/python bench/bench_tiles.py [--zones N] [--parcels N] [--runs K] [--record]
"""

import argparse
import datetime as dt
import importlib
import math
import os
import shlex
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import morecantile
import numpy as np
import shapely
from machine import describe_machine
from pyproj import Transformer
from sqlalchemy import Engine, event, func, literal_column, select, text
from sqlalchemy.orm import Session
from throwaway import scratch_cluster, stop_on_signal

from plans.storage.database import create_database, database_url, describe_server, make_engine
from plans.storage.migrate import upgrade
from plans.storage.models import Parcel, SourceKind, VersionStatus, Zone
from plans.storage.municipalities import ensure_municipality
from plans.storage.plan_versions import add_version, ensure_plan
from plans.storage.zones import refresh_generalised

SRID = 32637
CENTRE = (521_000, 2_383_000)  # integer metres, so neighbouring cells share exact coordinates
BLOCK = (90, 80)
STREET = 20
PITCH = (BLOCK[0] + STREET, BLOCK[1] + STREET)
ZOOMS = range(12, 18)
MAX_TILE_BYTES = 500 * 1024
RESULTS = Path(__file__).with_name("RESULTS.md")
_TMS = morecantile.tms.get("WebMercatorQuad")


@dataclass(frozen=True)
class City:
    """Zones and parcels of the synthetic city, as multipolygons in EPSG:32637."""

    zone_codes: list[str]
    zone_geoms: np.ndarray
    parcel_numbers: list[str]
    parcel_geoms: np.ndarray


@dataclass(frozen=True)
class Timing:
    """Median query time and tile size of one layer at one tile, ours and the baseline's."""

    layer: str
    tile: morecantile.Tile
    ours_ms: float
    base_ms: float
    ours_bytes: int
    base_bytes: int

    @property
    def ratio(self) -> float:
        """Our median over the baseline's (below 1 is faster)."""
        return self.ours_ms / self.base_ms


# --- the synthetic city ------------------------------------------------------------------------


def build_city(n_zones: int, n_parcels: int) -> City:
    """Return a city of about `n_zones` zones (half blocks, half streets), `n_parcels` parcels."""
    cells = max(1, n_zones // 2)
    ncols = math.ceil(math.sqrt(cells))
    nrows = math.ceil(cells / ncols)
    col, row = np.divmod(np.arange(cells), nrows)
    x0 = CENTRE[0] - ncols * PITCH[0] // 2 + col * PITCH[0]
    y0 = CENTRE[1] - nrows * PITCH[1] // 2 + row * PITCH[1]
    blocks = shapely.box(x0, y0, x0 + BLOCK[0], y0 + BLOCK[1])
    streets = shapely.polygons(_street_rings(x0.astype(float), y0.astype(float)))
    codes = _block_codes(col, row, ncols, nrows)
    numbers, plots = _plots(x0, y0, per_block=max(1, round(n_parcels / cells)))
    return City(
        zone_codes=[*codes, *["ROAD"] * cells],
        zone_geoms=_multi(np.concatenate([blocks, streets])),
        parcel_numbers=numbers,
        parcel_geoms=_multi(plots),
    )


def _street_rings(x0: np.ndarray, y0: np.ndarray) -> np.ndarray:
    # The L of street north and east of each block, with a vertex wherever a neighbour's edge
    # ends, so the zones form a valid coverage (no T-junctions between cells).
    bw, bh, px, py = (*BLOCK, *PITCH)
    corners = [
        (bw, 0), (px, 0), (px, bh), (px, py), (bw, py), (0, py), (0, bh), (bw, bh), (bw, 0),
    ]  # fmt: skip
    return np.stack([np.stack([x0 + dx, y0 + dy], axis=-1) for dx, dy in corners], axis=1)


def _block_codes(col: np.ndarray, row: np.ndarray, ncols: int, nrows: int) -> list[str]:
    centre = (np.abs(col - ncols // 2) <= 3) & (np.abs(row - nrows // 2) <= 3)
    conditions = [
        centre | (col % 10 == 5),  # downtown and a commercial strip along every arterial
        (col % 7 == 3) & (row % 9 == 4),
        (col % 11 == 8) & (row % 13 == 6),
        (col < ncols // 8) & (row < nrows // 8),
        (col // 5 + row // 5) % 2 == 0,
    ]
    return np.select(conditions, ["COM", "EDU", "PARK", "IND", "RES_A"], "RES_B").tolist()


def _plots(x0: np.ndarray, y0: np.ndarray, *, per_block: int) -> tuple[list[str], np.ndarray]:
    rows = 2 if per_block >= 2 else 1
    cols = math.ceil(per_block / rows)
    i, j = np.meshgrid(np.arange(cols), np.arange(rows), indexing="ij")
    i, j = i.ravel(), j.ravel()
    w, h = BLOCK[0] / cols, BLOCK[1] / rows
    left = x0[:, None] + i * w
    bottom = y0[:, None] + j * h
    plots = shapely.box(left, bottom, left + w, bottom + h).ravel()
    numbers = [f"{b + 1}-{k + 1}" for b in range(len(x0)) for k in range(cols * rows)]
    return numbers, plots


def _multi(polygons: np.ndarray) -> np.ndarray:
    return shapely.multipolygons(polygons[:, np.newaxis])


# --- the database --------------------------------------------------------------------------------


def prepare_database(server_url: str) -> Engine:
    """Create and migrate the benchmark database; return an engine on it (auto-prepare off)."""
    create_database(server_url, "mukhattat_bench")
    engine = make_engine(
        database_url(server_url, "mukhattat_bench"), pool_size=1, short_queries=True
    )
    event.listen(engine, "connect", _never_prepare)
    upgrade(engine, srid=SRID)
    return engine


def _never_prepare(dbapi_connection: Any, _record: Any) -> None:
    # psycopg prepares a statement after 5 runs, and the server may then switch to a generic plan.
    dbapi_connection.prepare_threshold = None


def load_city(engine: Engine, city: City) -> int:
    """Insert the city as one in-force plan version (COPY), analyse; return the version id."""
    with Session(engine) as session, session.begin():
        municipality = ensure_municipality(session, "JED-BENCH", name_en="Jeddah (benchmark)")
        version = add_version(
            session,
            ensure_plan(session, municipality, "JED-BENCH-1"),
            effective_from=dt.date(2020, 1, 1),
            source_kind=SourceKind.VECTOR,
            source_name="bench/bench_tiles.py",
        )
        version.status = VersionStatus.IN_FORCE
        version.published_at = dt.datetime.now(dt.UTC)
        session.flush()
        raw = session.connection().connection.driver_connection
        zones = zip(city.zone_codes, _ewkb(city.zone_geoms), strict=True)
        _copy(
            raw,
            "zone (plan_version_id, zone_code, geom, confidence)",
            ((version.id, code, geom, 1.0) for code, geom in zones),
        )
        parcels = zip(city.parcel_numbers, _ewkb(city.parcel_geoms), strict=True)
        _copy(
            raw,
            "parcel (municipality_id, number, geom, source_name)",
            ((municipality.id, num, geom, "bench") for num, geom in parcels),
        )
        refresh_generalised(session, version.id)  # what add_zones does after an import
        version_id = version.id
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return version_id


def _ewkb(geoms: np.ndarray) -> np.ndarray:
    return shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True)


def _copy(raw: Any, target: str, rows: Iterator[tuple[Any, ...]]) -> None:
    with raw.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# --- the queries ---------------------------------------------------------------------------------


def import_mvt() -> ModuleType:
    """Import `tiles.mvt`, the module under test (its constants are used by the baseline too)."""
    return importlib.import_module("tiles.mvt")


def baseline_tile(
    session: Session, mvt: ModuleType, envelope: Any, *, layer: str, version_id: int
) -> bytes:
    """Return the tile as a generic tile server builds it from the storage-CRS column."""
    model = Zone if layer == "zones" else Parcel
    columns = (
        [Zone.id, Zone.zone_code, Zone.confidence] if model is Zone else [Parcel.id, Parcel.number]
    )
    where = [Zone.plan_version_id.in_([version_id])] if model is Zone else []
    box = func.ST_MakeEnvelope(*envelope.bounds, 3857)
    mercator = func.ST_Transform(model.geom, 3857)
    rows = (
        select(
            *columns, func.ST_AsMVTGeom(mercator, box, mvt.EXTENT, mvt.BUFFER, True).label("geom")
        )
        .where(mercator.op("&&")(box), *where)
        .subquery("mvt_rows")
    )
    query = select(
        func.ST_AsMVT(literal_column("mvt_rows"), layer, mvt.EXTENT, "geom", "id")
    ).select_from(rows)
    data = session.scalar(query)
    return bytes(data) if data else b""


def centre_tiles() -> list[morecantile.Tile]:
    """Return the tiles that hold the city centre at each benchmarked zoom."""
    lon, lat = Transformer.from_crs(SRID, 4326, always_xy=True).transform(*CENTRE)
    return [_TMS.tile(lon, lat, zoom) for zoom in ZOOMS]


def measure(session: Session, version_id: int, runs: int) -> list[Timing]:
    """Time both layers, ours and the baseline alternately, on every centre tile."""
    mvt = import_mvt()
    timings = []
    for tile in centre_tiles():
        envelope = mvt.tile_envelope(tile.z, tile.x, tile.y)
        ours = {
            "zones": partial(mvt.zones_tile, session, envelope, version_ids=[version_id]),
            "parcels": partial(mvt.parcels_tile, session, envelope),
        }
        for layer, query in ours.items():
            base = partial(
                baseline_tile, session, mvt, envelope, layer=layer, version_id=version_id
            )
            timings.append(_time_pair(layer, tile, query, base, runs))
    return timings


def _time_pair(
    layer: str,
    tile: morecantile.Tile,
    ours: Callable[[], bytes],
    base: Callable[[], bytes],
    runs: int,
) -> Timing:
    sizes = (len(ours()), len(base()))  # warm-up
    ours_s, base_s = [], []
    for _ in range(runs):
        ours_s.append(_seconds(ours))
        base_s.append(_seconds(base))
    return Timing(
        layer=layer,
        tile=tile,
        ours_ms=statistics.median(ours_s) * 1000,
        base_ms=statistics.median(base_s) * 1000,
        ours_bytes=sizes[0],
        base_bytes=sizes[1],
    )


def _seconds(query: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    query()
    return time.perf_counter() - start


# --- reporting -----------------------------------------------------------------------------------


def render_table(timings: Sequence[Timing]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| layer | tile | median | baseline | ratio | tile size | baseline size |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.layer} | {_name(t.tile)} | {_ms(t.ours_ms)} | {_ms(t.base_ms)} | {t.ratio:.2f} "
        f"| {_size(t.ours_bytes)} | {_size(t.base_bytes)} |"
        for t in timings
    ]
    return "\n".join(lines)


def record(timings: Sequence[Timing], *, command: str, context: str) -> None:
    """Append one row per layer and tile to bench/RESULTS.md."""
    today, machine = dt.date.today().isoformat(), describe_machine()
    rows = []
    for t in timings:
        notes = f"tile {_name(t.tile)}, {_size(t.ours_bytes)} (baseline {_size(t.base_bytes)}); "
        if t.ours_bytes > MAX_TILE_BYTES:
            notes += "**over the 500 KB budget**; "
        rows.append(
            f"| {today} | {machine} | {t.layer}_tile z{t.tile.z} | `{command}` | {_ms(t.ours_ms)} "
            f"| {_ms(t.base_ms)} | {t.ratio:.2f} | {notes}{context} |\n"
        )
    with RESULTS.open("a") as results:
        results.writelines(rows)


def _name(tile: morecantile.Tile) -> str:
    return f"{tile.z}/{tile.x}/{tile.y}"


def _ms(value: float) -> str:
    return f"{value:.3g} ms" if value < 100 else f"{value:.0f} ms"


def _size(size: int) -> str:
    if size == 0:
        return "empty"
    return f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.2f} MB"


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=20_000, help="about how many zones")
    parser.add_argument("--parcels", type=int, default=60_000, help="about how many parcels")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query")
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if min(args.zones, args.parcels, args.runs) < 1:
        parser.error("--zones, --parcels and --runs must be at least 1")
    return args


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    load, start = os.getloadavg()[0], time.perf_counter()
    city = build_city(args.zones, args.parcels)
    with scratch_cluster() as server_url:
        engine = prepare_database(server_url)
        version_id = load_city(engine, city)
        setup_s = time.perf_counter() - start
        versions = describe_server(engine)
        with Session(engine) as session:
            timings = measure(session, version_id, args.runs)
        engine.dispose()
    context = (
        f"{len(city.zone_codes):,} zones / {len(city.parcel_numbers):,} parcels, "
        f"{args.runs} runs, unprepared; PostgreSQL {versions['postgresql'].split()[0]}, "
        f"PostGIS {versions['postgis']}; load avg {load:.1f} before"
    )
    print(f"{context}; city built and loaded in {setup_s:.1f} s\n")
    print(render_table(timings))
    if args.record:
        command = shlex.join([".venv/bin/python", "bench/bench_tiles.py", *argv])
        record(timings, command=command, context=context)
        print(f"\nrecorded {len(timings)} rows in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
