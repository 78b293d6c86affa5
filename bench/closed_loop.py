"""A closed-loop HTTP/1.1 load client and per-process CPU accounting, for the service benchmarks.

The client is minimal asyncio (pre-encoded requests, Content-Length framing) rather than httpx:
it shares the machine's cores with the service, and httpx's per-request CPU would be taken from
the server being measured. CPU time is read from /proc, per process, so the server's workers,
PostgreSQL's backends and the client are accounted separately.
"""

import asyncio
import contextlib
import os
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from plans.storage import cluster as local

TIMEOUT_S = 15.0


def encode_posts(path: str, bodies: Sequence[bytes], port: int) -> list[bytes]:
    """Pre-encode one keep-alive JSON `POST path` per body."""
    requests = []
    for body in bodies:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Read one HTTP/1.1 response framed by Content-Length; return its status and body."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def client(
    port: int, requests: Sequence[bytes], rng: random.Random, until: float, out: list[tuple]
) -> None:
    """Send requests back to back on one connection until `until`; append (ms, status, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(rng.choice(requests))
            status, body = await asyncio.wait_for(read_response(reader), TIMEOUT_S)
            out.append(((time.perf_counter() - start) * 1000, status, body))
    finally:
        writer.close()


async def drive(
    port: int, requests: Sequence[bytes], clients: int, seconds: float, seed: int
) -> tuple[list[tuple], float]:
    """Run `clients` connections for `seconds`; return the samples and the wall time."""
    out: list[tuple] = []
    start = time.perf_counter()
    rngs = [random.Random(seed + i) for i in range(clients)]
    await asyncio.gather(*(client(port, requests, r, start + seconds, out) for r in rngs))
    return out, time.perf_counter() - start


def cpu_seconds(pids: Iterator[int] | set[int]) -> dict[int, float]:
    """Return user+system CPU seconds of each live process."""
    ticks, times = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return times


def postgres_pids(cluster: local.Cluster) -> set[int]:
    """Return the postmaster and its children (backends, walwriter, checkpointer ...)."""
    postmaster = int((cluster.pgdata / "postmaster.pid").read_text().split()[0])
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        return {postmaster, *map(int, children)}
    return {postmaster}


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots (processes born in between count from zero)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())
