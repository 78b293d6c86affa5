"""Load test and fault run of the HTTP service: uvicorn with several workers on loopback.

Starts a throwaway PostgreSQL cluster (durable, like production), loads the sample town, then
serves `api.app:app_from_env` with `uvicorn --workers N` on a free 127.0.0.1 port. Two runs follow,
each bounded in time and in request count:

- load: a mixed workload (zones and parcels tiles at z14-z17 over the town, OGC feature pages
  with a bbox, `POST /permits/check` on random parcels, `POST /extracts` when the app serves it,
  and `/health` as the floor) for `--seconds`; requests/s, errors and latency percentiles per kind.
- fault: the same workload; after `--fault-at` seconds PostgreSQL is stopped (fast shutdown) and,
  `--down` seconds later, started again on the same port; we count the 503s, any other error, the
  time from the database's return to the first successful check, and whether `/ready` is 200
  again with the same uvicorn processes (no restart).

The load generator is Python (httpx.AsyncClient, a fixed number of keep-alive connections, each
looping request after request), not wrk: we need latency per request kind and the time of every
response for the fault timeline, and wrk's Lua `response()` hook sees neither the latency nor a
clock, so per-kind percentiles would need a separate wrk run per kind, which is no longer a mix.
It also needs no system package. The client shares the 2 cores with the service, so requests/s
is a floor of what the service does on its own.

Usage: .venv/bin/python bench/load.py [--seconds 60] [--fault-seconds 30] [--workers 2]
       [--connections 24] [--max-requests 100000] [--record]
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import morecantile
import psycopg
from pyproj import CRS
from sqlalchemy import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_report import (
    Outage,
    Sample,
    by_kind,
    failures,
    fault_rows,
    fault_table,
    load_rows,
    load_table,
    phases,
    record_rows,
    recovery,
)
from machine import RESULTS
from service import Service, start_service, stop_service, wait_ready, worker_pids
from throwaway import stop_on_signal, throwaway_cluster

from plans.demo import load_sample
from plans.storage import cluster as local
from plans.storage.database import create_database, database_url, make_engine
from plans.storage.migrate import upgrade

SRID = 32637
DATABASE = "mukhattat"
ZOOMS = [14, 15, 16, 17]
TIMEOUT_S = 15.0  # a request slower than this counts as a hang
WEIGHTS = {
    "tile_zones": 25,
    "tile_parcels": 25,
    "features_zones": 10,
    "features_parcels": 10,
    "check": 20,
    "extract": 1,
    "health": 7,
}
_TMS = morecantile.tms.get("WebMercatorQuad")
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Shutdown)\b")


@dataclass(frozen=True)
class Call:
    """One prepared request."""

    kind: str
    method: str
    url: str
    body: dict[str, object] | None = None


# --- setup ---------------------------------------------------------------------------------------


def prepare_database(admin_url: str, folder: Path) -> str:
    """Create and migrate the database, load the sample town; return the database URL."""
    create_database(admin_url, DATABASE)
    url = database_url(admin_url, DATABASE)
    engine = make_engine(url, pool_size=1)
    try:
        upgrade(engine, srid=SRID)
        with Session(engine) as session, session.begin():
            load_sample(session, folder / "sample", storage_crs=CRS.from_epsg(SRID))
    finally:
        engine.dispose()
    return url


def restart_on_port(cluster: local.Cluster, port: int) -> None:
    """Start the stopped cluster again on `port` (`cluster.start` would pick a new port)."""
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {cluster.root}"
    command = [cluster.install.tool("pg_ctl"), "start", "-w", "-t", "60"]
    command += ["-D", str(cluster.pgdata), "-l", str(cluster.logfile), "-o", options]
    if cluster.run_as:
        command = ["runuser", "-u", cluster.run_as, "--", *command]
    subprocess.run(command, check=True, capture_output=True, cwd="/")


def database_connections(admin_url: str) -> int:
    """Return how many connections the service holds on its database."""
    conninfo = make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        row = conn.execute(query, [DATABASE]).fetchone()
    return int(row[0]) if row else 0


# --- workload ------------------------------------------------------------------------------------


async def discover(base: str, rng: random.Random) -> dict[str, list[Call]]:
    """Prepare the requests of every kind from what the service itself publishes."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        paths = (await client.get("/openapi.json")).json()["paths"]
        bounds = (await client.get("/tiles/zones.json")).json()["bounds"]
        page = await client.get("/collections/parcels/items", params={"limit": 1000})
    numbers = [f["properties"]["number"] for f in page.json()["features"]]
    tiles = list(_TMS.tiles(*bounds, zooms=ZOOMS))
    calls = {
        f"tile_{layer}": [Call(f"tile_{layer}", "GET", f"/tiles/{layer}/{t.z}/{t.x}/{t.y}.mvt")
                          for t in tiles]
        for layer in ("zones", "parcels")
    }  # fmt: skip
    for name in ("zones", "parcels"):
        calls[f"features_{name}"] = [
            Call(f"features_{name}", "GET", f"/collections/{name}/items?bbox={_bbox(bounds, rng)}")
            for _ in range(100)
        ]
    calls["check"] = [
        Call("check", "POST", "/permits/check", {"parcel": n, "use": "residential"})
        for n in numbers
    ]
    if "post" in paths.get("/extracts", {}):
        calls["extract"] = [Call("extract", "POST", "/extracts", {"parcel": n}) for n in numbers]
    calls["health"] = [Call("health", "GET", "/health")]
    return calls


