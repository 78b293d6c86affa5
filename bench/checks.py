"""Benchmark of permit checks: the pure engine, the service in one process, and HTTP under load.

Starts a throwaway PostgreSQL cluster (durable like production unless `--non-durable`), loads the
synthetic city of `bench_tiles.py` (blocks ringed by ROAD zones, so parcel edges on them are
fronts; 100,000 parcels by default) as one in-force plan version, and stores a rule set in force
whose zones match the city's codes (the demo villa rules on RES_A and RES_B; other zones have no
rules and answer needs_review). Then, in the same run:

1. engine: `plans.check.check_application` alone, on geometries fetched beforehand for a random
   sample of parcels (checks/s, one thread);
2. service: `plans.permits.check_permit` in one process, one session and transaction per check
   as the route does (lookups + engine + recording + commit), over the same sample;
3. http: `api.app:app_from_env` under `uvicorn --workers N` on loopback (N from `--workers`),
   `--clients` keep-alive connections sending `POST /permits/check` for random parcels for
   `--seconds` after a warm-up: median, p90, p99 and max latency, requests/s, and the ratio of
   HTTP requests/s to the in-process service's checks/s. The workers' and PostgreSQL's CPU time
   per request are measured from /proc.

The load generator and the CPU accounting are `closed_loop.py`; `--profile` adds a cProfile of
`check_permit` in-process and EXPLAIN ANALYZE of every statement one check runs
(`check_profile.py`).

Usage: .venv/bin/python bench/checks.py [--parcels 100000] [--sample 2000] [--seconds 30]
       [--workers 2,3,4] [--clients 8] [--non-durable] [--profile] [--record]
"""

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import CRS
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tiles import SRID, build_city, load_city, prepare_database
from check_profile import profile_service
from closed_loop import cpu_delta, cpu_seconds, drive, encode_posts, postgres_pids
from machine import RESULTS, append_results
from service import Service, log_tail, start_service, stop_service, wait_ready, worker_pids
from throwaway import stop_on_signal, throwaway_cluster

from plans.check import check_application
from plans.check_records import Application
from plans.demo import demo_rule_set
from plans.permits import ROAD_ZONE_CODES, SEARCH_M, PermitRequest, check_permit
from plans.rules.schema import RuleSet
from plans.rulesets import store_rule_set
from plans.storage import cluster as local
from plans.storage.check_context import find_parcel, overlays_on, zones_near
from plans.storage.database import database_url, describe_server, make_engine
from plans.storage.rule_sets import rule_sets_in_force

MUNICIPALITY = "JED-BENCH"  # the municipality bench_tiles.load_city creates
RULED_ZONES = ("RES_A", "RES_B")
USE = "residential"
TARGETS = {"p50": 10.0, "p99": 50.0, "ratio": 0.5}
_VERDICT = re.compile(rb'"verdict":\s*"(\w+)"')
STORAGE_CRS = CRS.from_epsg(SRID)


@dataclass(frozen=True)
class InProcess:
    """Per-check seconds of one in-process pass and its wall time."""

    name: str
    seconds: list[float]
    wall_s: float
    cpu_s: float  # this process's CPU time over the pass

    @property
    def rate(self) -> float:
        """Checks per second."""
        return len(self.seconds) / self.wall_s

    @property
    def p50_ms(self) -> float:
        """Median time of one check."""
        return statistics.median(self.seconds) * 1000


@dataclass(frozen=True)
class HttpRun:
    """One HTTP load run: latencies, statuses, verdicts and CPU use."""

    workers: int
    server: str
    latencies_ms: np.ndarray
    statuses: Counter[int]
    verdicts: Counter[str]
    wall_s: float
    cpu_ms: dict[str, float]  # per request: uvicorn workers, PostgreSQL, this client
    worker_cpu_s: list[float]  # each worker's CPU seconds in the run (how evenly load spread)

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return len(self.latencies_ms) / self.wall_s

    def pct(self, q: float) -> float:
        """Latency percentile in ms."""
        return float(np.percentile(self.latencies_ms, q))


# --- setup ---------------------------------------------------------------------------------------


def bench_rule_set() -> RuleSet:
    """The demo villa rules (shipped MOMRAH figures) on the city's residential zone codes."""
    document = demo_rule_set().model_dump(mode="json")
    villa = document["zones"]["RES_A"]
    document.update(
        rule_set="jed-bench-villas",
        municipality=MUNICIPALITY,
        zones=dict.fromkeys(RULED_ZONES, villa),
    )
    return RuleSet.model_validate(document)


