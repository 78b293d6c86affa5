"""Throwaway PostgreSQL clusters for the benchmarks, and a stop on SIGTERM that cleans up.

Each benchmark starts its own cluster from the machine's binaries (`plans.storage.cluster`)
and must destroy it however it ends: SIGTERM (a CI timeout, `kill`) is turned into a
`SystemExit`, which unwinds through the clusters' `finally`.
"""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from plans.storage import cluster as local


@contextlib.contextmanager
def throwaway_cluster(folder: Path, *, durable: bool) -> Iterator[tuple[local.Cluster, int]]:
    """Start a new cluster in `folder` (made if missing); yield it and its port; destroy it."""
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)  # as root the cluster runs as the postgres user, who must reach it
    cluster = local.locate_cluster(folder)
    try:
        local.initialise(cluster)
        yield cluster, local.start(cluster, durable=durable)
    finally:
        local.destroy(cluster)


@contextlib.contextmanager
def scratch_cluster() -> Iterator[str]:
    """Start a non-durable cluster in a temporary folder; yield its superuser URL; remove all."""
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-bench-"))
    try:
        with throwaway_cluster(folder, durable=False) as (cluster, port):
            yield local.superuser_url(cluster, port, "postgres")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    """Signal handler: exit, unwinding through every `finally` (clusters, services)."""
    raise SystemExit(128 + signum)