def _bbox(bounds: Sequence[float], rng: random.Random) -> str:
    # A window of a quarter to a half of the town's extent, somewhere inside it.
    west, south, east, north = bounds
    width, height = (east - west) * rng.uniform(0.25, 0.5), (north - south) * rng.uniform(0.25, 0.5)
    x, y = rng.uniform(west, east - width), rng.uniform(south, north - height)
    return ",".join(f"{v:.6f}" for v in (x, y, x + width, y + height))


async def send(client: httpx.AsyncClient, call: Call, t0: float) -> Sample:
    """Send one request and time it; never raises for HTTP or transport failures."""
    start = time.perf_counter()
    try:
        response = await client.request(call.method, call.url, json=call.body)
    except httpx.HTTPError as exc:
        return Sample(call.kind, start - t0, time.perf_counter() - start, 0, type(exc).__name__)
    seconds, note = time.perf_counter() - start, ""
    if response.status_code >= 400:
        with contextlib.suppress(ValueError):
            note = f"{response.json().get('code')} {response.headers.get('x-request-id', '')}"
    return Sample(call.kind, start - t0, seconds, response.status_code, note, _reference(response))


def _reference(response: httpx.Response) -> str:
    if response.status_code != 200:
        return ""
    if "x-reference" in response.headers:  # an extract
        return response.headers["x-reference"]
    if response.url.path == "/permits/check":
        return str(response.json().get("reference", ""))
    return ""


async def run_load(
    base: str, calls: dict[str, list[Call]], *, t0: float, seconds: float, connections: int,
    max_requests: int, seed: int,
) -> list[Sample]:  # fmt: skip
    """Keep `connections` requests in flight until `seconds` pass or `max_requests` are sent."""
    rng, samples = random.Random(seed), []
    kinds = list(calls)
    weights = [WEIGHTS[kind] for kind in kinds]
    deadline, sent = t0 + seconds, 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT_S) as client:

        async def loop() -> None:
            nonlocal sent
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                call = rng.choice(calls[rng.choices(kinds, weights)[0]])
                samples.append(await send(client, call, t0))

        await asyncio.gather(*(loop() for _ in range(connections)))
    return samples