def load_everything(admin_url: str, n_parcels: int) -> tuple[str, list[str], str]:
    """Create, migrate and fill the database; return its URL, the parcel numbers, a summary."""
    city = build_city(max(2, n_parcels // 5), n_parcels)  # 10 parcels per block
    engine = prepare_database(admin_url)
    try:
        load_city(engine, city)
        with Session(engine) as session, session.begin():
            store_rule_set(session, bench_rule_set(), created_by="bench/checks.py")
        versions = describe_server(engine)
    finally:
        engine.dispose()
    summary = (
        f"{len(city.zone_codes):,} zones / {len(city.parcel_numbers):,} parcels; "
        f"PostgreSQL {versions['postgresql'].split()[0]}, PostGIS {versions['postgis']}"
    )
    return database_url(admin_url, "mukhattat_bench"), city.parcel_numbers, summary


# --- in process ----------------------------------------------------------------------------------


def prefetch(sessions: sessionmaker[Session], numbers: Sequence[str]) -> list[tuple[Any, ...]]:
    """Fetch the engine's inputs for each parcel, as `check_permit` would."""
    on, inputs = dt.date.today(), []
    with sessions() as session:
        rule_set = rule_sets_in_force(session, MUNICIPALITY, on)[0][1]
        for number in numbers:
            parcel = find_parcel(session, MUNICIPALITY, number)
            near = zones_near(
                session, MUNICIPALITY, parcel.geom, srid=SRID, on=on, within_m=SEARCH_M
            )
            zones = [(z.zone_code, z.geom) for z in near if z.zone_code not in ROAD_ZONE_CODES]
            roads = [z.geom for z in near if z.zone_code in ROAD_ZONE_CODES]
            overlays = overlays_on(session, MUNICIPALITY, parcel.geom, srid=SRID, on=on)
            inputs.append(
                (parcel.geom.geoms[0], zones, roads, Application(use=USE), rule_set, overlays)
            )
    return inputs


def timed_pass(name: str, calls: Sequence[Callable[[], object]]) -> InProcess:
    """Run the calls one after another; time each and the whole."""
    seconds, start, cpu = [], time.perf_counter(), time.process_time()
    for call in calls:
        t = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t)
    return InProcess(name, seconds, time.perf_counter() - start, time.process_time() - cpu)


def one_check(sessions: sessionmaker[Session], number: str) -> dict[str, Any]:
    """One permit check as the route runs it: a session, one transaction, committed."""
    with sessions() as session, session.begin():
        request = PermitRequest(municipality=MUNICIPALITY, use=USE, parcel_number=number)
        return check_permit(session, request, storage_crs=STORAGE_CRS)


def in_process(url: str, numbers: Sequence[str], rounds: int) -> tuple[InProcess, InProcess]:
    """Time the pure engine and the full service; return the median round of each by rate."""
    engine = make_engine(url)  # as the app makes it: pool_pre_ping, default pool
    sessions = sessionmaker(engine)
    try:
        inputs = prefetch(sessions, numbers)
        for number in numbers[:50]:
            one_check(sessions, number)  # warm-up: connections, caches, prepared statements
        engines, services = [], []
        for _ in range(rounds):
            engines.append(timed_pass("engine", [_bind(check_application, *a) for a in inputs]))
            services.append(timed_pass("service", [_bind(one_check, sessions, n) for n in numbers]))
    finally:
        engine.dispose()
    return _median_by_rate(engines), _median_by_rate(services)


def _bind(function: Callable[..., object], *args: object) -> Callable[[], object]:
    return lambda: function(*args)


def _median_by_rate(passes: list[InProcess]) -> InProcess:
    return sorted(passes, key=lambda p: p.rate)[len(passes) // 2]


# --- HTTP ----------------------------------------------------------------------------------------


def request_body(number: str) -> bytes:
    """The JSON body of one check of parcel `number`."""
    return f'{{"parcel":"{number}","use":"{USE}","municipality":"{MUNICIPALITY}"}}'.encode()


def start_uvicorn(url: str, folder: Path, workers: int, server: str) -> Service:
    """Start the app; `server` names "default", or an extra folder holding uvloop+httptools."""
    env = {"MUKHATTAT_CRS": f"EPSG:{SRID}", "MUKHATTAT_MUNICIPALITY": MUNICIPALITY}
    args: list[str] = []
    if server != "default":  # "uvloop+httptools": from an extra folder on PYTHONPATH
        args = ["--loop", "uvloop", "--http", "httptools"]
        env["PYTHONPATH"] = server.split("=", 1)[1]
    return start_service(
        url, folder, workers, env=env, args=args, log_name=f"uvicorn-{workers}.log"
    )


# --- the HTTP run --------------------------------------------------------------------------------


def http_run(
    url: str, folder: Path, cluster: local.Cluster, numbers: Sequence[str], workers: int,
    server: str, args: argparse.Namespace,
) -> HttpRun:  # fmt: skip
    """Serve with `workers`, warm up, load for `--seconds`; stop the service."""
    service = start_uvicorn(url, folder, workers, server)
    try:
        name = server.split("=", maxsplit=1)[0]
        print(f"uvicorn --workers {workers} ({name}) ready in {wait_ready(service):.1f} s")
        port = int(service.base.rsplit(":", 1)[1])
        requests = encode_posts("/permits/check", [request_body(n) for n in numbers], port)
        asyncio.run(drive(port, requests, args.clients, args.warmup, args.seed))
        return measured_run(service, cluster, port, requests, workers, server, args)
    except Exception:
        print(f"the service failed; its log ends:\n{log_tail(service.log, 60)}", flush=True)
        raise
    finally:
        stop_service(service)


def measured_run(
    service: Service, cluster: local.Cluster, port: int, requests: Sequence[bytes],
    workers: int, server: str, args: argparse.Namespace,
) -> HttpRun:  # fmt: skip
    """The timed part of an HTTP run, with the CPU used by each side."""
    server_pids, pg_pids = worker_pids(service), postgres_pids(cluster)
    before = (cpu_seconds(server_pids), cpu_seconds(pg_pids), time.process_time())
    samples, wall = asyncio.run(drive(port, requests, args.clients, args.seconds, args.seed + 99))
    after = (cpu_seconds(server_pids), cpu_seconds(postgres_pids(cluster)), time.process_time())
    n = max(1, len(samples))
    cpu = {
        "uvicorn": cpu_delta(before[0], after[0]) * 1000 / n,
        "postgres": cpu_delta(before[1], after[1]) * 1000 / n,
        "client": (after[2] - before[2]) * 1000 / n,
    }
    verdicts = Counter(
        m.group(1).decode() if (m := _VERDICT.search(b)) else "?" for _, s, b in samples if s == 200
    )
    return HttpRun(
        workers=workers,
        server=server.split("=", maxsplit=1)[0],
        latencies_ms=np.array([ms for ms, _, _ in samples]),
        statuses=Counter(s for _, s, _ in samples),
        verdicts=verdicts,
        wall_s=wall,
        cpu_ms=cpu,
        worker_cpu_s=sorted(
            (t - before[0].get(pid, 0.0) for pid, t in after[0].items()), reverse=True
        ),
    )


# --- reporting -----------------------------------------------------------------------------------


def table(engine_pass: InProcess, service: InProcess, runs: Sequence[HttpRun]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| what | requests | per s | p50 | p90 | p99 | max | HTTP/in-process | CPU ms/request |",
        "|---" * 9 + "|",
    ]
    for p in (engine_pass, service):
        s = np.array(p.seconds) * 1000
        lines.append(
            f"| {p.name} (1 process) | {len(s):,} | {p.rate:,.0f} | {_ms(p.p50_ms)} "
            f"| {_ms(np.percentile(s, 90))} | {_ms(np.percentile(s, 99))} | {_ms(s.max())} | "
            f"| Python {p.cpu_s * 1000 / len(s):.2f} |"
        )
    for r in runs:
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in r.cpu_ms.items())
        lines.append(
            f"| HTTP {r.workers} workers ({r.server}) | {len(r.latencies_ms):,} | {r.rate:,.0f} "
            f"| {_ms(r.pct(50))} | {_ms(r.pct(90))} | {_ms(r.pct(99))} "
            f"| {_ms(r.latencies_ms.max())} | {r.rate / service.rate:.2f} | {cpu} |"
        )
    return "\n".join(lines)


def verdict(run: HttpRun, service: InProcess) -> str:
    """Whether a run meets the issue's targets, and by how much."""
    ratio = run.rate / service.rate
    checks = [
        f"p50 {_ms(run.pct(50))} {'≤' if run.pct(50) <= TARGETS['p50'] else '>'} 10 ms",
        f"p99 {_ms(run.pct(99))} {'≤' if run.pct(99) <= TARGETS['p99'] else '>'} 50 ms",
        f"throughput ratio {ratio:.2f} {'≥' if ratio >= TARGETS['ratio'] else '<'} 0.5",
    ]
    met = run.pct(50) <= 10 and run.pct(99) <= 50 and ratio >= 0.5
    return f"targets {'met' if met else 'MISSED'}: " + ", ".join(checks)


def record(
    engine_pass: InProcess, service: InProcess, runs: Sequence[HttpRun], command: str, context: str
) -> None:
    """Append the engine, service and HTTP rows to bench/RESULTS.md."""
    rows = [
        ("permit check engine only (in-process)", engine_pass.p50_ms, service.p50_ms,
         f"{engine_pass.rate:,.0f} checks/s, `check_application` on prefetched geometries; "
         "baseline = in-process service p50"),
        ("permit check service (in-process)", service.p50_ms, engine_pass.p50_ms,
         f"{service.rate:,.0f} checks/s, `check_permit` + commit per check, 1 process; "
         "baseline = engine-only p50"),
    ]  # fmt: skip
    for r in runs:
        statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(r.statuses.items()))
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in r.cpu_ms.items())
        rows.append((
            f"permit check HTTP {r.workers} workers{_server_label(r.server)}", r.pct(50),
            service.p50_ms,
            f"{verdict(r, service)}; {r.rate:,.0f} req/s vs in-process service "
            f"{service.rate:,.0f} checks/s; p90 {_ms(r.pct(90))}, max {_ms(r.latencies_ms.max())}; "
            f"statuses {statuses}; CPU ms/request {cpu}; "
            f"server {r.server}; baseline = in-process service p50",
        ))  # fmt: skip
    append_results(
        [(name, _ms(median), _ms(baseline), f"{median / baseline:.2f}", f"{notes}; {context}")
         for name, median, baseline, notes in rows],
        command,
    )  # fmt: skip


def _server_label(server: str) -> str:
    return "" if server == "default" else f" ({server})"


def _ms(value: float) -> str:
    return f"{value:.3g} ms" if value < 100 else f"{value:.0f} ms"


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000, help="parcels in the city")
    parser.add_argument("--sample", type=int, default=2_000, help="parcels checked in-process")
    parser.add_argument("--rounds", type=int, default=3, help="in-process passes (median kept)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each HTTP run")
    parser.add_argument("--warmup", type=float, default=3, help="HTTP warm-up seconds")
    parser.add_argument("--workers", default="2,3,4", help="uvicorn worker counts to try")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--extra", type=Path, help="folder with uvloop+httptools: also try them")
    parser.add_argument("--non-durable", action="store_true", help="fsync off in the cluster")
    parser.add_argument("--profile", action="store_true", help="cProfile + EXPLAIN ANALYZE")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="append rows to bench/RESULTS.md")
    args = parser.parse_args(argv)
    args.worker_counts = [int(w) for w in args.workers.split(",") if w]  # "" = in-process only
    if min(args.parcels, args.sample, args.rounds, args.clients, *args.worker_counts) < 1:
        parser.error("--parcels, --sample, --rounds, --clients and --workers must be >= 1")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be > 0 and --warmup >= 0")
    return args