async def fault_run(
    base: str, calls: dict[str, list[Call]], cluster: local.Cluster, port: int,
    args: argparse.Namespace,
) -> tuple[list[Sample], Outage]:  # fmt: skip
    """Run the load while PostgreSQL is stopped at `--fault-at` and started `--down` s later."""
    t0 = time.perf_counter()
    load = asyncio.create_task(
        run_load(base, calls, t0=t0, seconds=args.fault_seconds, connections=args.connections,
                 max_requests=args.max_requests, seed=args.seed + 1)
    )  # fmt: skip
    await asyncio.sleep(args.fault_at)
    down_at = time.perf_counter() - t0
    await asyncio.to_thread(local.stop, cluster)
    await asyncio.sleep(args.down)
    await asyncio.to_thread(restart_on_port, cluster, port)
    outage = Outage(down_at=down_at, up_at=time.perf_counter() - t0)
    return await load, outage


def unstored_references(admin_url: str, samples: Sequence[Sample]) -> dict[str, tuple[int, int]]:
    """Per kind, how many references were answered with 200 and how many are not stored."""
    tables = {"check": "permit_check", "extract": "extract"}
    conninfo = make_url(database_url(admin_url, DATABASE)).set(drivername="postgresql")
    counts = {}
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as conn:
        for kind, table in tables.items():
            given = [s.reference for s in samples if s.kind == kind and s.reference]
            query = f"SELECT count(*) FROM {table} WHERE reference = ANY(%s)"
            row = conn.execute(query, [given]).fetchone()
            counts[kind] = (len(given), len(given) - (int(row[0]) if row else 0))
    return counts


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load run")
    parser.add_argument("--fault-seconds", type=float, default=30, help="length of the fault run")
    parser.add_argument("--fault-at", type=float, default=10, help="stop PostgreSQL after (s)")
    parser.add_argument("--down", type=float, default=5, help="keep PostgreSQL down for (s)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--connections", type=int, default=24, help="concurrent connections")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per run, at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if min(args.seconds, args.workers, args.connections, args.max_requests) < 1:
        parser.error("--seconds, --workers, --connections and --max-requests must be >= 1")
    if not 0 < args.fault_at < args.fault_at + args.down < args.fault_seconds:
        parser.error("need 0 < --fault-at and --fault-at + --down < --fault-seconds")
    return args


def load_phase(
    service: Service, calls: dict[str, list[Call]], args: argparse.Namespace
) -> tuple[dict[str, list[Sample]], float, str]:
    """Run the load run; print it and return its groups, its length and its integrity note."""
    t0 = time.perf_counter()
    samples = asyncio.run(
        run_load(service.base, calls, t0=t0, seconds=args.seconds, connections=args.connections,
                 max_requests=args.max_requests, seed=args.seed)
    )  # fmt: skip
    seconds = max(s.end for s in samples)
    groups = by_kind(samples, list(WEIGHTS))
    print(f"## Load run: {seconds:.1f} s, {args.connections} connections\n")
    print(load_table(groups, seconds))
    print(f"\nfailures: {dict(failures(samples)) or 'none'}")
    note = f"{integrity(service, samples)}; load avg {os.getloadavg()[0]:.1f} at the end"
    return groups, seconds, note


def fault_phase(
    service: Service, calls: dict[str, list[Call]], cluster: local.Cluster, port: int,
    args: argparse.Namespace,
) -> tuple[list[Sample], Outage, float | None, str]:  # fmt: skip
    """Run the fault run; print its phases and whether the service recovered by itself."""
    pids = worker_pids(service)
    samples, outage = asyncio.run(fault_run(service.base, calls, cluster, port, args))
    recovered = recovery(samples, outage)
    ready = httpx.get(f"{service.base}/ready", timeout=10).status_code
    same = service.process.poll() is None and worker_pids(service) == pids
    print(f"## Fault run: PostgreSQL down {outage.down_at:.1f}-{outage.up_at:.1f} s\n")
    print(fault_table(phases(samples, outage, recovered or float("inf"))))
    back = f"{recovered - outage.up_at:.2f} s" if recovered is not None else "never"
    verdict = f"/ready {ready} afterwards, uvicorn {'never' if same else ''} restarted"
    print(f"\nfirst successful check {back} after the database was back; {verdict}")
    return samples, outage, recovered, f"{verdict}; {integrity(service, samples)}"


def integrity(service: Service, samples: Sequence[Sample]) -> str:
    """Print and return the service's connections and the answered references not stored."""
    connections = database_connections(service.admin_url)
    lost = unstored_references(service.admin_url, samples)
    note = f"{connections} database connections after the run; " + ", ".join(
        f"{missing} of {given:,} {kind} references answered 200 but not stored"
        for kind, (given, missing) in lost.items()
    )
    print(note + "\n")
    return note


def report_log(log: Path) -> str:
    """Print the service's ERROR records counted by logger and exception; return the unusual."""
    counts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and record.get("levelname") == "ERROR":
                counts[f"{record.get('name')}: {_last_error(record)}"] += 1
    print(f"service log, ERROR records: {counts.total()}")
    for what, count in counts.most_common():
        print(f"  {count:6,} {what}")
    unusual = {k: v for k, v in counts.items() if "OperationalError" not in k}
    return f"service log ERROR records other than OperationalError: {unusual or 'none'}"


def _last_error(record: dict[str, object]) -> str:
    # The traceback's last exception line (SQL and parameters lines skipped): what went wrong.
    text = str(record.get("exc_info") or record.get("message", ""))
    lines = [ln for ln in text.splitlines() if _EXCEPTION_LINE.match(ln)]
    return lines[-1][:140] if lines else text[:140]


def main(argv: Sequence[str]) -> int:
    """Set up, run the load and fault runs, clean up (also on Ctrl-C and SIGTERM)."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    context = f"load avg {os.getloadavg()[0]:.1f} before"
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-load-"))
    try:
        with throwaway_cluster(folder, durable=True) as (cluster, port):
            admin = local.superuser_url(cluster, port, "postgres")
            url = prepare_database(admin, folder)
            service = start_service(
                url, folder, args.workers, admin_url=admin, env={"MUKHATTAT_CRS": f"EPSG:{SRID}"}
            )
            try:
                rows = run_both(service, cluster, port, args, context)
            finally:
                stop_service(service)
    finally:
        keep_log(folder / "uvicorn.log")
        shutil.rmtree(folder, ignore_errors=True)
    if args.record:
        record_rows(rows, shlex.join([".venv/bin/python", "bench/load.py", *argv]))
        print(f"\nrecorded {len(rows)} rows in {RESULTS}")
    return 0


def keep_log(log: Path) -> None:
    """Copy the service log out of the throwaway folder, as evidence; print where."""
    if log.exists():
        kept = Path(tempfile.gettempdir()) / f"mukhattat-load-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
        shutil.copyfile(log, kept)
        print(f"service log kept in {kept}")


def run_both(
    service: Service, cluster: local.Cluster, port: int, args: argparse.Namespace, context: str
) -> list[tuple[str, float, float, str]]:
    """Wait for the service, run the load and fault runs; return the RESULTS rows."""
    print(f"service ready in {wait_ready(service):.1f} s at {service.base}")
    calls = asyncio.run(discover(service.base, random.Random(args.seed)))
    extracts = "in" if "extract" in calls else "absent from"
    print(f"kinds: {', '.join(calls)}; POST /extracts {extracts} the mix\n")
    groups, seconds, stored = load_phase(service, calls, args)
    fault = fault_phase(service, calls, cluster, port, args)
    logged = report_log(service.log)
    context = (
        f"{args.workers} uvicorn workers, {args.connections} connections, httpx client on the "
        f"same machine, POST /extracts {extracts} the mix; {context}"
    )
    return load_rows(groups, seconds, f"{stored}; {context}") + fault_rows(
        *fault, f"{logged}; {context}"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