def benchmark(
    args: argparse.Namespace, folder: Path
) -> tuple[InProcess, InProcess, list[HttpRun], str]:
    """Set up the cluster and data, run every part; return the results and their context."""
    with throwaway_cluster(folder / "pg", durable=not args.non_durable) as (cluster, port):
        admin = local.superuser_url(cluster, port, "postgres")
        start = time.perf_counter()
        url, numbers, summary = load_everything(admin, args.parcels)
        print(f"{summary}; loaded in {time.perf_counter() - start:.0f} s")
        sample = random.Random(args.seed).sample(numbers, min(args.sample, len(numbers)))
        engine_pass, service = in_process(url, sample, args.rounds)
        print(f"in-process: engine {engine_pass.rate:,.0f}/s, service {service.rate:,.0f}/s")
        if args.profile:
            profile_service(url, sample, one_check)
        servers = ["default"] + ([f"uvloop+httptools={args.extra}"] if args.extra else [])
        runs = [
            http_run(url, folder, cluster, numbers, w, s, args)
            for s in servers
            for w in args.worker_counts
        ]
    return engine_pass, service, runs, summary


def main(argv: Sequence[str]) -> int:
    """Run the benchmark; print the table; record it on request; always clean up."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-checks-"))
    folder.chmod(0o755)
    try:
        engine_pass, service, runs, summary = benchmark(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    durability = "fsync off" if args.non_durable else "durable cluster (fsync on)"
    context = (
        f"{summary}; {durability}; {args.clients} keep-alive clients (asyncio, same machine), "
        f"{args.seconds:.0f} s per run after {args.warmup:.0f} s warm-up; "
        f"load avg {load_before:.1f} before"
    )
    print(f"\n{context}\n\n{table(engine_pass, service, runs)}\n")
    for run in runs:
        print(f"- {run.workers} workers ({run.server}): {verdict(run, service)}")
        print(f"  verdicts {dict(run.verdicts)}, statuses {dict(run.statuses)}")
        print(f"  CPU seconds of each server process: {[round(t, 1) for t in run.worker_cpu_s]}")
    if args.record:
        command = shlex.join([".venv/bin/python", "bench/checks.py", *argv])
        record(engine_pass, service, runs, command, context)
        print(f"\nrecorded {2 + len(runs)} rows in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
